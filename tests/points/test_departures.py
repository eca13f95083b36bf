"""A household leaving the programme, coming back, and the erasure of its personal data."""

from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token

from foodbank.accounts.models import User
from foodbank.accounts.scoping import OutsideDistrict
from foodbank.audit.models import Action, AuditEvent
from inventory.models import Lot
from points import national_id
from points.errors import (
    AdminOnly,
    CardRevoked,
    GrantAlreadyDecided,
    HouseholdErased,
    HouseholdLeft,
    HouseholdStillIn,
)
from points.models import (
    ERASED_REASON,
    Assessment,
    EntryKind,
    GrantStatus,
    Household,
    PointsEntry,
    VoucherStatus,
)
from points.selectors import ledger_mismatches
from points.services.assessments import record_assessment
from points.services.cards import card_token, household_for_card, issue_card
from points.services.departures import (
    erase_due_households,
    erase_household,
    erasure_due_on,
    record_departure,
    record_return,
)
from points.services.households import create_recipient_login, update_household
from points.services.ledger import approve_grant, correct_entry, grant_points
from points.services.vouchers import Choice, issue_voucher, redeem_voucher, voucher_token
from tests.inventory.factories import lot, rice
from worker.tasks import erase_departed_households

from .factories import assessed, household
from .factories import national_id as fresh_national_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PASSWORD = "a-long-enough-pass-1"


@pytest.fixture
def home(people):
    """A household of district A with a login, an assessment with notes, 100 points granted
    with a reason, a collected and an uncollected voucher, a card and a pending grant."""
    home = household(people.staff_a, vulnerability_notes="Father on dialysis")
    create_recipient_login(household=home, username="pranee", password=PASSWORD, by=people.staff_a)
    assessed(home, people.staff_a, notes="Lost her job in May")
    grant_points(household=home, points=100, by=people.staff_a, reason="Hospital bills")
    bags = rice(people.admin)
    lot(bags, people.staff_a, "5", TODAY + timedelta(days=30))
    collected = issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    redeem_voucher(token=voucher_token(collected), by=people.counter_a)
    issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    issue_card(household=home, by=people.staff_a)
    grant_points(household=home, points=900, by=people.staff_a, reason="Flooded home")
    home.refresh_from_db()
    return home


def _rice_on_hand() -> tuple:
    lot = Lot.objects.get()
    return lot.on_hand, lot.reserved


def test_leaving_closes_what_is_open_and_keeps_what_is_done(people, home):
    assert home.balance == 20
    assert _rice_on_hand() == (4, 1)
    card = home.cards.get()
    record_departure(household=home, reason="moved", by=people.staff_a)
    home.refresh_from_db()
    assert (home.left_on, home.leaving_reason, home.erased_at) == (TODAY, "moved", None)
    statuses = sorted(home.vouchers.values_list("status", flat=True))
    assert statuses == [VoucherStatus.CANCELLED, VoucherStatus.REDEEMED]
    assert home.balance == 60  # the uncollected voucher's 40 points came back
    assert _rice_on_hand() == (4, 0)
    assert home.grants.get(points=900).status == GrantStatus.REJECTED
    assert not User.objects.get(username="pranee").is_active
    with pytest.raises(CardRevoked):
        household_for_card(card_token(card), by=people.counter_a)
    assert ledger_mismatches() == []
    event = AuditEvent.objects.get(action=Action.HOUSEHOLD_LEFT)
    assert event.summary["reason"] == "moved"
    assert len(event.summary["vouchers_cancelled"]) == 1
    assert len(event.summary["grants_withdrawn"]) == 1
    assert "Pranee" not in str(event.summary)


def test_a_household_that_left_is_given_nothing_new(people, home):
    pending = home.grants.get(status=GrantStatus.PENDING)
    record_departure(household=home, reason="no_longer_in_need", by=people.staff_a)
    bags = Lot.objects.get().item
    refusals = [
        lambda: grant_points(household=home, points=10, by=people.staff_a, reason="x"),
        lambda: issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a),
        lambda: issue_card(household=home, by=people.staff_a),
        lambda: record_assessment(
            household=home,
            assessed_on=TODAY,
            by=people.staff_a,
            income=1,
            health=1,
            education=1,
            living_conditions=1,
            public_services=1,
        ),
        lambda: update_household(household=home, by=people.staff_a, phone="0899999999"),
    ]
    entries = PointsEntry.objects.count()
    for refused in refusals:
        with translation.override("en"), pytest.raises(HouseholdLeft) as left:
            refused()
        assert "left the programme on" in left.value.message
    with pytest.raises(GrantAlreadyDecided):
        approve_grant(grant=pending, by=people.admin)
    assert PointsEntry.objects.count() == entries
    assert home.assessments.count() == 1


def test_a_household_without_a_login_cannot_be_given_one_once_it_has_left(people):
    home = household(people.staff_a)
    record_departure(household=home, reason="moved", by=people.staff_a)
    with pytest.raises(HouseholdLeft):
        create_recipient_login(
            household=home, username="late", password=PASSWORD, by=people.staff_a
        )
    assert not User.objects.filter(username="late").exists()


@pytest.mark.parametrize(
    ("reason", "days_ago", "field"),
    [("gone fishing", 0, "leaving_reason"), ("moved", -1, "left_on"), ("moved", 2, "left_on")],
)
def test_a_leaving_is_refused_naming_the_field_and_changes_nothing(people, reason, days_ago, field):
    home = household(people.staff_a)
    Household.objects.filter(pk=home.pk).update(created_at=timezone.now() - timedelta(days=1))
    home.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        record_departure(
            household=home, reason=reason, by=people.staff_a, left_on=TODAY - timedelta(days_ago)
        )
    assert field in refused.value.message_dict
    home.refresh_from_db()
    assert home.left_on is None
    assert not AuditEvent.objects.filter(action=Action.HOUSEHOLD_LEFT).exists()


def test_a_leaving_is_recorded_once_and_sets_the_day_of_erasure(people):
    home = household(people.staff_a)
    record_departure(household=home, reason="died", by=people.staff_a, left_on=TODAY)
    with pytest.raises(HouseholdLeft):
        record_departure(household=home, reason="moved", by=people.staff_a)
    home.refresh_from_db()
    assert home.leaving_reason == "died"
    assert erasure_due_on(home) == TODAY + timedelta(days=365)


def test_only_keepers_of_the_district_record_a_leaving_a_return_or_an_erasure(people):
    home = household(people.staff_a)
    for stranger, refusal in ((people.counter_a, AdminOnly), (people.staff_b, OutsideDistrict)):
        with pytest.raises(refusal):
            record_departure(household=home, reason="moved", by=stranger)
    record_departure(household=home, reason="moved", by=people.admin)
    for stranger, refusal in ((people.counter_a, AdminOnly), (people.staff_b, OutsideDistrict)):
        with pytest.raises(refusal):
            record_return(household=home, by=stranger)
        with pytest.raises(refusal):
            erase_household(household=home, by=stranger)
    home.refresh_from_db()
    assert home.left_on is not None
    assert home.erased_at is None


def test_a_household_comes_back_with_its_record_and_login(people, home):
    record_departure(household=home, reason="moved", by=people.staff_a)
    record_return(household=home, by=people.staff_a)
    home.refresh_from_db()
    assert (home.left_on, home.leaving_reason) == (None, "")
    assert home.head_name == "Pranee Sukjai"
    assert User.objects.get(username="pranee").is_active
    grant_points(household=home, points=10, by=people.staff_a, reason="back again")
    assert AuditEvent.objects.filter(action=Action.HOUSEHOLD_RETURNED).count() == 1
    with pytest.raises(HouseholdStillIn):
        record_return(household=home, by=people.staff_a)


def test_erasure_empties_the_personal_data_and_keeps_the_ledgers(people, home):
    number = national_id.decrypt(home.national_id_encrypted)
    record_departure(household=home, reason="moved", by=people.staff_a)
    refunds = home.entries.filter(kind=EntryKind.VOUCHER_REFUND)
    refund_reasons = list(refunds.values_list("pk", "reason"))
    assert refund_reasons
    assert all(reason for _pk, reason in refund_reasons)
    entries = list(home.entries.values_list("pk", "kind", "points"))
    erase_household(household=home, by=people.staff_a)

    home.refresh_from_db()
    assert home.erased_at is not None
    assert [home.head_name, home.phone, home.address, home.vulnerability_notes] == [""] * 4
    assert (home.national_id_masked, home.national_id_encrypted) == ("", "")
    assert home.account is None
    with translation.override("en"):
        assert home.display_name == f"Household {home.pk} (personal data erased)"
    assert (home.members, home.elderly, home.children, home.balance) == (4, 1, 2, 60)
    assert Assessment.objects.get(household=home).notes == ""
    assert set(home.grants.values_list("reason", flat=True)) == {ERASED_REASON}
    grant_entry = home.entries.get(kind=EntryKind.GRANT)
    assert grant_entry.reason == ERASED_REASON
    assert list(home.entries.values_list("pk", "kind", "points")) == entries
    assert list(refunds.values_list("pk", "reason")) == refund_reasons  # no one's words
    assert ledger_mismatches() == []
    login = User.objects.get(username__startswith="erased-")
    assert (login.first_name, login.email, login.is_active) == ("", "", False)
    assert not login.has_usable_password()
    assert not User.objects.filter(username="pranee").exists()
    event = AuditEvent.objects.get(action=Action.HOUSEHOLD_ERASED)
    assert event.actor == people.staff_a
    # The same person may register again, as a new household.
    again = household(people.staff_a, number=number)
    assert again.pk != home.pk


def test_a_reason_for_erasure_erases_at_once_and_nothing_brings_it_back(people, home):
    record_departure(household=home, reason="erasure_requested", by=people.staff_a)
    home.refresh_from_db()
    assert home.erased_at is not None
    assert home.head_name == ""
    with pytest.raises(HouseholdErased):
        record_return(household=home, by=people.staff_a)
    with pytest.raises(HouseholdErased):
        erase_household(household=home, by=people.staff_a)
    assert erasure_due_on(home) is None


def test_data_is_erased_only_of_a_household_that_left(people):
    home = household(people.staff_a)
    with pytest.raises(HouseholdStillIn):
        erase_household(household=home, by=people.staff_a)
    home.refresh_from_db()
    assert home.head_name == "Pranee Sukjai"


def test_the_data_is_erased_once_the_retention_period_has_passed(people):
    stayed = household(people.staff_a)
    due = household(people.staff_a, head_name="Somchai Due")
    not_yet = household(people.staff_a, head_name="Malee Notyet")
    for leaver, days in ((due, 365), (not_yet, 364)):
        Household.objects.filter(pk=leaver.pk).update(
            created_at=timezone.now() - timedelta(days=400)
        )
        leaver.refresh_from_db()
        left_on = TODAY - timedelta(days=days)
        record_departure(household=leaver, reason="moved", by=people.staff_a, left_on=left_on)
    assert erase_due_households() == 1
    assert erase_due_households() == 0
    erased = set(Household.objects.filter(erased_at__isnull=False).values_list("pk", flat=True))
    assert erased == {due.pk}
    assert AuditEvent.objects.get(action=Action.HOUSEHOLD_ERASED).actor is None
    with override_settings(FOODBANK_HOUSEHOLD_RETENTION_DAYS=30):
        assert erase_departed_households.delay().get() == 1
    assert Household.objects.filter(erased_at__isnull=True).get() == stayed


def test_a_correction_reason_is_erased_but_the_corrections_stay(people):
    home = household(people.staff_a)
    grant = grant_points(household=home, points=50, by=people.staff_a, reason="Son in hospital")
    correct_entry(entry=grant.entry, points=-10, by=people.staff_a, reason="Son went home")
    record_departure(household=home, reason="erasure_requested", by=people.staff_a)
    kinds = dict(home.entries.values_list("kind", "reason"))
    assert kinds == {EntryKind.GRANT: ERASED_REASON, EntryKind.CORRECTION: ERASED_REASON}
    home.refresh_from_db()
    assert home.balance == 40


def test_a_household_that_left_has_no_entry_corrected(people):
    home = household(people.staff_a)
    grant = grant_points(household=home, points=50, by=people.staff_a, reason="start")
    record_departure(household=home, reason="moved", by=people.staff_a)
    with pytest.raises(HouseholdLeft):
        correct_entry(entry=grant.entry, points=-10, by=people.staff_a, reason="typo")
    assert not home.entries.filter(kind=EntryKind.CORRECTION).exists()


def test_erasure_leaves_no_sign_in_records_token_or_origin_of_the_login(people, home):
    account = home.account
    Token.objects.create(user=account)
    AccessLog.objects.create(username="pranee", ip_address="10.1.2.3", user_agent="phone")
    AccessLog.objects.create(username="staff_a", ip_address="10.1.2.4", user_agent="pc")
    LogEntry.objects.log_actions(
        people.admin.pk, [account], CHANGE, change_message="[]", single_object=True
    )
    AuditEvent.objects.filter(actor=people.staff_a).update(address="10.9.9.9", user_agent="pc")
    mine = AuditEvent.objects.create(
        actor=account,
        address="10.1.2.3",
        user_agent="phone",
        action=Action.VOUCHER_CANCELLED,
        target_type="points.voucher",
        target_id=1,
    )
    record_departure(household=home, reason="erasure_requested", by=people.staff_a)
    assert not Token.objects.filter(user=account).exists()
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["staff_a"]
    assert LogEntry.objects.get().object_repr == f"erased-{account.pk}"
    mine.refresh_from_db()
    assert (mine.address, mine.user_agent, mine.actor_id) == (None, "", account.pk)
    staff_events = AuditEvent.objects.filter(actor=people.staff_a, address="10.9.9.9")
    assert staff_events.exists()  # only the erased login's origins are forgotten


def test_a_retried_registration_after_erasure_replays_no_personal_data(api, people):
    client = api.as_user(people.staff_a)
    body = {
        "head_name": "Somsri Jaidee",
        "national_id": fresh_national_id(),
        "address": "45 Soi Ramkhamhaeng 24",
        "phone": "0899999999",
        "members": 3,
    }
    first = client.post("/api/v1/households/", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == 201
    assert first.json()["head_name"] == "Somsri Jaidee"
    home = Household.objects.get(pk=first.json()["id"])
    record_departure(household=home, reason="erasure_requested", by=people.staff_a)
    again = client.post("/api/v1/households/", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert (again.status_code, again.json()) == (201, {"id": home.pk})
    assert Household.objects.count() == 1  # replayed, not registered a second time
