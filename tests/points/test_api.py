import logging

import pytest

from points.models import Assessment, Household, HouseholdAccess, PointsEntry, Voucher
from points.services.households import create_recipient_login
from points.services.ledger import grant_points

from .factories import assessed, household, national_id

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _register_body(number: str, **changes) -> dict:
    body = {
        "head_name": "Somsri Jaidee",
        "national_id": number,
        "phone": "0899999999",
        "address": "45 Soi Ramkhamhaeng 24",
        "members": 3,
        "children": 1,
    }
    return body | changes


def test_staff_register_a_household_and_see_only_the_masked_id(api, people):
    number = national_id()
    answer = api.as_user(people.staff_a).post(
        f"{API}/households/", _register_body(number), format="json"
    )
    assert answer.status_code == 201, answer.data
    assert answer.data["national_id"] == f"x-xxxx-xxxxx-{number[10:12]}-{number[12]}"
    assert answer.data["district"]["code"] == "1001"
    assert number not in answer.content.decode()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1101700203451", "check digit"),
        ("110170020345", "13 digits"),
        ("11017002034x0", "digits only"),
    ],
)
def test_a_bad_national_id_is_refused_naming_the_field(api, people, number, message):
    answer = api.as_user(people.staff_a).post(
        f"{API}/households/", _register_body(number), format="json"
    )
    assert answer.status_code == 400
    assert message in answer.data["fields"]["national_id"][0]
    assert not Household.objects.exists()


def test_a_second_registration_names_only_the_district_that_holds_it(api, people):
    number = national_id()
    household(people.staff_a, number=number, head_name="Private Person")
    answer = api.as_user(people.staff_b).post(
        f"{API}/households/", _register_body(number), format="json"
    )
    assert answer.status_code == 409
    text = answer.content.decode()
    assert people.district_a.name_en in text or people.district_a.name_th in text
    assert "Private Person" not in text
    assert number not in text


def test_the_national_id_never_shows_in_full_in_any_answer_or_log(api, people, caplog):
    number = national_id()
    home = household(people.staff_a, number=number)
    assessed(home, people.staff_a)
    grant_points(household=home, points=10, by=people.staff_a, reason="start")
    client = api.as_user(people.staff_a)
    caplog.set_level(logging.DEBUG)
    for path in (
        "households/",
        f"households/{home.pk}/",
        f"households/{home.pk}/statement/",
        f"households/{home.pk}/recommendation/",
        "assessments/",
        "points/grants/",
        "points/entries/",
    ):
        answer = client.get(f"{API}/{path}")
        assert answer.status_code == 200, path
        assert number not in answer.content.decode(), path
    assert number not in caplog.text


def test_reading_the_full_record_is_written_to_the_access_log(api, people):
    home = household(people.staff_a)
    api.as_user(people.staff_a).get(f"{API}/households/")
    assert not HouseholdAccess.objects.exists()
    api.as_user(people.staff_a).get(f"{API}/households/{home.pk}/")
    access = HouseholdAccess.objects.get()
    assert (access.user, access.via, access.household) == (people.staff_a, "api", home)


def test_another_districts_households_are_not_found(api, people):
    home = household(people.staff_b)
    client = api.as_user(people.staff_a)
    for path in ("", "statement/", "recommendation/"):
        assert client.get(f"{API}/households/{home.pk}/{path}").status_code == 404
    assert client.get(f"{API}/households/").data["count"] == 0
    changed = client.patch(f"{API}/households/{home.pk}/", {"members": -1}, format="json")
    assert changed.status_code == 404  # not 400: the record's scope is checked before the input
    assert not PointsEntry.objects.exists()
    assert not HouseholdAccess.objects.exists()


ASSESSMENT = {
    "assessed_on": "2026-01-01",
    "income": 1,
    "health": 1,
    "education": 1,
    "living_conditions": 1,
    "public_services": 1,
}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("points/grants/", {"points": 5, "reason": "x"}),
        ("assessments/", ASSESSMENT),
        ("vouchers/", {"lines": [{"item": 1, "quantity": 1}]}),
    ],
)
def test_naming_another_districts_household_answers_as_if_it_did_not_exist(api, people, path, body):
    home = household(people.staff_b)
    client = api.as_user(people.staff_a)
    theirs = client.post(f"{API}/{path}", {**body, "household": home.pk}, format="json")
    missing = client.post(f"{API}/{path}", {**body, "household": home.pk + 1000}, format="json")
    assert theirs.status_code == missing.status_code == 400
    said = str(theirs.data["fields"]["household"][0]).replace(str(home.pk), "N")
    assert said == str(missing.data["fields"]["household"][0]).replace(str(home.pk + 1000), "N")
    assert "does not exist" in said
    assert not PointsEntry.objects.exists()
    assert not Assessment.objects.exists()
    assert not Voucher.objects.exists()


@pytest.mark.parametrize("role", ["counter_a", "donor", "recipient_a"])
def test_other_roles_cannot_reach_households_or_points(api, people, role):
    home = household(people.staff_a)
    client = api.as_user(getattr(people, role))
    for path in (
        "households/",
        f"households/{home.pk}/",
        "assessments/",
        "points/grants/",
        "points/entries/",
        "points/policy/",
    ):
        assert client.get(f"{API}/{path}").status_code == 403, path


def test_a_scores_outside_0_to_4_are_refused_naming_the_dimension(api, people):
    home = household(people.staff_a)
    answer = api.as_user(people.staff_a).post(
        f"{API}/assessments/",
        {
            "household": home.pk,
            "assessed_on": "2026-01-01",
            "income": 5,
            "health": -1,
            "education": 1,
            "living_conditions": 1,
            "public_services": 1,
        },
        format="json",
    )
    assert answer.status_code == 400
    assert {"income", "health"} <= set(answer.data["fields"])


def test_a_large_grant_waits_for_another_staff_member_through_the_api(api, people, make_user):
    from foodbank.accounts.models import Role

    colleague = make_user(username="staff_a2", role=Role.DISTRICT_STAFF, district=people.district_a)
    home = household(people.staff_a)
    asked = api.as_user(people.staff_a).post(
        f"{API}/points/grants/",
        {"household": home.pk, "points": 650, "reason": "house fire"},
        format="json",
    )
    assert (asked.status_code, asked.data["status"]) == (201, "pending")
    url = f"{API}/points/grants/{asked.data['id']}/approve/"
    assert api.as_user(people.staff_a).post(url).status_code == 403
    assert api.as_user(people.staff_b).post(url).status_code == 404
    approved = api.as_user(colleague).post(url)
    assert approved.data["status"] == "approved"
    home.refresh_from_db()
    assert home.balance == 650


def test_the_policy_is_a_readable_table_that_staff_adjust_within_limits(api, people):
    client = api.as_user(people.staff_a)
    table = client.get(f"{API}/points/policy/")
    assert table.status_code == 200
    assert [band["min_score"] for band in table.data["bands"]] == [0, 1, 6, 11, 16]
    too_much = client.put(f"{API}/points/policy/", {"percent": 200}, format="json")
    assert too_much.status_code == 400
    assert "percent" in too_much.data["fields"]
    assert client.put(f"{API}/points/policy/", {"percent": 90}, format="json").data["percent"] == 90
    assert api.as_user(people.staff_b).get(f"{API}/points/policy/?district=1001").status_code == 403


def test_a_recipient_sees_only_their_own_balance_and_statement(api, people):
    home = household(people.staff_a, head_name="Pranee Sukjai")
    grant_points(household=home, points=120, by=people.staff_a, reason="start")
    account = create_recipient_login(
        household=home, username="pranee", password="a-long-enough-pass-1", by=people.staff_a
    )
    mine = api.as_user(account).get(f"{API}/points/me/")
    assert (mine.data["first_name"], mine.data["balance"]) == ("Pranee", 120)
    assert [line["balance_after"] for line in mine.data["statement"]] == [120]
    assert "national_id" not in mine.content.decode()
    assert "staff_a" not in mine.content.decode()  # no staff names in what recipients see
    assert api.as_user(people.recipient_a).get(f"{API}/points/me/").status_code == 404


def test_a_too_long_reason_and_too_many_children_are_named(api, people):
    home = household(people.staff_a)
    long_reason = api.as_user(people.staff_a).post(
        f"{API}/points/grants/",
        {"household": home.pk, "points": 5, "reason": "x" * 301},
        format="json",
    )
    assert long_reason.status_code == 400
    assert "reason" in long_reason.data["fields"]
    crowded = api.as_user(people.staff_a).post(
        f"{API}/households/", _register_body(national_id(), members=2, children=3), format="json"
    )
    assert crowded.status_code == 400
    assert "children" in crowded.data["fields"]


def test_changing_a_household_returns_its_record_and_logs_the_reading(api, people):
    home = household(people.staff_a)
    answer = api.as_user(people.staff_a).patch(
        f"{API}/households/{home.pk}/", {"phone": "0811111111"}, format="json"
    )
    assert answer.data["phone"] == "0811111111"
    assert HouseholdAccess.objects.filter(household=home).count() == 1
