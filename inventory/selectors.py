"""Reads of the stores: what is on the shelves, what moved, what needs attention."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from donors.models import Destination, DropOffLine, DropOffStatus
from foodbank.accounts.models import User
from foodbank.accounts.scoping import scope_to_district
from foodbank.districts.models import District

from .models import DistrictPrice, Item, Lot, Movement, StockAlert, StockTake, Transfer
from .services.ledger import ledger_sums


def usable(lots: QuerySet[Lot], today: date | None = None) -> QuerySet[Lot]:
    today = today or timezone.localdate()
    return lots.filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=today))


def store_stock(district: District) -> QuerySet:
    """On hand, reserved and available by item in one store, with the next expiry date.

    Expired stock still on the shelf is counted on hand but not available.
    """
    today = timezone.localdate()
    fresh = Q(lots__expiry_date__isnull=True) | Q(lots__expiry_date__gte=today)
    return (
        Item.objects.filter(lots__district=district, lots__on_hand__gt=0)
        .annotate(
            on_hand=Sum("lots__on_hand"),
            reserved=Sum("lots__reserved"),
            available=Coalesce(
                Sum(F("lots__on_hand") - F("lots__reserved"), filter=fresh), Value(Decimal(0))
            ),
            expired=Sum("lots__on_hand", filter=Q(lots__expiry_date__lt=today)),
            next_expiry=Min("lots__expiry_date", filter=fresh),
            lot_count=Count("lots"),
        )
        .order_by("kind", "name_en")
    )


def lots_visible_to(user: User | AnonymousUser) -> QuerySet[Lot]:
    return scope_to_district(Lot.objects.select_related("item", "district"), user)


def movements_visible_to(user: User | AnonymousUser) -> QuerySet[Movement]:
    movements = Movement.objects.select_related(
        "lot__item", "lot__district", "created_by", "transfer", "stock_take"
    )
    return scope_to_district(movements, user, district_field="lot__district")


def lines_to_sort(user: User | AnonymousUser) -> QuerySet[DropOffLine]:
    """Received donated lines meant for the store that are not yet a lot."""
    lines = (
        DropOffLine.objects.filter(destination=Destination.STOCK, lot__isnull=True)
        .exclude(dropoff__status=DropOffStatus.ANNOUNCED)
        .select_related("dropoff__donor", "dropoff__district", "category")
    )
    return scope_to_district(lines, user, district_field="dropoff__district").order_by(
        "dropoff__received_at", "pk"
    )


def open_alerts(user: User | AnonymousUser) -> QuerySet[StockAlert]:
    alerts = StockAlert.objects.filter(resolved_at__isnull=True).select_related(
        "item", "lot", "district"
    )
    return scope_to_district(alerts, user)


def points_price(item: Item, district: District) -> int:
    """The district's own price for the item, or the catalogue's."""
    own = DistrictPrice.objects.filter(item=item, district=district).values_list(
        "points_price", flat=True
    )
    return next(iter(own), item.points_price)


def points_prices(items: Sequence[Item], district: District) -> dict[int, int]:
    """``points_price`` of each of ``items`` by item id, in one query."""
    own = dict(
        DistrictPrice.objects.filter(district=district, item__in=items).values_list(
            "item_id", "points_price"
        )
    )
    return {item.pk: own.get(item.pk, item.points_price) for item in items}


def ledger_mismatches() -> list[int]:
    """Lots whose running sums differ from the sums of their movements (should be none)."""
    sums = ledger_sums()
    return [
        lot.pk
        for lot in Lot.objects.only("on_hand", "reserved")
        if (lot.on_hand, lot.reserved) != sums.get(lot.pk, (0, 0))
    ]


def transfers_visible_to(user: User | AnonymousUser) -> QuerySet[Transfer]:
    """Transfers a store sent or is to receive; admins see them all."""
    transfers = Transfer.objects.select_related("from_district", "to_district").prefetch_related(
        "lines__item"
    )
    sent = scope_to_district(transfers, user, district_field="from_district")
    incoming = scope_to_district(transfers, user, district_field="to_district")
    return (sent | incoming).distinct()


def stock_takes_visible_to(user: User | AnonymousUser) -> QuerySet[StockTake]:
    counts = StockTake.objects.select_related("district").prefetch_related("lines__lot__item")
    return scope_to_district(counts, user)
