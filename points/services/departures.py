"""A household leaving the programme, coming back, and the erasure of its personal data.

Leaving closes what is open (uncollected vouchers are cancelled with their points and stock
given back, grants awaiting approval are withdrawn, cards and the recipient login stop
working) and refuses anything new. The record is kept, so that the household can come back,
until its personal data is erased: at once when the household asks for it, or by the
scheduled task once ``FOODBANK_HOUSEHOLD_RETENTION_DAYS`` have passed since it left.

Erasure empties the head's name, phone, address, notes and national ID, the notes of its
assessments and the free-text reasons of its grants and points entries, and anonymises its
recipient login. What remains carries no one's identity and is what the statistics and the
two ledgers need: district, member counts, scores, points entries and vouchers.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from foodbank.accounts.models import Role, User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.accounts.services import anonymise_user
from foodbank.audit.models import Action
from foodbank.audit.services import forget_origins, record
from foodbank.idempotency.models import IdempotencyKey
from foodbank.idempotency.services import strip_answers
from foodbank.web.dates import in_local_calendar

from ..errors import AdminOnly, HouseholdErased, HouseholdStillIn
from ..lock_objects import lock_household
from ..models import (
    ERASED_REASON,
    PERSONAL_FIELDS,
    EntryKind,
    GrantStatus,
    Household,
    LeavingReason,
    PointsEntry,
)
from .households import ensure_in_programme
from .vouchers import cancel_uncollected

logger = logging.getLogger(__name__)

#: Who may record a leaving, a return or an erasure (counter staff may not).
KEEPERS = (Role.ADMIN, Role.DISTRICT_STAFF)


def retention_days() -> int:
    return settings.FOODBANK_HOUSEHOLD_RETENTION_DAYS


def erasure_due_on(household: Household) -> date | None:
    """The day the scheduled task erases the personal data of a household that has left."""
    if household.left_on is None or household.erased_at is not None:
        return None
    return household.left_on + timedelta(days=retention_days())


def _ensure_keeper(by: User, household: Household) -> None:
    ensure_can_act_in(by, household.district)
    if by.role not in KEEPERS:
        raise AdminOnly(_("Only district staff and administrators may do this."))


def _checked_leaving(household: Household, reason: str, left_on: date) -> None:
    if reason not in LeavingReason.values:
        raise ValidationError({"leaving_reason": [_("Choose one of the reasons listed.")]})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": [_("The day of leaving cannot be ahead.")]})
    if left_on < timezone.localdate(household.created_at):
        message = _("The household was registered on %(date)s, after this day.") % {
            "date": in_local_calendar(household.created_at)
        }
        raise ValidationError({"left_on": [message]})


def _withdraw_pending_grants(household: Household) -> list[int]:
    pending = household.grants.filter(status=GrantStatus.PENDING)
    withdrawn = list(pending.values_list("pk", flat=True))
    pending.update(status=GrantStatus.REJECTED, decided_at=timezone.now())
    return withdrawn


def _close_access(household: Household) -> None:
    household.cards.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    if household.account_id is not None:
        User.objects.filter(pk=household.account_id).update(is_active=False)


@transaction.atomic
def record_departure(
    *, household: Household, reason: str, by: User, left_on: date | None = None
) -> Household:
    """The household leaves the programme; asking for erasure erases its data at once."""
    _ensure_keeper(by, household)
    left_on = left_on or timezone.localdate()
    _checked_leaving(household, reason, left_on)
    # Locks in the one order: the household, then its grants or vouchers, then lots.
    household = lock_household(household.pk)
    ensure_in_programme(household)
    household.left_on, household.leaving_reason = left_on, reason
    household.save(update_fields=["left_on", "leaving_reason", "updated_at"])
    cancelled = cancel_uncollected(household=household, by=by)
    withdrawn = _withdraw_pending_grants(household)
    _close_access(household)
    record(
        Action.HOUSEHOLD_LEFT,
        target=household,
        by=by,
        district_id=household.district_id,
        reason=reason,
        left_on=left_on,
        vouchers_cancelled=cancelled,
        grants_withdrawn=withdrawn,
    )
    if reason == LeavingReason.ERASURE_REQUESTED:
        return erase_household(household=household, by=by)
    return household


@transaction.atomic
def record_return(*, household: Household, by: User) -> Household:
    """A household that left comes back, with its record as it was (not once erased)."""
    _ensure_keeper(by, household)
    household = lock_household(household.pk)
    if household.erased_at is not None:
        raise HouseholdErased(_("Its personal data has been erased: register it again."))
    if household.left_on is None:
        raise HouseholdStillIn()
    household.left_on, household.leaving_reason = None, ""
    household.save(update_fields=["left_on", "leaving_reason", "updated_at"])
    if household.account_id is not None:
        User.objects.filter(pk=household.account_id).update(is_active=True)
    record(Action.HOUSEHOLD_RETURNED, target=household, by=by, district_id=household.district_id)
    return household


def _anonymise_login(account_id: int) -> None:
    account = User.objects.get(pk=account_id)
    anonymise_user(account)
    forget_origins(actor=account)


def _strip_replays(household: Household) -> None:
    """Answers kept for retried API requests (a day) that named the household: a voucher's
    (its first name) or its registration (the whole record)."""
    registration = f"POST {reverse('household-list')}"
    strip_answers(
        IdempotencyKey.objects.filter(
            Q(response_body__household=household.pk)
            | Q(endpoint=registration, response_body__id=household.pk)
        )
    )


def _erase_free_text(household: Household) -> None:
    household.assessments.exclude(notes="").update(notes="")
    household.grants.exclude(reason="").update(reason=ERASED_REASON)
    PointsEntry.objects.filter(
        household=household, kind__in=[EntryKind.GRANT, EntryKind.CORRECTION]
    ).exclude(reason__in=["", ERASED_REASON]).update(reason=ERASED_REASON)


@transaction.atomic
def erase_household(*, household: Household, by: User | None) -> Household:
    """Erase the personal data of a household that has left; ``by`` is empty for the
    scheduled task. It cannot be undone."""
    if by is not None:
        _ensure_keeper(by, household)
    household = lock_household(household.pk)
    if household.erased_at is not None:
        raise HouseholdErased()
    if household.left_on is None:
        raise HouseholdStillIn(_("Record that the household has left before erasing its data."))
    for name in PERSONAL_FIELDS:
        setattr(household, name, "")
    household.national_id_masked = household.national_id_encrypted = ""
    household.national_id_hash = f"erased:{household.pk}"
    account_id, household.account = household.account_id, None
    household.erased_at = timezone.now()
    household.save()
    if account_id is not None:
        _anonymise_login(account_id)
    _erase_free_text(household)
    _strip_replays(household)
    record(Action.HOUSEHOLD_ERASED, target=household, by=by, district_id=household.district_id)
    return household


def erase_due_households(*, today: date | None = None) -> int:
    """Erase the data of every household that left more than the retention period ago;
    each in its own transaction. Returns how many were erased."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=retention_days())
    due = Household.objects.filter(erased_at__isnull=True, left_on__lte=cutoff)
    erased = 0
    for pk in due.order_by("pk").values_list("pk", flat=True):
        try:
            erase_household(household=Household(pk=pk), by=None)
        except (HouseholdErased, HouseholdStillIn):  # erased or returned meanwhile
            continue
        except DatabaseError:  # one household's trouble does not hold the others back
            logger.exception("Could not erase the personal data of household %d", pk)
            continue
        erased += 1
    if erased:
        logger.info(
            "Erased the personal data of %d households that left on or before %s", erased, cutoff
        )
    return erased
