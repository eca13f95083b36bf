from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from donors.models import DropOff, DropOffLine
from foodbank.idempotency.models import IdempotencyKey

from .factories import DonorFactory

DROPOFFS = "/api/v1/dropoffs/"


@pytest.fixture
def donor(db):
    return DonorFactory(name="Sukhumvit Bakery")


def dropoff_body(donor, /, **changes):
    body = {
        "donor": donor.pk,
        "lines": [
            {"category": "bakery", "weight_kg": "12.500", "destination": "forward"},
            {
                "category": "rice-grains",
                "weight_kg": "3",
                "destination": "stock",
                "quantity": "6",
                "unit": "bag",
                "expiry_date": "2027-01-31",
            },
        ],
    }
    return body | changes


def test_staff_log_a_dropoff_and_its_impact_is_computed(api, people, donor):
    response = api.as_user(people.staff_a).post(DROPOFFS, dropoff_body(donor), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["district"]["code"] == "1001"
    assert body["received_by"] == "staff_a"
    assert body["status"] == "received"  # the impact task runs after the commit
    detail = api.get(f"{DROPOFFS}{body['id']}/").json()
    assert detail["status"] == "processed"
    assert detail["lines"][0]["meals"] == "52.50"
    assert detail["lines"][0]["kgco2e"] == "31.63"  # 31.625 rounded half-up
    assert detail["lines"][1]["methodology"] == "BKK 2024 v1"


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"weight_kg": "0"}, "weight_kg"),
        ({"weight_kg": "-1"}, "weight_kg"),
        ({"weight_kg": "20000.001"}, "weight_kg"),
        ({"weight_kg": "1.0005"}, "weight_kg"),
        ({"weight_kg": "abc"}, "weight_kg"),
        ({"category": "caviar"}, "category"),
        ({"destination": "landfill"}, "destination"),
        ({"expiry_date": "31/01/2027"}, "expiry_date"),
        ({"quantity": "0"}, "quantity"),
    ],
)
def test_bad_line_is_refused_naming_the_line_and_field(api, people, donor, line, field):
    body = dropoff_body(donor)
    body["lines"][1] |= line
    response = api.as_user(people.staff_a).post(DROPOFFS, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [f"lines.1.{field}"]
    assert not DropOff.objects.exists()
    assert not DropOffLine.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lines": []}, "lines"),
        ({"donor": 999999}, "donor"),
        ({"donor": None}, "donor"),
        ({"received_at": (timezone.now() + timedelta(hours=1)).isoformat()}, "received_at"),
        ({"district": "9999"}, "district"),
    ],
)
def test_bad_dropoff_is_refused_naming_the_field(api, people, donor, changes, field):
    response = api.as_user(people.staff_a).post(
        DROPOFFS, dropoff_body(donor, **changes), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not DropOff.objects.exists()


def test_errors_are_in_thai_for_thai_clients(api, people, donor):
    body = dropoff_body(donor)
    body["lines"][0]["weight_kg"] = "0"
    response = api.as_user(people.staff_a).post(
        DROPOFFS, body, format="json", HTTP_ACCEPT_LANGUAGE="th"
    )
    assert response.json()["message"] == "ข้อมูลบางช่องไม่ถูกต้อง"
    assert "0.001" in response.json()["fields"]["lines.0.weight_kg"][0]


def test_staff_may_not_log_a_dropoff_in_another_district(api, people, donor):
    response = api.as_user(people.staff_a).post(
        DROPOFFS, dropoff_body(donor, district="1006"), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "outside_district"
    assert not DropOff.objects.exists()


def test_admin_must_name_the_district(api, people, donor):
    response = api.as_user(people.admin).post(DROPOFFS, dropoff_body(donor), format="json")
    assert response.status_code == 400
    assert "district" in response.json()["fields"]
    ok = api.post(DROPOFFS, dropoff_body(donor, district="1006"), format="json")
    assert ok.status_code == 201


@pytest.mark.parametrize("who", ["counter_a", "recipient_a"])
def test_roles_without_dropoffs_are_refused(api, people, donor, who):
    client = api.as_user(getattr(people, who))
    assert client.get(DROPOFFS).status_code == 403
    assert client.post(DROPOFFS, dropoff_body(donor), format="json").status_code == 403


def test_staff_see_only_their_districts_dropoffs(api, people, donor):
    mine = api.as_user(people.staff_a).post(DROPOFFS, dropoff_body(donor), format="json").json()
    theirs = api.as_user(people.staff_b).post(DROPOFFS, dropoff_body(donor), format="json").json()
    client = api.as_user(people.staff_a)
    assert [row["id"] for row in client.get(DROPOFFS).json()["results"]] == [mine["id"]]
    assert client.get(f"{DROPOFFS}{theirs['id']}/").status_code == 404
    assert api.as_user(people.admin).get(DROPOFFS).json()["count"] == 2


class TestIdempotencyKey:
    def post(self, api, people, body, key="retry-1"):
        return api.as_user(people.staff_a).post(
            DROPOFFS, body, format="json", HTTP_IDEMPOTENCY_KEY=key
        )

    def test_a_retry_gets_the_original_answer_and_creates_nothing(self, api, people, donor):
        first = self.post(api, people, dropoff_body(donor))
        again = self.post(api, people, dropoff_body(donor))
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert DropOff.objects.count() == 1

    def test_the_same_key_with_another_body_is_422(self, api, people, donor):
        self.post(api, people, dropoff_body(donor))
        other = dropoff_body(donor, notes="different")
        response = self.post(api, people, other)
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
        assert DropOff.objects.count() == 1

    def test_the_same_key_still_in_flight_is_409(self, api, people, donor):
        from foodbank.idempotency.services import request_fingerprint

        IdempotencyKey.objects.create(
            user=people.staff_a,
            key="retry-1",
            endpoint=f"POST {DROPOFFS}",
            request_hash=request_fingerprint(
                method="POST", path=DROPOFFS, body=dropoff_body(donor)
            ),
            expires_at=timezone.now() + timedelta(hours=24),
        )
        response = self.post(api, people, dropoff_body(donor))
        assert response.status_code == 409
        assert response.json()["code"] == "idempotency_key_in_flight"
        assert not DropOff.objects.exists()

    def test_a_refused_request_leaves_the_key_free(self, api, people, donor):
        bad = dropoff_body(donor, district="1006")
        assert self.post(api, people, bad).status_code == 403
        assert not IdempotencyKey.objects.exists()
        assert self.post(api, people, dropoff_body(donor)).status_code == 201

    def test_keys_are_kept_a_day_then_forgotten(self, api, people, donor):
        from worker.tasks import purge_idempotency_keys

        self.post(api, people, dropoff_body(donor))
        key = IdempotencyKey.objects.get()
        assert key.expires_at - key.created_at >= timedelta(hours=24)
        purge_idempotency_keys.delay()
        assert IdempotencyKey.objects.count() == 1
        IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        purge_idempotency_keys.delay()
        assert not IdempotencyKey.objects.exists()

    def test_keys_belong_to_their_user(self, api, people, donor):
        self.post(api, people, dropoff_body(donor))
        response = api.as_user(people.admin).post(
            DROPOFFS,
            dropoff_body(donor, district="1001"),
            format="json",
            HTTP_IDEMPOTENCY_KEY="retry-1",
        )
        assert response.status_code == 201
        assert DropOff.objects.count() == 2


def test_donor_announces_and_staff_confirm_on_receipt(api, people):
    registered = api.post(
        "/api/v1/donors/register/",
        {
            "username": "baker",
            "password": "a-long-test-passphrase",
            "name": "Baker Co",
            "kind": "organisation",
            "donor_type": "restaurant",
        },
        format="json",
    )
    assert registered.status_code == 201, registered.json()
    from foodbank.accounts.models import User

    baker = User.objects.get(username="baker")
    announced = api.as_user(baker).post(
        DROPOFFS,
        {
            "district": "1001",
            "expected_on": str(timezone.localdate()),
            "lines": [{"category": "bakery", "weight_kg": "10", "destination": "forward"}],
        },
        format="json",
    )
    assert announced.status_code == 201, announced.json()
    assert announced.json()["status"] == "announced"
    pk = announced.json()["id"]
    assert api.as_user(people.staff_b).post(f"{DROPOFFS}{pk}/receive/").status_code == 404
    receipt = api.as_user(people.staff_a).post(
        f"{DROPOFFS}{pk}/receive/",
        {"lines": [{"category": "bakery", "weight_kg": "9.250", "destination": "forward"}]},
        format="json",
    )
    assert receipt.status_code == 200, receipt.json()
    again = api.post(f"{DROPOFFS}{pk}/receive/")
    assert again.status_code == 409
    assert again.json()["code"] == "dropoff_already_received"
    mine = api.as_user(baker).get(DROPOFFS).json()
    assert mine["count"] == 1
    assert mine["results"][0]["lines"][0]["weight_kg"] == "9.250"
    assert mine["results"][0]["status"] == "processed"
    summary = api.get("/api/v1/impact/summary/").json()
    assert summary["kg"] == "9.25"
    assert summary["meals"] == "38.85"
    assert summary["people_reached"] is None


def test_a_donor_sees_only_their_own_dropoffs(api, people, donor):
    api.as_user(people.staff_a).post(DROPOFFS, dropoff_body(donor), format="json")
    assert api.as_user(people.donor).get(DROPOFFS).json()["count"] == 0


def test_weights_keep_gram_precision(api, people, donor):
    body = dropoff_body(donor)
    body["lines"][0]["weight_kg"] = "0.001"
    pk = api.as_user(people.staff_a).post(DROPOFFS, body, format="json").json()["id"]
    assert DropOffLine.objects.get(dropoff_id=pk, line_no=1).weight_kg == Decimal("0.001")
