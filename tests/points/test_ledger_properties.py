"""Random sequences of ledger operations keep the balance equal to the sum of the entries."""

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from foodbank.errors import ApplicationError
from points.models import EntryKind, PointsEntry
from points.services.ledger import (
    correct_entry,
    debit_points,
    expire_points,
    grant_points,
    refund_debit,
)

from .factories import household

pytestmark = pytest.mark.django_db


class LedgerMachine(RuleBasedStateMachine):
    """Grants, debits, refunds, corrections and expiries in any order; rules may be refused."""

    def __init__(self, people):
        super().__init__()
        self.people = people
        self.day = timezone.localdate()

    @initialize()
    def a_household(self):
        self.home = household(self.people.staff_a)

    def _try(self, work):
        """Run one operation; a refused one must leave the ledger exactly as it was."""
        before = list(PointsEntry.objects.values_list("pk", flat=True))
        try:
            work()
        except ApplicationError:
            assert list(PointsEntry.objects.values_list("pk", flat=True)) == before

    @rule(points=st.integers(1, 400))
    def grant(self, points):
        self._try(
            lambda: grant_points(
                household=self.home, points=points, by=self.people.staff_a, reason="test"
            )
        )

    @rule(points=st.integers(1, 300))
    def debit(self, points):
        self._try(lambda: debit_points(household=self.home, points=points, by=self.people.staff_a))

    @rule(pick=st.integers(0, 50))
    def refund(self, pick):
        debits = list(self.home.entries.filter(kind=EntryKind.VOUCHER_DEBIT).order_by("pk"))
        if debits:
            debit = debits[pick % len(debits)]
            self._try(lambda: refund_debit(debit=debit, by=self.people.staff_a))

    @rule(pick=st.integers(0, 50), points=st.integers(-200, 200).filter(bool))
    def correct(self, pick, points):
        entries = list(self.home.entries.order_by("pk"))
        if entries:
            entry = entries[pick % len(entries)]
            self._try(
                lambda: correct_entry(
                    entry=entry, points=points, by=self.people.staff_a, reason="fix"
                )
            )

    @rule(days=st.integers(1, 120))
    def time_passes(self, days):
        self.day += timedelta(days=days)
        expire_points(today=self.day)

    @invariant()
    def balance_is_the_sum_of_the_entries_and_never_negative(self):
        if not hasattr(self, "home"):
            return
        self.home.refresh_from_db()
        total = PointsEntry.objects.filter(household=self.home).aggregate(s=Sum("points"))["s"]
        assert self.home.balance == (total or 0)
        assert self.home.balance >= 0

    @invariant()
    def refunds_and_expiries_happen_once(self):
        for kind in (EntryKind.VOUCHER_REFUND, EntryKind.EXPIRY):
            refers = PointsEntry.objects.filter(kind=kind).values_list("refers_to", flat=True)
            assert len(refers) == len(set(refers))


def test_random_sequences_keep_the_ledger_whole(people):
    machine_settings = settings(
        max_examples=25,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )

    class Machine(LedgerMachine):
        def __init__(self):
            super().__init__(people)

    Machine.TestCase.settings = machine_settings
    Machine.TestCase().runTest()
