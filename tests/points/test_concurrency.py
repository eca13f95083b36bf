"""The points ledger under concurrent writers, on PostgreSQL with real threads."""

import pytest
from django.db import DatabaseError, connection, transaction

from points.errors import AlreadyRefunded, InsufficientPoints
from points.models import EntryKind, Household, PointsEntry
from points.selectors import ledger_mismatches
from points.services.ledger import debit_points, grant_points, refund_debit
from tests.conftest import run_concurrently

from .factories import household

pytestmark = pytest.mark.postgres


def test_concurrent_debits_never_take_the_balance_below_zero(committed_db, people):
    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="start")

    def spend():
        try:
            debit_points(household=home, points=30, by=people.staff_a)
            return "debited"
        except InsufficientPoints:
            return "refused"

    results = run_concurrently(spend, 10)
    home.refresh_from_db()
    assert results.count("debited") == 3
    assert home.balance == 10
    assert ledger_mismatches() == []


def test_concurrent_refunds_of_one_debit_refund_once(committed_db, people):
    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    debit = debit_points(household=home, points=40, by=people.staff_a)

    def refund():
        try:
            refund_debit(debit=debit, by=people.staff_a)
            return "refunded"
        except AlreadyRefunded:
            return "already"

    results = run_concurrently(refund, 8)
    assert results.count("refunded") == 1
    assert PointsEntry.objects.filter(kind=EntryKind.VOUCHER_REFUND).count() == 1
    assert Household.objects.get(pk=home.pk).balance == 100


def test_the_points_ledger_refuses_update_and_delete(db, people):
    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    for statement in (
        "UPDATE points_pointsentry SET points = 1000",
        "DELETE FROM points_pointsentry",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert PointsEntry.objects.get().points == 100


def test_fifty_concurrent_scans_of_one_voucher_hand_over_once(committed_db, people):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone
    from rest_framework.test import APIClient

    from inventory.models import Lot, Movement, MovementKind
    from points.models import Redemption
    from points.services.vouchers import Choice, issue_voucher, voucher_token
    from tests.inventory.factories import lot, rice

    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    bags = rice(people.admin)
    lot(bags, people.staff_a, "5", timezone.localdate() + timedelta(days=30))
    token = voucher_token(
        issue_voucher(household=home, choices=[Choice(bags, 2)], by=people.staff_a)
    )

    def scan():
        client = APIClient()
        client.force_authenticate(people.counter_a)
        answer = client.post("/api/v1/vouchers/redeem/", {"token": token}, format="json")
        return answer.status_code

    statuses = run_concurrently(scan, 50)
    assert sorted(set(statuses)) == [200, 409]
    assert statuses.count(200) == 1
    assert Redemption.objects.count() == 1
    assert Movement.objects.filter(kind=MovementKind.ISSUE).count() == 1
    (shelf,) = Lot.objects.all()
    assert (shelf.on_hand, shelf.reserved) == (Decimal(3), Decimal(0))
    assert Household.objects.get(pk=home.pk).balance == 20
    assert ledger_mismatches() == []


def test_counters_redeeming_vouchers_that_share_lots_all_hand_over(committed_db, people):
    """Vouchers naming the same lots in every order, redeemed at once: no deadlock, and each
    lot gives exactly what its vouchers reserved."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from inventory.models import Lot, Movement, MovementKind
    from inventory.services.ledger import ledger_sums
    from points.services.vouchers import Choice, issue_voucher, redeem_voucher, voucher_token
    from tests.inventory.factories import lot, rice

    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    items = [
        rice(people.admin, name_en=f"Rice {n}", barcode=f"885000000{n:04d}", points_price=1)
        for n in range(4)
    ]
    for item in items:
        lot(item, people.staff_a, "30", timezone.localdate() + timedelta(days=30))
    baskets = [items[n % 4 :] + items[: n % 4] for n in range(16)]
    tokens = iter(
        [
            voucher_token(
                issue_voucher(
                    household=home,
                    choices=[Choice(item, 1) for item in reversed(basket[:3])],
                    by=people.staff_a,
                )
            )
            for basket in baskets
        ]
    )

    def redeem():
        return redeem_voucher(token=next(tokens), by=people.counter_a).status

    assert run_concurrently(redeem, 16) == ["redeemed"] * 16
    assert Movement.objects.filter(kind=MovementKind.ISSUE).count() == 16 * 3
    for shelf in Lot.objects.all():
        assert (shelf.on_hand, shelf.reserved) == (Decimal(30 - 12), Decimal(0))
        assert ledger_sums()[shelf.pk] == (shelf.on_hand, shelf.reserved)


@pytest.mark.parametrize("spoilt", ["expired", "short"])
def test_a_hand_over_refused_by_one_lot_commits_nothing_of_the_others(committed_db, people, spoilt):
    """Outside any transaction, as at the counter, the one statement commits by itself: if
    one lot has expired or holds less than reserved, neither the other lot, nor the voucher,
    nor the trail has moved."""
    from datetime import timedelta

    from django.utils import timezone

    from foodbank.audit.models import Action, AuditEvent
    from inventory.errors import LotExpired, NotEnoughStock
    from inventory.models import Lot, Movement
    from points.models import Redemption, VoucherStatus
    from points.services.vouchers import Choice, issue_voucher, redeem_voucher, voucher_token
    from tests.inventory.factories import lot, rice, soap

    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    bags, bars = rice(people.admin), soap(people.admin)
    lot(bags, people.staff_a, "5", timezone.localdate() + timedelta(days=30))
    lot(bars, people.staff_a, "5")
    voucher = issue_voucher(
        household=home, choices=[Choice(bags, 1), Choice(bars, 1)], by=people.staff_a
    )
    rice_lot = Lot.objects.filter(item=bags)
    if spoilt == "expired":
        rice_lot.update(expiry_date=timezone.localdate() - timedelta(days=1))
    else:
        rice_lot.update(reserved=0)  # as if a correction had taken the reserved bag
    before = sorted(Lot.objects.values_list("pk", "on_hand", "reserved"))
    assert not connection.in_atomic_block

    with pytest.raises(LotExpired if spoilt == "expired" else NotEnoughStock):
        redeem_voucher(token=voucher_token(voucher), by=people.counter_a)

    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.ISSUED
    assert sorted(Lot.objects.values_list("pk", "on_hand", "reserved")) == before
    assert not Movement.objects.filter(kind="issue").exists()
    assert not Redemption.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.VOUCHER_REDEEMED).exists()
