"""Vouchers: issued (points debited, stock reserved) in one transaction, redeemed exactly
once at a counter of their district, cancelled or expired with everything given back once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from foodbank.accounts.models import STAFF_ROLES, Role, User
from foodbank.accounts.scoping import can_act_in
from foodbank.audit.models import Action
from foodbank.audit.services import record
from foodbank.web.dates import in_local_calendar
from inventory.lock_objects import lock_lot_sums
from inventory.models import Item
from inventory.selectors import points_price
from inventory.services.ledger import issue_reserved_lots
from inventory.services.stock import check_stockable, release, reserve_many

from .. import tokens
from ..errors import (
    AlreadyRedeemed,
    NotYourHousehold,
    VoucherClosed,
    WrongDistrict,
)
from ..lock_objects import lock_household
from ..models import (
    EntryKind,
    Household,
    Redemption,
    Voucher,
    VoucherAllocation,
    VoucherLine,
    VoucherStatus,
)
from .cards import household_for_card
from .hand_over import hand_over_at_once
from .households import ensure_in_programme
from .keys import sign, signing_key, verified
from .ledger import debit_points, refund_debit
from .limits import check_limits


@dataclass(frozen=True)
class Choice:
    item: Item
    quantity: int


def may_choose_for(user: User, household: Household) -> bool:
    """Staff of the household's district, or the household's own recipient login."""
    if user.role == Role.RECIPIENT:
        return household.account_id == user.pk
    return user.role in (Role.ADMIN, Role.DISTRICT_STAFF, Role.COUNTER_STAFF) and can_act_in(
        user, household.district
    )


def _basket(choices: Sequence[Choice]) -> list[Choice]:
    """One line per item, in the order first chosen; every quantity a whole number above 0."""
    if not choices:
        raise ValidationError({"lines": [_("Choose at least one item.")]})
    totals: dict[Item, int] = defaultdict(int)
    for index, choice in enumerate(choices):
        if not isinstance(choice.quantity, int) or choice.quantity < 1:
            message = _("Choose a whole number above zero.")
            raise ValidationError({f"lines.{index}.quantity": [message]})
        check_stockable(choice.item, f"lines.{index}.item")
        totals[choice.item] += choice.quantity
    return [Choice(item, quantity) for item, quantity in totals.items()]


@transaction.atomic
def issue_voucher(*, household: Household, choices: Sequence[Choice], by: User) -> Voucher:
    """Debit the points and reserve the stock, or do neither and say why."""
    if not may_choose_for(by, household):
        raise NotYourHousehold()
    ensure_in_programme(household)
    basket = _basket(choices)
    district = household.district
    check_limits(household, [(c.item, c.quantity) for c in basket], timezone.localdate())
    prices = {c.item.pk: points_price(c.item, district) for c in basket}
    total = sum(prices[c.item.pk] * c.quantity for c in basket)
    debit = debit_points(household=household, points=total, by=by)
    reserved = reserve_many(
        district=district, wanted=[(c.item, Decimal(c.quantity)) for c in basket], by=by
    )
    voucher = Voucher.objects.create(
        household=household,
        district=district,
        points=total,
        expires_on=timezone.localdate() + timedelta(days=settings.VOUCHER_VALID_DAYS),
        key=signing_key(),
        debit=debit,
        created_by=by,
    )
    for choice, allocations in zip(basket, reserved, strict=True):
        line = VoucherLine.objects.create(
            voucher=voucher,
            item=choice.item,
            quantity=choice.quantity,
            points_each=prices[choice.item.pk],
        )
        VoucherAllocation.objects.bulk_create(
            VoucherAllocation(line=line, lot=a.lot, quantity=a.quantity) for a in allocations
        )
    record(
        Action.VOUCHER_ISSUED,
        target=voucher,
        by=by,
        district_id=district.pk,
        household=household.pk,
        points=total,
        items={c.item.pk: c.quantity for c in basket},
    )
    return voucher


def voucher_token(voucher: Voucher) -> str:
    claims = tokens.VoucherClaims(
        kid=voucher.key.kid,
        voucher_id=voucher.pk,
        household_id=voucher.household_id,
        district_code=voucher.district.code,
        points=voucher.points,
        expires_on=voucher.expires_on,
    )
    return sign(voucher.key, tokens.voucher_payload(claims))


def read_voucher_token(token: str) -> tokens.VoucherClaims:
    kind, payload = verified(token)
    if kind != tokens.VOUCHER:
        raise tokens.InvalidToken(_("This is a household card, not a voucher."))
    return tokens.read_voucher(payload)


def _already(voucher: Voucher) -> AlreadyRedeemed:
    done = voucher.redemption
    message = _("Already collected on %(when)s at %(counter)s, handed over by %(who)s.") % {
        "when": in_local_calendar(done.redeemed_at, "j M Y H:i"),
        "counter": done.counter or voucher.district.name,
        "who": done.redeemed_by.get_short_name() or done.redeemed_by.username,
    }
    return AlreadyRedeemed(message)


def _check_open(voucher: Voucher, today: date) -> None:
    if voucher.status == VoucherStatus.REDEEMED:
        raise _already(voucher)
    if voucher.status != VoucherStatus.ISSUED:
        raise VoucherClosed(
            _("This voucher's status is: %(status)s.") % {"status": voucher.get_status_display()}
        )
    if voucher.expires_on < today:
        raise VoucherClosed(_("This voucher expired on %(date)s.") % {"date": voucher.expires_on})


def _hand_over(voucher: Voucher, *, by: User, counter: str) -> Voucher:
    """Record the redemption, then move the stock: the lots' rows, which other counters'
    vouchers share, are locked only for the last moments of the transaction.

    The voucher comes back with its lines and their items already read, so that answering
    the counter costs no further queries.
    """
    Redemption.objects.create(voucher=voucher, redeemed_by=by, counter=counter)
    voucher.status = VoucherStatus.REDEEMED
    voucher.save(update_fields=["status"])
    record(
        Action.VOUCHER_REDEEMED,
        target=voucher,
        by=by,
        district_id=voucher.district_id,
        household=voucher.household_id,
        points=voucher.points,
        counter=counter,
    )
    lines = VoucherLine.objects.select_related("item").order_by("pk")
    prefetch_related_objects([voucher], Prefetch("lines", queryset=lines))
    takes = list(
        VoucherAllocation.objects.filter(line__voucher_id=voucher.pk).values_list(
            "lot_id", "quantity"
        )
    )
    issue_reserved_lots(takes=takes, by=by, reason=str(voucher), today=timezone.localdate())
    return voucher


def redeem_voucher(*, token: str, by: User, counter: str = "") -> Voucher:
    """Hand over a voucher's goods at a counter of its district, exactly once.

    The voucher row is locked first, so of many scans at once one hands over and the others
    wait and then hear when, where and by whom it was collected. On PostgreSQL one statement
    does it all (`hand_over`), committed on its own unless the caller holds a transaction; a
    voucher that statement cannot hand over is then locked and examined, to say why.
    """
    claims = read_voucher_token(token)
    today = timezone.localdate()
    if connection.vendor == "postgresql" and by.role in STAFF_ROLES:
        handed_over = hand_over_at_once(claims, by=by, counter=counter, today=today)
        if handed_over is not None:
            return handed_over
    return _examine_and_hand_over(claims, by=by, counter=counter, today=today)


@transaction.atomic
def _examine_and_hand_over(
    claims: tokens.VoucherClaims, *, by: User, counter: str, today: date
) -> Voucher:
    """Lock the voucher and say why it cannot be handed over here, or hand it over."""
    try:
        voucher = (
            Voucher.objects.select_for_update(of=("self",))
            .select_related("district", "household")
            .get(pk=claims.voucher_id, household_id=claims.household_id)
        )
    except Voucher.DoesNotExist as error:
        raise tokens.InvalidToken() from error
    if by.role not in STAFF_ROLES or by.district_id != voucher.district_id:
        raise WrongDistrict()
    _check_open(voucher, today)
    return _hand_over(voucher, by=by, counter=counter)


def _give_back(voucher: Voucher, *, by: User | None, status: str) -> Voucher:
    reason = str(voucher)
    for allocation in VoucherAllocation.objects.filter(line__voucher=voucher).order_by("lot_id"):
        release(lot=allocation.lot, quantity=allocation.quantity, by=by, reason=reason)
    refund_debit(debit=voucher.debit, by=by, reason=reason)
    voucher.status = status
    voucher.closed_at = timezone.now()
    voucher.closed_by = by
    voucher.save(update_fields=["status", "closed_at", "closed_by"])
    action = Action.VOUCHER_EXPIRED if status == VoucherStatus.EXPIRED else Action.VOUCHER_CANCELLED
    record(
        action,
        target=voucher,
        by=by,
        district_id=voucher.district_id,
        household=voucher.household_id,
        points=voucher.points,
    )
    return voucher


@transaction.atomic
def cancel_voucher(*, voucher: Voucher, by: User) -> Voucher:
    """Staff or the recipient cancel an uncollected voucher: points back, stock released."""
    lock_household(voucher.household_id)  # locks in the one order: household, voucher, lots
    voucher = Voucher.objects.select_for_update(of=("self",)).get(pk=voucher.pk)
    if not may_choose_for(by, voucher.household):
        raise NotYourHousehold()
    if voucher.status == VoucherStatus.REDEEMED:
        raise _already(voucher)
    if voucher.status != VoucherStatus.ISSUED:
        raise VoucherClosed()
    return _give_back(voucher, by=by, status=VoucherStatus.CANCELLED)


@transaction.atomic
def cancel_uncollected(*, household: Household, by: User) -> list[int]:
    """Cancel each of the household's uncollected vouchers (it is leaving; the caller holds
    its lock); returns their ids."""
    vouchers = list(
        Voucher.objects.select_for_update(of=("self",))
        .filter(household_id=household.pk, status=VoucherStatus.ISSUED)
        .order_by("pk")
    )
    # All their lots at once, in pk order, as every other writer of lots takes them.
    allocations = VoucherAllocation.objects.filter(line__voucher__in=vouchers)
    lock_lot_sums(allocations.values_list("lot", flat=True))
    return [_give_back(v, by=by, status=VoucherStatus.CANCELLED).pk for v in vouchers]


def expire_vouchers(*, today: date | None = None) -> int:
    """Close uncollected vouchers past their date, giving everything back; returns how many."""
    today = today or timezone.localdate()
    due = Voucher.objects.filter(status=VoucherStatus.ISSUED, expires_on__lt=today)
    expired = 0
    for pk, household_id in due.values_list("pk", "household_id"):
        with transaction.atomic():
            lock_household(household_id)
            voucher = Voucher.objects.select_for_update(of=("self",)).get(pk=pk)
            if voucher.status == VoucherStatus.ISSUED:
                _give_back(voucher, by=None, status=VoucherStatus.EXPIRED)
                expired += 1
    return expired


def refunded(voucher: Voucher) -> bool:
    return voucher.debit.followed_by.filter(kind=EntryKind.VOUCHER_REFUND).exists()


@transaction.atomic
def checkout(*, card: str, choices: Sequence[Choice], by: User, counter: str = "") -> Voucher:
    """A walk-in: scan the household's card, pick items, issue and hand over in one step."""
    household = household_for_card(card, by=by)
    voucher = issue_voucher(household=household, choices=choices, by=by)
    return _hand_over(voucher, by=by, counter=counter)


def preview(*, token: str, by: User) -> Voucher:
    """The voucher a token names, checked as a redemption would be, without handing over."""
    claims = read_voucher_token(token)
    voucher = (
        Voucher.objects.select_related("district", "household")
        .prefetch_related("lines__item")
        .filter(pk=claims.voucher_id, household_id=claims.household_id)
        .first()
    )
    if voucher is None:
        raise tokens.InvalidToken()
    if by.role not in STAFF_ROLES or by.district_id != voucher.district_id:
        raise WrongDistrict()
    _check_open(voucher, timezone.localdate())
    return voucher
