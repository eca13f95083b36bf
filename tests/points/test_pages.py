import pytest
from django.utils import timezone

from foodbank.accounts.models import Role
from points.models import Household, HouseholdAccess, PointsEntry
from points.services.ledger import grant_points

from .factories import assessed, household, national_id, recipient_login

pytestmark = pytest.mark.django_db


def _form(number: str, **changes) -> dict:
    form = {
        "head_name": "Somsri Jaidee",
        "national_id": number,
        "phone": "0899999999",
        "address": "45 Soi Ramkhamhaeng 24",
        "members": "3",
        "elderly": "0",
        "children": "1",
        "disabled": "0",
        "bedridden": "0",
        "vulnerability_notes": "",
    }
    return form | changes


def test_staff_register_a_household_and_errors_show_next_to_the_field(client, people):
    client.force_login(people.staff_a)
    bad = client.post("/households/new/", _form("1234567890123"), HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 200
    assert bad.context["form"].errors["national_id"]
    assert not Household.objects.exists()

    number = national_id()
    done = client.post("/households/new/", _form(number))
    assert done.status_code == 302
    page = client.get(done["Location"])
    text = page.content.decode()
    assert number not in text
    assert Household.objects.get().national_id_masked in text
    assert HouseholdAccess.objects.filter(via="web").count() == 1


def test_a_duplicate_registration_is_refused_on_the_page(client, people):
    number = national_id()
    household(people.staff_a, number=number)
    client.force_login(people.staff_b)
    answer = client.post("/households/new/", _form(number), HTTP_ACCEPT_LANGUAGE="en")
    assert answer.context["form"].errors["national_id"]
    assert Household.objects.count() == 1


def test_assess_then_grant_the_recommendation_through_the_pages(client, people):
    home = household(people.staff_a, members=4, elderly=1, children=2)
    client.force_login(people.staff_a)
    scores = {
        "assessed_on": "2026-11-01",
        "income": "3",
        "health": "2",
        "education": "1",
        "living_conditions": "2",
        "public_services": "1",
        "notes": "",
    }
    assert client.post(f"/households/{home.pk}/assess/", scores).status_code == 302
    grant_page = client.get(f"/households/{home.pk}/grant/")
    assert grant_page.context["advice"].points == 370
    assert client.post(f"/households/{home.pk}/grant/", {"points": "370"}).status_code == 302
    home.refresh_from_db()
    assert home.balance == 370
    differs = client.post(f"/households/{home.pk}/grant/", {"points": "50", "reason": ""})
    assert differs.context["form"].errors["reason"]


def test_a_large_grant_is_approved_by_another_staff_member_on_the_page(client, people, make_user):
    colleague = make_user(username="staff_a2", role=Role.DISTRICT_STAFF, district=people.district_a)
    home = household(people.staff_a)
    grant = grant_points(household=home, points=600, by=people.staff_a, reason="fire")
    client.force_login(people.staff_a)
    client.post(f"/points/approvals/{grant.pk}/", {"decision": "approve"})
    home.refresh_from_db()
    assert home.balance == 0
    client.force_login(colleague)
    client.post(f"/points/approvals/{grant.pk}/", {"decision": "approve"})
    home.refresh_from_db()
    assert home.balance == 600


def test_a_correction_through_the_page_is_a_new_entry(client, people):
    home = household(people.staff_a)
    grant = grant_points(household=home, points=60, by=people.staff_a, reason="start")
    client.force_login(people.staff_a)
    url = f"/households/{home.pk}/entries/{grant.entry.pk}/correct/"
    assert client.post(url, {"points": "-10", "reason": ""}).context["form"].errors["reason"]
    assert client.post(url, {"points": "-10", "reason": "typo"}).status_code == 302
    assert list(PointsEntry.objects.values_list("points", flat=True)) == [60, -10]


def test_another_districts_household_is_not_found_on_the_pages(client, people):
    theirs = household(people.staff_b)
    client.force_login(people.staff_a)
    for path in ("", "assess/", "grant/", "login/"):
        assert client.get(f"/households/{theirs.pk}/{path}").status_code == 404
    assert not HouseholdAccess.objects.exists()


@pytest.mark.parametrize("role", ["counter_a", "donor", "recipient_a"])
def test_other_roles_cannot_open_the_household_pages(client, people, role):
    client.force_login(getattr(people, role))
    assert client.get("/households/").status_code == 403
    assert client.get("/points/policy/").status_code == 403


def test_a_recipient_sees_their_balance_in_thai_on_a_phone_page(client, people):
    home = household(people.staff_a, head_name="Pranee Sukjai")
    assessed(home, people.staff_a)
    grant_points(household=home, points=120, by=people.staff_a, reason="start")
    account = recipient_login(
        household=home, username="pranee", password="a-long-enough-pass-1", by=people.staff_a
    )
    client.force_login(account)
    page = client.get("/me/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Pranee" in text
    assert "120" in text
    assert "แต้ม" in text  # Thai by default
    assert home.national_id_masked not in text


def test_an_admin_registers_in_the_district_they_name(client, people):
    people.admin.is_staff = True
    client.force_login(people.admin)
    page = client.get("/households/new/?district=1006")
    assert '<option value="1006" selected>' in page.content.decode()
    nowhere = client.post("/households/new/", _form(national_id()), HTTP_ACCEPT_LANGUAGE="en")
    assert nowhere.status_code == 200
    assert "district" in nowhere.context["form"].errors
    assert not Household.objects.exists()
    done = client.post("/households/new/", {**_form(national_id()), "district": "1006"})
    assert done.status_code == 302
    assert Household.objects.get().district == people.district_b


def test_staff_register_in_their_own_district_whatever_the_address_says(client, people):
    client.force_login(people.staff_a)
    page = client.get("/households/new/?district=1006")
    assert 'name="district"' not in page.content.decode()
    done = client.post(
        "/households/new/?district=1006", {**_form(national_id()), "district": "1006"}
    )
    assert done.status_code == 302
    assert Household.objects.get().district == people.district_a


def test_the_policy_page_keeps_the_districts_own_values_and_stays_in_the_district(client, people):
    from points.services.policies import adjust_district_policy

    adjust_district_policy(
        district=people.district_a,
        percent=100,
        validity_days=30,
        approval_threshold=200,
        by=people.staff_a,
    )
    client.force_login(people.staff_a)
    client.post(
        "/points/policy/", {"percent": "110", "validity_days": "30", "approval_threshold": "200"}
    )
    own = people.district_a.points_policy
    own.refresh_from_db()
    assert (own.percent, own.validity_days, own.approval_threshold) == (110, 30, 200)
    page = client.get("/points/policy/")
    assert page.context["form"].initial["validity_days"] == 30
    client.force_login(people.staff_b)
    assert client.get("/points/policy/?district=1001").status_code == 403


def test_a_decision_other_than_approve_or_reject_is_refused(client, people):
    home = household(people.staff_a)
    grant = grant_points(household=home, points=600, by=people.staff_a, reason="fire")
    client.force_login(people.admin)
    assert client.post(f"/points/approvals/{grant.pk}/", {}).status_code == 400
    grant.refresh_from_db()
    assert grant.status == "pending"


def test_the_assessment_form_starts_on_todays_date(client, people):
    home = household(people.staff_a)
    client.force_login(people.staff_a)
    page = client.get(f"/households/{home.pk}/assess/").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in page
