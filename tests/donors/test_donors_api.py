import pytest

from donors.models import Donor, Methodology
from foodbank.accounts.models import Role, User

from .factories import DonorFactory, line, received

REGISTER = "/api/v1/donors/register/"
NEW_DONOR = {
    "username": "somtam.shop",
    "password": "a-long-test-passphrase",
    "name": "Somtam Shop",
    "kind": "organisation",
    "donor_type": "restaurant",
    "phone": "081 234 5678",
    "tax_id": "0105556789012",
    "publicity_consent": True,
}


def test_a_donor_registers_and_signs_in(api, districts):
    response = api.post(REGISTER, NEW_DONOR, format="json")
    assert response.status_code == 201, response.json()
    account = User.objects.get(username="somtam.shop")
    assert account.role == Role.DONOR
    assert account.donor.name == "Somtam Shop"
    token = api.post(
        "/api/v1/auth/token/",
        {"username": "somtam.shop", "password": "a-long-test-passphrase"},
        format="json",
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert api.get("/api/v1/donors/me/").json()["publicity_consent"] is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tax_id": "12345"}, "tax_id"),
        ({"donor_type": "casino"}, "donor_type"),
        ({"password": "123"}, "password"),
        ({"phone": "call me"}, "phone"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_registrations_name_the_field_and_create_nothing(api, districts, changes, field):
    response = api.post(REGISTER, NEW_DONOR | changes, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"], response.json()
    assert not Donor.objects.exists()
    assert not User.objects.filter(username="somtam.shop").exists()


def test_staff_register_a_donor_at_the_counter_and_find_it(api, people):
    client = api.as_user(people.staff_a)
    created = client.post(
        "/api/v1/donors/",
        {"name": "Khlong Toei Market", "kind": "organisation", "donor_type": "market"},
        format="json",
    )
    assert created.status_code == 201
    assert Donor.objects.get().registered_by == people.staff_a
    found = client.get("/api/v1/donors/", {"search": "khlong"}).json()
    assert [row["name"] for row in found["results"]] == ["Khlong Toei Market"]


@pytest.mark.parametrize("who", ["counter_a", "recipient_a", "donor"])
def test_only_staff_browse_the_donor_registry(api, people, who):
    DonorFactory()
    assert api.as_user(getattr(people, who)).get("/api/v1/donors/").status_code == 403


def test_a_donor_without_a_record_gets_404_for_me(api, people):
    assert api.as_user(people.donor).get("/api/v1/donors/me/").status_code == 404


def test_food_categories_are_public_data(api, db):
    slugs = [row["slug"] for row in api.get("/api/v1/food-categories/").json()]
    assert slugs[:3] == ["cooked-meals", "bakery", "fruit-vegetables"]
    assert len(slugs) == 9


def test_a_used_methodology_is_read_only_in_the_admin(client, people):
    bkk = Methodology.objects.get(name="BKK 2024")
    client.force_login(people.admin)
    url = f"/admin/donors/methodology/{bkk.pk}/change/"
    assert 'name="meals_per_kg"' in client.get(url).content.decode()
    received(donor=DonorFactory(), by=people.staff_a, lines=[line("bakery", "1")])
    page = client.get(url).content.decode()
    assert 'name="meals_per_kg"' not in page
    client.post(url, {"name": "BKK 2024", "meals_per_kg": "9"})
    bkk.refresh_from_db()
    assert str(bkk.meals_per_kg) == "4.200000"
