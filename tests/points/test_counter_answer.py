"""The counter's answer: written out by hand for speed, held to what the declared fields say;
and on PostgreSQL, the one-statement hand-over's voucher held to a fresh read of it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.authtoken.models import Token

from inventory.models import Lot, Movement
from points.api.voucher_serializers import VoucherOutput
from points.models import Redemption, Voucher, VoucherStatus
from points.services.ledger import grant_points
from points.services.vouchers import Choice, cancel_voucher, issue_voucher, voucher_token
from tests.inventory.factories import lot, rice, soap

from .factories import household

pytestmark = pytest.mark.django_db
REDEEM = "/api/v1/vouchers/redeem/"


@pytest.fixture
def two_vouchers(people):
    """Two vouchers of one household: rice split over two lots plus soap, and soap alone."""
    home = household(people.staff_a, head_name="Somchai Rakdee")
    grant_points(household=home, points=300, by=people.staff_a, reason="start")
    bags, bars = rice(people.admin), soap(people.admin)
    lot(bags, people.staff_a, "2", timezone.localdate() + timedelta(days=3))
    lot(bags, people.staff_a, "5", timezone.localdate() + timedelta(days=30))
    lot(bars, people.staff_a, "10")
    big = issue_voucher(
        household=home, choices=[Choice(bags, 3), Choice(bars, 2)], by=people.staff_a
    )
    small = issue_voucher(household=home, choices=[Choice(bars, 1)], by=people.staff_a)
    return big, small


def declared(voucher: Voucher) -> dict:
    """The answer as DRF builds it from the declared fields, one by one."""
    return dict(serializers.Serializer.to_representation(VoucherOutput(), voucher))


def fresh(voucher: Voucher) -> Voucher:
    return (
        Voucher.objects.select_related("household", "district")
        .prefetch_related("lines__item")
        .get(pk=voucher.pk)
    )


def counter_client(user):
    from rest_framework.test import APIClient

    key = Token.objects.create(user=user).key
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")


def test_the_written_out_answer_matches_the_declared_fields_in_every_state(people, two_vouchers):
    big, small = two_vouchers
    assert VoucherOutput(fresh(big)).data == declared(fresh(big))  # issued, with its token
    cancel_voucher(voucher=small, by=people.staff_a)
    assert VoucherOutput(fresh(small)).data == declared(fresh(small))
    answer = counter_client(people.counter_a).post(
        REDEEM, {"token": voucher_token(big)}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["redeemed_at"] is not None
    assert VoucherOutput(fresh(big)).data == declared(fresh(big))


@pytest.mark.postgres
def test_the_one_statement_hand_over_answers_as_a_fresh_read_would(people, two_vouchers):
    big, _small = two_vouchers
    counter = counter_client(people.counter_a)
    counter.post("/api/v1/vouchers/lookup/", {"token": voucher_token(big)}, format="json")
    with CaptureQueriesContext(connection) as queries:
        answer = counter.post(REDEEM, {"token": voucher_token(big)}, format="json")
    assert answer.status_code == 200, answer.json()
    # The token's user and the hand-over are two prepared statements, out of the ORM's sight;
    # nothing else runs, not even a savepoint: the hand-over is its own transaction.
    assert [q["sql"] for q in queries] == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s "
            "OR statement LIKE %s",
            ["%INSERT INTO points_redemption%", "%JOIN authtoken_token%"],
        )
        assert cursor.fetchone() == (2,)
    assert answer.json() == declared(fresh(big))
    redemption = Redemption.objects.get(voucher=big)
    assert (redemption.redeemed_by, fresh(big).status) == (people.counter_a, "redeemed")
    issued = Movement.objects.filter(kind="issue").order_by("lot_id")
    assert [(m.lot.item.name_en, m.on_hand_change) for m in issued] == [
        ("Jasmine rice 5 kg", -2),
        ("Jasmine rice 5 kg", -1),
        ("Soap", -2),
    ]
    assert {m.created_by_id for m in issued} == {people.counter_a.pk}
    assert {m.reason for m in issued} == {str(big)}


@pytest.mark.postgres
def test_a_hand_over_refused_half_way_changes_nothing(people, two_vouchers):
    """The rice has expired: the statement moves neither it nor the soap, and the answer
    names the expired lot."""
    big, _small = two_vouchers
    rice_lots = Lot.objects.filter(item__name_en="Jasmine rice 5 kg")
    rice_lots.update(expiry_date=timezone.localdate() - timedelta(days=1))
    before = sorted(Lot.objects.values_list("pk", "on_hand", "reserved"))
    answer = counter_client(people.counter_a).post(
        REDEEM, {"token": voucher_token(big)}, format="json"
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "lot_expired")
    assert fresh(big).status == VoucherStatus.ISSUED
    assert not Redemption.objects.exists()
    assert not Movement.objects.filter(kind="issue").exists()
    assert sorted(Lot.objects.values_list("pk", "on_hand", "reserved")) == before


def test_a_hand_over_is_in_the_audit_trail_with_the_counter_and_where_from(people, two_vouchers):
    from foodbank.audit.models import Action, AuditEvent

    big, _small = two_vouchers
    counter = counter_client(people.counter_a)
    answer = counter.post(
        REDEEM,
        {"token": voucher_token(big), "counter": "Desk 2"},
        format="json",
        HTTP_USER_AGENT="counter-tablet/1.0",
        REMOTE_ADDR="10.1.2.3",
    )
    assert answer.status_code == 200, answer.json()
    event = AuditEvent.objects.get(action=Action.VOUCHER_REDEEMED)
    assert (event.actor, event.address, event.user_agent) == (
        people.counter_a,
        "10.1.2.3",
        "counter-tablet/1.0",
    )
    assert (event.target_type, event.target_id, event.district) == (
        "points.voucher",
        big.pk,
        people.district_a,
    )
    assert event.summary == {
        "household": big.household_id,
        "points": big.points,
        "counter": "Desk 2",
    }
