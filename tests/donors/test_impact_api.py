from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from donors.models import Methodology

from .factories import DonorFactory, line, received

SUMMARY = "/api/v1/impact/summary/"
BREAKDOWN = "/api/v1/impact/breakdown/"
BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def figures(people):
    """1001: 10 kg bakery + 5 kg dairy (two donors); 1006: 20 kg bakery in March 2026."""
    first, second = DonorFactory(), DonorFactory()
    received(donor=first, by=people.staff_a, lines=[line("bakery", "10")])
    received(donor=second, by=people.staff_a, lines=[line("dairy-eggs", "5")])
    received(
        donor=first,
        by=people.staff_b,
        lines=[line("bakery", "20")],
        at=datetime(2026, 3, 15, 9, tzinfo=BANGKOK),
    )
    return people


def test_admin_sees_city_totals_rounded_half_up_as_strings(api, figures):
    body = api.as_user(figures.admin).get(SUMMARY).json()
    assert body == {
        "kg": "35.00",
        "meals": "147.00",
        "kgco2e": "88.55",
        "dropoffs": 3,
        "donors": 2,
        "people_reached": 0,
        "methodology": "BKK 2024 v1",
    }


def test_filters_by_period_district_group_and_category(api, figures):
    client = api.as_user(figures.admin)
    assert client.get(SUMMARY, {"district": "1006"}).json()["kg"] == "20.00"
    assert client.get(SUMMARY, {"group": "central"}).json()["kg"] == "15.00"
    assert client.get(SUMMARY, {"category": "bakery"}).json()["kg"] == "30.00"
    assert client.get(SUMMARY, {"from": "2026-03-01", "to": "2026-03-31"}).json()["kg"] == "20.00"
    bakery = client.get(SUMMARY, {"category": "bakery"}).json()
    assert (bakery["dropoffs"], bakery["donors"]) == (2, 1)


def test_district_staff_see_their_own_district_only(api, figures):
    client = api.as_user(figures.staff_a)
    assert client.get(SUMMARY).json()["kg"] == "15.00"
    assert client.get(SUMMARY, {"group": "east"}).json()["kg"] == "0.00"
    refused = client.get(SUMMARY, {"district": "1006"})
    assert refused.status_code == 404


def test_a_donor_sees_their_own_contribution(api, figures):
    donor = DonorFactory()
    from foodbank.accounts.services import create_user

    account = create_user(username="giver", role="donor", password="a-long-test-passphrase")
    donor.account = account
    donor.save()
    received(donor=donor, by=figures.staff_a, lines=[line("fruit-vegetables", "2.005")])
    body = api.as_user(account).get(SUMMARY).json()
    assert (body["kg"], body["meals"], body["kgco2e"]) == ("2.01", "8.42", "5.07")
    assert body["dropoffs"] == 1


@pytest.mark.parametrize("who", ["counter_a", "recipient_a"])
def test_other_roles_are_refused_impact_figures(api, figures, who):
    assert api.as_user(getattr(figures, who)).get(SUMMARY).status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"district": "9999"}, "district"),
        ({"group": "atlantis"}, "group"),
        ({"category": "caviar"}, "category"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "to"),
    ],
)
def test_bad_filters_are_refused_naming_the_parameter(api, figures, query, field):
    response = api.as_user(figures.admin).get(SUMMARY, query)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_people_reached_come_from_distributions(api, figures):
    client = api.as_user(figures.staff_a)
    response = client.post(
        "/api/v1/distributions/",
        {
            "distributed_on": str(timezone.localdate()),
            "recipient_group": "Wat Chana community",
            "people_reached": 120,
            "lines": [{"category": "bakery", "weight_kg": "10"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert client.get(SUMMARY).json()["people_reached"] == 120
    assert client.get(SUMMARY, {"category": "dairy-eggs"}).json()["people_reached"] == 0
    assert api.as_user(figures.staff_b).get(SUMMARY).json()["people_reached"] == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"people_reached": 0}, "people_reached"),
        ({"distributed_on": str(timezone.localdate() + timedelta(days=2))}, "distributed_on"),
        ({"lines": [{"category": "bakery", "weight_kg": "1"}] * 2}, "lines"),
        ({"recipient_group": ""}, "recipient_group"),
    ],
)
def test_bad_distributions_are_refused(api, figures, payload, field):
    body = {"distributed_on": "2026-11-01", "recipient_group": "Community", "people_reached": 5}
    response = api.as_user(figures.staff_a).post(
        "/api/v1/distributions/", body | payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_breakdown_ranks_districts_and_orders_months(api, figures):
    client = api.as_user(figures.admin)
    districts = client.get(BREAKDOWN, {"by": "district"}).json()
    assert [(row["key"], row["kg"]) for row in districts] == [("1006", "20.00"), ("1001", "15.00")]
    months = client.get(BREAKDOWN, {"by": "month"}).json()
    assert months[0]["key"] == "2026-03"
    categories = client.get(BREAKDOWN, {"by": "category", "district": "1001"}).json()
    assert {row["key"]: row["meals"] for row in categories} == {
        "bakery": "42.00",
        "dairy-eggs": "21.00",
    }
    assert client.get(BREAKDOWN, {"by": "weather"}).status_code == 400


def test_admins_add_methodology_versions_others_only_read(api, figures):
    body = {
        "name": "BKK 2024",
        "effective_from": "2027-01-01",
        "meals_per_kg": "4.0",
        "kgco2e_per_kg": "2.5",
        "factors": [{"category": "meat-fish", "meals_per_kg": "3", "kgco2e_per_kg": "15"}],
    }
    refused = api.as_user(figures.staff_a).post("/api/v1/methodologies/", body, format="json")
    assert refused.status_code == 403
    assert api.get("/api/v1/methodologies/").status_code == 200
    created = api.as_user(figures.admin).post("/api/v1/methodologies/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["label"] == "BKK 2024 v2"
    assert Methodology.objects.get(version=2).factors.get().kgco2e_per_kg == 15
    clash = api.post("/api/v1/methodologies/", body | {"name": "Other"}, format="json")
    assert clash.status_code == 400
    assert "effective_from" in clash.json()["fields"]
