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
