"""Dates as the city writes them: the Buddhist-era year and Thai month names in Thai."""

from datetime import date

from django import template

from foodbank.dashboard.reports import calendar_date as _calendar_date

register = template.Library()


@register.filter
def calendar_date(day: date | None) -> str:
    """``2026-03-31`` → ``31 มีนาคม 2569`` in Thai, ``31 March 2026`` in English."""
    return _calendar_date(day) if day else ""


@register.filter
def calendar_month(day: date | None) -> str:
    """``2026-03-01`` → ``มีนาคม 2569`` in Thai, ``March 2026`` in English."""
    return _calendar_date(day).split(" ", 1)[1] if day else ""
