from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from foodbank.accounts.scoping import OutsideDistrict
from inventory.errors import ItemNotStockable, LotExpired, NotEnoughStock
from inventory.models import Lot, Movement, MovementKind
from inventory.selectors import ledger_mismatches, store_stock
from inventory.services.catalogue import add_item, approve_item
from inventory.services.ledger import rebuild_lot_balances
from inventory.services.stock import (
    issue_fefo,
    issue_from_lot,
    issue_reserved,
    release,
    reserve_fefo,
    write_off,
)

from .factories import lot, rice, soap

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_a_receipt_puts_the_quantity_on_hand_through_one_movement(people):
    bags = lot(rice(people.admin), people.staff_a, "12", TODAY() + timedelta(days=30))
    assert bags.on_hand == Decimal("12")
    receipt = Movement.objects.get(lot=bags)
    assert (receipt.kind, receipt.on_hand_change, receipt.created_by) == (
        MovementKind.RECEIPT,
        Decimal("12"),
        people.staff_a,
    )


@pytest.mark.parametrize("quantity", ["0", "-3"])
def test_zero_or_negative_receipts_are_refused_and_store_nothing(people, quantity):
    item = rice(people.admin)
    with pytest.raises(ValidationError) as refused:
        lot(item, people.staff_a, quantity)
    assert "quantity" in refused.value.message_dict
    assert not Lot.objects.exists()


def test_a_proposed_item_cannot_be_stocked_until_approved(people):
    proposed = soap(people.staff_a)
    assert proposed.is_approved is False
    with pytest.raises(ItemNotStockable):
        lot(proposed, people.staff_a, "3")
    approve_item(item=proposed, by=people.admin)
    assert lot(proposed, people.staff_a, "3").on_hand == 3


def test_staff_cannot_receive_into_another_districts_store(people):
    with pytest.raises(OutsideDistrict):
        lot(rice(people.admin), people.staff_b, "5", district=people.district_a)
    assert not Lot.objects.exists()


def test_issue_takes_the_earliest_expiry_first_and_skips_expired_lots(people):
    item, staff = rice(people.admin), people.staff_a
    expired = lot(item, staff, "10", TODAY() - timedelta(days=1))
    later = lot(item, staff, "10", TODAY() + timedelta(days=60))
    no_date = lot(item, staff, "10")
    sooner = lot(item, staff, "4", TODAY())

    taken = issue_fefo(district=people.district_a, item=item, quantity=Decimal("6"), by=staff)

    assert [(a.lot.pk, a.quantity) for a in taken] == [(sooner.pk, 4), (later.pk, 2)]
    for each, left in ((expired, 10), (later, 8), (no_date, 10), (sooner, 0)):
        each.refresh_from_db()
        assert each.on_hand == left


def test_issue_beyond_available_is_refused_naming_what_is_left_and_changes_nothing(people):
    item, staff = rice(people.admin), people.staff_a
    lot(item, staff, "3", TODAY() + timedelta(days=5))
    lot(item, staff, "9", TODAY() - timedelta(days=2))
    before = Movement.objects.count()
    with translation.override("en"), pytest.raises(NotEnoughStock) as refused:
        issue_fefo(district=people.district_a, item=item, quantity=Decimal("4"), by=staff)
    assert "Only 3 bag of Jasmine rice 5 kg available" in refused.value.message
    assert Movement.objects.count() == before


def test_reserved_stock_is_not_available_to_others(people):
    item, staff = rice(people.admin), people.staff_a
    bags = lot(item, staff, "5", TODAY() + timedelta(days=5))
    reserve_fefo(district=people.district_a, item=item, quantity=Decimal("4"), by=staff)
    with pytest.raises(NotEnoughStock):
        issue_fefo(district=people.district_a, item=item, quantity=Decimal("2"), by=staff)
    bags.refresh_from_db()
    assert (bags.on_hand, bags.reserved, bags.available) == (5, 4, 1)


def test_a_reservation_is_issued_or_released_without_touching_the_rest(people):
    item, staff = rice(people.admin), people.staff_a
    bags = lot(item, staff, "5")
    reserve_fefo(district=people.district_a, item=item, quantity=Decimal("3"), by=staff)
    issue_reserved(lot=bags, quantity=Decimal("2"), by=staff)
    release(lot=bags, quantity=Decimal("1"), by=staff)
    bags.refresh_from_db()
    assert (bags.on_hand, bags.reserved) == (3, 0)
    with pytest.raises(NotEnoughStock):
        release(lot=bags, quantity=Decimal("1"), by=staff)


def test_an_expired_lot_is_never_issued_by_name(people):
    expired = lot(rice(people.admin), people.staff_a, "5", TODAY() - timedelta(days=1))
    with pytest.raises(LotExpired):
        issue_from_lot(lot=expired, quantity=Decimal("1"), by=people.staff_a)
    expired.refresh_from_db()
    assert expired.on_hand == 5


def test_spoiled_stock_is_written_off_with_a_reason(people):
    expired = lot(rice(people.admin), people.staff_a, "5", TODAY() - timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        write_off(lot=expired, quantity=Decimal("5"), by=people.staff_a, reason=" ")
    assert "reason" in refused.value.message_dict
    write_off(lot=expired, quantity=Decimal("5"), by=people.staff_a, reason="mouldy")
    expired.refresh_from_db()
    assert expired.on_hand == 0
    assert Movement.objects.filter(kind=MovementKind.WRITE_OFF, reason="mouldy").count() == 1


def test_the_database_refuses_a_lot_below_zero_even_around_the_services(people):
    bags = lot(rice(people.admin), people.staff_a, "2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.filter(pk=bags.pk).update(on_hand=-1)


def test_the_database_refuses_a_movement_whose_sign_does_not_fit_its_kind(people):
    bags = lot(rice(people.admin), people.staff_a, "2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Movement.objects.create(
            lot=bags, kind=MovementKind.RECEIPT, on_hand_change=-1, created_by=people.staff_a
        )


def test_store_stock_sums_lots_and_keeps_expired_stock_out_of_available(people):
    item, staff = rice(people.admin), people.staff_a
    lot(item, staff, "4", TODAY() + timedelta(days=3))
    lot(item, staff, "6", TODAY() - timedelta(days=3))
    reserve_fefo(district=people.district_a, item=item, quantity=Decimal("1"), by=staff)
    (row,) = store_stock(people.district_a)
    assert (row.on_hand, row.reserved, row.available, row.expired) == (10, 1, 3, 6)
    assert row.next_expiry == TODAY() + timedelta(days=3)
    assert not store_stock(people.district_b).exists()


def test_lot_sums_can_be_rebuilt_from_the_ledger(people):
    item, staff = rice(people.admin), people.staff_a
    bags = lot(item, staff, "8")
    issue_fefo(district=people.district_a, item=item, quantity=Decimal("3"), by=staff)
    Lot.objects.filter(pk=bags.pk).update(on_hand=7)
    assert ledger_mismatches() == [bags.pk]
    assert rebuild_lot_balances() == 1
    bags.refresh_from_db()
    assert bags.on_hand == 5
    assert ledger_mismatches() == []


def test_food_items_need_a_category_and_other_goods_none(people):
    with pytest.raises(ValidationError):
        add_item(by=people.admin, name_th="x", name_en="x", kind="food", unit="kg", points_price=1)


@pytest.mark.parametrize("quantity", ["0.0004", "1.2345", "NaN", "Infinity", "1e12"])
def test_quantities_beyond_the_thousandth_or_not_finite_are_refused(people, quantity):
    with pytest.raises(ValidationError) as refused:
        lot(rice(people.admin), people.staff_a, quantity)
    assert "quantity" in refused.value.message_dict
    assert not Lot.objects.exists()


def test_food_already_expired_is_not_received(people):
    from inventory.services.stock import receive_lot

    with pytest.raises(ValidationError) as refused:
        receive_lot(
            district=people.district_a,
            item=rice(people.admin),
            quantity=Decimal("3"),
            expiry_date=TODAY() - timedelta(days=1),
            by=people.staff_a,
        )
    assert "expiry_date" in refused.value.message_dict


def test_reserved_food_that_has_since_expired_is_not_handed_out(people):
    item = rice(people.admin)
    bags = lot(item, people.staff_a, "5", TODAY())
    reserve_fefo(district=people.district_a, item=item, quantity=Decimal("2"), by=people.staff_a)
    Lot.objects.filter(pk=bags.pk).update(expiry_date=TODAY() - timedelta(days=1))  # a day later
    with pytest.raises(LotExpired):
        issue_reserved(lot=bags, quantity=Decimal("2"), by=people.staff_a)
    with pytest.raises(OutsideDistrict):
        issue_reserved(lot=bags, quantity=Decimal("2"), by=people.staff_b)
    bags.refresh_from_db()
    assert (bags.on_hand, bags.reserved) == (5, 2)


def test_releasing_more_than_is_reserved_says_so(people):
    bags = lot(rice(people.admin), people.staff_a, "5")
    with translation.override("en"), pytest.raises(NotEnoughStock) as refused:
        release(lot=bags, quantity=Decimal("1"), by=people.staff_a)
    assert "reserved" in refused.value.message
