"""Leaving and erasure on PostgreSQL: the ledger's trigger, and a leaving racing a voucher."""

import itertools
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from points.errors import HouseholdLeft
from points.models import ERASED_REASON, EntryKind, PointsEntry, VoucherStatus
from points.selectors import ledger_mismatches
from points.services.departures import record_departure
from points.services.ledger import grant_points
from points.services.vouchers import Choice, issue_voucher
from tests.conftest import run_concurrently
from tests.inventory.factories import lot, rice

from .factories import household

pytestmark = pytest.mark.postgres


def _update(sql: str, *params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_ledger_lets_a_reason_be_erased_and_nothing_else_change(db, people):
    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="Mother's chemotherapy")
    entry = PointsEntry.objects.get()
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


def test_a_leaving_and_vouchers_issued_at_the_same_time_leave_no_voucher_open(committed_db, people):
    home = household(people.staff_a)
    grant_points(household=home, points=400, by=people.staff_a, reason="start")
    bags = rice(people.admin)
    lot(bags, people.staff_a, "20", timezone.localdate() + timedelta(days=30))

    turns = itertools.count()

    def work() -> str:
        if next(turns) == 0:
            record_departure(household=home, reason="moved", by=people.staff_a)
            return "left"
        try:
            issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
        except HouseholdLeft:
            return "refused"
        return "issued"

    results = run_concurrently(work, 8)
    assert results.count("left") == 1
    home.refresh_from_db()
    assert home.left_on is not None
    assert not home.vouchers.filter(status=VoucherStatus.ISSUED).exists()
    assert home.vouchers.count() == results.count("issued")
    assert home.balance == 400  # every voucher issued before the leaving was given back
    lot_row = bags.lots.get()
    assert lot_row.reserved == 0
    assert ledger_mismatches() == []
