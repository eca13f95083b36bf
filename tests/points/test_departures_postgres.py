"""Leaving and erasure on PostgreSQL: the ledger's trigger, and a leaving racing a voucher."""

import itertools
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from inventory.models import Lot
from points.errors import GrantAlreadyDecided, HouseholdLeft, VoucherClosed
from points.models import (
    ERASED_REASON,
    EntryKind,
    GrantStatus,
    Household,
    PointsEntry,
    VoucherStatus,
)
from points.selectors import ledger_mismatches
from points.services.departures import record_departure
from points.services.ledger import approve_grant, grant_points
from points.services.vouchers import Choice, cancel_voucher, issue_voucher
from tests.conftest import run_concurrently
from tests.inventory.factories import lot, rice, soap

from .factories import household

pytestmark = pytest.mark.postgres


def _update(sql: str, *params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_ledger_lets_only_an_erased_households_reasons_be_erased(db, people):
    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="Mother's chemotherapy")
    entry = PointsEntry.objects.get()
    with pytest.raises(DatabaseError):  # not erased: the reason stays
        _update("UPDATE points_pointsentry SET reason = %s", ERASED_REASON)
    Household.objects.filter(pk=home.pk).update(
        left_on=timezone.localdate(),
        leaving_reason="moved",
        erased_at=timezone.now(),
        head_name="",
        phone="",
        address="",
        national_id_masked="",
        national_id_encrypted="",
        national_id_hash=f"erased:{home.pk}",
    )
    for refused in (
        ("UPDATE points_pointsentry SET reason = 'rewritten'",),
        ("UPDATE points_pointsentry SET reason = %s, points = 5", ERASED_REASON),
        ("UPDATE points_pointsentry SET reason = %s, kind = 'correction'", ERASED_REASON),
        ("DELETE FROM points_pointsentry",),
    ):
        with pytest.raises(DatabaseError):
            _update(*refused)
    entry.refresh_from_db()
    assert (entry.reason, entry.points) == ("Mother's chemotherapy", 100)
    _update("UPDATE points_pointsentry SET reason = %s", ERASED_REASON)
    entry.refresh_from_db()
    assert (entry.reason, entry.points, entry.kind) == (ERASED_REASON, 100, EntryKind.GRANT)


def _household_with_an_open_voucher_and_a_pending_grant(people, n: int):
    home = household(people.staff_a, head_name=f"Race {n}")
    grant_points(household=home, points=400, by=people.staff_a, reason="start")
    grant_points(household=home, points=900, by=people.staff_a, reason="waits for approval")
    bags = rice(people.admin)
    lot(bags, people.staff_a, "20", timezone.localdate() + timedelta(days=30))
    open_voucher = issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    return home, bags, open_voucher


@pytest.mark.parametrize("round_", range(3))
def test_a_leaving_racing_issues_a_cancel_and_an_approval_deadlocks_nothing(
    committed_db, people, round_
):
    home, bags, open_voucher = _household_with_an_open_voucher_and_a_pending_grant(people, round_)
    pending = home.grants.get(status=GrantStatus.PENDING)
    turns = itertools.count()

    def work() -> str:
        turn = next(turns)
        try:
            if turn == 0:
                record_departure(household=home, reason="moved", by=people.staff_a)
                return "left"
            if turn == 1:
                cancel_voucher(voucher=open_voucher, by=people.staff_a)
                return "cancelled"
            if turn == 2:
                approve_grant(grant=pending, by=people.admin)
                return "approved"
            issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
            return "issued"
        except (HouseholdLeft, VoucherClosed, GrantAlreadyDecided):
            return "refused"

    results = run_concurrently(work, 6)
    assert len(results) == 6, "a thread failed (a deadlock would show here)"
    assert "left" in results
    home.refresh_from_db()
    assert home.left_on is not None
    assert not home.vouchers.filter(status=VoucherStatus.ISSUED).exists()
    assert not home.grants.filter(status=GrantStatus.PENDING).exists()
    granted = 400 + (900 if "approved" in results else 0)
    assert home.balance == granted  # every voucher was given back, once
    assert bags.lots.get().reserved == 0
    assert ledger_mismatches() == []


@pytest.mark.parametrize("round_", range(3))
def test_a_leaving_with_vouchers_on_crossed_lots_deadlocks_no_other_counter(
    committed_db, people, round_
):
    soon = timezone.localdate() + timedelta(days=30)
    bars, bags = soap(people.admin), rice(people.admin)
    lot(bars, people.staff_a, "20")  # the lower lot id
    lot(bags, people.staff_a, "20", soon)
    leaving = household(people.staff_a, head_name="Leaving")
    staying = household(people.staff_a, head_name="Staying")
    for home in (leaving, staying):
        grant_points(household=home, points=400, by=people.staff_a, reason="start")
    # The first voucher holds the higher lot, the second the lower one.
    issue_voucher(household=leaving, choices=[Choice(bags, 1)], by=people.staff_a)
    issue_voucher(household=leaving, choices=[Choice(bars, 1)], by=people.staff_a)
    turns = itertools.count()

    def work() -> str:
        if next(turns) == 0:
            record_departure(household=leaving, reason="moved", by=people.staff_a)
            return "left"
        both = [Choice(bags, 1), Choice(bars, 1)]
        issue_voucher(household=staying, choices=both, by=people.staff_a)
        return "issued"

    results = run_concurrently(work, 5)
    assert sorted(results) == ["issued"] * 4 + ["left"], "a thread failed: a deadlock?"
    assert sum(lot.reserved for lot in Lot.objects.all()) == 8
    assert ledger_mismatches() == []
