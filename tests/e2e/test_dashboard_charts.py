"""The impact dashboard on a phone: Chart.js draws every chart, within the screen's width,
and each chart's table folds away behind its summary once the chart is drawn."""

import pytest

from tests.dashboard.factories import build_city

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHARTS = ["chart-months", "chart-weeks", "chart-groups", "chart-categories"]


def test_charts_are_drawn_on_a_phone(launch, sign_in, live_server, people):
    city = build_city(people)
    context = launch(mobile=True)
    sign_in(context, people.admin)
    page = context.new_page()
    failures: list[str] = []
    page.on("pageerror", lambda error: failures.append(str(error)))
    query = "&".join(f"{key}={value}" for key, value in city.query.items())
    page.goto(f"{live_server.url}/impact/?{query}")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-categories')")
    for chart_id in CHARTS:
        drawn = page.evaluate(
            """(id) => {
                const chart = Chart.getChart(id);
                return {labels: chart.data.labels, values: chart.data.datasets[0].data,
                        width: chart.width, font: Chart.defaults.font.size};
            }""",
            chart_id,
        )
        assert drawn["labels"], chart_id
        assert 0 < drawn["width"] <= 390
        assert drawn["font"] >= 14
        assert not page.locator(f'details[data-for="{chart_id}"]').evaluate("d => d.open")
    categories = page.evaluate("() => Chart.getChart('chart-categories').data.datasets[0].data")
    assert categories == [1254.57, 5]  # kg of bakery and of dairy, as the table shows them
    if shot := __import__("os").environ.get("DASHBOARD_SCREENSHOT"):
        page.screenshot(path=shot, full_page=True)
    assert failures == []
