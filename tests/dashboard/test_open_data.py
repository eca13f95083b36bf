"""The city's open data: what is withheld, when a month is published, and that a published
month reads the same ever after unless an administrator revises it."""

import csv
import io
import json
import logging
import threading
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone, translation

from donors.lock_objects import lock_all_districts
from donors.models import DropOff, DropOffImport, DropOffStatus, ImportStatus, Methodology
from donors.services import imports
from donors.services.dropoffs import log_dropoff
from donors.services.impact import compute_impact
from foodbank.accounts.models import Role, User
from foodbank.audit.models import Action, AuditEvent
from foodbank.dashboard.models import OpenDataRevision, PublishedCell, PublishedMonth
from foodbank.dashboard.open_data import selectors, services
from tests.donors.factories import DonorFactory, line, received
from worker import tasks

from .factories import at_ten, build_city

pytestmark = pytest.mark.django_db

PERSONAL = ("Pranee", "Sukjai", "Boonmee", "0812345678", "Somchai", "Chinatown", "Wat Chana")
URL = "/api/v1/open-data/impact/"


@pytest.fixture
def city(people):
    return build_city(people)


def publish() -> list[date]:
    """Publish what is due on the day last month is due: last month and all before it."""
    return services.publish_due_months(today=publication_day(last_month().date()))


def publication_day(month: date) -> date:
    """The day ``month`` is published."""
    following = (month.replace(day=1) + timedelta(days=31)).replace(day=1)
    return following + timedelta(days=selectors.delay_days())


def last_month() -> datetime:
    """A moment of the month before this one (Bangkok's)."""
    return timezone.localtime().replace(day=1, hour=10) - timedelta(days=1)


def rows(api, **query) -> list[dict]:
    return api.get(URL, query).json()["results"]


def _browser(language: str | None = None) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language) if language else Client()


def _gave(people, named: list[bool], weights: list[str] | None = None) -> None:
    """Donors of district 1006 giving last month, each named in publicity or not, each its
    weight (1 kg unless given)."""
    for may_be_named, given in zip(named, weights or ["1"] * len(named), strict=True):
        donor = DonorFactory(publicity_consent=may_be_named)
        received(donor=donor, by=people.staff_b, lines=[line("bakery", given)], at=last_month())


# -- what is withheld ----------------------------------------------------------------------


def test_open_data_is_public_and_has_no_personal_data(api, city):
    publish()
    response = api.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    for secret in (*PERSONAL, city.h1_id, city.h1.national_id_masked, "staff_a", "admin"):
        assert secret not in text
    published = response.json()["results"]
    assert set(published[0]) == {
        "month", "district_code", "district_th", "district_en", "group_code", "kg", "meals",
        "kgco2e", "dropoffs", "donors", "people_reached", "households_helped", "suppressed",
        "published_on",
    }  # fmt: skip


def test_open_data_never_names_a_donor(city):
    publish()
    for page in ("/open-data/", "/open-data/impact.csv", URL):
        text = _browser().get(page).content.decode("utf-8-sig")
        assert "1001" in text
        for name in ("Malee Srisuk", "Chinatown Noodles", "Somchai Jaidee"):
            assert name not in text


def test_open_data_suppresses_small_counts_and_the_weights_of_too_few_donors(api, city):
    """March in 1001: two donors, neither of whom agreed to be named."""
    publish()
    march = next(r for r in rows(api) if (r["month"], r["district_code"]) == ("2025-03", "1001"))
    assert (march["kg"], march["meals"], march["kgco2e"]) == (None, None, None)
    assert march["people_reached"] == 1500  # 1,500 people: large enough to publish
    assert (march["dropoffs"], march["donors"], march["households_helped"]) == (None, None, None)
    assert set(march["suppressed"]) == {
        "kg", "meals", "kgco2e", "dropoffs", "donors", "households_helped"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("donors", "published"),
    [
        ([False], False),
        ([True], True),
        ([True, False], False),
        ([True, True], True),
        ([False, False, False], True),  # at the threshold: no one's weight can be told
    ],
    ids=["one", "one-named", "two-one-named", "two-named", "three"],
)
def test_open_data_weights_are_published_from_three_donors_or_when_all_may_be_named(
    api, people, donors, published
):
    _gave(people, donors)
    publish()
    [row] = rows(api)
    given = Decimal(len(donors))
    expected = (f"{given:.2f}", f"{given * Decimal('4.2'):.2f}") if published else (None, None)
    assert (row["kg"], row["meals"]) == expected
    assert ("kg" in row["suppressed"]) is not published


def test_open_data_publishes_counts_at_the_threshold(api, people):
    _gave(people, [False] * 5)
    publish()
    assert [(row["district_code"], row["donors"], row["dropoffs"]) for row in rows(api)] == [
        ("1006", 5, 5)
    ]
    assert rows(api)[0]["suppressed"] == []


@pytest.mark.parametrize(
    ("weights", "published"),
    [
        (["100", "90", "10"], True),  # the rest is a tenth of the largest: just enough
        (["100", "90", "9.999"], False),  # the second largest would tell the largest's
        (["100", "1", "0.001"], False),  # a donor's own gram tells the rest's weight
    ],
    ids=["a-tenth", "less", "a-gram"],
)
def test_open_data_weights_dominated_by_two_donors_are_withheld(api, people, weights, published):
    _gave(people, [False] * len(weights), weights)
    publish()
    [row] = rows(api)
    assert (row["kg"] is not None, "kg" in row["suppressed"]) == (published, not published)
    assert row["donors"] is None  # three donors: a count below five


def test_open_data_counts_people_reached_over_the_whole_month(city):
    """The distribution of 12 March reached 1,500 people; 11 March falls in March too."""
    march = selectors.current_figures(date_from=date(2025, 3, 1), date_to=date(2025, 3, 11))
    whole = selectors.current_figures(date_to=date(2025, 3, 31))
    district_a = (date(2025, 3, 1), city.people.district_a.pk)
    assert march[district_a]["people_reached"] == 1500
    assert march[district_a] == whole[district_a]


# -- the page, the CSV and the periods -------------------------------------------------------


def test_open_data_chooses_months(api, city):
    publish()
    chosen = rows(api, **{"from": "2025-04-30", "to": "2025-04-30"})
    assert [(r["month"], r["district_code"]) for r in chosen] == [("2025-04", "1006")]
    assert api.get(URL, {"from": "April"}).status_code == 400


def test_open_data_csv_writes_weights_to_two_places_without_separators(people):
    _gave(people, [False] * 3, ["1000.5"] * 3)
    publish()
    body = _browser().get("/open-data/impact.csv").content.decode("utf-8-sig")
    [row] = csv.DictReader(io.StringIO(body))
    assert (row["kg"], row["meals"], row["kgco2e"]) == ("3001.50", "12606.30", "7593.80")
    published_at = PublishedMonth.objects.get().published_at
    assert row["published_on"] == timezone.localdate(published_at).isoformat()


def test_open_data_page_and_csv_are_public_and_private(city):
    publish()
    browser = _browser(language="en")
    page = browser.get("/open-data/").content.decode()
    assert "Phra Nakhon" in page
    assert "&lt;5" in page
    body = browser.get("/open-data/impact.csv").content.decode("utf-8-sig")
    for secret in (*PERSONAL, city.h1_id):
        assert secret not in page
        assert secret not in body
    published = list(csv.DictReader(io.StringIO(body)))
    assert (published[0]["month"], published[0]["donors"], published[0]["kg"]) == (
        "2025-03",
        "",
        "",
    )
    assert "not published" in page  # March in 1001: two donors, not named
    assert json.dumps(published).count("1500") == 1


# -- when a month is published ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "delay", "last_due"),
    [
        (date(2026, 12, 7), 7, date(2026, 10, 1)),
        (date(2026, 12, 8), 7, date(2026, 11, 1)),
        (date(2027, 1, 1), 0, date(2026, 12, 1)),
        (date(2026, 12, 31), 0, date(2026, 11, 1)),
        (date(2026, 3, 30), 30, date(2026, 1, 1)),  # February is due on 31 March
        (date(2026, 3, 31), 30, date(2026, 2, 1)),
    ],
)
def test_a_month_is_due_the_set_number_of_days_after_it_ends(settings, today, delay, last_due):
    settings.FOODBANK_OPEN_DATA_DELAY_DAYS = delay
    assert selectors.last_due_month(today) == last_due


def test_a_month_is_published_on_its_day_and_not_before(api, people):
    _gave(people, [False] * 3)
    month = last_month().date().replace(day=1)
    day = publication_day(month)
    assert services.publish_due_months(today=day - timedelta(days=1)) == []
    assert rows(api) == []
    assert services.publish_due_months(today=day) == [month]
    assert [row["month"] for row in rows(api)] == [f"{month:%Y-%m}"]


def test_the_current_month_is_never_published(api, people):
    received(donor=DonorFactory(), by=people.staff_b, lines=[line("bakery", "1")])
    assert services.publish_due_months() == []
    this_month = timezone.localdate().isoformat()
    assert rows(api, **{"from": this_month, "to": this_month}) == []
    assert "1006" not in _browser().get("/open-data/impact.csv").content.decode("utf-8-sig")


def test_a_published_month_reads_the_same_after_a_late_drop_off(api, people):
    """Otherwise the difference between two readings would tell what the late donor gave."""
    _gave(people, [False] * 3, ["10", "10", "10"])
    publish()
    before = rows(api)
    table = _browser().get("/open-data/impact.csv").content
    _gave(people, [False], ["7.5"])
    assert publish() == []
    assert rows(api) == before
    assert before[0]["kg"] == "30.00"
    assert _browser().get("/open-data/impact.csv").content == table
    summary = api.as_user(people.admin).get("/api/v1/impact/summary/").json()
    assert Decimal(summary["kg"]) == Decimal("37.5")  # the dashboard counts it


def test_each_month_is_published_once_and_months_without_figures_too(api, city):
    months = publish()
    every_month = selectors.months_between(date(2025, 3, 1), last_month().date())
    assert months == every_month
    assert list(PublishedMonth.objects.values_list("month", flat=True)) == every_month
    cells = PublishedCell.objects.count()
    assert publish() == []
    assert PublishedCell.objects.count() == cells
    # May 2025 was published empty: a drop-off logged for it now stays out.
    received(
        donor=DonorFactory(), by=city.people.staff_b, lines=[line("bakery", "9")],
        at=at_ten(date(2025, 5, 2)),
    )  # fmt: skip
    assert publish() == []
    assert rows(api, **{"from": "2025-05-01", "to": "2025-05-31"}) == []


def test_the_next_month_is_published_when_it_is_due(api, people):
    _gave(people, [False] * 3)
    month = last_month().date().replace(day=1)
    services.publish_due_months(today=publication_day(month))
    assert services.publish_due_months(today=publication_day(month) + timedelta(days=20)) == []
    following = services.publish_due_months(today=publication_day(month) + timedelta(days=31))
    assert following == [(month + timedelta(days=31)).replace(day=1)]


def test_a_month_waits_while_a_drop_off_of_it_awaits_its_impact(api, people):
    _gave(people, [False] * 3)
    month = last_month().date().replace(day=1)
    waiting = _awaiting_impact(people, last_month())
    assert services.publish_due_months(today=publication_day(month)) == []
    compute_impact(dropoff_ids=[waiting.pk])
    assert services.publish_due_months(today=publication_day(month)) == [month]
    [row] = rows(api)
    assert (row["kg"], row["donors"]) == ("7.00", None)  # four donors, 3 + 4 kg


def _awaiting_impact(people, at: datetime) -> DropOff:
    """A drop-off whose impact task never ran: the test's transaction never commits."""
    waiting = log_dropoff(
        donor=DonorFactory(),
        district=people.district_b,
        received_at=at,
        lines=[line("bakery", "4")],
        by=people.staff_b,
    )
    assert waiting.status == DropOffStatus.RECEIVED
    return waiting


def test_a_drop_off_awaiting_impact_in_a_month_already_published_holds_nothing_back(people):
    _gave(people, [False] * 3)
    month = last_month().date().replace(day=1)
    before = month - timedelta(days=1)
    received(
        donor=DonorFactory(), by=people.staff_b, lines=[line("bakery", "2")], at=at_ten(before)
    )
    assert services.publish_due_months(today=publication_day(before)) == [before.replace(day=1)]
    _awaiting_impact(people, at_ten(before))
    _awaiting_impact(people, timezone.localtime())  # this month: not due
    assert services.publish_due_months(today=publication_day(month)) == [month]


def _without_a_methodology_on_the_first(month: date) -> None:
    """The only methodology comes into force on ``month``'s second day (figures already
    computed keep theirs)."""
    Methodology.objects.update(effective_from=month + timedelta(days=1))


def test_a_drop_off_whose_day_has_no_methodology_holds_nothing_back(people, caplog):
    _gave(people, [False] * 3)
    month = last_month().date().replace(day=1)
    _without_a_methodology_on_the_first(month)
    stuck = _awaiting_impact(people, at_ten(month))
    compute_impact(dropoff_ids=[stuck.pk])  # it waits for a methodology
    with caplog.at_level(logging.WARNING):
        assert services.publish_due_months(today=publication_day(month)) == [month]
    assert f"#{stuck.pk}" in caplog.text
    assert PublishedCell.objects.get().kg == Decimal("3")  # the stuck one is not counted


def test_a_revision_says_which_drop_offs_it_left_out(people):
    _gave(people, [False] * 3)
    publish()
    month = last_month().date().replace(day=1)
    _without_a_methodology_on_the_first(month)
    stuck = _awaiting_impact(people, at_ten(month))
    out = io.StringIO()
    call_command(
        "publish_open_data", "--revise", f"{month:%Y-%m}", "--reason", "check",
        "--by", people.admin.username, stdout=out,
    )  # fmt: skip
    assert out.getvalue().splitlines() == [
        f"Published {month:%Y-%m} again.",
        f"Left out, waiting for a methodology in force: #{stuck.pk}.",
    ]


def _import_under_way() -> DropOffImport:
    header = "received_on,district,donor,category,weight_kg\n"
    return imports.start_import(
        file_name="history.csv",
        content=f"{header}2024-03-01,1001,Siam,bakery,1\n".encode(),
        by=None,
    )


def test_nothing_is_published_while_an_import_is_under_way(people):
    _gave(people, [False] * 3)
    started = _import_under_way()
    assert publish() == []
    DropOffImport.objects.filter(pk=started.pk).update(status=ImportStatus.DONE)
    assert publish() == [last_month().date().replace(day=1)]


# -- revisions -----------------------------------------------------------------------------


def test_an_administrator_publishes_a_month_again_with_a_reason(api, people):
    _gave(people, [False] * 3, ["10", "10", "10"])
    publish()
    month = last_month().date().replace(day=1)
    _gave(people, [False], ["5"])
    call_command(
        "publish_open_data", "--revise", f"{month:%Y-%m}", "--reason", "a late drop-off",
        "--by", people.admin.username, stdout=io.StringIO(),
    )  # fmt: skip
    [row] = rows(api)
    assert row["kg"] == "35.00"
    revision = OpenDataRevision.objects.get()
    assert (revision.reason, revision.revised_by) == ("a late drop-off", people.admin)
    publication = PublishedMonth.objects.get(month=month)
    assert publication.revised_at == revision.revised_at
    assert row["published_on"] == timezone.localdate(revision.revised_at).isoformat()
    event = AuditEvent.objects.get(action=Action.OPEN_DATA_REVISED)
    assert (event.actor, event.target_id, event.summary) == (
        people.admin,
        publication.pk,
        {"month": f"{month:%Y-%m}"},
    )


@pytest.mark.parametrize(
    ("month", "reason", "by", "message"),
    [
        ("last", "", "admin", "Say why"),
        ("this", "a mistake", "admin", "not published yet"),
        ("last", "a mistake", "staff_a", "Only an administrator"),
        ("last", "a mistake", "nobody", "must name the administrator"),
        ("last", "a mistake", None, "must name the administrator"),
        ("last", "a mistake", "former_admin", "Only an administrator"),
        ("empty", "a mistake", "admin", "no figures"),
    ],
    ids=["no-reason", "not-published", "staff", "unknown-user", "no-one", "inactive", "empty"],
)
def test_a_revision_refused_changes_nothing(api, people, make_user, month, reason, by, message):
    people.former_admin = make_user(username="former", role=Role.ADMIN)
    User.objects.filter(pk=people.former_admin.pk).update(is_active=False)
    _gave(people, [False] * 3)
    publish()
    _gave(people, [False], ["5"])
    before = rows(api)
    chosen = {"last": last_month(), "this": timezone.localtime(), "empty": date(2001, 1, 1)}[month]
    options = ["--revise", f"{chosen:%Y-%m}", "--reason", reason]
    if by is not None:
        options += ["--by", getattr(people, by).username if by != "nobody" else "nobody"]
    with pytest.raises(CommandError, match=message), translation.override("en"):
        call_command("publish_open_data", *options)
    assert rows(api) == before
    assert not PublishedMonth.objects.filter(revised_at__isnull=False).exists()
    assert not OpenDataRevision.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.OPEN_DATA_REVISED).exists()


@pytest.mark.parametrize("counting", ["drop-off", "import"])
def test_a_month_is_not_revised_while_its_figures_are_being_counted(api, people, counting):
    _gave(people, [False] * 3)
    publish()
    if counting == "drop-off":
        _awaiting_impact(people, last_month())
    else:
        _import_under_way()
    with pytest.raises(ValidationError, match="still being counted"), translation.override("en"):
        services.revise_month(month=last_month().date(), reason="late drop-off", by=people.admin)
    assert not OpenDataRevision.objects.exists()


def test_a_month_of_history_imported_after_publication_began_is_published_by_hand(api, city):
    publish()
    received(
        donor=DonorFactory(), by=city.people.staff_b, lines=[line("bakery", "9")],
        at=at_ten(date(2024, 12, 2)),
    )  # fmt: skip
    assert publish() == []
    december = {"from": "2024-12-01", "to": "2024-12-31"}
    assert rows(api, **december) == []
    received(
        donor=DonorFactory(), by=city.people.staff_b, lines=[line("bakery", "3")],
        at=at_ten(date(2024, 11, 2)),
    )  # fmt: skip
    for month in (date(2024, 12, 1), date(2024, 11, 1)):  # newest first: no gap is left
        services.revise_month(month=month, reason="history", by=city.people.admin)
    published = rows(api, **{"from": "2024-11-01", "to": "2024-12-31"})
    assert [(row["month"], row["district_code"], row["kg"]) for row in published] == [
        ("2024-11", "1006", None),
        ("2024-12", "1006", None),
    ]


def test_the_hourly_task_publishes_what_is_due(people, settings):
    settings.FOODBANK_OPEN_DATA_DELAY_DAYS = 0
    _gave(people, [False] * 3)
    assert tasks.publish_open_data() == [f"{last_month():%Y-%m}"]
    assert tasks.publish_open_data() == []


def test_the_command_publishes_what_is_due(people, settings):
    settings.FOODBANK_OPEN_DATA_DELAY_DAYS = 0
    _gave(people, [False] * 3)
    out = io.StringIO()
    call_command("publish_open_data", stdout=out)
    assert list(PublishedMonth.objects.values_list("month", flat=True)) == [
        last_month().date().replace(day=1)
    ]
    assert out.getvalue() == f"Published {last_month():%Y-%m}.\n"
    with pytest.raises(CommandError, match="go with --revise"):
        call_command("publish_open_data", "--reason", "why not")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # over the module's mark
def test_the_demo_publishes_its_ended_months(committed_db, settings):
    """Its drop-offs' impact is computed as the seed commits, before the command publishes."""
    settings.DEBUG = True
    settings.FOODBANK_OPEN_DATA_DELAY_DAYS = 0
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    oldest = DropOff.objects.get(district__code="1033")  # the demo's, 35 days ago
    month = oldest.received_on.replace(day=1)
    assert PublishedCell.objects.filter(publication__month=month, district__code="1033").exists()
    assert f"Open data published for {month:%Y-%m}" in out.getvalue()


# -- two runs at once ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # over the module's mark
def test_a_second_run_at_the_same_time_publishes_nothing_and_fails_nothing(committed_db, people):
    _gave(people, [False] * 3)
    month = last_month().date().replace(day=1)
    held, release = threading.Event(), threading.Event()

    def first_run_writing():
        try:
            with transaction.atomic():
                lock_all_districts()
                PublishedMonth.objects.create(month=month)
                held.set()
                release.wait(30)
        finally:
            connection.close()

    first = threading.Thread(target=first_run_writing)
    first.start()
    answer: list = []

    def second_run():
        try:
            answer.append(services.publish_due_months(today=publication_day(month)))
        finally:
            connection.close()

    second = threading.Thread(target=second_run)
    try:
        assert held.wait(30)
        second.start()
        _wait_for_a_lock_wait()
    finally:
        release.set()
        first.join()
        if second.ident is not None:
            second.join(30)
    assert answer == [[]]
    assert PublishedMonth.objects.get().month == month
    assert not PublishedCell.objects.exists()


def _wait_for_a_lock_wait(seconds: float = 30) -> None:
    """Until another connection to this database waits for the districts' rows."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND query LIKE %s",
                ["%districts_district%FOR NO KEY UPDATE%"],
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second run never waited for the first")
