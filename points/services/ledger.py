"""The points ledger: grants and their approval, voucher debits and refunds, corrections,
expiry. Every write locks the household's row, so its balance and entries move together."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from foodbank.accounts.models import Role, User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.audit.models import Action
from foodbank.audit.services import record
from foodbank.language import in_city_language

from ..errors import AlreadyRefunded, GrantAlreadyDecided, InsufficientPoints, SecondApproverNeeded
from ..lock_objects import lock_grant, lock_household
from ..models import EntryKind, Grant, GrantStatus, Household, PointsEntry
from . import buckets
from .households import ensure_in_programme
from .policies import policy_for, recommend

APPROVERS = (Role.ADMIN, Role.DISTRICT_STAFF)


def _not_enough(household: Household, points: int) -> InsufficientPoints:
    message = _("The household has %(balance)d points; %(points)d are needed.") % {
        "balance": household.balance,
        "points": points,
    }
    return InsufficientPoints(message, fields={"points": [message]})


def _write(
    *, household: Household, kind: str, points: int, by: User | None, **fields: Any
) -> PointsEntry:
    """Append an entry and move the (locked) household's balance by the same points."""
    if kind in (EntryKind.GRANT, EntryKind.VOUCHER_DEBIT):
        ensure_in_programme(household)
    if household.balance + points < 0:
        raise _not_enough(household, -points)
    entry = PointsEntry(household=household, kind=kind, points=points, created_by=by, **fields)
    try:
        with transaction.atomic():
            Household.objects.filter(pk=household.pk).update(balance=F("balance") + points)
            entry.save()
    except IntegrityError as error:
        raise _not_enough(household, -points) from error
    household.balance += points
    record(
        Action.POINTS_ENTRY,
        target=entry,
        by=by,
        district_id=household.district_id,
        household=household.pk,
        kind=kind,
        points=points,
    )
    return entry


def _check_points(points: int) -> None:
    if not isinstance(points, int) or points <= 0:
        raise ValidationError({"points": [_("Give a whole number of points above zero.")]})


def _credit(grant: Grant, by: User | None) -> PointsEntry:
    household = lock_household(grant.household_id)
    # Valid for N days: the day of the grant and the N - 1 days after it.
    expires_on = timezone.localdate() + timedelta(days=grant.validity_days - 1)
    return _write(
        household=household,
        kind=EntryKind.GRANT,
        points=grant.points,
        by=by,
        grant=grant,
        expires_on=expires_on,
        reason=grant.reason,
    )


@transaction.atomic
def grant_points(*, household: Household, points: int, by: User, reason: str = "") -> Grant:
    """Award points. A different amount from the recommendation needs a reason; above the
    district's threshold the grant waits for a second staff member's approval."""
    ensure_can_act_in(by, household.district)
    ensure_in_programme(lock_household(household.pk))
    _check_points(points)
    policy = policy_for(household.district)
    assessment = household.assessments.first()  # the latest: assessments sort newest first
    recommended = recommend(policy, household, assessment).points
    reason = reason.strip()
    if points != recommended and not reason:
        message = _("The recommendation is %(n)d points: say why this grant differs.") % {
            "n": recommended
        }
        raise ValidationError({"reason": [message]})
    pending = points > policy.approval_threshold
    grant = Grant.objects.create(
        household=household,
        points=points,
        recommended_points=recommended,
        reason=reason,
        assessment=assessment,
        validity_days=policy.validity_days,
        status=GrantStatus.PENDING if pending else GrantStatus.APPROVED,
        requested_by=by,
        decided_at=None if pending else timezone.now(),
    )
    if pending:
        record(
            Action.GRANT_REQUESTED,
            target=grant,
            by=by,
            district_id=household.district_id,
            household=household.pk,
            points=points,
        )
    else:
        _credit(grant, by)
    return grant


def _decide(grant: Grant, by: User) -> Grant:
    lock_household(grant.household_id)  # the household first, as every points write takes it
    grant = lock_grant(grant.pk)
    ensure_can_act_in(by, grant.household.district)
    if by.role not in APPROVERS:
        raise SecondApproverNeeded()
    if grant.status != GrantStatus.PENDING:
        raise GrantAlreadyDecided()
    if grant.requested_by_id == by.pk:
        raise SecondApproverNeeded()
    grant.decided_by = by
    grant.decided_at = timezone.now()
    return grant


def _record_decision(action: Action, grant: Grant, by: User) -> None:
    record(
        action,
        target=grant,
        by=by,
        district_id=grant.household.district_id,
        household=grant.household_id,
        points=grant.points,
    )


@transaction.atomic
def approve_grant(*, grant: Grant, by: User) -> Grant:
    """A second staff member approves; only now do the points count."""
    grant = _decide(grant, by)
    grant.status = GrantStatus.APPROVED
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    _record_decision(Action.GRANT_APPROVED, grant, by)
    _credit(grant, grant.requested_by)
    return grant


@transaction.atomic
def reject_grant(*, grant: Grant, by: User) -> Grant:
    grant = _decide(grant, by)
    grant.status = GrantStatus.REJECTED
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    _record_decision(Action.GRANT_REJECTED, grant, by)
    return grant


@transaction.atomic
def debit_points(
    *, household: Household, points: int, by: User, reason: str = "", reference: str = ""
) -> PointsEntry:
    """Take points for a voucher from the valid grants, earliest expiry first; refused (and
    nothing written) beyond what is valid today."""
    _check_points(points)
    household = lock_household(household.pk)
    today = timezone.localdate()
    _settle(household, today)
    debit = _write(
        household=household,
        kind=EntryKind.VOUCHER_DEBIT,
        points=-points,
        by=by,
        reason=reason,
        reference=reference,
    )
    buckets.take(debit, points, today)
    return debit


@transaction.atomic
def refund_debit(*, debit: PointsEntry, by: User | None, reason: str = "") -> PointsEntry:
    """Give back a voucher debit's points (cancelled or expired voucher), once. Points whose
    grant has expired meanwhile expire again at once."""
    household = lock_household(debit.household_id)
    if debit.kind != EntryKind.VOUCHER_DEBIT:
        raise ValidationError({"debit": [_("Only a voucher debit can be refunded.")]})
    if debit.followed_by.exists():
        raise AlreadyRefunded()
    refund = _write(
        household=household,
        kind=EntryKind.VOUCHER_REFUND,
        points=-debit.points,
        by=by,
        reason=reason,
        refers_to=debit,
        reference=debit.reference,
    )
    buckets.give_back(refund, debit, -debit.points)
    _settle(household, timezone.localdate())
    return refund


def _check_correction(entry: PointsEntry, points: int) -> None:
    """A correction can only undo: shrink an entry towards nothing, or restore what an
    earlier correction took. New points are granted, with the grant's rules."""
    if entry.kind not in (EntryKind.GRANT, EntryKind.VOUCHER_DEBIT):
        raise ValidationError({"entry": [_("Only grants and voucher debits are corrected.")]})
    if (
        entry.kind == EntryKind.VOUCHER_DEBIT
        and entry.followed_by.filter(kind=EntryKind.VOUCHER_REFUND).exists()
    ):
        raise ValidationError({"entry": [_("This voucher debit has been refunded already.")]})
    corrected = (
        entry.points
        + sum(e.points for e in entry.followed_by.filter(kind=EntryKind.CORRECTION))
        + points
    )
    low, high = sorted((0, entry.points))
    if not low <= corrected <= high:
        message = _("A correction can bring this entry to between %(low)d and %(high)d.") % {
            "low": low,
            "high": high,
        }
        raise ValidationError({"points": [message]})


@transaction.atomic
def correct_entry(*, entry: PointsEntry, points: int, by: User, reason: str) -> PointsEntry:
    """Correct a grant or a voucher debit by a new entry referring to it, with a reason
    (not once the household has left)."""
    ensure_can_act_in(by, entry.household.district)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the entry is corrected.")]})
    if not isinstance(points, int) or points == 0:
        raise ValidationError({"points": [_("Give a whole number of points, not zero.")]})
    household = lock_household(entry.household_id)
    # A record closed by leaving is not written to; once erased, no new reason reaches it.
    ensure_in_programme(household)
    today = timezone.localdate()
    _settle(household, today)
    _check_correction(entry, points)
    if entry.kind == EntryKind.GRANT and points < 0:
        left = buckets.points_left(household).get(entry.pk, 0)
        if left < -points:
            message = _("Only %(left)d points of this grant are left unspent.") % {"left": left}
            raise InsufficientPoints(message, fields={"points": [message]})
    fix = _write(
        household=household,
        kind=EntryKind.CORRECTION,
        points=points,
        by=by,
        reason=reason.strip(),
        refers_to=entry,
    )
    if entry.kind == EntryKind.VOUCHER_DEBIT:
        if points > 0:
            buckets.give_back(fix, entry, points)
        else:
            buckets.take(fix, -points, today)
    _settle(household, today)
    return fix


def _settle(household: Household, today: date) -> int:
    """Expire what is left of the household's grants past their validity (the caller holds
    the household's lock); returns the points expired."""
    left = buckets.points_left(household)
    due = PointsEntry.objects.filter(
        pk__in=[pk for pk, n in left.items() if n > 0], expires_on__lt=today
    ).order_by("expires_on", "pk")
    expired = 0
    with in_city_language():
        for grant in due:
            reason = _("Points past their validity (%(date)s)") % {"date": grant.expires_on}
            _write(
                household=household,
                kind=EntryKind.EXPIRY,
                points=-left[grant.pk],
                by=None,
                refers_to=grant,
                reason=reason,
            )
            expired += left[grant.pk]
    return expired


def expire_points(*, today: date | None = None) -> int:
    """Write expiry entries for grants past their validity; returns the points expired."""
    today = today or timezone.localdate()
    households = (
        buckets.grants_with_points_left()
        .filter(expires_on__lt=today)
        .values_list("household", flat=True)
        .distinct()
    )
    total = 0
    for household_id in households:
        with transaction.atomic():
            total += _settle(lock_household(household_id), today)
    return total


@transaction.atomic
def rebuild_balances() -> int:
    """Set every household's balance to the sum of its entries; returns how many were off."""
    fixed = 0
    for household in Household.objects.select_for_update(of=("self",)).order_by("pk"):
        total = household.entries.aggregate(total=Sum("points"))["total"] or 0
        if household.balance != total:
            Household.objects.filter(pk=household.pk).update(balance=total)
            fixed += 1
    return fixed
