from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from points.errors import (
    AlreadyRefunded,
    GrantAlreadyDecided,
    InsufficientPoints,
    PolicyOutsideLimits,
    SecondApproverNeeded,
)
from points.models import EntryKind, GrantStatus, PointsEntry
from points.selectors import ledger_mismatches, statement
from points.services.ledger import (
    approve_grant,
    correct_entry,
    debit_points,
    expire_points,
    grant_points,
    refund_debit,
    reject_grant,
)
from points.services.policies import adjust_district_policy, policy_for, recommend

from .factories import assessed, household

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_the_city_policy_recommends_band_plus_members_plus_dependants(people):
    home = household(people.staff_a, members=4, elderly=1, children=2)
    assessment = assessed(home, people.staff_a)  # need score 3+2+1+2+1 = 9: band from 6
    advice = recommend(policy_for(people.district_a), home, assessment)
    assert advice.need_score == 9
    assert (advice.band_points, advice.member_points, advice.dependant_points) == (200, 80, 90)
    assert advice.points == 370
    assert recommend(policy_for(people.district_a), home, assessment) == advice


def test_no_assessment_or_no_need_recommends_nothing(people):
    home = household(people.staff_a)
    policy = policy_for(people.district_a)
    assert recommend(policy, home, None).points == 0
    calm = assessed(
        home,
        people.staff_a,
        income=0,
        health=0,
        education=0,
        living_conditions=0,
        public_services=0,
    )
    assert recommend(policy, home, calm).points == 0


def test_a_district_scales_awards_only_within_the_citys_limits(people):
    home = household(people.staff_a, members=4, elderly=1, children=2)
    assessment = assessed(home, people.staff_a)
    adjust_district_policy(district=people.district_a, percent=110, by=people.staff_a)
    assert recommend(policy_for(people.district_a), home, assessment).points == 407  # 370 * 1.1
    with pytest.raises(PolicyOutsideLimits) as refused:
        adjust_district_policy(district=people.district_a, percent=150, by=people.staff_a)
    assert "percent" in refused.value.fields
    with pytest.raises(PolicyOutsideLimits):
        adjust_district_policy(
            district=people.district_a, percent=100, validity_days=400, by=people.staff_a
        )
    assert policy_for(people.district_b).percent == 100


def test_the_award_is_capped_at_the_citys_largest(people):
    home = household(people.staff_a, members=12, elderly=4, children=6, disabled=2)
    most = assessed(
        home,
        people.staff_a,
        income=4,
        health=4,
        education=4,
        living_conditions=4,
        public_services=4,
    )
    advice = recommend(policy_for(people.district_a), home, most)
    assert (advice.points, advice.capped) == (800, True)


def test_a_grant_of_the_recommendation_counts_at_once_and_expires_with_the_policy(people):
    home = household(people.staff_a, members=4, elderly=1, children=2)
    assessed(home, people.staff_a)
    grant = grant_points(household=home, points=370, by=people.staff_a)
    assert grant.status == GrantStatus.APPROVED
    home.refresh_from_db()
    assert home.balance == 370
    assert grant.entry.expires_on == TODAY() + timedelta(days=89)  # 90 days, today included


def test_a_grant_other_than_recommended_needs_a_written_reason(people):
    home = household(people.staff_a)
    assessed(home, people.staff_a)
    with pytest.raises(ValidationError) as refused:
        grant_points(household=home, points=100, by=people.staff_a, reason="  ")
    assert "reason" in refused.value.message_dict
    assert not PointsEntry.objects.exists()
    grant_points(household=home, points=100, by=people.staff_a, reason="flood victims")
    home.refresh_from_db()
    assert home.balance == 100


def test_a_grant_above_the_threshold_counts_only_after_another_staff_member_approves(people):
    home = household(people.staff_a)
    grant = grant_points(household=home, points=600, by=people.staff_a, reason="fire")
    home.refresh_from_db()
    assert (grant.status, home.balance) == (GrantStatus.PENDING, 0)

    with pytest.raises(SecondApproverNeeded):
        approve_grant(grant=grant, by=people.staff_a)
    with pytest.raises(SecondApproverNeeded):
        approve_grant(grant=grant, by=people.counter_a)
    approve_grant(grant=grant, by=people.admin)
    home.refresh_from_db()
    assert home.balance == 600
    with pytest.raises(GrantAlreadyDecided):
        approve_grant(grant=grant, by=people.admin)


def test_a_rejected_grant_never_counts(people):
    home = household(people.staff_a)
    grant = grant_points(household=home, points=700, by=people.staff_a, reason="fire")
    reject_grant(grant=grant, by=people.admin)
    with pytest.raises(GrantAlreadyDecided):
        approve_grant(grant=grant, by=people.admin)
    home.refresh_from_db()
    assert home.balance == 0


def test_a_debit_beyond_the_balance_is_refused_and_writes_nothing(people):
    home = household(people.staff_a)
    grant_points(household=home, points=50, by=people.staff_a, reason="start")
    with pytest.raises(InsufficientPoints):
        debit_points(household=home, points=51, by=people.staff_a)
    assert PointsEntry.objects.count() == 1


def test_a_voucher_debit_is_refunded_once(people):
    home = household(people.staff_a)
    grant_points(household=home, points=50, by=people.staff_a, reason="start")
    debit = debit_points(household=home, points=30, by=people.staff_a, reference="V-1")
    refund_debit(debit=debit, by=people.staff_a)
    with pytest.raises(AlreadyRefunded):
        refund_debit(debit=debit, by=people.staff_a)
    home.refresh_from_db()
    assert home.balance == 50


def test_a_correction_can_only_undo_never_add_points_past_the_approval_rules(people):
    home = household(people.staff_a)
    grant = grant_points(household=home, points=1, by=people.staff_a, reason="tiny")
    with pytest.raises(ValidationError) as refused:
        correct_entry(entry=grant.entry, points=99_999, by=people.staff_a, reason="more")
    assert "points" in refused.value.message_dict
    correct_entry(entry=grant.entry, points=-1, by=people.staff_a, reason="none due")
    correct_entry(entry=grant.entry, points=1, by=people.staff_a, reason="restored")
    home.refresh_from_db()
    assert home.balance == 1


def test_points_past_their_validity_cannot_be_spent_before_the_nightly_run(people):
    from unittest import mock

    home = household(people.staff_a)
    old = grant_points(household=home, points=100, by=people.staff_a, reason="old")
    day_after = old.entry.expires_on + timedelta(days=1)
    with (
        mock.patch("django.utils.timezone.localdate", return_value=day_after),
        pytest.raises(InsufficientPoints),
    ):
        debit_points(household=home, points=100, by=people.staff_a)
    assert not PointsEntry.objects.filter(kind=EntryKind.VOUCHER_DEBIT).exists()
    assert expire_points(today=day_after) == 100


def test_refunded_points_of_an_expired_grant_expire_at_once(people):
    from unittest import mock

    home = household(people.staff_a)
    old = grant_points(household=home, points=100, by=people.staff_a, reason="old")
    debit = debit_points(household=home, points=30, by=people.staff_a)
    day_after = old.entry.expires_on + timedelta(days=1)
    assert expire_points(today=day_after) == 70
    with mock.patch("django.utils.timezone.localdate", return_value=day_after):
        refund_debit(debit=debit, by=people.staff_a)
    home.refresh_from_db()
    assert home.balance == 0


def test_spending_comes_from_the_grant_valid_when_it_was_spent(people):
    """A shorter grant after a longer one: the earlier spending does not shield it."""
    from points.services.policies import adjust_district_policy

    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="long")  # 90 days
    debit_points(household=home, points=100, by=people.staff_a)
    adjust_district_policy(
        district=people.district_a, percent=100, validity_days=30, by=people.staff_a
    )
    short = grant_points(household=home, points=100, by=people.staff_a, reason="short")
    assert expire_points(today=short.entry.expires_on + timedelta(days=1)) == 100
    home.refresh_from_db()
    assert home.balance == 0


def test_a_correction_is_a_new_entry_referring_to_the_one_it_corrects(people):
    home = household(people.staff_a)
    grant = grant_points(household=home, points=50, by=people.staff_a, reason="start")
    fix = correct_entry(entry=grant.entry, points=-20, by=people.staff_a, reason="typo")
    assert (fix.kind, fix.refers_to, fix.points) == (EntryKind.CORRECTION, grant.entry, -20)
    grant.entry.refresh_from_db()
    assert grant.entry.points == 50
    with pytest.raises(ValidationError):
        correct_entry(entry=grant.entry, points=-5, by=people.staff_a, reason="")
    with pytest.raises(ValidationError):
        correct_entry(entry=grant.entry, points=-31, by=people.staff_a, reason="too much")


def test_points_expire_oldest_first_after_their_validity(people):
    home = household(people.staff_a)
    first = grant_points(household=home, points=100, by=people.staff_a, reason="first")
    grant_points(household=home, points=100, by=people.staff_a, reason="second")
    debit_points(household=home, points=60, by=people.staff_a)
    days = first.validity_days

    assert expire_points(today=TODAY() + timedelta(days=days - 1)) == 0  # its last day
    assert expire_points(today=TODAY() + timedelta(days=days)) == 140
    home.refresh_from_db()
    assert home.balance == 0
    assert expire_points(today=TODAY() + timedelta(days=days + 1)) == 0


def test_only_the_unspent_part_of_the_oldest_grant_expires(people):
    home = household(people.staff_a)
    old = grant_points(household=home, points=100, by=people.staff_a, reason="old")
    debit_points(household=home, points=30, by=people.staff_a)
    entry = old.entry
    expire_points(today=entry.expires_on + timedelta(days=1))
    expiry = PointsEntry.objects.get(kind=EntryKind.EXPIRY)
    assert (expiry.points, expiry.refers_to, expiry.created_by) == (-70, entry, None)


def test_the_statement_shows_every_entry_with_a_running_balance(people):
    home = household(people.staff_a)
    grant = grant_points(household=home, points=100, by=people.staff_a, reason="start")
    debit = debit_points(household=home, points=40, by=people.staff_a)
    refund_debit(debit=debit, by=people.staff_a)
    correct_entry(entry=grant.entry, points=-10, by=people.staff_a, reason="typo")
    rows = [(row.kind, row.points, row.balance_after) for row in statement(home)]
    assert rows == [
        ("grant", 100, 100),
        ("voucher_debit", -40, 60),
        ("voucher_refund", 40, 100),
        ("correction", -10, 90),
    ]
    assert ledger_mismatches() == []


def test_the_band_is_the_one_the_score_falls_in_and_the_cap_applies_after_scaling(people):
    from points.models import NeedBand
    from points.services.policies import adjust_district_policy

    NeedBand.objects.filter(min_score=16).update(points=250)  # lower than the band before it
    home = household(people.staff_a, members=1, elderly=0, children=0)
    top = assessed(
        home,
        people.staff_a,
        income=4,
        health=4,
        education=4,
        living_conditions=3,
        public_services=3,
    )  # 18
    assert recommend(policy_for(people.district_a), home, top).band_points == 250
    big = household(people.staff_a, members=12, elderly=4, children=6, disabled=2)
    most = assessed(
        big, people.staff_a, income=4, health=4, education=4, living_conditions=4, public_services=4
    )
    adjust_district_policy(district=people.district_a, percent=120, by=people.staff_a)
    assert recommend(policy_for(people.district_a), big, most).points == 800


def test_updating_a_household_never_writes_back_a_stale_balance(people):
    from points.services.households import update_household

    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    stale = type(home).objects.get(pk=home.pk)
    debit_points(household=home, points=100, by=people.staff_a)
    update_household(household=stale, by=people.staff_a, phone="0800000000")
    home.refresh_from_db()
    assert (home.balance, home.phone) == (0, "0800000000")
    assert ledger_mismatches() == []
