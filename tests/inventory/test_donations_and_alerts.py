from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from donors.models import Destination
from donors.services.dropoffs import LineInput
from inventory.errors import AlreadySorted
from inventory.models import AlertKind, Lot, LotSource, StockAlert
from inventory.selectors import lines_to_sort
from inventory.services.alerts import flag_expiring_lots, flag_low_stock
from inventory.services.catalogue import set_minimum_level
from inventory.services.stock import issue_fefo, sort_donated_line
from tests.donors.factories import DonorFactory, category, received

from .factories import lot, rice, soap

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _stock_line(kg="10", item=None, quantity=None):
    return LineInput(
        category=category("rice-grains"),
        weight_kg=Decimal(kg),
        destination=Destination.STOCK,
        quantity=Decimal(quantity) if quantity else None,
        unit="bag" if quantity else "",
        expiry_date=TODAY() + timedelta(days=90),
        item=item,
    )


def test_a_stock_line_with_an_item_becomes_a_lot_at_intake(people):
    bags = rice(people.admin)
    dropoff = received(
        donor=DonorFactory(), by=people.staff_a, lines=[_stock_line("10", bags, "2")]
    )
    stocked = Lot.objects.get(dropoff_line__dropoff=dropoff)
    assert (stocked.item, stocked.on_hand, stocked.source) == (bags, 2, LotSource.DONATION)
    assert stocked.expiry_date == TODAY() + timedelta(days=90)
    assert not lines_to_sort(people.staff_a).exists()


def test_a_stock_line_without_an_item_waits_to_be_sorted(people):
    dropoff = received(donor=DonorFactory(), by=people.staff_a, lines=[_stock_line("10")])
    (waiting,) = lines_to_sort(people.staff_a)
    assert waiting.dropoff == dropoff
    assert not lines_to_sort(people.staff_b).exists()

    sort_donated_line(line=waiting, item=rice(people.admin), by=people.staff_a, quantity=Decimal(2))
    assert not lines_to_sort(people.staff_a).exists()
    with pytest.raises(AlreadySorted):
        sort_donated_line(line=waiting, item=rice(people.admin, barcode=None), by=people.staff_a)
    assert Lot.objects.get().on_hand == 2


def test_a_counted_item_needs_a_quantity_in_its_unit_and_a_rejected_dropoff_stores_nothing(
    people,
):
    bags = rice(people.admin)
    with pytest.raises(ValidationError) as refused:
        received(donor=DonorFactory(), by=people.staff_a, lines=[_stock_line("10", bags)])
    assert "lines.0.quantity" in refused.value.message_dict
    assert not Lot.objects.exists()


def test_a_weighed_item_takes_the_lines_weight(people):
    loose = rice(people.admin, unit="kg", barcode=None)
    received(donor=DonorFactory(), by=people.staff_a, lines=[_stock_line("12.5", loose)])
    assert Lot.objects.get().on_hand == Decimal("12.5")


def test_a_forwarded_line_cannot_name_an_item(people):
    line = LineInput(
        category=category("bakery"),
        weight_kg=Decimal("3"),
        destination=Destination.FORWARD,
        item=rice(people.admin),
    )
    with pytest.raises(ValidationError) as refused:
        received(donor=DonorFactory(), by=people.staff_a, lines=[line])
    assert "lines.0.item" in refused.value.message_dict


def test_expiring_lots_raise_one_alert_each_resolved_when_the_stock_is_gone(people):
    item = rice(people.admin)
    soon = lot(item, people.staff_a, "3", TODAY() + timedelta(days=2))
    lot(item, people.staff_a, "3", TODAY() + timedelta(days=30))
    assert flag_expiring_lots(days=7) == 1
    assert flag_expiring_lots(days=7) == 0
    alert = StockAlert.objects.get(resolved_at__isnull=True)
    assert (alert.lot, alert.kind, alert.quantity) == (soon, AlertKind.EXPIRING, 3)

    issue_fefo(district=people.district_a, item=item, quantity=Decimal("3"), by=people.staff_a)
    flag_expiring_lots(days=7)
    assert not StockAlert.objects.filter(resolved_at__isnull=True).exists()


def test_an_item_below_its_minimum_is_flagged_counting_only_unexpired_stock(people):
    item, other = rice(people.admin), soap(people.admin)
    set_minimum_level(
        district=people.district_a, item=item, quantity=Decimal("5"), by=people.staff_a
    )
    set_minimum_level(
        district=people.district_a, item=other, quantity=Decimal("1"), by=people.staff_a
    )
    lot(item, people.staff_a, "9", TODAY() - timedelta(days=1))
    lot(other, people.staff_a, "2")
    assert flag_low_stock() == 1
    alert = StockAlert.objects.get()
    assert (alert.item, alert.district, alert.quantity) == (item, people.district_a, 0)

    lot(item, people.staff_a, "5", TODAY() + timedelta(days=10))
    flag_low_stock()
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_a_line_counted_in_another_unit_needs_the_quantity_in_the_items_unit(people):
    bags = rice(people.admin)  # counted in bags
    cans = LineInput(
        category=category("rice-grains"),
        weight_kg=Decimal("2"),
        destination=Destination.STOCK,
        quantity=Decimal("2"),
        unit="can",
        item=bags,
    )
    with pytest.raises(ValidationError) as refused:
        received(donor=DonorFactory(), by=people.staff_a, lines=[cans])
    assert "lines.0.quantity" in refused.value.message_dict
    assert not Lot.objects.exists()
