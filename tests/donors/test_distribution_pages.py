"""Distribution pages: district staff record surplus passed on and list their district's."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from donors.models import Distribution
from donors.services.distributions import record_distribution

from .factories import category


def distribution_form(**changes):
    form = {
        "distributed_on": "2026-01-15",
        "recipient_group": "Khlong Toei community",
        "people_reached": "120",
        "notes": "",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-category": "cooked-meals",
        "lines-0-weight_kg": "40.5",
        "lines-1-category": "bakery",
        "lines-1-weight_kg": "12",
        "lines-2-category": "",  # a spare row left empty
    }
    return form | changes


def given(district_staff, *, on: date, group: str, people: int = 10, kg: str = "5"):
    return record_distribution(
        district=district_staff.district,
        distributed_on=on,
        recipient_group=group,
        people_reached=people,
        lines=[(category("bakery"), kg)],
        by=district_staff,
    )


def test_staff_record_a_distribution_on_the_phone_form(client, people):
    client.force_login(people.staff_a)
    page = client.get("/distributions/new/")
    assert page.status_code == 200
    assert 'name="district"' not in page.content.decode()  # staff record in their own district
    response = client.post("/distributions/new/", distribution_form())
    assert response.status_code == 302
    assert response["Location"] == "/distributions/"
    distribution = Distribution.objects.get()
    assert (distribution.district, distribution.people_reached, distribution.recorded_by) == (
        people.district_a,
        120,
        people.staff_a,
    )
    kg = {line.category.slug: str(line.weight_kg) for line in distribution.lines.all()}
    assert kg == {"cooked-meals": "40.500", "bakery": "12.000"}
    listed = client.get("/distributions/").content.decode()
    assert "Khlong Toei community" in listed
    assert "52.500" in listed


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"distributed_on": "2099-01-01"}, "distributed_on"),
        ({"people_reached": "0"}, "people_reached"),
        ({"recipient_group": ""}, "recipient_group"),
    ],
)
def test_bad_values_are_shown_on_their_field_and_nothing_is_saved(client, people, changes, field):
    client.force_login(people.staff_a)
    response = client.post("/distributions/new/", distribution_form(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Distribution.objects.exists()


def test_a_bad_weight_is_shown_on_its_line(client, people):
    client.force_login(people.staff_a)
    response = client.post("/distributions/new/", distribution_form(**{"lines-1-weight_kg": "-2"}))
    assert "weight_kg" in response.context["lines"].forms[1].errors
    assert not Distribution.objects.exists()


def test_a_category_given_twice_is_refused(client, people):
    client.force_login(people.staff_a)
    response = client.post(
        "/distributions/new/",
        distribution_form(**{"lines-1-category": "cooked-meals"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Give each category once." in response.content.decode()
    assert not Distribution.objects.exists()


def test_admins_name_the_district(client, people):
    client.force_login(people.admin)
    response = client.post("/distributions/new/", distribution_form())
    assert "district" in response.context["form"].errors
    response = client.post("/distributions/new/", distribution_form(district=people.district_b.pk))
    assert response.status_code == 302
    assert Distribution.objects.get().district == people.district_b


def test_the_list_shows_only_the_district_and_filters(client, people):
    today = timezone.localdate()
    given(people.staff_a, on=today - timedelta(days=40), group="Bang Rak school", people=30)
    given(people.staff_a, on=today, group="Wat Hua Lamphong", people=50)
    given(people.staff_b, on=today, group="Other district temple", people=70)
    client.force_login(people.staff_a)

    page = client.get("/distributions/")
    rows = [row.recipient_group for row in page.context["page"]]
    assert rows == ["Wat Hua Lamphong", "Bang Rak school"]
    assert page.context["totals"].people_reached == 80

    since = (today - timedelta(days=7)).isoformat()
    recent = client.get("/distributions/", {"date_from": since})
    assert [row.recipient_group for row in recent.context["page"]] == ["Wat Hua Lamphong"]
    school = client.get("/distributions/", {"group": "school"})
    assert [row.recipient_group for row in school.context["page"]] == ["Bang Rak school"]
    assert school.context["totals"].people_reached == 30

    client.force_login(people.admin)
    everywhere = client.get("/distributions/", {"district": people.district_b.code})
    assert [row.recipient_group for row in everywhere.context["page"]] == ["Other district temple"]


@pytest.mark.parametrize("who", ["counter_a", "recipient_a", "donor"])
def test_other_roles_cannot_open_the_distribution_pages(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get("/distributions/").status_code == 403
    assert client.post("/distributions/new/", distribution_form()).status_code == 403
    assert not Distribution.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in(client, people):
    response = client.get("/distributions/new/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_navigation_links_the_new_pages(client, people):
    client.force_login(people.staff_a)
    home = client.get("/").content.decode()
    assert 'href="/distributions/"' in home
    assert 'href="/methodologies/"' in home
    client.force_login(people.counter_a)
    assert 'href="/distributions/"' not in client.get("/").content.decode()
