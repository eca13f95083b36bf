"""The dashboard app's writes: which registered households a distribution reached, and
report exports made in the background."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from donors.models import Distribution
from donors.selectors import ImpactFilter, impact_filter_for
from foodbank.accounts.models import User
from foodbank.accounts.scoping import ensure_can_act_in
from points.models import Household
from points.national_id import keyed_hash, mask, normalise
from worker.enqueue import enqueue_after_commit

from . import reports, selectors, spreadsheets
from .models import DistributionHousehold, ExportFormat, ExportStatus, ReportExport

logger = logging.getLogger(__name__)


@transaction.atomic
def record_households_reached(
    *, distribution: Distribution, national_ids: list[str], by: User
) -> list[DistributionHousehold]:
    """Record registered households among the people a distribution reached.

    Households are found by the head's national ID, city-wide (a household registered in
    another district may collect surplus here). All or nothing: one unknown or malformed
    number records none, and the error names its line with the number masked. Recording a
    household twice for the same distribution keeps the first record.
    """
    ensure_can_act_in(by, distribution.district)
    if not national_ids:
        raise ValidationError({"national_ids": [_("Give at least one national ID.")]})
    problems, households = [], []
    for number, text in enumerate(national_ids, start=1):
        try:
            digits = normalise(text)
        except ValidationError as error:
            problems.append(
                _("Line %(n)d: %(problem)s") % {"n": number, "problem": error.messages[0]}
            )
            continue
        household = Household.objects.filter(national_id_hash=keyed_hash(digits)).first()
        if household is None:
            problems.append(
                _("Line %(n)d: no household is registered with national ID %(id)s.")
                % {"n": number, "id": mask(digits)}
            )
        else:
            households.append(household)
    if problems:
        raise ValidationError({"national_ids": problems})
    return [
        DistributionHousehold.objects.get_or_create(
            distribution=distribution, household=household, defaults={"recorded_by": by}
        )[0]
        for household in dict.fromkeys(households)
    ]


# -- report exports -----------------------------------------------------------------------

#: How long an export waits for its download before the hourly clean-up removes it.
EXPORT_KEPT_FOR = timedelta(days=1)
#: An export still waiting this long after it was asked for is queued again (its task was
#: never sent, or was lost); a second task for the same export does nothing.
LOST_AFTER = timedelta(minutes=5)
BUILD_REPORT_EXPORT = "worker.tasks.build_report_export"


def export_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.FOODBANK_EXPORTS_DIR)


def _stored_codes(codes: dict[str, Any]) -> dict[str, str | None]:
    return {
        key: value.isoformat() if isinstance(value, date) else value for key, value in codes.items()
    }


def _filter_of(export: ReportExport) -> ImpactFilter:
    codes: dict[str, Any] = dict(export.filters)
    for key in ("date_from", "date_to"):
        if codes.get(key):
            codes[key] = date.fromisoformat(codes[key])
    return impact_filter_for(export.requested_by, **codes)


@transaction.atomic
def request_report_export(
    *, by: User, codes: dict[str, Any], file_format: str, language: str
) -> ReportExport:
    """Ask for the period report as a file; a task makes it after the commit.

    The filters are checked now within ``by``'s scope (another district is a 404 for
    district staff, an unknown code a 400 naming it) and again when the file is made.
    """
    if file_format not in ExportFormat.values:
        raise ValidationError({"format": [_("Choose CSV or XLSX.")]})
    export = ReportExport(
        requested_by=by,
        file_format=file_format,
        filters=_stored_codes(codes),
        language="en" if language.startswith("en") else "th",
    )
    _filter_of(export)
    export.save()
    enqueue_after_commit(BUILD_REPORT_EXPORT, export.pk)
    return export


#: The reads a report is made of, each one step of its progress.
def _report_steps(where: ImpactFilter) -> list[tuple[str, Callable[[], Any]]]:
    return [
        ("figures", lambda: selectors.dashboard_figures(where)),
        ("months", lambda: selectors.by_month(where)),
        ("weeks", lambda: selectors.by_week(where)),
        ("groups", lambda: selectors.by_group(where)),
        ("districts", lambda: selectors.by_district(where)),
        ("categories", lambda: selectors.by_category(where)),
        ("donors", lambda: selectors.top_donors(where, limit=selectors.TOP_DONORS)),
    ]


def build_report_export(*, export_id: int) -> ReportExport:
    """Make an export's file, step by step so that its page can show progress.

    Safe to run twice: an export already started or finished is left as it is (a task
    delivered again finds it so). Each step is saved as it ends, outside any transaction,
    so that the progress is seen while the file is made.
    """
    with transaction.atomic():
        export = ReportExport.objects.select_for_update().get(pk=export_id)
        if export.status != ExportStatus.PENDING:
            return export
        steps_total = len(_report_steps(ImpactFilter())) + 1  # and writing the file
        ReportExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.RUNNING, steps_total=steps_total, started_at=timezone.now()
        )
    try:
        with translation.override(export.language):
            where = _filter_of(export)
            parts = {}
            for done, (name, read) in enumerate(_report_steps(where), start=1):
                parts[name] = read()
                ReportExport.objects.filter(pk=export.pk).update(steps_done=done)
            board = selectors.Dashboard(**parts)
            tables = reports.report_tables(board, where)
            if export.file_format == ExportFormat.XLSX:
                content = ContentFile(spreadsheets.as_xlsx(tables))
            else:
                content = ContentFile(spreadsheets.as_csv(tables).encode("utf-8"))
            name = export_storage().save(
                f"{export.requested_by_id}/report-{export.pk}.{export.file_format}", content
            )
    except Exception:
        logger.exception("Report export %s failed", export.pk)
        with translation.override(export.language):
            error = _("The file could not be made.")
        ReportExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=error, finished_at=timezone.now()
        )
        raise
    made = ReportExport.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE,
        steps_done=steps_total,
        file_name=name,
        finished_at=timezone.now(),
    )
    if not made:  # the sweep gave it up meanwhile: its page says to ask again
        export_storage().delete(name)
    export.refresh_from_db()
    return export


def sweep_report_exports(*, now: datetime | None = None) -> dict[str, int]:
    """Queue again the exports waiting longer than ``LOST_AFTER``, and fail the ones still
    being made after the task's time limit (their worker stopped: ask again)."""
    now = now or timezone.now()
    waiting = ReportExport.objects.filter(
        status=ExportStatus.PENDING, created_at__lt=now - LOST_AFTER
    )
    ids = list(waiting.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        enqueue_after_commit(BUILD_REPORT_EXPORT, pk)
    ran_out = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) - LOST_AFTER
    began_before = Q(started_at__lt=ran_out) | Q(started_at=None, created_at__lt=ran_out)
    stopped = ReportExport.objects.filter(began_before, status=ExportStatus.RUNNING)
    failed = 0
    for export in stopped.only("pk", "language"):
        with translation.override(export.language):
            error = _("The file could not be made: its work stopped. Ask for it again.")
        failed += ReportExport.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error=error, finished_at=now
        )
    return {"queued": len(ids), "failed": failed}


def remove_old_exports(*, now: Any = None) -> int:
    """Remove exports asked for more than ``EXPORT_KEPT_FOR`` ago, and their files."""
    before = (now or timezone.now()) - EXPORT_KEPT_FOR
    storage, removed = export_storage(), 0
    for export in ReportExport.objects.filter(created_at__lt=before).order_by("pk"):
        if export.file_name:
            storage.delete(export.file_name)
        export.delete()
        removed += 1
    return removed
