"""Row locks for the stores, always taken in primary-key order so two writers never deadlock.

Work that touches several items locks all their lots in one ordered query, never item by
item (two transfers listing the same items in opposite orders would otherwise deadlock).
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from donors.models import DropOffLine
from foodbank.districts.models import District

from .models import Item, Lot, StockTake, Transfer


def lock_lots(lots: QuerySet[Lot]) -> list[Lot]:
    """Lock the lots of ``lots`` (in pk order) and return them with their current sums."""
    return list(lots.select_for_update(of=("self",)).order_by("pk"))


def lock_lot_sums(pks: Iterable[int]) -> list[tuple[int, date | None, Decimal]]:
    """Lock the lots ``pks`` (in pk order); their ids, expiry dates and reserved sums."""
    lots = Lot.objects.filter(pk__in=list(pks)).select_for_update(of=("self",)).order_by("pk")
    return list(lots.values_list("pk", "expiry_date", "reserved"))


def lock_usable_lots(
    district: District, items: Iterable[Item], today: date | None = None
) -> dict[int, list[Lot]]:
    """Lock the unexpired lots with stock available of ``items``; FEFO order per item id."""
    today = today or timezone.localdate()
    usable = Lot.objects.filter(
        district=district, item__in=list(items), on_hand__gt=F("reserved")
    ).filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=today))
    by_item: dict[int, list[Lot]] = {}
    for lot in lock_lots(usable):
        by_item.setdefault(lot.item_id, []).append(lot)
    return {item: sorted(lots, key=fefo_key) for item, lots in by_item.items()}


def fefo_key(lot: Lot) -> tuple:
    """First expiry first out; lots without an expiry date last, then oldest first."""
    return (lot.expiry_date is None, lot.expiry_date, lot.pk)


def lock_lot(pk: int) -> Lot:
    return Lot.objects.select_for_update(of=("self",)).select_related("item").get(pk=pk)


def lock_transfer(pk: int) -> Transfer:
    return Transfer.objects.select_for_update(of=("self",)).get(pk=pk)


def lock_stock_take(pk: int) -> StockTake:
    return StockTake.objects.select_for_update(of=("self",)).get(pk=pk)


def lock_donated_line(pk: int) -> DropOffLine:
    return DropOffLine.objects.select_for_update(of=("self",)).select_related("dropoff").get(pk=pk)
