"""Charts drawn by the vendored Chart.js from the page's own data, with tables kept; the
report's print stylesheet."""

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from .factories import build_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(people):
    return build_city(people)


def _page(city, query=None) -> tuple[str, dict]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(city.people.admin)
    response = client.get("/impact/", city.query | (query or {}))
    assert response.status_code == 200
    return response.content.decode(), response.context


def _chart_data(page: str, chart_id: str) -> dict:
    found = re.search(
        rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', page, re.S
    )
    assert found, chart_id
    return json.loads(found.group(1))


def _shown(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("measure", ["kg", "meals", "kgco2e"])
def test_each_chart_carries_the_numbers_of_its_table(city, measure):
    page, context = _page(city, {"measure": measure})
    board = context["board"]
    for chart_id, rows, by_key in [
        ("chart-months", board.months, True),
        ("chart-weeks", board.weeks, True),
        ("chart-groups", board.groups, False),
        ("chart-categories", board.categories, False),
    ]:
        data = _chart_data(page, chart_id)
        assert data["labels"] == [row.key if by_key else row.name for row in rows]
        assert data["values"] == [_shown(getattr(row, measure)) for row in rows]
        assert data["kind"] == ("columns" if by_key else "ranked")
        assert f'data-chart="{chart_id}-data"' in page


def test_tables_stay_open_without_script_and_the_scripts_are_our_own(city):
    page, _context = _page(city)
    assert page.count('<details class="chart-table" data-for="chart-') == 4
    assert page.count('" open>') >= 4
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert "/static/vendor/chartjs/chart.umd.min.js" in scripts
    assert "/static/foodbank/charts.js" in scripts
    assert all(src.startswith(settings.STATIC_URL) for src in scripts)  # no CDN


def test_chart_js_is_vendored_with_its_licence_and_version():
    library = Path(finders.find("vendor/chartjs/chart.umd.min.js"))
    assert library.read_text()[:80].splitlines()[1].strip() == "* Chart.js v4.5.1"
    folder = library.parent
    assert "MIT License" in (folder / "LICENSE.md").read_text()
    assert "chart.js@4.5.1" in (folder / "VERSION").read_text()
    assert "json" in Path(finders.find("foodbank/charts.js")).read_text().lower()


def test_the_report_prints_on_a4(city):
    client = Client()
    client.force_login(city.people.admin)
    page = client.get("/impact/report/", city.query).content.decode()
    assert '<link rel="stylesheet" href="/static/foodbank/report-print.css" media="print">' in page
    sheet = Path(finders.find("foodbank/report-print.css")).read_text()
    assert "@page { size: A4;" in sheet
    assert "@media print" in sheet
