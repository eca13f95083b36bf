"""Store test data, made through the services the product uses."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from inventory.models import Item, ItemKind, Lot
from inventory.services.catalogue import add_item
from inventory.services.stock import receive_lot
from tests.donors.factories import category


def rice(admin, **fields) -> Item:
    """Jasmine rice in 5 kg bags, 40 points a bag."""
    defaults = {
        "name_th": "ข้าวหอมมะลิ 5 กก.",
        "name_en": "Jasmine rice 5 kg",
        "kind": ItemKind.FOOD,
        "category": category("rice-grains"),
        "unit": "bag",
        "points_price": 40,
        "barcode": "8850000000011",
    }
    return add_item(by=admin, **(defaults | fields))


def soap(admin, **fields) -> Item:
    defaults = {
        "name_th": "สบู่",
        "name_en": "Soap",
        "kind": ItemKind.TOILETRIES,
        "unit": "bar",
        "points_price": 5,
    }
    return add_item(by=admin, **(defaults | fields))


def lot(item: Item, by, quantity: str, expiry: date | None = None, district=None) -> Lot:
    """A lot received now; one with a past expiry is received fresh and then, as if the days
    had passed, dated back (the store refuses to receive food already expired)."""
    today = timezone.localdate()
    received = receive_lot(
        district=district or by.district,
        item=item,
        quantity=Decimal(quantity),
        expiry_date=max(expiry, today) if expiry else None,
        by=by,
    )
    if expiry and expiry < today:
        Lot.objects.filter(pk=received.pk).update(expiry_date=expiry)
        received.refresh_from_db()
    return received
