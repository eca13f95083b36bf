"""Figures over open-ended and partial periods, and periods no calendar can hold."""

import pytest

from donors.selectors import ImpactFilter
from foodbank.dashboard import selectors
from foodbank.dashboard.open_data.services import publish_due_months
from inventory.models import Item
from points.services.vouchers import Choice, issue_voucher
from tests.inventory.factories import lot

from .factories import build_city
from .test_pages_and_api import _browser

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(people):
    return build_city(people)


def test_points_redeemed_without_a_period_counts_only_vouchers_handed_over(api, city):
    # H2 chooses a bag of rice (40 points) but has not collected it.
    bags = Item.objects.get()
    lot(bags, city.people.staff_a, "1")
    issue_voucher(household=city.h2, choices=[Choice(bags, 1)], by=city.people.staff_a)
    assert selectors.points_redeemed(ImpactFilter()) == 80
    body = api.as_user(city.people.admin).get("/api/v1/impact/dashboard/").json()
    assert body["figures"]["points_redeemed"] == 80


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        ("/api/v1/impact/dashboard/", "to", "9999-12-31"),
        ("/api/v1/impact/dashboard/", "from", "0001-01-01"),
        ("/api/v1/impact/summary/", "to", "9999-12-31"),
        ("/api/v1/open-data/impact/", "to", "9999-12-31"),
        ("/api/v1/open-data/impact/", "from", "0001-01-01"),
    ],
)
def test_an_api_period_outside_the_calendar_is_a_400_naming_the_field(api, city, url, field, value):
    response = api.as_user(city.people.admin).get(url, {field: value})
    assert response.status_code == 400
    assert field in response.json()["fields"]


@pytest.mark.parametrize(
    ("page", "field", "value"),
    [
        ("/impact/", "date_to", "9999-12-31"),
        ("/impact/", "date_from", "0001-01-01"),
        ("/impact/report/", "date_to", "9999-12-31"),
        ("/impact/report.csv", "date_to", "9999-12-31"),
        ("/impact/report.xlsx", "date_from", "0001-01-01"),
        ("/open-data/", "date_to", "9999-12-31"),
        ("/open-data/impact.csv", "date_from", "0001-01-01"),
    ],
)
def test_a_page_period_outside_the_calendar_is_a_400_naming_the_field(city, page, field, value):
    response = _browser(city.people.admin, "en").get(page, {field: value})
    assert response.status_code == 400
    assert field in response.content.decode()


def test_an_open_data_export_with_a_bad_period_publishes_nothing(city):
    publish_due_months()
    assert "1001" in _browser().get("/open-data/impact.csv").content.decode("utf-8-sig")
    response = _browser().get("/open-data/impact.csv", {"date_from": "2025-99-01"})
    assert response.status_code == 400
    assert "1001" not in response.content.decode()


def test_refused_national_ids_are_not_echoed_back_in_full(city):
    known, unknown = city.h1_id, "1101700230705"
    page = f"/distributions/{city.distribution.pk}/households/"
    response = _browser(city.people.staff_a, "en").post(
        page, {"national_ids": f"{known}\n{unknown}"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Line 2" in body
    assert known not in body
    assert unknown not in body
