"""Receiving, reserving, issuing and writing off stock in a district's store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donors.models import Destination, DropOffLine, DropOffStatus
from foodbank.accounts.models import User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.districts.models import District
from foodbank.language import in_city_language

from ..errors import AlreadySorted, ItemNotStockable, LotExpired, NotEnoughStock
from ..lock_objects import lock_donated_line, lock_lot, lock_usable_lots
from ..models import Item, Lot, LotSource, Movement, MovementKind
from .ledger import record_movement


@dataclass(frozen=True)
class Allocation:
    """A quantity taken from one lot by a FEFO reservation or issue."""

    lot: Lot
    quantity: Decimal
    movement: Movement


#: Quantities are kept to the thousandth (grams, millilitres) in at most 12 digits.
MAX_QUANTITY = Decimal("999999999.999")


def check_quantity(quantity: Decimal, field: str = "quantity", *, zero: bool = False) -> None:
    """A finite quantity above zero (or zero, if allowed), to the thousandth at most."""
    least_ok = quantity is not None and quantity.is_finite() and quantity >= 0
    if not least_ok or (quantity == 0 and not zero):
        message = (
            _("Give a quantity of zero or more.") if zero else _("Give a quantity above zero.")
        )
        raise ValidationError({field: [message]})
    if quantity > MAX_QUANTITY or quantity != quantity.quantize(Decimal("0.001")):
        message = _("Give at most %(max)s, to three decimal places.") % {"max": MAX_QUANTITY}
        raise ValidationError({field: [message]})


def check_stockable(item: Item, field: str = "item") -> None:
    if not (item.is_approved and item.is_active):
        raise ItemNotStockable(fields={field: [str(ItemNotStockable.default_message)]})


def new_lot(**fields: Any) -> Lot:
    lot = Lot(**fields)
    lot.full_clean(exclude=["dropoff_line", "transfer_line"], validate_unique=False)
    lot.save()
    return lot


@transaction.atomic
def receive_lot(
    *,
    district: District,
    item: Item,
    quantity: Decimal,
    by: User,
    expiry_date: date | None = None,
    reason: str = "",
) -> Lot:
    """Goods bought (or otherwise not donated) enter the store as a new lot."""
    ensure_can_act_in(by, district)
    check_stockable(item)
    check_quantity(quantity)
    if expiry_date is not None and expiry_date < timezone.localdate():
        raise ValidationError({"expiry_date": [_("This has already expired: do not stock it.")]})
    lot = new_lot(
        district=district,
        item=item,
        expiry_date=expiry_date,
        source=LotSource.PURCHASE,
        created_by=by,
    )
    record_movement(
        lot=lot, kind=MovementKind.RECEIPT, on_hand_change=quantity, by=by, reason=reason
    )
    return lot


def donated_quantity(line: DropOffLine, item: Item, quantity: Decimal | None) -> Decimal:
    """The quantity a donated line puts on the shelf, in the item's unit."""
    if quantity is not None:
        check_quantity(quantity)
        return quantity
    if item.is_weighed:
        return line.weight_kg
    if line.quantity is None or not same_unit(line.unit, item.unit):
        message = _("Give the quantity in %(unit)s for the store.") % {"unit": item.unit}
        raise ValidationError({"quantity": [message]})
    return line.quantity


def same_unit(given: str, unit: str) -> bool:
    """Whether a line's unit is the item's (an unnamed unit is taken as the item's)."""
    given = given.strip().lower()
    return not given or given == unit.strip().lower()


@transaction.atomic
def sort_donated_line(
    *, line: DropOffLine, item: Item, by: User, quantity: Decimal | None = None
) -> Lot:
    """A received line meant for the store becomes a lot of the catalogue item staff chose."""
    line = lock_donated_line(line.pk)
    dropoff = line.dropoff
    ensure_can_act_in(by, dropoff.district)
    if line.destination != Destination.STOCK:
        raise ValidationError({"line": [_("This line was forwarded, not kept in the store.")]})
    if dropoff.status == DropOffStatus.ANNOUNCED:
        raise ValidationError({"line": [_("The drop-off has not been received yet.")]})
    if Lot.objects.filter(dropoff_line=line).exists():
        raise AlreadySorted()
    check_stockable(item)
    amount = donated_quantity(line, item, quantity)
    try:
        with transaction.atomic():
            lot = new_lot(
                district=dropoff.district,
                item=item,
                expiry_date=line.expiry_date,
                source=LotSource.DONATION,
                dropoff_line=line,
                created_by=by,
            )
    except IntegrityError as error:
        raise AlreadySorted() from error
    with in_city_language():
        reason = _("Drop-off %(dropoff)s, line %(line)s") % {
            "dropoff": dropoff.pk,
            "line": line.line_no,
        }
    record_movement(lot=lot, kind=MovementKind.RECEIPT, on_hand_change=amount, by=by, reason=reason)
    return lot


def usable_lots(district: District, item: Item) -> list[Lot]:
    """The item's unexpired lots with stock available, locked, in FEFO order."""
    return lock_usable_lots(district, [item]).get(item.pk, [])


def take_fefo(lots: list[Lot], item: Item, quantity: Decimal) -> list[tuple[Lot, Decimal]]:
    takes, remaining = [], quantity
    for lot in lots:
        if remaining <= 0:
            break
        take = min(lot.available, remaining)
        takes.append((lot, take))
        remaining -= take
    if remaining > 0:
        available = sum((lot.available for lot in lots), Decimal(0))
        message = _("Only %(available)s %(unit)s of %(item)s available.") % {
            "available": available.normalize(),
            "unit": item.unit,
            "item": item.name,
        }
        raise NotEnoughStock(message, fields={"quantity": [message]})
    return takes


@transaction.atomic
def reserve_fefo(
    *, district: District, item: Item, quantity: Decimal, by: User, reason: str = ""
) -> list[Allocation]:
    """Set stock aside (for a voucher), taking the earliest-expiring unexpired lots first.

    The voucher service that calls this checks who may choose items for the household.
    """
    (allocations,) = reserve_many(
        district=district, wanted=[(item, quantity)], by=by, reason=reason
    )
    return allocations


@transaction.atomic
def reserve_many(
    *,
    district: District,
    wanted: Sequence[tuple[Item, Decimal]],
    by: User | None,
    reason: str = "",
) -> list[list[Allocation]]:
    """Reserve several items at once, all or nothing, FEFO within each item.

    All the lots are locked in one ordered query, so two baskets naming the same items in
    another order never deadlock. Returns the allocations of each wanted line, in order.
    """
    for index, (_item, quantity) in enumerate(wanted):
        check_quantity(quantity, f"lines.{index}.quantity")
    usable = lock_usable_lots(district, [item for item, _quantity in wanted])
    reserved = []
    for item, quantity in wanted:
        takes = take_fefo(usable.get(item.pk, []), item, quantity)
        reserved.append(
            [
                Allocation(
                    lot,
                    take,
                    record_movement(
                        lot=lot,
                        kind=MovementKind.RESERVATION,
                        on_hand_change=Decimal(0),
                        reserved_change=take,
                        by=by,
                        reason=reason,
                    ),
                )
                for lot, take in takes
            ]
        )
    return reserved


@transaction.atomic
def issue_fefo(
    *, district: District, item: Item, quantity: Decimal, by: User, reason: str = ""
) -> list[Allocation]:
    """Hand out available stock, earliest-expiring unexpired lots first."""
    ensure_can_act_in(by, district)
    check_quantity(quantity)
    takes = take_fefo(usable_lots(district, item), item, quantity)
    return [
        Allocation(
            lot,
            take,
            record_movement(
                lot=lot, kind=MovementKind.ISSUE, on_hand_change=-take, by=by, reason=reason
            ),
        )
        for lot, take in takes
    ]


@transaction.atomic
def issue_from_lot(*, lot: Lot, quantity: Decimal, by: User, reason: str = "") -> Movement:
    """Hand out available stock from one named lot; an expired lot is never issued."""
    lot = lock_lot(lot.pk)
    ensure_can_act_in(by, lot.district)
    check_quantity(quantity)
    if lot.expiry_date is not None and lot.expiry_date < timezone.localdate():
        raise LotExpired(fields={"lot": [str(LotExpired.default_message)]})
    take_fefo([lot], lot.item, quantity)
    return record_movement(
        lot=lot, kind=MovementKind.ISSUE, on_hand_change=-quantity, by=by, reason=reason
    )


@transaction.atomic
def issue_reserved(*, lot: Lot, quantity: Decimal, by: User, reason: str = "") -> Movement:
    """Hand out stock that was reserved (a redeemed voucher): on hand and reserved both drop.

    Expired food is not handed out even if it was reserved before it expired.
    """
    lot = lock_lot(lot.pk)
    ensure_can_act_in(by, lot.district)
    check_quantity(quantity)
    if lot.expiry_date is not None and lot.expiry_date < timezone.localdate():
        raise LotExpired(fields={"lot": [str(LotExpired.default_message)]})
    _check_reserved(lot, quantity)
    return record_movement(
        lot=lot,
        kind=MovementKind.ISSUE,
        on_hand_change=-quantity,
        reserved_change=-quantity,
        by=by,
        reason=reason,
    )


def _check_reserved(lot: Lot, quantity: Decimal) -> None:
    if quantity > lot.reserved:
        message = _("Only %(reserved)s %(unit)s of this lot are reserved.") % {
            "reserved": lot.reserved.normalize(),
            "unit": lot.item.unit,
        }
        raise NotEnoughStock(message, fields={"quantity": [message]})


@transaction.atomic
def release(*, lot: Lot, quantity: Decimal, by: User | None, reason: str = "") -> Movement:
    """Give reserved stock back to the shelf (a cancelled or expired voucher).

    The voucher service that calls this checks who may cancel (a recipient may cancel their
    own voucher), so there is no district check here.
    """
    lot = lock_lot(lot.pk)
    check_quantity(quantity)
    _check_reserved(lot, quantity)
    return record_movement(
        lot=lot,
        kind=MovementKind.RELEASE,
        on_hand_change=Decimal(0),
        reserved_change=-quantity,
        by=by,
        reason=reason,
    )


@transaction.atomic
def write_off(*, lot: Lot, quantity: Decimal, by: User, reason: str) -> Movement:
    """Spoiled or damaged goods leave the store; the reason is required."""
    lot = lock_lot(lot.pk)
    ensure_can_act_in(by, lot.district)
    check_quantity(quantity)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the stock is written off.")]})
    if quantity > lot.available:
        message = _("Only %(available)s %(unit)s of this lot are not reserved.") % {
            "available": lot.available.normalize(),
            "unit": lot.item.unit,
        }
        raise NotEnoughStock(message, fields={"quantity": [message]})
    return record_movement(
        lot=lot, kind=MovementKind.WRITE_OFF, on_hand_change=-quantity, by=by, reason=reason
    )
