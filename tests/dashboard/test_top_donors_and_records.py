"""Top donors from the donor rollups, and every figure's link to the records behind it."""

from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Sum
from django.test import Client

from donors.models import Distribution, DonorKind, DropOff, DropOffLine, DropOffStatus
from donors.selectors import ImpactFilter, rounded, top_donors
from tests.donors.factories import DonorFactory, category, line, received

from .factories import FIRST, build_city

pytestmark = pytest.mark.django_db
BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def city(people):
    city = build_city(people)
    # A person giving bakery and dairy in one drop-off, over a month boundary.
    person = DonorFactory(name="Malee Srisuk", kind=DonorKind.PERSON)
    for day, lines in [
        (date(2025, 3, 31), [line("bakery", "7.5"), line("dairy-eggs", "2.25")]),
        (date(2025, 4, 1), [line("dairy-eggs", "1")]),
    ]:
        at = datetime(day.year, day.month, day.day, 9, tzinfo=BANGKOK)
        received(donor=person, by=people.staff_a, lines=lines, at=at)
    city.person = person
    return city


def _browser(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _from_lines(where: ImpactFilter) -> list[tuple]:
    """Each donor's totals in the period and place, from the processed lines."""
    lines = DropOffLine.objects.filter(dropoff__status=DropOffStatus.PROCESSED)
    if where.date_from:
        lines = lines.filter(dropoff__received_on__gte=where.date_from)
    if where.date_to:
        lines = lines.filter(dropoff__received_on__lte=where.date_to)
    if where.district_id:
        lines = lines.filter(dropoff__district_id=where.district_id)
    if where.group_id:
        lines = lines.filter(dropoff__district__group_id=where.group_id)
    if where.category_id:
        lines = lines.filter(category_id=where.category_id)
    rows = (
        lines.values("dropoff__donor")
        .annotate(
            kg=Sum("weight_kg"),
            meals=Sum("meals"),
            co2=Sum("kgco2e"),
            dropoffs=Count("dropoff", distinct=True),
        )
        .order_by("-kg", "dropoff__donor")
    )
    return [
        (
            r["dropoff__donor"],
            rounded(r["kg"]),
            rounded(r["meals"]),
            rounded(r["co2"]),
            r["dropoffs"],
        )
        for r in rows
    ]


def _shown(where: ImpactFilter) -> list[tuple]:
    return [
        (d.donor_id, rounded(d.kg), rounded(d.meals), rounded(d.kgco2e), d.dropoffs)
        for d in top_donors(where)
    ]


@pytest.mark.parametrize(
    ("date_from", "date_to", "slug", "place"),
    [
        (FIRST, None, None, None),
        (date(2025, 3, 1), date(2025, 3, 31), None, None),  # one whole month
        (date(2025, 3, 15), date(2025, 4, 3), None, None),  # two partial months
        (date(2025, 2, 1), date(2025, 4, 30), "dairy-eggs", None),
        (FIRST, None, "bakery", "district"),
        (FIRST, None, None, "group"),
        (date(2025, 4, 2), date(2025, 4, 30), None, None),
    ],
)
def test_top_donors_equal_their_lines(city, date_from, date_to, slug, place):
    where = ImpactFilter(
        date_from=date_from,
        date_to=date_to,
        category_id=category(slug).pk if slug else None,
        district_id=city.people.district_a.pk if place == "district" else None,
        group_id=city.people.district_b.group_id if place == "group" else None,
    )
    assert _shown(where) == _from_lines(where)


def test_top_donors_are_ranked_by_kg_and_count_each_drop_off_once(city):
    shown = top_donors(ImpactFilter(date_from=FIRST))
    assert [(d.name, d.kg, d.dropoffs) for d in shown] == [
        ("Chinatown Noodles", Decimal("1254.567"), 2),
        ("Malee Srisuk", Decimal("10.75"), 2),
        ("Somchai Jaidee", Decimal("5"), 1),
    ]
    dairy = top_donors(ImpactFilter(date_from=FIRST, category_id=category("dairy-eggs").pk))
    assert [(d.name, d.kg, d.dropoffs) for d in dairy] == [
        ("Somchai Jaidee", Decimal("5"), 1),
        ("Malee Srisuk", Decimal("3.25"), 2),
    ]
    assert len(top_donors(ImpactFilter(date_from=FIRST), limit=1)) == 1


def _links(page: str) -> dict[str, str]:
    """The dashboard's figure links by their element id."""
    from html.parser import HTMLParser

    found: dict[str, str] = {}

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "a" and (attributes.get("id") or "").startswith("figure-"):
                found[attributes["id"]] = attributes["href"]

    Links().feed(page)
    return found


def _listed_dropoffs(client: Client, href: str) -> set[int]:
    response = client.get(href)
    assert response.status_code == 200
    return {dropoff.pk for dropoff in response.context["page"].paginator.object_list}


QUERIES = [
    {},
    {"category": "dairy-eggs"},
    {"district": "1001", "date_from": "2025-03-15", "date_to": "2025-04-30"},
    {"group": "east"},
]


@pytest.mark.parametrize("query", QUERIES)
def test_each_surplus_figure_links_to_exactly_the_drop_offs_it_counts(city, query):
    client = _browser(city.people.admin)
    response = client.get("/impact/", {"date_from": FIRST.isoformat(), **query})
    assert response.status_code == 200
    links, impact = _links(response.content.decode()), response.context["board"].figures.impact
    listed = _listed_dropoffs(client, links["figure-dropoffs"])
    assert len(listed) == impact.dropoffs
    assert links["figure-kg"] == links["figure-meals"] == links["figure-dropoffs"]
    lines = DropOffLine.objects.filter(dropoff__in=listed)
    if "category" in query:
        lines = lines.filter(category__slug=query["category"])
    assert rounded(lines.aggregate(kg=Sum("weight_kg"))["kg"]) == rounded(impact.kg)
    donors = DropOff.objects.filter(pk__in=listed).values("donor").distinct().count()
    assert donors == impact.donors


@pytest.mark.parametrize("query", QUERIES)
def test_each_top_donor_links_to_their_drop_offs(city, query):
    client = _browser(city.people.admin)
    response = client.get("/impact/", {"date_from": FIRST.isoformat(), **query})
    page = response.content.decode()
    for donor in response.context["board"].donors:
        href = next(
            part.split('"')[0]
            for part in page.split('href="')
            if part.startswith("/dropoffs/?") and f"donor={donor.donor_id}" in part.split('"')[0]
        ).replace("&amp;", "&")
        listed = DropOff.objects.filter(pk__in=_listed_dropoffs(client, href))
        assert set(listed.values_list("donor", flat=True)) == {donor.donor_id}
        assert listed.count() == donor.dropoffs


def test_people_reached_links_to_the_distributions_it_sums(city):
    client = _browser(city.people.admin)
    for query in ({}, {"district": "1006"}, {"category": "bakery"}, {"category": "dairy-eggs"}):
        response = client.get("/impact/", {"date_from": FIRST.isoformat(), **query})
        people = response.context["board"].figures.impact.people_reached
        listed = client.get(_links(response.content.decode())["figure-people"])
        assert listed.context["totals"].people_reached == people
    assert Distribution.objects.count() == 1


def test_households_and_points_link_to_their_records(city):
    client = _browser(city.people.admin)
    response = client.get("/impact/", {"date_from": FIRST.isoformat()})
    figures, links = response.context["board"].figures, _links(response.content.decode())
    helped = client.get(links["figure-households"])
    assert helped.status_code == 200
    listed = list(helped.context["page"].paginator.object_list)
    assert {household.pk for household in listed} == {city.h1.pk, city.h2.pk}
    assert len(listed) == figures.households.once
    assert sum(household.from_store for household in listed) == figures.households.from_store
    points = client.get(urlsplit(links["figure-points-granted"])._replace(fragment="").geturl())
    grants = points.context["grants"].paginator.object_list
    assert sum(entry.points for entry in grants) == figures.points_granted == 200
    vouchers = points.context["vouchers"].paginator.object_list
    assert [voucher.pk for voucher in vouchers] == [city.voucher.pk]
    assert sum(voucher.points for voucher in vouchers) == figures.points_redeemed


def test_records_follow_the_place(city):
    client = _browser(city.people.admin)
    east = {"date_from": FIRST.isoformat(), "district": "1006"}
    assert not client.get("/impact/households/", east).context["page"].paginator.count
    assert client.get("/impact/points/", east).context["granted"] == 0


@pytest.mark.parametrize("page", ["/impact/households/", "/impact/points/"])
def test_staff_see_only_their_districts_records(city, page):
    client = _browser(city.people.staff_b)
    assert client.get(page, {"district": "1001"}).status_code == 404
    assert client.get(page, {"group": "central"}).status_code == 200  # ignored for staff
    assert client.get(page).context["chosen"].where.district_id == city.people.district_b.pk
    assert _browser(city.people.counter_a).get(page).status_code == 403


def test_the_drop_off_list_refuses_a_bad_filter_naming_it(city):
    response = _browser(city.people.admin).get("/dropoffs/", {"category": "no-such-food"})
    assert response.status_code == 400
    assert "category" in response.context["filters"].errors


def test_staff_filtering_drop_offs_stay_in_their_district(city):
    client = _browser(city.people.staff_b)
    listed = _listed_dropoffs(client, "/dropoffs/?district=1001&status=processed")
    assert set(DropOff.objects.filter(pk__in=listed).values_list("district", flat=True)) == {
        city.people.district_b.pk
    }


def test_the_api_names_the_top_donors(city, api):
    api.as_user(city.people.admin)
    body = api.get("/api/v1/impact/dashboard/", {"from": FIRST.isoformat()}).json()
    assert body["top_donors"][0] == {
        "donor": body["top_donors"][0]["donor"],
        "name": "Chinatown Noodles",
        "kind": "organisation",
        "kg": "1254.57",
        "meals": "5269.18",
        "kgco2e": "3174.05",
        "dropoffs": 2,
    }
    assert [donor["name"] for donor in body["top_donors"]][1] == "Malee Srisuk"


@pytest.mark.parametrize(
    ("query", "field"),
    [({"category": "no-such-food"}, "category"), ({"group": "nowhere"}, "group"),
     ({"district": "9999"}, "district")],
)  # fmt: skip
def test_unknown_filter_codes_are_a_400_naming_the_field(city, api, query, field):
    answer = api.as_user(city.people.admin).get("/api/v1/impact/dashboard/", query)
    assert answer.status_code == 400
    assert field in answer.json()["fields"]
    page = _browser(city.people.admin).get("/impact/", query)
    assert page.status_code == 400
    assert field in page.context["chosen"].form.errors


def test_staff_cannot_widen_the_dashboard_beyond_their_district(city, api):
    client = api.as_user(city.people.staff_a)
    since = {"from": FIRST.isoformat()}
    own = client.get("/api/v1/impact/dashboard/", since).json()
    assert [row["key"] for row in own["districts"]] == ["1001"]
    assert own["figures"]["kg"] == "1250.32"  # 1001 only: not Bang Kapi's 20 kg
    central = client.get("/api/v1/impact/dashboard/", since | {"group": "central"}).json()
    assert central["figures"] == own["figures"]
    east = client.get("/api/v1/impact/dashboard/", since | {"group": "east"}).json()
    assert (east["figures"]["kg"], east["districts"], east["top_donors"]) == ("0.00", [], [])
    page = _browser(city.people.staff_a).get("/impact/", {"group": "east"})
    assert page.context["chosen"].where.district_id == city.people.district_a.pk
