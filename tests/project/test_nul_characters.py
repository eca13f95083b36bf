"""A NUL character (which PostgreSQL text cannot hold) in a request is a 400, never a 500,
and nothing is written."""

import pytest

from inventory.models import MinimumLevel, StockTake

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_json_body_is_refused_and_nothing_is_written(api, people):
    answer = api.as_user(people.admin).post(
        "/api/v1/inventory/counts/", {"district": "10\u000001", "notes": ""}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "nul_character"
    assert not StockTake.objects.exists()


def test_a_nul_in_a_query_or_a_form_body_is_refused(api, client, people):
    assert api.as_user(people.admin).get("/api/v1/points/policy/?district=%00").status_code == 400
    refused = api.as_user(people.staff_a).post(
        "/api/v1/inventory/minimum-levels/",
        "district=%00&item=1&quantity=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert refused.status_code == 400
    assert not MinimumLevel.objects.exists()
    client.force_login(people.staff_a)
    assert client.get("/households/?q=%00").status_code == 400


def test_a_nul_in_a_multipart_body_on_the_api_is_refused(api, people):
    refused = api.as_user(people.staff_a).post(
        "/api/v1/inventory/minimum-levels/",
        {"district": "10\u000001", "item": "1", "quantity": "1"},
        format="multipart",
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "nul_character")
    assert not MinimumLevel.objects.exists()


def test_text_without_nul_goes_through(api, people):
    answer = api.as_user(people.admin).get("/api/v1/points/policy/?district=1001")
    assert answer.status_code == 200
