"""Random sequences of ledger operations, on a moving calendar, keep the ledger whole."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from foodbank.errors import ApplicationError
from points.models import EntryKind, PointsEntry
from points.services.buckets import points_left
from points.services.ledger import (
    approve_grant,
    correct_entry,
    debit_points,
    expire_points,
    grant_points,
    refund_debit,
)

from .factories import household

pytestmark = pytest.mark.django_db


class LedgerMachine(RuleBasedStateMachine):
    """Grants (small, and large ones approved by another), debits, refunds, corrections and
    days passing, in any order; an operation may be refused, as a whole."""

    def __init__(self, people):
        super().__init__()
        self.people = people
        self.day = timezone.localdate()

    @initialize()
    def a_household(self):
        self._example = transaction.atomic()
        self._example.__enter__()  # each example rolls back, so replays start alike
        self.home = household(self.people.staff_a)

    def teardown(self):
        if hasattr(self, "_example"):
            transaction.set_rollback(True)
            self._example.__exit__(None, None, None)

    def _on_the_day(self):
        return mock.patch("django.utils.timezone.localdate", return_value=self.day)

    def _try(self, work):
        """Run one operation today; a refused one must leave the ledger as it was."""
        before = list(PointsEntry.objects.values_list("pk", flat=True))
        try:
            with self._on_the_day(), transaction.atomic():
                work()
        except (ApplicationError, ValidationError):
            assert list(PointsEntry.objects.values_list("pk", flat=True)) == before

    @rule(points=st.integers(1, 400))
    def grant(self, points):
        staff = self.people.staff_a
        self._try(lambda: grant_points(household=self.home, points=points, by=staff, reason="t"))

    @rule(points=st.integers(501, 800))
    def large_grant_approved_by_another(self, points):
        def grant_and_approve():
            pending = grant_points(
                household=self.home, points=points, by=self.people.staff_a, reason="t"
            )
            approve_grant(grant=pending, by=self.people.admin)

        self._try(grant_and_approve)

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
            staff = self.people.staff_a
            self._try(lambda: correct_entry(entry=entry, points=points, by=staff, reason="fix"))

    @rule(days=st.integers(1, 120))
    def days_pass_and_the_nightly_run_expires(self, days):
        self.day += timedelta(days=days)
        with self._on_the_day():
            expire_points(today=self.day)
        left = points_left(self.home)
        live = PointsEntry.objects.filter(pk__in=[pk for pk, n in left.items() if n > 0])
        assert not live.filter(expires_on__lt=self.day).exists()

    @invariant()
    def balance_is_the_sum_of_the_entries_and_never_negative(self):
        if not hasattr(self, "home"):
            return
        self.home.refresh_from_db()
        total = PointsEntry.objects.filter(household=self.home).aggregate(s=Sum("points"))["s"]
        assert self.home.balance == (total or 0)
        assert self.home.balance >= 0

    @invariant()
    def every_point_sits_in_a_grant(self):
        if not hasattr(self, "home"):
            return
        left = points_left(self.home)
        assert all(n >= 0 for n in left.values())
        assert sum(left.values()) == self.home.balance

    @invariant()
    def refunds_happen_once(self):
        refers = PointsEntry.objects.filter(kind=EntryKind.VOUCHER_REFUND).values_list(
            "refers_to", flat=True
        )
        assert len(refers) == len(set(refers))


def test_random_sequences_keep_the_ledger_whole(people):
    class Machine(LedgerMachine):
        def __init__(self):
            super().__init__(people)

    Machine.TestCase.settings = settings(
        max_examples=20,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    Machine.TestCase().runTest()
