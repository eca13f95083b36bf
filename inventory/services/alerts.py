"""The scheduled stock checks: lots near (or past) expiry, items below a district's minimum."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import AlertKind, Lot, MinimumLevel, StockAlert


def _resolve_others(kind: str, keep: set[int]) -> int:
    """Resolve the open alerts of ``kind`` whose condition no longer holds."""
    stale = StockAlert.objects.filter(kind=kind, resolved_at__isnull=True).exclude(pk__in=keep)
    return stale.update(resolved_at=timezone.now())


@transaction.atomic
def flag_expiring_lots(*, today: date | None = None, days: int | None = None) -> int:
    """Open an alert for each lot with stock expiring within ``days`` (or already expired)."""
    today = today or timezone.localdate()
    days = settings.INVENTORY_EXPIRY_ALERT_DAYS if days is None else days
    lots = Lot.objects.filter(on_hand__gt=0, expiry_date__lte=today + timedelta(days=days))
    keep, raised = set(), 0
    for lot in lots:
        alert, created = StockAlert.objects.update_or_create(
            kind=AlertKind.EXPIRING,
            lot=lot,
            resolved_at=None,
            defaults={
                "district_id": lot.district_id,
                "item_id": lot.item_id,
                "quantity": lot.on_hand,
                "expiry_date": lot.expiry_date,
            },
        )
        keep.add(alert.pk)
        raised += created
    _resolve_others(AlertKind.EXPIRING, keep)
    return raised


def _usable_on_hand(today: date) -> Subquery:
    lots = (
        Lot.objects.filter(district=OuterRef("district"), item=OuterRef("item"))
        .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=today))
        .values("district")
        .annotate(total=Sum("on_hand"))
        .values("total")
    )
    return Subquery(lots, output_field=DecimalField(max_digits=12, decimal_places=3))


@transaction.atomic
def flag_low_stock(*, today: date | None = None) -> int:
    """Open an alert for each item whose unexpired stock is below the district's minimum."""
    today = today or timezone.localdate()
    levels = MinimumLevel.objects.annotate(
        on_hand=Coalesce(_usable_on_hand(today), Value(0), output_field=DecimalField())
    ).filter(on_hand__lt=F("quantity"))
    keep, raised = set(), 0
    for level in levels:
        alert, created = StockAlert.objects.update_or_create(
            kind=AlertKind.LOW_STOCK,
            district_id=level.district_id,
            item_id=level.item_id,
            resolved_at=None,
            defaults={"quantity": level.on_hand},
        )
        keep.add(alert.pk)
        raised += created
    _resolve_others(AlertKind.LOW_STOCK, keep)
    return raised
