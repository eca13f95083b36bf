"""Writes of the open data: publishing the months that are due, and revising one by hand."""

from __future__ import annotations

import logging
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from donors.lock_objects import lock_all_districts
from donors.selectors import first_of_next_month
from foodbank.accounts.models import Role, User
from foodbank.audit.models import Action
from foodbank.audit.services import record

from ..models import OpenDataRevision, PublishedCell, PublishedMonth
from .selectors import (
    Figures,
    current_figures,
    first_month_awaiting_impact,
    import_under_way,
    last_due_month,
    last_of_month,
    months_between,
    previous_month,
    stuck_without_impact,
)

logger = logging.getLogger(__name__)


def _latest_published() -> date | None:
    return PublishedMonth.objects.aggregate(latest=Max("month"))["latest"]


def publish_due_months(*, today: date | None = None) -> list[date]:
    """Publish every month that is due and not published yet, oldest first, with today's
    figures; returns the first days of the months published. Safe to run at any time and
    twice at once: runs take turns, and the second finds the months published.

    Before the first publication, every month with figures up to the last one due is
    published; after it, the months that follow the latest one published, with or without
    figures. A month before the first publication that later gets figures (history imported
    afterwards) is published by ``revise_month``.
    """
    last = last_due_month(today or timezone.localdate())
    latest = _latest_published()
    if (latest is not None and latest >= last) or _import_under_way():
        return []
    with transaction.atomic():
        # Publishers take turns with each other and with the rollups' writers, so the
        # figures are read in one state of the rollups.
        lock_all_districts()
        latest = _latest_published()
        first = None if latest is None else first_of_next_month(latest)
        ready = _last_ready(first, last)
        if ready is None or (first is not None and first > ready):
            return []
        figures = current_figures(date_from=first, date_to=last_of_month(ready))
        if first is None:
            if not figures:
                return []
            first = min(month for month, _district in figures)
        months = months_between(first, ready)
        publications = PublishedMonth.objects.bulk_create(
            [PublishedMonth(month=month) for month in months]
        )
        _write_cells({publication.month: publication for publication in publications}, figures)
    return months


def _import_under_way() -> bool:
    if import_under_way():
        logger.info("Open data waits for a CSV import under way.")
        return True
    return False


def _last_ready(first: date | None, last: date) -> date | None:
    """The last month up to ``last`` that may be published from ``first`` on: none while an
    import is under way, else the month before the first with a drop-off on its way."""
    if _import_under_way():
        return None
    waiting = first_month_awaiting_impact(since=first, before=first_of_next_month(last))
    if waiting is not None:
        logger.info("Open data waits for the impact of drop-offs of %s.", f"{waiting:%Y-%m}")
        last = previous_month(waiting)
    stuck = stuck_without_impact(since=first, before=first_of_next_month(last))
    if stuck:
        logger.warning(
            "Open data is published without drop-offs that wait for a methodology: %s",
            ", ".join(f"#{pk}" for pk in stuck),
        )
    return last


def _write_cells(publications: dict[date, PublishedMonth], figures: Figures) -> None:
    PublishedCell.objects.bulk_create(
        PublishedCell(publication=publications[month], district_id=district, **values)
        for (month, district), values in figures.items()
        if month in publications
    )


@transaction.atomic
def revise_month(*, month: date, reason: str, by: User) -> OpenDataRevision:
    """Publish ``month`` again with today's figures, replacing what was published: to correct
    a mistake, or to publish a month of history imported after publication began.

    Anyone who kept the old figures can tell what changed in between, which may be one
    donor's gift: only an administrator revises, and the reason is kept with the revision.
    """
    if by.role != Role.ADMIN or not by.is_active:
        raise PermissionDenied(_("Only an administrator publishes open data again."))
    month, reason = month.replace(day=1), reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the month is published again.")})
    lock_all_districts()
    latest = _latest_published()
    if latest is None or month > latest:
        raise ValidationError(
            {"month": _("This month is not published yet: it is published when it is due.")}
        )
    if _last_ready(month, month) != month:
        raise ValidationError(
            {"month": _("Figures of this month are still being counted: try again later.")}
        )
    figures = current_figures(date_from=month, date_to=last_of_month(month))
    publication = PublishedMonth.objects.filter(month=month).first()
    if publication is None:  # a month before the first publication
        if not figures:
            raise ValidationError({"month": _("There are no figures for this month.")})
        publication = PublishedMonth.objects.create(month=month)
    publication.cells.all().delete()
    _write_cells({month: publication}, figures)
    revision = OpenDataRevision.objects.create(
        publication=publication, revised_by=by, reason=reason[:300]
    )
    publication.revised_at = revision.revised_at
    publication.save(update_fields=["revised_at"])
    record(Action.OPEN_DATA_REVISED, target=publication, by=by, month=f"{month:%Y-%m}")
    return revision
