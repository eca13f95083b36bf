"""Stock-takes: count the shelves, then turn the differences into adjustments."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from foodbank.accounts.models import User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.districts.models import District
from foodbank.language import in_city_language

from ..errors import NotEnoughStock, StockTakeAlreadyOpen, StockTakeClosed
from ..lock_objects import lock_lot, lock_lots, lock_stock_take
from ..models import CountLine, Lot, MovementKind, StockTake, StockTakeStatus
from .ledger import record_movement
from .stock import check_quantity


@transaction.atomic
def start_stock_take(*, district: District, by: User, notes: str = "") -> StockTake:
    ensure_can_act_in(by, district)
    try:
        with transaction.atomic():
            return StockTake.objects.create(district=district, started_by=by, notes=notes)
    except IntegrityError as error:
        raise StockTakeAlreadyOpen() from error


def lot_for_barcode(stock_take: StockTake, barcode: str) -> Lot:
    """The one lot in the store with this barcode's item; several lots need a choice."""
    lots = list(
        Lot.objects.filter(
            district=stock_take.district, item__barcode=barcode.strip(), on_hand__gt=0
        ).select_related("item")
    )
    if not lots:
        raise ValidationError({"barcode": [_("No stock of an item with this barcode here.")]})
    if len(lots) > 1:
        dates = ", ".join(str(lot.expiry_date or "-") for lot in lots)
        message = _("%(item)s has %(n)d lots (expiry %(dates)s): choose the lot.") % {
            "item": lots[0].item.name,
            "n": len(lots),
            "dates": dates,
        }
        raise ValidationError({"lot": [message]})
    return lots[0]


@transaction.atomic
def count_lot(*, stock_take: StockTake, lot: Lot, quantity: Decimal, by: User) -> CountLine:
    """Record what was counted of one lot; counting it again replaces the earlier count."""
    stock_take = lock_stock_take(stock_take.pk)
    ensure_can_act_in(by, stock_take.district)
    if stock_take.status != StockTakeStatus.OPEN:
        raise StockTakeClosed()
    if lot.district_id != stock_take.district_id:
        raise ValidationError({"lot": [_("This lot is in another district's store.")]})
    check_quantity(quantity, zero=True)
    lot = lock_lot(lot.pk)
    line, _created = CountLine.objects.update_or_create(
        stock_take=stock_take,
        lot=lot,
        defaults={
            "counted_quantity": quantity,
            "on_hand_when_counted": lot.on_hand,
            "counted_by": by,
        },
    )
    return line


@transaction.atomic
def close_stock_take(*, stock_take: StockTake, by: User) -> StockTake:
    """Write an adjustment for every counted lot whose count differed from the ledger.

    The adjustment is the difference seen when the lot was counted, so stock issued or
    received since then stays counted. Lots not counted are left as they are. An
    adjustment that would leave less on the shelf than vouchers have reserved is refused,
    naming the lot: those vouchers must be cancelled first.
    """
    stock_take = lock_stock_take(stock_take.pk)
    ensure_can_act_in(by, stock_take.district)
    if stock_take.status != StockTakeStatus.OPEN:
        raise StockTakeClosed()
    lines = {line.lot_id: line for line in stock_take.lines.all()}
    with in_city_language():
        reason = _("Stock-take %(id)s") % {"id": stock_take.pk}
    for lot in lock_lots(Lot.objects.filter(pk__in=lines).select_related("item")):
        line = lines[lot.pk]
        difference = line.counted_quantity - line.on_hand_when_counted
        if lot.on_hand + difference < lot.reserved:
            message = _("%(item)s (lot %(lot)s): %(reserved)s are reserved by vouchers.") % {
                "item": lot.item.name,
                "lot": lot.pk,
                "reserved": lot.reserved.normalize(),
            }
            raise NotEnoughStock(message, fields={f"lots.{lot.pk}": [message]})
        line.on_hand_at_close = lot.on_hand
        line.save(update_fields=["on_hand_at_close"])
        if difference:
            record_movement(
                lot=lot,
                kind=MovementKind.ADJUSTMENT,
                on_hand_change=difference,
                by=by,
                reason=reason,
                stock_take=stock_take,
            )
    stock_take.status = StockTakeStatus.CLOSED
    stock_take.closed_by = by
    stock_take.closed_at = timezone.now()
    stock_take.save(update_fields=["status", "closed_by", "closed_at"])
    return stock_take
