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

from ..errors import AlreadyRefunded, GrantAlreadyDecided, InsufficientPoints, SecondApproverNeeded
from ..lock_objects import lock_grant, lock_household
from ..models import EntryKind, Grant, GrantStatus, Household, PointsEntry
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
    return entry


def _check_points(points: int) -> None:
    if not isinstance(points, int) or points <= 0:
        raise ValidationError({"points": [_("Give a whole number of points above zero.")]})


def _credit(grant: Grant, by: User | None) -> PointsEntry:
    household = lock_household(grant.household_id)
    expires_on = timezone.localdate() + timedelta(days=grant.validity_days)
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
    if not pending:
        _credit(grant, by)
    return grant


def _decide(grant: Grant, by: User) -> Grant:
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


@transaction.atomic
def approve_grant(*, grant: Grant, by: User) -> Grant:
    """A second staff member approves; only now do the points count."""
    grant = _decide(grant, by)
    grant.status = GrantStatus.APPROVED
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    _credit(grant, grant.requested_by)
    return grant


@transaction.atomic
def reject_grant(*, grant: Grant, by: User) -> Grant:
    grant = _decide(grant, by)
    grant.status = GrantStatus.REJECTED
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    return grant


@transaction.atomic
def debit_points(
    *, household: Household, points: int, by: User, reason: str = "", reference: str = ""
) -> PointsEntry:
    """Take points for a voucher; refused (and nothing written) beyond the balance."""
    _check_points(points)
    household = lock_household(household.pk)
    return _write(
        household=household,
        kind=EntryKind.VOUCHER_DEBIT,
        points=-points,
        by=by,
        reason=reason,
        reference=reference,
    )


@transaction.atomic
def refund_debit(*, debit: PointsEntry, by: User | None, reason: str = "") -> PointsEntry:
    """Give back the points of a voucher debit (cancelled or expired voucher), once."""
    household = lock_household(debit.household_id)
    if debit.kind != EntryKind.VOUCHER_DEBIT:
        raise ValidationError({"debit": [_("Only a voucher debit can be refunded.")]})
    if debit.followed_by.filter(kind=EntryKind.VOUCHER_REFUND).exists():
        raise AlreadyRefunded()
    try:
        with transaction.atomic():
            return _write(
                household=household,
                kind=EntryKind.VOUCHER_REFUND,
                points=-debit.points,
                by=by,
                reason=reason,
                refers_to=debit,
                reference=debit.reference,
            )
    except InsufficientPoints as error:  # the unique refund constraint fired
        raise AlreadyRefunded() from error


@transaction.atomic
def correct_entry(*, entry: PointsEntry, points: int, by: User, reason: str) -> PointsEntry:
    """Correct an entry by a new one (``points`` added, or taken if negative), with a reason."""
    ensure_can_act_in(by, entry.household.district)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the entry is corrected.")]})
    if not isinstance(points, int) or points == 0:
        raise ValidationError({"points": [_("Give a whole number of points, not zero.")]})
    household = lock_household(entry.household_id)
    return _write(
        household=household,
        kind=EntryKind.CORRECTION,
        points=points,
        by=by,
        reason=reason.strip(),
        refers_to=entry,
    )


def _settle_expiries(household: Household, today: date) -> int:
    """Expire what is left of the household's grants past their validity, oldest first.

    Points are spent oldest-first, so what is left of a grant is what its own points and
    those of earlier-expiring grants (each with its corrections) exceed everything spent.
    """
    entries = list(household.entries.select_related("refers_to"))
    grants = sorted(
        (e for e in entries if e.kind == EntryKind.GRANT and e.expires_on is not None),
        key=lambda e: (e.expires_on, e.pk),
    )

    def worth(grant: PointsEntry) -> int:
        corrections = (
            e.points
            for e in entries
            if e.refers_to_id == grant.pk and e.kind == EntryKind.CORRECTION
        )
        return grant.points + sum(corrections)

    def on_grants(entry: PointsEntry) -> bool:
        return entry.kind == EntryKind.GRANT or (
            entry.kind == EntryKind.CORRECTION
            and entry.refers_to is not None
            and entry.refers_to.kind == EntryKind.GRANT
        )

    spent = -sum(e.points for e in entries if not on_grants(e))
    due = Grant.objects.filter(
        entry__in=[g for g in grants if g.expires_on and g.expires_on < today], expiry_settled=False
    ).values_list("entry", flat=True)
    due_ids, credited, expired = set(due), 0, 0
    for grant in grants:
        credited += worth(grant)
        if grant.pk not in due_ids:
            continue
        left = min(max(credited - spent, 0), worth(grant), household.balance)
        if left > 0:
            reason = _("Points past their validity (%(date)s)") % {"date": grant.expires_on}
            _write(
                household=household,
                kind=EntryKind.EXPIRY,
                points=-left,
                by=None,
                refers_to=grant,
                reason=reason,
            )
            spent += left
            expired += left
    Grant.objects.filter(entry__in=due_ids).update(expiry_settled=True)
    return expired


def expire_points(*, today: date | None = None) -> int:
    """Write expiry entries for every grant past its validity; returns the points expired."""
    today = today or timezone.localdate()
    households = (
        PointsEntry.objects.filter(
            kind=EntryKind.GRANT, expires_on__lt=today, grant__expiry_settled=False
        )
        .values_list("household", flat=True)
        .distinct()
    )
    total = 0
    for household_id in households:
        with transaction.atomic():
            total += _settle_expiries(lock_household(household_id), today)
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
