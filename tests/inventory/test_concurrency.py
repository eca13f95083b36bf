"""The store under concurrent writers, on PostgreSQL with real threads and connections."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from inventory.errors import NotEnoughStock
from inventory.models import Lot, Movement, MovementKind
from inventory.selectors import ledger_mismatches
from inventory.services.stock import issue_fefo, reserve_fefo
from tests.conftest import run_concurrently

from .factories import lot, rice

pytestmark = pytest.mark.postgres


def _attempt(work):
    def run():
        try:
            work()
            return "done"
        except NotEnoughStock:
            return "refused"

    return run


def test_many_concurrent_issues_of_the_last_units_never_go_below_zero(committed_db, people):
    item = rice(people.admin)
    for units in ("2", "1", "2"):
        lot(item, people.staff_a, units)

    issue_two = _attempt(
        lambda: issue_fefo(
            district=people.district_a, item=item, quantity=Decimal("2"), by=people.staff_a
        )
    )
    results = run_concurrently(issue_two, 12)

    assert results.count("done") == 2
    assert results.count("refused") == 10
    assert sum(each.on_hand for each in Lot.objects.all()) == 1
    assert Movement.objects.filter(kind=MovementKind.ISSUE).count() >= 2
    assert ledger_mismatches() == []


def test_concurrent_reservations_and_issues_share_the_shelf_exactly(committed_db, people):
    item = rice(people.admin)
    lot(item, people.staff_a, "10")
    turn = iter(range(100))

    def reserve_or_issue():
        service = reserve_fefo if next(turn) % 2 else issue_fefo
        service(district=people.district_a, item=item, quantity=Decimal("1"), by=people.staff_a)

    results = run_concurrently(_attempt(reserve_or_issue), 16)

    (shelf,) = Lot.objects.all()
    assert results.count("done") == 10
    assert shelf.available == 0
    assert shelf.on_hand + Movement.objects.filter(kind=MovementKind.ISSUE).count() == 10
    assert ledger_mismatches() == []


def test_the_movement_ledger_refuses_update_and_delete(db, people):
    lot(rice(people.admin), people.staff_a, "3")
    receipt = Movement.objects.get()
    for statement in (
        "UPDATE inventory_movement SET on_hand_change = 30",
        "DELETE FROM inventory_movement",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    receipt.refresh_from_db()
    assert receipt.on_hand_change == 3


def test_transfers_listing_the_same_items_in_opposite_orders_do_not_deadlock(committed_db, people):
    from inventory.services.transfers import send_transfer

    from .factories import soap

    bags, bars = rice(people.admin), soap(people.admin)
    lot(bags, people.staff_a, "40")
    lot(bars, people.staff_a, "40")
    turn = iter(range(100))

    def send():
        first, second = (bags, bars) if next(turn) % 2 else (bars, bags)
        send_transfer(
            from_district=people.district_a,
            to_district=people.district_b,
            lines=[(first, Decimal("1")), (second, Decimal("1"))],
            by=people.staff_a,
        )
        return "sent"

    results = run_concurrently(send, 12)
    assert results == ["sent"] * 12
    assert sorted(each.on_hand for each in Lot.objects.all()) == [28, 28]
    assert ledger_mismatches() == []
