"""``calendar_date``: dates in the Buddhist Era year in Thai, Gregorian in English."""

from datetime import date, datetime

from django import template

from foodbank.web.dates import in_local_calendar

register = template.Library()


@register.filter
def calendar_date(value: date | datetime | None, shape: str = "j M Y") -> str:
    """``{{ dropoff.received_at|calendar_date:"j M Y H:i" }}``; an empty value shows nothing."""
    return in_local_calendar(value, shape)
