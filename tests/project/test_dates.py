"""Dates on the pages: the Buddhist Era year in Thai, the Gregorian year in English."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from foodbank.web.dates import in_local_calendar

DAY = date(2026, 11, 23)


def test_thai_dates_show_the_buddhist_year_and_thai_month():
    with translation.override("th"):
        assert in_local_calendar(DAY) == "23 พ.ย. 2569"
        assert in_local_calendar(DAY, "j F Y") == "23 พฤศจิกายน 2569"


def test_english_dates_stay_gregorian():
    with translation.override("en"):
        assert in_local_calendar(DAY) == "23 Nov 2026"


def test_times_are_shown_in_the_citys_local_time():
    late_utc = datetime(2026, 12, 31, 20, 30, tzinfo=ZoneInfo("UTC"))  # 03:30 next day, Bangkok
    with translation.override("th"):
        assert in_local_calendar(late_utc, "j M Y H:i") == "1 ม.ค. 2570 03:30"
    with translation.override("en"):
        assert in_local_calendar(late_utc, "j M Y H:i") == "1 Jan 2027 03:30"


def test_the_template_filter_shows_nothing_for_no_date():
    template = Template(
        '{% load dates %}[{{ day|calendar_date }}]{{ none|calendar_date|default:"—" }}'
    )
    with translation.override("th"):
        assert template.render(Context({"day": DAY, "none": None})) == "[23 พ.ย. 2569]—"
