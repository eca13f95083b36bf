"""The pages and the API of a household leaving, coming back and being erased."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from points.models import Household
from points.services.departures import record_departure
from points.services.ledger import grant_points

from .factories import household

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _leave_form(**changes) -> dict:
    return {"leaving_reason": "moved", "left_on": TODAY.isoformat()} | changes


def test_staff_record_a_leaving_and_the_page_then_offers_a_return_or_an_erasure(client, people):
    home = household(people.staff_a)
    client.force_login(people.staff_a)
    page = client.get(f"/households/{home.pk}/").content.decode()
    assert f"/households/{home.pk}/leave/" in page
    assert f"/households/{home.pk}/grant/" in page

    done = client.post(f"/households/{home.pk}/leave/", _leave_form())
    assert done.status_code == 302
    home.refresh_from_db()
    assert home.leaving_reason == "moved"
    page = client.get(f"/households/{home.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    due = TODAY + timedelta(days=365)
    assert f"will be erased on {due.day} " in page
    assert f"/households/{home.pk}/grant/" not in page
    assert f"/households/{home.pk}/leave/" not in page
    assert f"/households/{home.pk}/return/" in page
    assert f"/households/{home.pk}/erase/" in page


def test_a_leaving_with_a_bad_day_shows_the_error_by_the_field(client, people):
    home = household(people.staff_a)
    client.force_login(people.staff_a)
    ahead = (TODAY + timedelta(days=1)).isoformat()
    page = client.post(f"/households/{home.pk}/leave/", _leave_form(left_on=ahead))
    assert page.status_code == 200
    assert page.context["form"].errors["left_on"]
    home.refresh_from_db()
    assert home.left_on is None


def test_a_return_is_posted_and_an_erasure_needs_its_box_ticked(client, people):
    home = household(people.staff_a)
    record_departure(household=home, reason="moved", by=people.staff_a)
    client.force_login(people.staff_a)
    assert client.get(f"/households/{home.pk}/return/").status_code == 405
    assert client.post(f"/households/{home.pk}/return/").status_code == 302
    home.refresh_from_db()
    assert home.left_on is None

    record_departure(household=home, reason="moved", by=people.staff_a)
    unticked = client.post(f"/households/{home.pk}/erase/", {})
    assert unticked.status_code == 200
    assert unticked.context["form"].errors["understood"]
    home.refresh_from_db()
    assert home.erased_at is None
    assert client.post(f"/households/{home.pk}/erase/", {"understood": "on"}).status_code == 302
    home.refresh_from_db()
    assert home.erased_at is not None
    page = client.get(f"/households/{home.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pranee" not in page
    assert "personal data was erased" in page
    assert f"/households/{home.pk}/return/" not in page


def test_an_erasure_before_leaving_is_refused_on_the_page(client, people):
    home = household(people.staff_a)
    client.force_login(people.staff_a)
    page = client.post(f"/households/{home.pk}/erase/", {"understood": "on"})
    assert page.status_code == 200
    assert page.context["form"].non_field_errors()
    home.refresh_from_db()
    assert home.head_name == "Pranee Sukjai"


@pytest.mark.parametrize("path", ["leave/", "erase/", "return/"])
def test_the_pages_refuse_counter_staff_and_hide_other_districts(client, people, path):
    home = household(people.staff_a)
    client.force_login(people.counter_a)
    assert client.post(f"/households/{home.pk}/{path}", _leave_form()).status_code == 403
    client.force_login(people.staff_b)
    assert client.post(f"/households/{home.pk}/{path}", _leave_form()).status_code == 404
    client.force_login(people.recipient_a)
    assert client.post(f"/households/{home.pk}/{path}", _leave_form()).status_code == 403
    home.refresh_from_db()
    assert (home.left_on, home.erased_at) == (None, None)


def test_the_list_shows_households_in_the_programme_unless_asked(client, people):
    staying = household(people.staff_a, head_name="Somchai Stays")
    leaving = household(people.staff_a, head_name="Malee Leaves")
    erased = household(people.staff_a, head_name="Wichai Erased")
    record_departure(household=leaving, reason="moved", by=people.staff_a)
    record_departure(household=erased, reason="erasure_requested", by=people.staff_a)
    client.force_login(people.staff_a)

    def names(query: str) -> set[str]:
        page = client.get(f"/households/{query}", HTTP_ACCEPT_LANGUAGE="en")
        return {h.display_name for h in page.context["page"]}

    assert names("") == {"Somchai Stays"}
    assert names("?standing=nonsense") == {"Somchai Stays"}
    assert names("?standing=left") == {"Malee Leaves"}
    assert names("?standing=erased") == {f"Household {erased.pk} (personal data erased)"}
    assert len(names("?standing=all")) == 3
    assert staying.left_on is None


def test_the_api_records_a_leaving_and_answers_each_refusal_with_its_code(api, people):
    home = household(people.staff_a)
    grant_points(household=home, points=50, by=people.staff_a, reason="start")
    client = api.as_user(people.staff_a)
    url = lambda name: reverse(f"household-{name}", args=[home.pk])  # noqa: E731

    bad = client.post(url("leave"), {"leaving_reason": "bored"}, format="json")
    assert bad.status_code == 400
    assert "leaving_reason" in bad.json()["fields"]
    early = client.post(url("erase"), format="json")
    assert (early.status_code, early.json()["code"]) == (409, "household_still_in")

    left = client.post(url("leave"), {"leaving_reason": "died"}, format="json")
    assert left.status_code == 200
    assert (left.json()["left_on"], left.json()["leaving_reason"]) == (TODAY.isoformat(), "died")
    again = client.post(url("leave"), {"leaving_reason": "moved"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "household_left")
    grant = client.post(
        reverse("grant-list"), {"household": home.pk, "points": 10, "reason": "x"}, format="json"
    )
    assert (grant.status_code, grant.json()["code"]) == (409, "household_left")

    erased = client.post(url("erase"), format="json")
    assert erased.status_code == 200
    assert erased.json()["erased_at"] is not None
    assert (erased.json()["head_name"], erased.json()["national_id"]) == ("", "")
    back = client.post(url("return"), format="json")
    assert (back.status_code, back.json()["code"]) == (409, "household_erased")
    listed = client.get(reverse("household-list"), {"standing": "erased"}).json()
    assert [row["id"] for row in listed["results"]] == [home.pk]


def test_the_api_refuses_the_roles_that_may_not_and_hides_other_districts(api, people):
    home = household(people.staff_a)
    url = reverse("household-leave", args=[home.pk])
    for user, status in (
        (people.counter_a, 403),
        (people.recipient_a, 403),
        (people.donor, 403),
        (people.staff_b, 404),
    ):
        answer = api.as_user(user).post(url, {"leaving_reason": "moved"}, format="json")
        assert answer.status_code == status, user.username
    assert Household.objects.get().left_on is None
