"""Every change to points, stock, vouchers, households, methodologies and policies leaves an
audit event naming who, when and from where; only admins read the trail."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from foodbank.audit.models import Action, AuditEvent
from inventory.models import Movement
from points.models import CityPolicy, Household, PointsEntry, Voucher
from points.services.ledger import expire_points, grant_points
from tests.donors.test_methodology_pages import methodology_form
from tests.inventory.factories import lot, rice
from tests.points.factories import assessed, household, national_id

pytestmark = pytest.mark.django_db
API = "/api/v1"
FROM = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "CounterPhone/1.0"}


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def assert_from_request(event, actor):
    assert (event.actor, event.address, event.user_agent) == (
        actor,
        "203.0.113.7",
        "CounterPhone/1.0",
    )
    assert timezone.now() - event.at < timedelta(minutes=1)


def test_registering_and_changing_a_household_is_recorded_without_personal_data(api, people):
    number = national_id()
    client = api.as_user(people.staff_a)
    body = {
        "head_name": "Somsri Jaidee",
        "national_id": number,
        "phone": "0899999999",
        "address": "45 Soi Ramkhamhaeng 24",
        "members": 3,
    }
    made = client.post(f"{API}/households/", body, format="json", **FROM)
    assert made.status_code == 201, made.data
    client.patch(
        f"{API}/households/{made.data['id']}/", {"phone": "0811111111"}, format="json", **FROM
    )

    [registered] = events(Action.HOUSEHOLD_REGISTERED)
    [changed] = events(Action.HOUSEHOLD_CHANGED)
    for event in (registered, changed):
        assert_from_request(event, people.staff_a)
        assert (event.target_type, event.target_id) == ("points.household", made.data["id"])
        assert event.district == people.district_a
    assert changed.summary == {"fields": ["phone"]}
    every_summary = str(list(AuditEvent.objects.values_list("summary", flat=True)))
    for private in (number, "Somsri", "0899999999", "0811111111", "Ramkhamhaeng"):
        assert private not in every_summary


def test_grants_their_approval_and_entries_are_recorded(api, people, make_user):
    from foodbank.accounts.models import Role

    home = household(people.staff_a)
    assessed(home, people.staff_a)
    second = make_user(username="second_a", role=Role.DISTRICT_STAFF, district=people.district_a)
    client = api.as_user(people.staff_a)
    answer = client.post(
        f"{API}/points/grants/",
        {"household": home.pk, "points": 5000, "reason": "flood"},
        format="json",
        **FROM,
    )
    assert answer.status_code == 201, answer.data
    [requested] = events(Action.GRANT_REQUESTED)
    assert_from_request(requested, people.staff_a)
    assert not events(Action.POINTS_ENTRY)  # nothing counts before the approval

    approved = api.as_user(second).post(
        f"{API}/points/grants/{answer.data['id']}/approve/", format="json", **FROM
    )
    assert approved.status_code == 200, approved.data
    [decision] = events(Action.GRANT_APPROVED)
    assert_from_request(decision, second)
    [entry] = events(Action.POINTS_ENTRY)
    assert entry.target_id == PointsEntry.objects.get().pk
    assert entry.summary == {"household": home.pk, "kind": "grant", "points": 5000}
    assert entry.address == "203.0.113.7"


def test_a_voucher_issued_and_cancelled_records_the_voucher_its_points_and_its_stock(api, people):
    home = household(people.staff_a)
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    bags = rice(people.admin)
    lot(bags, people.staff_a, "3", timezone.localdate() + timedelta(days=30))
    AuditEvent.objects.all().delete()
    client = api.as_user(people.staff_a)
    made = client.post(
        f"{API}/vouchers/",
        {"household": home.pk, "lines": [{"item": bags.pk, "quantity": 2}]},
        format="json",
        **FROM,
    )
    assert made.status_code == 201, made.data
    cancelled = client.post(f"{API}/vouchers/{made.data['id']}/cancel/", format="json", **FROM)
    assert cancelled.status_code == 200, cancelled.data

    voucher = Voucher.objects.get()
    [issued] = events(Action.VOUCHER_ISSUED)
    [cancel] = events(Action.VOUCHER_CANCELLED)
    for event in (issued, cancel):
        assert_from_request(event, people.staff_a)
        assert (event.target_type, event.target_id) == ("points.voucher", voucher.pk)
    assert issued.summary == {"household": home.pk, "points": 80, "items": {str(bags.pk): 2}}
    kinds = [e.summary["kind"] for e in events(Action.POINTS_ENTRY)]
    assert kinds == ["voucher_debit", "voucher_refund"]
    movements = events(Action.STOCK_MOVEMENT)
    assert [e.summary["kind"] for e in movements] == ["reservation", "release"]
    assert [e.target_id for e in movements] == list(
        Movement.objects.filter(kind__in=["reservation", "release"])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert all(e.address == "203.0.113.7" for e in movements)


def test_a_stock_write_off_is_recorded_with_its_lot_and_quantity(api, people):
    bags = lot(rice(people.admin), people.staff_a, "4")
    answer = api.as_user(people.staff_a).post(
        f"{API}/inventory/lots/{bags.pk}/write-off/",
        {"quantity": "1.5", "reason": "rats"},
        format="json",
        **FROM,
    )
    assert answer.status_code in (200, 201), answer.data
    write_off = AuditEvent.objects.filter(action=Action.STOCK_MOVEMENT).latest("pk")
    assert_from_request(write_off, people.staff_a)
    assert write_off.summary["kind"] == "write_off"
    assert write_off.summary["lot"] == bags.pk
    assert write_off.summary["on_hand_change"] == "-1.500"
    assert write_off.district == people.district_a


def test_a_methodology_version_and_policies_are_recorded(api, people):
    page = Client(**FROM)
    page.force_login(people.admin)
    assert page.post("/methodologies/new/", methodology_form()).status_code == 302
    [added] = events(Action.METHODOLOGY_ADDED)
    assert_from_request(added, people.admin)
    assert added.summary["name"] == "BKK 2024"

    answer = api.as_user(people.staff_a).put(
        f"{API}/points/policy/", {"percent": 90}, format="json", **FROM
    )
    assert answer.status_code == 200, answer.data
    [district_policy] = events(Action.DISTRICT_POLICY)
    assert_from_request(district_policy, people.staff_a)
    assert district_policy.summary["percent"] == 90


def test_an_admin_change_in_the_django_admin_is_recorded_with_the_fields_changed(people):
    city = CityPolicy.objects.get(pk=1)
    admin = Client(**FROM)
    admin.force_login(people.admin)
    form = admin.get(f"/admin/points/citypolicy/{city.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["max_award"] = city.max_award + 1
    response = admin.post(f"/admin/points/citypolicy/{city.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [changed] = events(Action.ADMIN_CHANGED)
    assert_from_request(changed, people.admin)
    assert (changed.target_type, changed.target_id) == ("points.citypolicy", city.pk)
    assert changed.summary == {"changes": [{"changed": {"fields": ["Largest recommended award"]}}]}


def test_scheduled_expiry_is_recorded_with_no_actor_and_no_address(people):
    home = household(people.staff_a)
    grant_points(household=home, points=10, by=people.staff_a, reason="start")
    expire_points(today=timezone.localdate() + timedelta(days=400))
    [expiry] = [e for e in events(Action.POINTS_ENTRY) if e.summary["kind"] == "expiry"]
    assert (expiry.actor, expiry.address, expiry.user_agent) == (None, None, "")


def test_an_event_is_written_in_the_changes_transaction_and_rolls_back_with_it(people):
    home = household(people.staff_a)
    before = AuditEvent.objects.count()

    def grant_then_fail():
        with transaction.atomic():
            grant_points(household=home, points=10, by=people.staff_a, reason="start")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        grant_then_fail()
    assert AuditEvent.objects.count() == before
    assert Household.objects.get().balance == 0


def test_only_admins_read_the_trail(people):
    household(people.staff_a)
    for user in (people.staff_a, people.counter_a, people.donor, people.recipient_a):
        client = Client()
        client.force_login(user)
        assert client.get("/audit/").status_code == 403, user.role
        assert client.get("/admin/audit/auditevent/").status_code == 302  # to the admin sign-in
    assert Client().get("/audit/").status_code == 302
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(people.admin)
    page = admin.get("/audit/?action=household_registered")
    assert page.status_code == 200
    assert "Household registered" in page.content.decode()
    assert admin.get("/admin/audit/auditevent/").status_code == 200
    assert admin.get("/audit/?target_id=x").status_code == 400


def test_an_assessment_is_recorded_without_its_scores(api, people):
    home = household(people.staff_a)
    scores = {"income": 4, "health": 3, "education": 1, "living_conditions": 2}
    answer = api.as_user(people.staff_a).post(
        f"{API}/assessments/",
        {"household": home.pk, "assessed_on": "2026-01-01", "public_services": 0, **scores},
        format="json",
        **FROM,
    )
    assert answer.status_code == 201, answer.data
    [recorded] = events(Action.ASSESSMENT_RECORDED)
    assert_from_request(recorded, people.staff_a)
    assert (recorded.target_type, recorded.district) == ("points.assessment", people.district_a)
    assert recorded.summary == {"household": home.pk, "assessed_on": "2026-01-01"}
