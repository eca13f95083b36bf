import pytest

from points.models import HouseholdAccess

from .factories import household, national_id

pytestmark = pytest.mark.django_db


def test_the_admin_shows_households_masked_and_logs_each_full_record(client, people):
    number = national_id()
    home = household(people.staff_a, number=number)
    people.admin.is_staff = True
    client.force_login(people.admin)
    listing = client.get("/admin/points/household/")
    record = client.get(f"/admin/points/household/{home.pk}/change/")
    assert listing.status_code == record.status_code == 200
    for page in (listing, record):
        text = page.content.decode()
        assert number not in text
        assert home.national_id_masked in text
        assert home.national_id_encrypted not in text
    assert HouseholdAccess.objects.get().via == "admin"
