import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import CountLine, Lot, Movement, MovementKind, StockAlert
from inventory.services.alerts import flag_expiring_lots
from tests.donors.factories import DonorFactory

from .factories import lot, rice, soap

pytestmark = pytest.mark.django_db
API = "/api/v1/inventory"
SOON = (timezone.localdate() + timedelta(days=10)).isoformat()
YESTERDAY = timezone.localdate() - timedelta(days=1)


def test_staff_receive_a_lot_and_only_their_district_sees_it(api, people):
    item = rice(people.admin)
    answer = api.as_user(people.staff_a).post(
        f"{API}/lots/", {"item": item.pk, "quantity": "12", "expiry_date": SOON}, format="json"
    )
    assert answer.status_code == 201, answer.data
    assert (answer.data["available"], answer.data["district"]["code"]) == ("12.000", "1001")
    lot_url = f"{API}/lots/{answer.data['id']}/"

    assert api.as_user(people.staff_b).get(lot_url).status_code == 404
    assert api.as_user(people.staff_b).get(f"{API}/lots/").data["count"] == 0
    assert api.as_user(people.counter_a).get(lot_url).status_code == 200
    assert api.as_user(people.admin).get(f"{API}/lots/").data["count"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-2"}, "quantity"),
        ({"quantity": "abc"}, "quantity"),
        ({"item": 999999}, "item"),
        ({"expiry_date": "31/12/2026"}, "expiry_date"),
    ],
)
def test_bad_receipts_name_the_field_and_store_nothing(api, people, body, field):
    item = rice(people.admin)
    payload = {"item": item.pk, "quantity": "5"} | body
    answer = api.as_user(people.staff_a).post(f"{API}/lots/", payload, format="json")
    assert answer.status_code == 400
    assert field in answer.data["fields"]
    assert not Lot.objects.exists()


def test_a_proposed_item_cannot_be_received_until_an_admin_approves_it(api, people):
    proposal = api.as_user(people.staff_a).post(
        f"{API}/items/",
        {
            "name_th": "ผงซักฟอก",
            "name_en": "Detergent",
            "kind": "household",
            "unit": "pack",
            "points_price": 12,
        },
        format="json",
    )
    assert (proposal.status_code, proposal.data["is_approved"]) == (201, False)
    item_id = proposal.data["id"]
    refused = api.as_user(people.staff_a).post(
        f"{API}/lots/", {"item": item_id, "quantity": "3"}, format="json"
    )
    assert refused.status_code == 400
    assert "item" in refused.data["fields"]
    assert api.as_user(people.staff_a).post(f"{API}/items/{item_id}/approve/").status_code == 403
    assert api.as_user(people.admin).post(f"{API}/items/{item_id}/approve/").status_code == 200
    accepted = api.as_user(people.staff_a).post(
        f"{API}/lots/", {"item": item_id, "quantity": "3"}, format="json"
    )
    assert accepted.status_code == 201


@pytest.mark.parametrize("role", ["counter_a", "donor", "recipient_a"])
def test_roles_that_do_not_keep_the_store_cannot_change_it(api, people, role):
    item = rice(people.admin)
    answer = api.as_user(getattr(people, role)).post(
        f"{API}/lots/", {"item": item.pk, "quantity": "1"}, format="json"
    )
    assert answer.status_code == 403
    assert not Lot.objects.exists()


@pytest.mark.parametrize("role", ["donor", "recipient_a"])
def test_donors_and_recipients_cannot_read_the_stores(api, people, role):
    client = api.as_user(getattr(people, role))
    for path in ("stock/", "lots/", "movements/", "alerts/", "transfers/", "counts/"):
        assert client.get(f"{API}/{path}").status_code == 403, path


def test_anonymous_visitors_are_refused(api, people):
    assert api.get(f"{API}/stock/").status_code in (401, 403)


def test_issue_beyond_available_is_refused_with_the_reason_and_changes_nothing(api, people):
    item = rice(people.admin)
    lot(item, people.staff_a, "3")
    before = Movement.objects.count()
    answer = api.as_user(people.staff_a).post(
        f"{API}/issues/", {"item": item.pk, "quantity": "4"}, format="json"
    )
    assert answer.status_code == 409
    assert answer.data["code"] == "not_enough_stock"
    assert "quantity" in answer.data["fields"]
    assert Movement.objects.count() == before


def test_an_expired_lot_is_refused_at_issue_and_written_off_instead(api, people):
    expired = lot(rice(people.admin), people.staff_a, "3", YESTERDAY)
    client = api.as_user(people.staff_a)
    answer = client.post(f"{API}/lots/{expired.pk}/issue/", {"quantity": "1"}, format="json")
    assert (answer.status_code, answer.data["code"]) == (409, "lot_expired")
    missing_reason = client.post(
        f"{API}/lots/{expired.pk}/write-off/", {"quantity": "3"}, format="json"
    )
    assert missing_reason.status_code == 400
    assert "reason" in missing_reason.data["fields"]
    written = client.post(
        f"{API}/lots/{expired.pk}/write-off/", {"quantity": "3", "reason": "expired"}, format="json"
    )
    assert written.status_code == 201
    expired.refresh_from_db()
    assert expired.on_hand == 0


def test_another_districts_lot_cannot_be_issued_or_written_off(api, people):
    theirs = lot(rice(people.admin), people.staff_b, "3")
    client = api.as_user(people.staff_a)
    for action in ("issue", "write-off"):
        answer = client.post(
            f"{API}/lots/{theirs.pk}/{action}/", {"quantity": "1", "reason": "x"}, format="json"
        )
        assert answer.status_code == 404
        empty = client.post(f"{API}/lots/{theirs.pk}/{action}/", {}, format="json")
        assert empty.status_code == 404  # not 400: the lot's scope is checked before the input
    theirs.refresh_from_db()
    assert theirs.on_hand == 3


def test_stock_by_item_for_the_store_and_admins_name_the_district(api, people):
    item = rice(people.admin)
    lot(item, people.staff_a, "5", timezone.localdate() + timedelta(days=3))
    mine = api.as_user(people.counter_a).get(f"{API}/stock/")
    assert mine.status_code == 200
    (row,) = mine.data["results"]
    assert (row["item"]["id"], row["available"]) == (item.pk, "5.000")
    assert api.as_user(people.admin).get(f"{API}/stock/").status_code == 400
    assert api.as_user(people.admin).get(f"{API}/stock/?district=1001").data["count"] == 1
    assert api.as_user(people.staff_b).get(f"{API}/stock/?district=1001").status_code == 403


def test_a_transfer_through_the_api_with_a_shortfall_on_arrival(api, people):
    item = rice(people.admin)
    lot(item, people.staff_a, "10")
    sent = api.as_user(people.staff_a).post(
        f"{API}/transfers/",
        {"to_district": "1006", "lines": [{"item": item.pk, "quantity": "6"}]},
        format="json",
    )
    assert sent.status_code == 201, sent.data
    url = f"{API}/transfers/{sent.data['id']}/"
    line_id = sent.data["lines"][0]["id"]
    assert api.as_user(people.staff_a).post(f"{url}receive/").status_code == 403

    body = {"lines": [{"id": line_id, "received_quantity": "5"}]}
    arrived = api.as_user(people.staff_b).post(f"{url}receive/", body, format="json")
    assert arrived.status_code == 200
    assert arrived.data["lines"][0]["received_quantity"] == "5.000"
    assert Lot.objects.get(district=people.district_b).on_hand == 5
    again = api.as_user(people.staff_b).post(f"{url}receive/", body, format="json")
    assert again.status_code == 409


def test_a_stock_take_by_barcode_closes_into_adjustments(api, people):
    item = rice(people.admin)
    bags = lot(item, people.staff_a, "10")
    client = api.as_user(people.staff_a)
    count = client.post(f"{API}/counts/", {}, format="json")
    assert count.status_code == 201
    url = f"{API}/counts/{count.data['id']}/"
    assert client.post(f"{API}/counts/", {}, format="json").status_code == 409
    counted = client.post(f"{url}lines/", {"barcode": item.barcode, "quantity": "7"}, format="json")
    assert counted.status_code == 201
    assert counted.data["lot"] == bags.pk
    nothing = client.post(f"{url}lines/", {"quantity": "7"}, format="json")
    assert nothing.status_code == 400
    assert "lot" in nothing.data["fields"]
    assert api.as_user(people.staff_b).post(f"{url}close/").status_code == 404

    closed = api.as_user(people.staff_a).post(f"{url}close/")
    assert closed.status_code == 200
    assert closed.data["status"] == "closed"
    bags.refresh_from_db()
    assert bags.on_hand == 7
    assert Movement.objects.get(kind=MovementKind.ADJUSTMENT).on_hand_change == -3


def test_counting_another_districts_lot_answers_as_if_it_did_not_exist(api, people):
    theirs = lot(rice(people.admin), people.staff_b, "5")
    client = api.as_user(people.staff_a)
    count = client.post(f"{API}/counts/", {}, format="json")
    url = f"{API}/counts/{count.data['id']}/lines/"
    named = client.post(url, {"lot": theirs.pk, "quantity": "1"}, format="json")
    missing = client.post(url, {"lot": theirs.pk + 1000, "quantity": "1"}, format="json")
    assert named.status_code == missing.status_code == 400
    said = str(named.data["fields"]["lot"][0]).replace(str(theirs.pk), "N")
    assert said == str(missing.data["fields"]["lot"][0]).replace(str(theirs.pk + 1000), "N")
    assert "does not exist" in said
    assert not CountLine.objects.exists()


def test_a_dropoff_line_for_the_store_becomes_a_lot_or_waits_to_be_sorted(api, people):
    item = soap(people.admin)
    client = api.as_user(people.staff_a)
    line = {"category": "other", "weight_kg": "2", "destination": "stock", "quantity": "20"}
    answer = client.post(
        "/api/v1/dropoffs/",
        {"donor": DonorFactory().pk, "lines": [line | {"item": item.pk}, line]},
        format="json",
    )
    assert answer.status_code == 201, answer.data
    assert Lot.objects.get().on_hand == 20

    (waiting,) = client.get(f"{API}/to-sort/").data["results"]
    assert api.as_user(people.staff_b).get(f"{API}/to-sort/").data["count"] == 0
    assert (
        api.as_user(people.staff_b)
        .post(f"{API}/to-sort/{waiting['id']}/", {"item": item.pk}, format="json")
        .status_code
        == 404
    )
    sorted_ = api.as_user(people.staff_a).post(
        f"{API}/to-sort/{waiting['id']}/", {"item": item.pk}, format="json"
    )
    assert sorted_.status_code == 201
    assert sum(each.on_hand for each in Lot.objects.all()) == 40


def test_movements_export_as_csv_within_the_district(api, people):
    item = rice(people.admin)
    lot(item, people.staff_a, "4")
    lot(item, people.staff_b, "9")
    answer = api.as_user(people.staff_a).get(f"{API}/movements/export/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/csv"
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["district"], row["kind"], Decimal(row["on_hand_change"])) for row in rows] == [
        ("1001", "receipt", 4)
    ]


def test_alerts_are_listed_for_the_stores_district_only(api, people):
    lot(rice(people.admin), people.staff_a, "4", timezone.localdate() + timedelta(days=1))
    flag_expiring_lots(days=7)
    assert StockAlert.objects.count() == 1
    assert api.as_user(people.counter_a).get(f"{API}/alerts/").data["count"] == 1
    assert api.as_user(people.staff_b).get(f"{API}/alerts/").data["count"] == 0


def test_typed_text_never_runs_as_a_formula_in_the_csv(api, people):
    from inventory.services.stock import write_off

    bags = lot(rice(people.admin), people.staff_a, "4")
    write_off(lot=bags, quantity=Decimal("1"), by=people.staff_a, reason='=HYPERLINK("x")')
    answer = api.as_user(people.staff_a).get(f"{API}/movements/export/")
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    reasons = [row["reason"] for row in csv.DictReader(io.StringIO(text))]
    assert '\'=HYPERLINK("x")' in reasons
