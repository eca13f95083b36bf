from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from foodbank.accounts.scoping import OutsideDistrict
from inventory.errors import (
    NotEnoughStock,
    StockTakeAlreadyOpen,
    StockTakeClosed,
    TransferAlreadyReceived,
)
from inventory.models import Lot, Movement, MovementKind, Transfer, TransferStatus
from inventory.selectors import ledger_mismatches
from inventory.services.counts import close_stock_take, count_lot, lot_for_barcode, start_stock_take
from inventory.services.stock import reserve_fefo
from inventory.services.transfers import receive_transfer, send_transfer

from .factories import lot, rice

pytestmark = pytest.mark.django_db
SOON = timezone.localdate() + timedelta(days=20)


def _send(people, quantity="7"):
    item = rice(people.admin)
    lot(item, people.staff_a, "5", SOON)
    lot(item, people.staff_a, "5", SOON + timedelta(days=10))
    transfer = send_transfer(
        from_district=people.district_a,
        to_district=people.district_b,
        lines=[(item, Decimal(quantity))],
        by=people.staff_a,
    )
    return item, transfer


def test_a_transfer_takes_stock_out_fefo_and_leaves_it_in_transit(people):
    _item, transfer = _send(people)
    assert transfer.status == TransferStatus.IN_TRANSIT
    assert [(line.quantity, line.expiry_date) for line in transfer.lines.all()] == [
        (5, SOON),
        (2, SOON + timedelta(days=10)),
    ]
    assert sum(lot.on_hand for lot in Lot.objects.filter(district=people.district_a)) == 3
    assert not Lot.objects.filter(district=people.district_b).exists()


def test_the_receiving_district_confirms_and_differences_become_adjustments(people):
    _item, transfer = _send(people)
    short, _full = transfer.lines.all()
    receive_transfer(transfer=transfer, by=people.staff_b, received={short.pk: Decimal("4")})

    arrived = Lot.objects.filter(district=people.district_b).order_by("expiry_date")
    assert [(each.on_hand, each.expiry_date) for each in arrived] == [
        (4, SOON),
        (2, SOON + timedelta(days=10)),
    ]
    adjustment = Movement.objects.get(kind=MovementKind.ADJUSTMENT)
    assert adjustment.on_hand_change == -1
    assert adjustment.transfer == transfer
    assert str(transfer.pk) in adjustment.reason
    transfer.refresh_from_db()
    assert (transfer.status, transfer.received_by) == (TransferStatus.RECEIVED, people.staff_b)
    assert ledger_mismatches() == []


def test_a_transfer_is_received_once_and_only_by_the_receiving_district(people):
    _item, transfer = _send(people)
    with pytest.raises(OutsideDistrict):
        receive_transfer(transfer=transfer, by=people.staff_a)
    receive_transfer(transfer=transfer, by=people.staff_b)
    with pytest.raises(TransferAlreadyReceived):
        receive_transfer(transfer=transfer, by=people.staff_b)
    assert Lot.objects.filter(district=people.district_b).count() == 2


def test_a_transfer_beyond_available_stock_sends_nothing(people):
    with pytest.raises(NotEnoughStock):
        _send(people, quantity="11")
    assert not Transfer.objects.exists()
    assert sum(lot.on_hand for lot in Lot.objects.all()) == 10


def test_a_transfer_to_the_same_store_is_refused(people):
    item = rice(people.admin)
    lot(item, people.staff_a, "5")
    with pytest.raises(ValidationError) as refused:
        send_transfer(
            from_district=people.district_a,
            to_district=people.district_a,
            lines=[(item, Decimal("1"))],
            by=people.staff_a,
        )
    assert "to_district" in refused.value.message_dict


def test_closing_a_stock_take_turns_differences_into_adjustments(people):
    item = rice(people.admin)
    counted_less = lot(item, people.staff_a, "10", SOON)
    counted_same = lot(item, people.staff_a, "4", SOON + timedelta(days=1))
    not_counted = lot(item, people.staff_a, "6", SOON + timedelta(days=2))
    count = start_stock_take(district=people.district_a, by=people.staff_a)
    count_lot(stock_take=count, lot=counted_less, quantity=Decimal("9"), by=people.staff_a)
    count_lot(stock_take=count, lot=counted_less, quantity=Decimal("8"), by=people.staff_a)
    count_lot(stock_take=count, lot=counted_same, quantity=Decimal("4"), by=people.staff_a)

    close_stock_take(stock_take=count, by=people.staff_a)

    adjustment = Movement.objects.get(kind=MovementKind.ADJUSTMENT)
    assert (adjustment.lot, adjustment.on_hand_change, adjustment.stock_take) == (
        counted_less,
        -2,
        count,
    )
    for each, expected in ((counted_less, 8), (counted_same, 4), (not_counted, 6)):
        each.refresh_from_db()
        assert each.on_hand == expected
    with pytest.raises(StockTakeClosed):
        count_lot(stock_take=count, lot=not_counted, quantity=Decimal("1"), by=people.staff_a)


def test_one_count_per_store_at_a_time(people):
    start_stock_take(district=people.district_a, by=people.staff_a)
    with pytest.raises(StockTakeAlreadyOpen):
        start_stock_take(district=people.district_a, by=people.staff_a)
    start_stock_take(district=people.district_b, by=people.staff_b)


def test_a_count_below_what_vouchers_reserved_is_refused_naming_the_lot(people):
    item = rice(people.admin)
    bags = lot(item, people.staff_a, "5")
    reserve_fefo(district=people.district_a, item=item, quantity=Decimal("3"), by=people.staff_a)
    count = start_stock_take(district=people.district_a, by=people.staff_a)
    count_lot(stock_take=count, lot=bags, quantity=Decimal("2"), by=people.staff_a)
    with pytest.raises(NotEnoughStock) as refused:
        close_stock_take(stock_take=count, by=people.staff_a)
    assert f"lots.{bags.pk}" in refused.value.fields
    bags.refresh_from_db()
    assert bags.on_hand == 5


def test_a_barcode_finds_the_items_only_lot_or_asks_to_choose(people):
    item = rice(people.admin)
    first = lot(item, people.staff_a, "5", SOON)
    count = start_stock_take(district=people.district_a, by=people.staff_a)
    assert lot_for_barcode(count, item.barcode) == first
    lot(item, people.staff_a, "5", SOON + timedelta(days=3))
    with pytest.raises(ValidationError) as several:
        lot_for_barcode(count, item.barcode)
    assert "lot" in several.value.message_dict
    with pytest.raises(ValidationError):
        lot_for_barcode(count, "0000")


def test_counting_another_districts_lot_is_refused(people):
    theirs = lot(rice(people.admin), people.staff_b, "5")
    count = start_stock_take(district=people.district_a, by=people.staff_a)
    with pytest.raises(ValidationError):
        count_lot(stock_take=count, lot=theirs, quantity=Decimal("5"), by=people.staff_a)
    with pytest.raises(ValidationError):
        count_lot(stock_take=count, lot=theirs, quantity=Decimal("-1"), by=people.staff_a)


def test_more_arriving_than_was_sent_is_refused_and_nothing_is_received(people):
    _item, transfer = _send(people, quantity="2")
    line = transfer.lines.get()
    with pytest.raises(ValidationError) as refused:
        receive_transfer(transfer=transfer, by=people.staff_b, received={line.pk: Decimal("500")})
    assert f"lines.{line.pk}.received_quantity" in refused.value.message_dict
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.IN_TRANSIT
    assert not Lot.objects.filter(district=people.district_b).exists()


def test_stock_issued_while_a_count_is_open_stays_counted(people):
    from inventory.services.stock import issue_fefo

    item = rice(people.admin)
    bags = lot(item, people.staff_a, "10", SOON)
    count = start_stock_take(district=people.district_a, by=people.staff_a)
    count_lot(stock_take=count, lot=bags, quantity=Decimal("9"), by=people.staff_a)  # one lost
    issue_fefo(district=people.district_a, item=item, quantity=Decimal("3"), by=people.staff_a)
    close_stock_take(stock_take=count, by=people.staff_a)
    bags.refresh_from_db()
    assert bags.on_hand == 6  # 10 - 1 lost - 3 issued
    assert Movement.objects.get(kind=MovementKind.ADJUSTMENT).on_hand_change == -1


def test_one_transfer_of_the_same_item_twice_takes_from_the_shelf_once(people):
    item = rice(people.admin)
    lot(item, people.staff_a, "5", SOON)
    with pytest.raises(NotEnoughStock):
        send_transfer(
            from_district=people.district_a,
            to_district=people.district_b,
            lines=[(item, Decimal("3")), (item, Decimal("3"))],
            by=people.staff_a,
        )
    assert Lot.objects.get().on_hand == 5
