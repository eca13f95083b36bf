"""Row locks for the stores, always taken in primary-key order so two writers never deadlock."""

from django.db.models import QuerySet

from .models import Lot, StockTake, Transfer


def lock_lots(lots: QuerySet[Lot]) -> list[Lot]:
    """Lock the lots of ``lots`` (in pk order) and return them with their current sums."""
    return list(lots.select_for_update(of=("self",)).order_by("pk"))


def lock_lot(pk: int) -> Lot:
    return Lot.objects.select_for_update(of=("self",)).select_related("item").get(pk=pk)


def lock_transfer(pk: int) -> Transfer:
    return Transfer.objects.select_for_update(of=("self",)).get(pk=pk)


def lock_stock_take(pk: int) -> StockTake:
    return StockTake.objects.select_for_update(of=("self",)).get(pk=pk)
