"""The report of what is held on a household (PDPA right of access): its sections, who may
read it, that it never shows the full national ID or a staff member's name, that staff
readings are logged, that it still works once the data is erased, and that its queries do
not grow with the household's history."""

from datetime import timedelta
from itertools import accumulate

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from foodbank.accounts.models import Role
from points.models import (
    EntryKind,
    Household,
    HouseholdAccess,
    HouseholdCard,
    LeavingReason,
    PointsEntry,
    VoucherStatus,
)
from points.personal_data import personal_data_held
from points.services.cards import issue_card
from points.services.departures import record_departure
from points.services.households import record_access
from points.services.ledger import grant_points
from points.services.vouchers import Choice, cancel_voucher, issue_voucher, redeem_voucher
from points.services.vouchers import voucher_token as token_of
from tests.inventory.factories import lot, rice, soap

from .factories import assessed, household, national_id, recipient_login

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-pass-1"
SOON = timezone.localdate() + timedelta(days=30)

HEAD = {
    "head_name": "Pranee Sukjai",
    "phone": "0812345678",
    "address": "12 Soi Wat Bowon, Phra Nakhon",
    "members": 5,
    "elderly": 1,
    "children": 2,
    "disabled": 1,
    "bedridden": 1,
    "vulnerability_notes": "Father on dialysis",
}
SCORES = {"income": 4, "health": 3, "education": 0, "living_conditions": 2, "public_services": 1}


def staff_page(pk: int) -> str:
    return reverse("points:personal-data", args=[pk])


def staff_api(pk: int) -> str:
    return reverse("household-personal-data", args=[pk])


MY_PAGE, MY_API = reverse("points:my-personal-data"), reverse("my-personal-data")


@pytest.fixture
def staff_names(people) -> list[str]:
    """Every staff user given a name and username that could not appear by chance."""
    names = []
    for index, user in enumerate((people.staff_a, people.counter_a, people.admin, people.staff_b)):
        user.username = f"somsak.keeper{index}"
        user.first_name, user.last_name = f"Somsak{index}", f"Thongdee{index}"
        user.save()
        names += [user.username, user.first_name, user.last_name]
    return names


@pytest.fixture
def held(people, staff_names):
    """A household of district A with a login, an assessment with notes, two grants with
    reasons, a voucher collected at "Front desk", a cancelled one, and a reissued card."""
    number = national_id()
    home = household(people.staff_a, number=number, **HEAD)
    account = recipient_login(
        household=home, username="pranee", password=PASSWORD, by=people.staff_a
    )
    assessed(home, people.staff_a, notes="Roof leaks in the rainy season", **SCORES)
    grant_points(household=home, points=100, by=people.staff_a, reason="start of the year")
    grant_points(household=home, points=50, by=people.staff_a, reason="flood damage")
    bags, bars = rice(people.admin), soap(people.admin)
    lot(bags, people.staff_a, "5", SOON)
    lot(bars, people.staff_a, "10")
    collected = issue_voucher(
        household=home, choices=[Choice(bags, 2), Choice(bars, 3)], by=people.staff_a
    )
    redeem_voucher(token=token_of(collected), by=people.counter_a, counter="Front desk")
    cancelled = issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
    cancel_voucher(voucher=cancelled, by=people.staff_a)
    issue_card(household=home, by=people.staff_a)
    issue_card(household=home, by=people.staff_a)
    home.refresh_from_db()
    return home, number, account, bags, bars


def test_staff_get_every_section_with_the_households_own_values(client, people, held, staff_names):
    home, number, _account, bags, bars = held
    client.force_login(people.staff_a)
    with translation.override("en"):
        page = client.get(staff_page(home.pk), HTTP_ACCEPT_LANGUAGE="en")
        text = page.content.decode()
        labels = [
            str(label)
            for label in (
                VoucherStatus.REDEEMED.label,
                VoucherStatus.CANCELLED.label,
                EntryKind.VOUCHER_REFUND.label,
            )
        ]
    assert page.status_code == 200
    for value in (
        *(str(HEAD[name]) for name in ("head_name", "phone", "address", "vulnerability_notes")),
        home.national_id_masked,
        people.district_a.name_en,
        "pranee",
        "Roof leaks in the rainy season",
        "start of the year",
        "flood damage",
        f"{bags.name_en} \N{MULTIPLICATION SIGN} 2",
        f"{bars.name_en} \N{MULTIPLICATION SIGN} 3",
        "Front desk",
        *labels,
        "In the programme",
        "District staff",
    ):
        assert value in text, value
    assert number not in text
    for name in staff_names:
        assert name not in text, name


def test_the_json_report_holds_each_section_as_recorded(api, people, held, staff_names):
    home, number, _account, bags, bars = held
    answer = api.as_user(people.staff_a).get(staff_api(home.pk))
    assert answer.status_code == 200, answer.data
    report, body = answer.json(), answer.content.decode()
    mine = report["household"]
    assert mine["national_id"] == home.national_id_masked != ""
    assert number not in body
    assert mine["name"] == HEAD["head_name"]
    assert {name: mine[name] for name in HEAD if name != "head_name"} == {
        name: value for name, value in HEAD.items() if name != "head_name"
    }
    assert (mine["district_code"], mine["recipient_login"]) == (people.district_a.code, "pranee")
    assert (mine["in_programme"], mine["left_on"], mine["erased_at"]) == (True, None, None)
    assert mine["registered_on"] == timezone.localdate(home.created_at).isoformat()

    (assessment,) = report["assessments"]
    assert {name: assessment[name] for name in SCORES} == SCORES
    assert assessment["notes"] == "Roof leaks in the rainy season"
    assert [(g["points"], g["reason"], g["status"]) for g in report["grants"]] == [
        (50, "flood damage", "approved"),
        (100, "start of the year", "approved"),
    ]

    entries = list(PointsEntry.objects.filter(household=home).order_by("created_at", "pk"))
    assert [line["points"] for line in report["statement"]] == [e.points for e in entries]
    assert [line["balance_after"] for line in report["statement"]] == list(
        accumulate(e.points for e in entries)
    )
    assert report["statement"][-1]["balance_after"] == home.balance

    cancelled, collected = report["vouchers"]  # newest first
    assert (collected["status"], collected["counter"]) == (VoucherStatus.REDEEMED, "Front desk")
    assert collected["collected_at"] is not None
    assert collected["lines"] == [
        {"item": bags.name_en, "quantity": 2},
        {"item": bars.name_en, "quantity": 3},
    ]
    assert (cancelled["status"], cancelled["collected_at"], cancelled["counter"]) == (
        VoucherStatus.CANCELLED,
        None,
        "",
    )

    newer, older = report["cards"]
    assert newer["revoked_on"] is None
    assert older["revoked_on"] == timezone.localdate().isoformat()
    assert len(report["cards"]) == HouseholdCard.objects.filter(household=home).count()

    produced = timezone.datetime.fromisoformat(report["produced_at"])
    assert abs(timezone.now() - produced) < timedelta(minutes=1)
    for name in staff_names:
        assert name not in body, name


def test_readers_are_shown_by_role_and_district_never_by_name(api, people, held, staff_names):
    home = held[0]
    record_access(household=home, user=people.admin, via="api", address="10.0.0.1")
    answer = api.as_user(people.staff_a).get(staff_api(home.pk))
    readings = answer.json()["readings"]
    assert [(r["via"], r["role"], r["district"]) for r in readings] == [
        ("report", Role.DISTRICT_STAFF, people.district_a.name_en),
        ("api", Role.ADMIN, ""),
    ]
    assert readings[0]["role_label"] == "District staff"
    assert "10.0.0.1" not in answer.content.decode()
    for name in staff_names:
        assert name not in answer.content.decode(), name


@pytest.mark.parametrize("via", ["page", "api"])
def test_each_staff_reading_is_written_to_the_access_log(client, api, people, held, via):
    home = held[0]
    for reader in (people.staff_a, people.admin, people.staff_a):
        if via == "page":
            client.force_login(reader)
            assert client.get(staff_page(home.pk), REMOTE_ADDR="10.1.2.3").status_code == 200
        else:
            answer = api.as_user(reader).get(staff_api(home.pk), REMOTE_ADDR="10.1.2.3")
            assert answer.status_code == 200
    logged = HouseholdAccess.objects.filter(household=home).order_by("pk")
    assert [(a.user, a.via, a.address) for a in logged] == [
        (people.staff_a, "report", "10.1.2.3"),
        (people.admin, "report", "10.1.2.3"),
        (people.staff_a, "report", "10.1.2.3"),
    ]


def test_another_districts_staff_find_nothing_and_nothing_is_logged(client, api, people, held):
    home = held[0]
    client.force_login(people.staff_b)
    assert client.get(staff_page(home.pk)).status_code == 404
    assert api.as_user(people.staff_b).get(staff_api(home.pk)).status_code == 404
    assert api.as_user(people.staff_b).get(staff_api(home.pk + 1000)).status_code == 404
    assert not HouseholdAccess.objects.exists()


@pytest.mark.parametrize("role", ["counter_a", "donor", "recipient_a", "own_login"])
def test_other_roles_are_refused_the_staff_report(client, api, people, held, role):
    home, number, account, *_ = held
    user = account if role == "own_login" else getattr(people, role)
    client.force_login(user)
    page = client.get(staff_page(home.pk))
    answer = api.as_user(user).get(staff_api(home.pk))
    assert (page.status_code, answer.status_code) == (403, 403)
    said = page.content.decode() + answer.content.decode()
    assert number not in said
    assert home.head_name not in said
    assert not HouseholdAccess.objects.exists()


def test_the_anonymous_are_sent_to_sign_in(client, people, held):
    home = held[0]
    for path in (staff_page(home.pk), MY_PAGE):
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("login"))
    for path in (staff_api(home.pk), MY_API):
        assert client.get(path).status_code == 401
    assert not HouseholdAccess.objects.exists()


def test_a_recipient_reads_only_their_own_report_and_it_is_not_logged(
    client, api, people, held, staff_names
):
    home, number, account, *_ = held
    other = household(people.staff_a, head_name="Somchai Neighbour", phone="0898765432")
    grant_points(household=other, points=30, by=people.staff_a, reason="neighbour's grant")

    client.force_login(account)
    page = client.get(MY_PAGE, HTTP_ACCEPT_LANGUAGE="en")
    answer = api.as_user(account).get(MY_API)
    assert (page.status_code, answer.status_code) == (200, 200)
    assert answer.json()["household"]["id"] == home.pk
    assert answer.json()["household"]["national_id"] == home.national_id_masked
    both = page.content.decode() + answer.content.decode()
    assert home.head_name in both
    assert home.national_id_masked in page.content.decode()
    for theirs in (
        "Somchai Neighbour",
        "0898765432",
        "neighbour's grant",
        other.national_id_masked,
    ):
        assert theirs not in both, theirs
    assert number not in both
    for name in staff_names:
        assert name not in both, name
    assert not HouseholdAccess.objects.exists()


def test_a_recipient_without_a_household_finds_nothing(client, api, people):
    client.force_login(people.recipient_a)
    assert client.get(MY_PAGE).status_code == 404
    assert api.as_user(people.recipient_a).get(MY_API).status_code == 404


@pytest.mark.parametrize("role", ["staff_a", "admin", "counter_a", "donor"])
def test_only_recipients_use_the_me_report(client, api, people, held, role):
    user = getattr(people, role)
    client.force_login(user)
    assert client.get(MY_PAGE).status_code == 403
    assert api.as_user(user).get(MY_API).status_code == 403


def test_the_page_is_in_thai_by_default_with_buddhist_era_years(client, people, held):
    home = held[0]
    client.force_login(people.staff_a)
    text = client.get(staff_page(home.pk)).content.decode()
    year = timezone.localdate().year
    assert str(year + 543) in text
    assert home.national_id_masked in text


def test_a_household_that_left_shows_when_its_data_will_be_erased(api, people, held):
    home = held[0]
    left_on = timezone.localdate()
    record_departure(household=home, reason=LeavingReason.MOVED, by=people.staff_a, left_on=left_on)
    mine = api.as_user(people.staff_a).get(staff_api(home.pk)).json()["household"]
    due = left_on + timedelta(days=settings.FOODBANK_HOUSEHOLD_RETENTION_DAYS)
    assert (mine["in_programme"], mine["left_on"]) == (False, left_on.isoformat())
    assert (mine["leaving_reason"], mine["leaving_reason_label"]) == (
        LeavingReason.MOVED,
        "Moved out of the district",
    )
    assert (mine["erasure_due_on"], mine["erased_at"]) == (due.isoformat(), None)
    assert mine["name"] == HEAD["head_name"]


def test_the_report_of_an_erased_household_works_and_shows_no_personal_data(
    client, api, people, held
):
    home, number, account, bags, _bars = held
    masked = home.national_id_masked
    record_departure(household=home, reason=LeavingReason.ERASURE_REQUESTED, by=people.staff_a)
    home.refresh_from_db()
    assert home.erased_at is not None

    answer = api.as_user(people.staff_a).get(staff_api(home.pk))
    client.force_login(people.staff_a)
    with translation.override("en"):
        page = client.get(staff_page(home.pk), HTTP_ACCEPT_LANGUAGE="en")
        display_name = home.display_name
    assert (answer.status_code, page.status_code) == (200, 200)
    mine = answer.json()["household"]
    assert mine["name"] == display_name
    assert mine["erased_at"] is not None
    assert mine["erasure_due_on"] is None
    assert mine["recipient_login"] == ""
    assert mine["members"] == HEAD["members"]  # what the statistics keep
    text = page.content.decode()
    assert "personal data was erased" in text
    assert display_name in text
    personal = [
        *(str(HEAD[name]) for name in ("head_name", "phone", "address", "vulnerability_notes")),
        masked,
        number,
        account.username,
        "pranee",
        "Roof leaks in the rainy season",
        "start of the year",
        "flood damage",
    ]
    for value in personal:
        assert value not in text, value
        assert value not in answer.content.decode(), value
    # What the ledgers need is still there: the points and the vouchers.
    assert len(answer.json()["statement"]) == PointsEntry.objects.filter(household=home).count()
    assert bags.name_en in text


def _spend(home, people, bags, times: int) -> None:
    for _ in range(times):
        voucher = issue_voucher(household=home, choices=[Choice(bags, 1)], by=people.staff_a)
        redeem_voucher(token=token_of(voucher), by=people.counter_a, counter="Front desk")
    issue_card(household=home, by=people.staff_a)
    record_access(household=home, user=people.admin, via="web", address=None)


def test_the_number_of_queries_does_not_grow_with_the_households_history(
    client, people, held, django_assert_max_num_queries
):
    home, _number, _account, bags, _bars = held
    grant_points(household=home, points=400, by=people.staff_a, reason="more")
    lot(bags, people.staff_a, "20", SOON)
    _spend(home, people, bags, 1)
    client.force_login(people.staff_a)
    with CaptureQueriesContext(connection) as selector_few:
        personal_data_held(home)
    with CaptureQueriesContext(connection) as page_few:
        assert client.get(staff_page(home.pk)).status_code == 200

    _spend(home, people, bags, 6)
    grown = personal_data_held(home)
    assert (len(grown.vouchers), len(grown.cards)) == (9, 4)
    assert len(grown.statement) == PointsEntry.objects.filter(household=home).count() > 10
    with django_assert_max_num_queries(len(selector_few)):
        personal_data_held(home)
    with django_assert_max_num_queries(len(page_few)):
        assert client.get(staff_page(home.pk)).status_code == 200


def test_the_selector_reads_and_changes_nothing(people, held):
    home = held[0]
    before = (
        Household.objects.filter(pk=home.pk).values().get(),
        HouseholdAccess.objects.count(),
        PointsEntry.objects.count(),
    )
    report = personal_data_held(home)
    after = (
        Household.objects.filter(pk=home.pk).values().get(),
        HouseholdAccess.objects.count(),
        PointsEntry.objects.count(),
    )
    assert before == after
    assert report.household.id == home.pk
