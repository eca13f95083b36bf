"""Dates as people read them: in Thai the Buddhist Era year (23 พ.ย. 2569), in English the
Gregorian one (23 Nov 2026). Times are shown in the city's local time."""

from datetime import date, datetime

from django.utils import dateformat
from django.utils.timezone import is_aware, localtime
from django.utils.translation import get_language

#: The Buddhist Era counts from 543 BC.
BUDDHIST_ERA_OFFSET = 543


def in_local_calendar(value: date | datetime | None, shape: str = "j M Y") -> str:
    """``value`` formatted with Django's date ``shape``; ``Y`` is the Buddhist year in Thai."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and is_aware(value):
        value = localtime(value)
    if (get_language() or "").startswith("th"):
        year = "".join(f"\\{digit}" for digit in str(value.year + BUDDHIST_ERA_OFFSET))
        shape = shape.replace("Y", year)
    return dateformat.format(value, shape)
