"""Who may see the dashboard, the report in the city's wording, exports, and the open data."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from donors.selectors import ImpactFilter
from foodbank.dashboard import reports, selectors, spreadsheets
from foodbank.dashboard.models import DistributionHousehold

from .factories import build_city

pytestmark = pytest.mark.django_db

PAGES = ["/impact/", "/impact/report/", "/impact/report.csv", "/impact/report.xlsx"]
API = ["/api/v1/impact/dashboard/", "/api/v1/impact/stock-cover/"]
THAI = (
    "น้ำหนักอาหารบริจาค 1,259.57 กิโลกรัม ปริมาณคาร์บอนที่ลด 3,186.70 kgCO2e "
    "ได้รับเป็นมื้ออาหาร 5,290.18 มื้อ และมีผู้รับมอบอาหารส่วนเกิน 1,500 คน"
)
ENGLISH = (
    "Food donated 1,259.57 kilograms, carbon reduced 3,186.70 kgCO2e, "
    "received as 5,290.18 meals, and 1,500 people received surplus food"
)


@pytest.fixture
def city(people):
    return build_city(people)


def _browser(user=None, language: str | None = None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language) if language else Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["admin", "staff_a"])
def test_admins_and_district_staff_see_the_pages(city, page, who):
    response = _browser(getattr(city.people, who)).get(page, city.query)
    assert response.status_code == 200


@pytest.mark.parametrize("page", [*PAGES, "/impact/stock-cover/"])
@pytest.mark.parametrize("who", ["donor", "recipient_a", "counter_a"])
def test_other_roles_are_refused_the_pages(city, page, who):
    assert _browser(getattr(city.people, who)).get(page).status_code == 403


@pytest.mark.parametrize("page", [*PAGES, "/impact/stock-cover/"])
def test_anonymous_visitors_sign_in_first(city, page):
    response = _browser().get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("page", ["/impact/", "/impact/report/", "/impact/report.csv"])
def test_another_districts_figures_are_not_found_for_staff(city, page):
    assert _browser(city.people.staff_a).get(page, {"district": "1006"}).status_code == 404


def test_staff_see_their_own_districts_figures(city):
    board = _browser(city.people.staff_b, "en").get("/impact/", city.query).context["board"]
    assert board.figures.impact.kg == 20
    assert [row.key for row in board.districts] == ["1006"]


def test_dashboard_shows_headline_figures_charts_and_all_50_districts(city):
    response = _browser(city.people.admin, "en").get("/impact/", city.query)
    page = response.content.decode()
    for figure in ("1,259.57", "5,290.18", "3,186.70"):
        assert figure in page
    assert page.count('<canvas id="chart-') == page.count('role="img"') == 4
    assert '<figcaption id="chart-groups-title" class="chart-title">By district group (kg)' in page
    assert len(response.context["board"].districts) == 50
    assert page.count('<td class="num">50</td>') == 1  # the last rank


def test_the_measure_chooses_what_the_charts_show(city):
    response = _browser(city.people.admin, "en").get("/impact/", city.query | {"measure": "meals"})
    assert "By month (meals)" in response.content.decode()


def test_a_bad_period_is_shown_next_to_its_field(city):
    query = {"date_from": "2025-05-01", "date_to": "2025-04-01"}
    response = _browser(city.people.admin, "en").get("/impact/", query)
    assert response.status_code == 400
    assert response.context["chosen"].form.errors["date_to"]


def test_the_report_is_in_the_citys_thai_wording_by_default(city):
    page = _browser(city.people.admin).get("/impact/report/", city.query).content.decode()
    assert THAI in page
    assert "ผู้บริจาคที่ร่วมแบ่งปันอาหาร 2 ราย ครัวเรือนที่ได้รับความช่วยเหลือ 2 ครัวเรือน" in page
    assert "1 มกราคม 2568" in page  # the Buddhist-era year
    assert ENGLISH in page  # the English beside it, for the same click


def test_the_report_in_english(city):
    page = _browser(city.people.admin, "en").get("/impact/report/", city.query).content.decode()
    assert ENGLISH in page
    assert "2 donors shared food and 2 households were helped" in page
    assert "1 January 2025" in page


def test_report_sentences_round_half_up_with_separators(city):
    board = selectors.dashboard(ImpactFilter(date_from=date(2025, 1, 1)))
    assert reports.impact_sentence(board, "th") == THAI
    with translation.override("en"):
        assert reports.impact_sentence(board) == ENGLISH


def test_report_csv_has_every_table(city):
    response = _browser(city.people.admin, "en").get("/impact/report.csv", city.query)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["kg donated", "1259.57"] in rows
    assert ["households helped, each counted once", "2"] in rows
    assert ["1", "1001", "พระนคร", "Phra Nakhon", "1239.57", "5206.18", "3136.10"] in rows


def test_report_xlsx_is_a_workbook_with_one_sheet_per_table(city):
    response = _browser(city.people.admin, "en").get("/impact/report.xlsx", city.query)
    assert response["Content-Type"] == spreadsheets.XLSX_TYPE
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "By month", "By week", "By district group",
                               "By district", "By food category", "Top donors"]  # fmt: skip
    summary = book["Summary"]
    assert (summary["A3"].value, summary["B3"].value) == ("kg donated", 1259.57)
    assert summary["B3"].number_format == "#,##0.00"
    assert (summary["A6"].value, summary["B6"].value) == ("drop-offs", 3)
    assert summary["B6"].number_format == "#,##0"
    assert summary["B2"].data_type == "s"  # the period, as text
    districts = book["By district"]
    assert districts.max_row == 51  # a header and 50 districts
    assert [cell.value for cell in districts[2]] == [
        1,
        "1001",
        "พระนคร",
        "Phra Nakhon",
        1239.57,
        5206.18,
        3136.1,
    ]
    assert districts["E2"].number_format == "#,##0.00"
    donors = book["Top donors"]
    assert [cell.value for cell in donors[2]][2:4] == ["Chinatown Noodles", 1254.57]


def test_typed_text_never_becomes_a_formula_in_the_workbook():
    table = reports.Table("Names", ["name", "kg"], [['=HYPERLINK("x")', Decimal("1.5")]])
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.as_xlsx([table])))["Names"]
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '=HYPERLINK("x")'
    assert (sheet["B2"].value, sheet["B2"].number_format) == (1.5, "#,##0.00")


def test_dashboard_api_gives_figures_series_and_report(api, city):
    body = api.as_user(city.people.admin).get("/api/v1/impact/dashboard/", {"from": "2025-01-01"})
    assert body.status_code == 200
    data = body.json()
    assert data["figures"] | {"households": None} == {
        "kg": "1259.57",
        "meals": "5290.18",
        "kgco2e": "3186.70",
        "dropoffs": 3,
        "donors": 2,
        "people_reached": 1500,
        "households": None,
        "points_granted": 200,
        "points_redeemed": 80,
        "methodology": "BKK 2024 v1",
    }
    assert data["figures"]["households"] == {"from_store": 1, "by_surplus": 2, "once": 2}
    assert data["report"]["th"].startswith(THAI)
    assert data["report"]["en"].startswith(ENGLISH)
    assert len(data["districts"]) == 50
    assert [row["key"] for row in data["months"]] == ["2025-03", "2025-04"]


def test_dashboard_api_is_scoped_to_the_staff_members_district(api, city):
    client = api.as_user(city.people.staff_b)
    data = client.get("/api/v1/impact/dashboard/", {"from": "2025-01-01"}).json()
    assert (data["figures"]["kg"], data["figures"]["points_granted"]) == ("20.00", 0)
    assert client.get("/api/v1/impact/dashboard/", {"district": "1001"}).status_code == 404


@pytest.mark.parametrize("url", API)
@pytest.mark.parametrize("who", ["donor", "recipient_a", "counter_a"])
def test_other_roles_are_refused_the_api(api, city, url, who):
    assert api.as_user(getattr(city.people, who)).get(url).status_code == 403


@pytest.mark.parametrize("url", API)
def test_anonymous_clients_are_asked_to_authenticate(api, city, url):
    assert api.get(url).status_code == 401


def test_stock_cover_api(api, city):
    data = api.as_user(city.people.admin).get("/api/v1/impact/stock-cover/").json()
    assert data["transfers"] == [
        {
            "from_district": {"code": "1006", "name_th": "บางกะปิ", "name_en": "Bang Kapi"},
            "to_district": {"code": "1001", "name_th": "พระนคร", "name_en": "Phra Nakhon"},
            "points": 120,
            "same_group": False,
        }
    ]
    assert len(data["districts"]) == 50


def test_stock_cover_page_shows_the_suggestion(city):
    page = _browser(city.people.admin, "en").get("/impact/stock-cover/").content.decode()
    assert "Suggested transfers" in page
    assert "Bang Kapi" in page
    # An admin has no store of their own: the link opens the sending district's.
    sending = _browser(city.people.admin).get("/store/transfers/new/?district=1006")
    assert 'href="/store/transfers/new/?district=1006"' in page
    assert sending.status_code == 200


def test_staff_record_households_reached_through_the_api(api, city):
    DistributionHousehold.objects.all().delete()
    url = f"/api/v1/distributions/{city.distribution.pk}/households/"
    created = api.as_user(city.people.staff_a).post(
        url, {"national_ids": [city.h1_id]}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()[0]["household"] == city.h1.pk
    assert city.h1_id not in created.content.decode()
    refused = api.as_user(city.people.staff_a).post(url, {"national_ids": ["1"]}, format="json")
    assert refused.status_code == 400
    assert "national_ids" in refused.json()["fields"]
    other = api.as_user(city.people.staff_b).post(url, {"national_ids": [city.h2_id]})
    assert other.status_code == 404
    assert DistributionHousehold.objects.count() == 1


def test_staff_record_households_reached_on_the_page(city):
    DistributionHousehold.objects.all().delete()
    url = f"/distributions/{city.distribution.pk}/households/"
    browser = _browser(city.people.staff_a, "en")
    response = browser.post(url, {"national_ids": f"{city.h1_id}\n\n{city.h2_id}\n"})
    assert response.status_code == 200
    assert DistributionHousehold.objects.count() == 2
    refused = browser.post(url, {"national_ids": "0000000000000"})
    assert "Line 1" in refused.content.decode()
    assert _browser(city.people.staff_b).get(url).status_code == 404
