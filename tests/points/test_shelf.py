"""The shelf a household chooses from: prices and stock read in the same few queries
however many items the store holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.services.catalogue import set_district_price
from points.selectors import shelf_for
from tests.inventory.factories import lot, rice, soap

pytestmark = pytest.mark.django_db


def test_the_shelf_takes_the_same_queries_for_one_item_or_many(people):
    bags = rice(people.admin)
    lot(bags, people.staff_a, "3")
    with CaptureQueriesContext(connection) as one:
        assert [(row.pk, price) for row, price, _available in shelf_for(people.district_a)] == [
            (bags.pk, 40)
        ]
    for n in range(5):
        lot(
            soap(people.admin, name_en=f"Soap {n}", name_th=f"สบู่ {n}", barcode=""),
            people.staff_a,
            "2",
        )
    with CaptureQueriesContext(connection) as many:
        assert len(shelf_for(people.district_a)) == 6
    assert len(many) == len(one)


def test_a_districts_own_price_replaces_the_catalogues_on_its_shelf_only(people):
    bags, bars = rice(people.admin), soap(people.admin)
    for district_lot in (people.staff_a, people.staff_b):
        lot(bags, district_lot, "3")
        lot(bars, district_lot, "3")
    set_district_price(district=people.district_a, item=bags, points_price=25, by=people.admin)
    prices_a = {row.pk: price for row, price, _available in shelf_for(people.district_a)}
    prices_b = {row.pk: price for row, price, _available in shelf_for(people.district_b)}
    assert prices_a == {bags.pk: 25, bars.pk: 5}
    assert prices_b == {bags.pk: 40, bars.pk: 5}
