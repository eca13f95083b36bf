"""Methodology pages: admins add versions, district staff read them; nothing is edited."""

from datetime import date
from decimal import Decimal

import pytest

from donors.models import Methodology

from .factories import DonorFactory, line, received


def methodology_form(**changes):
    form = {
        "name": "BKK 2024",
        "effective_from": "2026-01-01",
        "meals_per_kg": "4.2",
        "kgco2e_per_kg": "2.6",
        "source": "City survey 2025",
        "factors-TOTAL_FORMS": "2",
        "factors-INITIAL_FORMS": "2",
        "factors-MIN_NUM_FORMS": "0",
        "factors-MAX_NUM_FORMS": "1000",
        "factors-0-category": "cooked-meals",
        "factors-0-meals_per_kg": "",
        "factors-0-kgco2e_per_kg": "",
        "factors-1-category": "bakery",
        "factors-1-meals_per_kg": "3.5",
        "factors-1-kgco2e_per_kg": "1.9",
    }
    return form | changes


def test_staff_see_the_versions_and_which_is_used(client, people):
    received(donor=DonorFactory(), by=people.staff_a, lines=[line("bakery", "1")])
    client.force_login(people.staff_a)
    page = client.get("/methodologies/")
    assert page.status_code == 200
    [bkk] = page.context["methodologies"]
    assert bkk.label == "BKK 2024 v1"
    assert bkk.in_use
    assert 'href="/methodologies/new/"' not in page.content.decode()
    detail = client.get(f"/methodologies/{bkk.pk}/")
    factors = detail.context["factors"]
    assert {row.meals_per_kg for row in factors} == {Decimal("4.2")}
    assert all(row.is_default for row in factors)


def test_an_admin_adds_a_new_version_from_the_one_in_use(client, people):
    received(donor=DonorFactory(), by=people.staff_a, lines=[line("bakery", "1")])
    v1 = Methodology.objects.get()
    client.force_login(people.admin)
    page = client.get(f"/methodologies/new/?from={v1.pk}")
    assert page.context["form"].initial["name"] == "BKK 2024"
    assert len(page.context["rows"]) == 9  # one row per food category

    response = client.post(f"/methodologies/new/?from={v1.pk}", methodology_form())
    assert response.status_code == 302
    v2 = Methodology.objects.get(version=2)
    assert (v2.name, v2.effective_from, v2.created_by) == (
        "BKK 2024",
        date(2026, 1, 1),
        people.admin,
    )
    assert [(f.category.slug, f.meals_per_kg) for f in v2.factors.all()] == [
        ("bakery", Decimal("3.5"))
    ]
    v1.refresh_from_db()
    assert (v1.meals_per_kg, v1.kgco2e_per_kg, v1.factors.count()) == (
        Decimal("4.2"),
        Decimal("2.53"),
        0,
    )
    detail = client.get(response["Location"])
    rows = {row.category.slug: row for row in detail.context["factors"]}
    assert (rows["bakery"].meals_per_kg, rows["bakery"].is_default) == (Decimal("3.5"), False)
    assert (rows["cooked-meals"].kgco2e_per_kg, rows["cooked-meals"].is_default) == (
        Decimal("2.6"),
        True,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"effective_from": "2000-01-01"}, "effective_from"),  # BKK 2024 v1 starts that day
        ({"meals_per_kg": "-1"}, "meals_per_kg"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_values_are_shown_on_their_field_and_nothing_is_added(client, people, changes, field):
    client.force_login(people.admin)
    response = client.post("/methodologies/new/", methodology_form(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Methodology.objects.count() == 1


def test_a_category_needs_both_factors_or_neither(client, people):
    client.force_login(people.admin)
    response = client.post(
        "/methodologies/new/", methodology_form(**{"factors-1-kgco2e_per_kg": ""})
    )
    assert "kgco2e_per_kg" in response.context["factors"].forms[1].errors
    assert Methodology.objects.count() == 1


@pytest.mark.parametrize("who", ["staff_a", "counter_a", "recipient_a", "donor"])
def test_only_admins_add_versions(client, people, who):
    client.force_login(getattr(people, who))
    assert client.post("/methodologies/new/", methodology_form()).status_code == 403
    assert Methodology.objects.count() == 1


@pytest.mark.parametrize("who", ["counter_a", "recipient_a", "donor"])
def test_other_roles_cannot_read_the_methodology_pages(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get("/methodologies/").status_code == 403
    assert client.get(f"/methodologies/{Methodology.objects.get().pk}/").status_code == 403
