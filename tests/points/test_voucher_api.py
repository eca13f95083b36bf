from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inventory.models import Lot
from points.models import Redemption, SigningKey, Voucher
from points.services.households import create_recipient_login
from points.services.ledger import grant_points
from points.services.vouchers import Choice, issue_voucher, voucher_token
from tests.inventory.factories import lot, rice, soap

from .factories import household

pytestmark = pytest.mark.django_db
API = "/api/v1/vouchers"


@pytest.fixture
def basket(people):
    home = household(people.staff_a, head_name="Pranee Sukjai")
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    bags = rice(people.admin)
    lot(bags, people.staff_a, "3", timezone.localdate() + timedelta(days=30))
    account = create_recipient_login(
        household=home, username="pranee", password="a-long-enough-pass-1", by=people.staff_a
    )
    return home, bags, account


def test_a_recipient_chooses_from_the_shelf_and_gets_a_signed_voucher(api, people, basket):
    _home, bags, account = basket
    client = api.as_user(account)
    (row,) = client.get(f"{API}/shelf/").data
    assert (row["item"]["id"], row["points_price"]) == (bags.pk, 40)
    answer = client.post(f"{API}/", {"lines": [{"item": bags.pk, "quantity": 2}]}, format="json")
    assert answer.status_code == 201, answer.data
    assert (answer.data["points"], answer.data["first_name"]) == (80, "Pranee")
    assert answer.data["token"]
    assert client.get(f"{API}/{answer.data['id']}/qr.svg").status_code == 200
    assert client.get(f"{API}/{answer.data['id']}/qr.png")["Content-Type"] == "image/png"


def test_the_counter_looks_up_then_redeems_and_a_retry_gets_the_same_answer(api, people, basket):
    home, bags, _account = basket
    made = api.as_user(people.staff_a).post(
        f"{API}/",
        {"household": home.pk, "lines": [{"item": bags.pk, "quantity": 1}]},
        format="json",
    )
    token = made.data["token"]
    counter = api.as_user(people.counter_a)
    seen = counter.post(f"{API}/lookup/", {"token": token}, format="json")
    assert (seen.status_code, seen.data["lines"][0]["quantity"]) == (200, 1)
    first = counter.post(
        f"{API}/redeem/",
        {"token": token, "counter": "C1"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="scan-1",
    )
    retry = counter.post(
        f"{API}/redeem/",
        {"token": token, "counter": "C1"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="scan-1",
    )
    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.data == first.data
    again = counter.post(f"{API}/redeem/", {"token": token}, format="json")
    assert (again.status_code, again.data["code"]) == (409, "already_redeemed")
    assert "C1" in again.data["message"]
    assert Redemption.objects.count() == 1


def test_forged_and_foreign_codes_are_refused_with_their_reason(api, people, basket):
    home, bags, _account = basket
    made = api.as_user(people.staff_a).post(
        f"{API}/",
        {"household": home.pk, "lines": [{"item": bags.pk, "quantity": 1}]},
        format="json",
    )
    token = made.data["token"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    bad = api.as_user(people.counter_a).post(f"{API}/redeem/", {"token": forged}, format="json")
    assert (bad.status_code, bad.data["code"]) == (400, "invalid_code")
    foreign = api.as_user(people.counter_b).post(f"{API}/redeem/", {"token": token}, format="json")
    assert (foreign.status_code, foreign.data["code"]) == (403, "wrong_district")
    assert Lot.objects.get().reserved == 1


@pytest.mark.parametrize("role", ["donor", "recipient_a", "admin"])
def test_only_counter_and_district_staff_redeem(api, people, role):
    answer = api.as_user(getattr(people, role)).post(
        f"{API}/redeem/", {"token": "x"}, format="json"
    )
    assert answer.status_code == 403


def test_vouchers_are_scoped_to_the_district_and_the_household(api, people, basket):
    home, bags, account = basket
    api.as_user(account).post(
        f"{API}/", {"lines": [{"item": bags.pk, "quantity": 1}]}, format="json"
    )
    voucher = Voucher.objects.get()
    assert api.as_user(people.staff_b).get(f"{API}/{voucher.pk}/").status_code == 404
    assert api.as_user(people.recipient_a).get(f"{API}/{voucher.pk}/").status_code == 404
    assert api.as_user(people.staff_a).get(f"{API}/").data["count"] == 1
    cancelled = api.as_user(account).post(f"{API}/{voucher.pk}/cancel/")
    assert cancelled.data["status"] == "cancelled"
    home.refresh_from_db()
    assert home.balance == 100


def test_a_recipient_may_name_their_own_household_but_no_other(api, people, basket):
    home, bags, account = basket
    other = household(people.staff_a, head_name="Somchai Dee")
    client, lines = api.as_user(account), [{"item": bags.pk, "quantity": 1}]
    own = client.post(f"{API}/", {"household": home.pk, "lines": lines}, format="json")
    assert own.status_code == 201, own.data
    refused = client.post(f"{API}/", {"household": other.pk, "lines": lines}, format="json")
    assert (refused.status_code, list(refused.data["fields"])) == (400, ["household"])
    assert Voucher.objects.get().household == home


def test_filtering_by_another_districts_household_is_refused_as_if_it_did_not_exist(
    api, people, basket
):
    home, _bags, _account = basket
    client = api.as_user(people.staff_b)
    for path in ("vouchers/", "points/grants/", "points/entries/", "assessments/"):
        theirs = client.get(f"/api/v1/{path}", {"household": home.pk})
        missing = client.get(f"/api/v1/{path}", {"household": home.pk + 1000})
        assert theirs.status_code == missing.status_code == 400, path
        assert list(theirs.data["fields"]) == list(missing.data["fields"]) == ["household"]
    assert (
        api.as_user(people.staff_a)
        .get("/api/v1/points/grants/", {"household": home.pk})
        .data["count"]
        == 1
    )


def test_the_public_keys_are_published_and_rotation_adds_one(api, people, basket):
    home, bags, _account = basket
    api.as_user(people.staff_a).post(
        f"{API}/",
        {"household": home.pk, "lines": [{"item": bags.pk, "quantity": 1}]},
        format="json",
    )
    out = StringIO()
    call_command("rotate_voucher_key", stdout=out)
    api.force_authenticate(None)
    keys = api.get(f"{API}/keys/").data
    assert [(key["kid"], key["signing"], key["alg"]) for key in keys] == [
        (2, True, "Ed25519"),
        (1, False, "Ed25519"),
    ]
    assert SigningKey.objects.get(kid=2).public_key in out.getvalue()


def test_district_staff_set_household_limits_that_vouchers_then_respect(api, people, basket):
    _home, bags, account = basket
    staff = api.as_user(people.staff_a)
    nothing = staff.post(f"{API}/limits/", {"quantity": 1, "period": "month"}, format="json")
    assert (nothing.status_code, "item" in nothing.data["fields"]) == (400, True)
    made = staff.post(
        f"{API}/limits/",
        {"category": "rice-grains", "quantity": 1, "period": "week"},
        format="json",
    )
    assert made.status_code == 201
    assert api.as_user(people.staff_b).get(f"{API}/limits/").data["count"] == 0
    recipient = api.as_user(account)
    assert (
        recipient.post(
            f"{API}/", {"lines": [{"item": bags.pk, "quantity": 1}]}, format="json"
        ).status_code
        == 201
    )
    refused = recipient.post(
        f"{API}/", {"lines": [{"item": bags.pk, "quantity": 1}]}, format="json"
    )
    assert (refused.status_code, refused.data["code"]) == (409, "limit_reached")
    assert api.as_user(account).get(f"{API}/limits/").status_code == 403


def test_a_redemption_costs_the_same_queries_for_one_item_or_many(api, people, basket):
    """The counter's answer lists every line without a query per line or per lot."""
    home, bags, _account = basket
    grant_points(household=home, points=500, by=people.staff_a, reason="more")
    lot(bags, people.staff_a, "5", timezone.localdate() + timedelta(days=5))
    others = [
        soap(people.admin, name_en=f"Soap {n}", name_th=f"สบู่ {n}", barcode="") for n in range(3)
    ]
    for item in others:
        lot(item, people.staff_a, "4")
    small = issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    # Six rice bags take both lots (FEFO splits the line), and three other items.
    large = issue_voucher(
        household=home,
        choices=[Choice(bags, 6), *(Choice(item, 2) for item in others)],
        by=people.staff_a,
    )
    counter = api.as_user(people.counter_a)

    def redeem(voucher):
        with CaptureQueriesContext(connection) as queries:
            answer = counter.post(
                f"{API}/redeem/", {"token": voucher_token(voucher)}, format="json"
            )
        assert answer.status_code == 200, answer.data
        return answer, len(queries)

    counter.post(f"{API}/lookup/", {"token": voucher_token(small)}, format="json")  # reads the key
    (_one, one_count), (many, many_count) = redeem(small), redeem(large)
    assert one_count == many_count
    assert [line["quantity"] for line in many.data["lines"]] == [6, 2, 2, 2]
    assert Lot.objects.filter(item=bags).aggregate(total=Sum("on_hand"))["total"] == 1
