"""The period report in the city's own wording, and its tables for CSV and XLSX.

The sentences are the city's published form, word for word, so they are kept here per
language rather than left to a translator: the Thai is the form Bangkok publishes, the
English says the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from donors.selectors import ImpactFilter

from .selectors import Dashboard, Row

CENT = Decimal("0.01")

#: The city's wording of the surplus figures (kg, kgCO2e and meals with 2 decimals).
IMPACT_WORDING = {
    "th": (
        "น้ำหนักอาหารบริจาค {kg} กิโลกรัม ปริมาณคาร์บอนที่ลด {kgco2e} kgCO2e "
        "ได้รับเป็นมื้ออาหาร {meals} มื้อ และมีผู้รับมอบอาหารส่วนเกิน {people} คน"
    ),
    "en": (
        "Food donated {kg} kilograms, carbon reduced {kgco2e} kgCO2e, "
        "received as {meals} meals, and {people} people received surplus food"
    ),
}

#: The store figures that follow it: donors who shared, households helped.
STORE_WORDING = {
    "th": "ผู้บริจาคที่ร่วมแบ่งปันอาหาร {donors} ราย ครัวเรือนที่ได้รับความช่วยเหลือ {households} ครัวเรือน",
    "en": "{donors} donors shared food and {households} households were helped",
}

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _language(language: str | None) -> str:
    return "th" if (language or get_language() or "th").startswith("th") else "en"


def two_places(value: Decimal | None) -> str:
    """``1234.565`` → ``1,234.57`` (half-up, thousands separators)."""
    return f"{(value or Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def whole(value: int | None) -> str:
    return f"{value or 0:,}"


def calendar_date(day: date, language: str | None = None) -> str:
    """A date as the city writes it: Thai months and the Buddhist-era year in Thai."""
    if _language(language) == "th":
        return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}"
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def impact_sentence(board: Dashboard, language: str | None = None) -> str:
    impact = board.figures.impact
    return IMPACT_WORDING[_language(language)].format(
        kg=two_places(impact.kg),
        kgco2e=two_places(impact.kgco2e),
        meals=two_places(impact.meals),
        people=whole(impact.people_reached),
    )


def store_sentence(board: Dashboard, language: str | None = None) -> str:
    households = board.figures.households
    return STORE_WORDING[_language(language)].format(
        donors=whole(board.figures.impact.donors),
        households=whole(households.once if households else 0),
    )


def period_label(where: ImpactFilter, language: str | None = None) -> str:
    """Both ends in the city's calendar, joined by a dash; an open end shows as an ellipsis."""
    start = calendar_date(where.date_from, language) if where.date_from else "…"
    end = calendar_date(where.date_to, language) if where.date_to else "…"
    return f"{start} \u2013 {end}"


@dataclass(frozen=True)
class Table:
    """One sheet of an export: a title, a header and rows of plain values."""

    title: str
    header: list[str]
    rows: list[list[str | int | Decimal]]


def _figures_rows(rows: list[Row], *, ranked: bool = False) -> list[list[str | int | Decimal]]:
    return [
        [
            *([row.rank] if ranked else []),
            row.key,
            row.name_th,
            row.name_en,
            _exact(row.kg),
            _exact(row.meals),
            _exact(row.kgco2e),
        ]
        for row in rows
    ]


def _exact(value: Decimal) -> Decimal:
    """Exports carry 2 decimals, half-up, like every presented figure."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def report_tables(board: Dashboard, where: ImpactFilter) -> list[Table]:
    """The report as tables: the headline figures, then each breakdown."""
    figures = board.figures
    impact = figures.impact
    households = figures.households
    summary: list[list[str | int | Decimal]] = [
        [_("Period"), period_label(where)],
        [_("kg donated"), _exact(impact.kg)],
        [_("meals"), _exact(impact.meals)],
        [_("kgCO2e avoided"), _exact(impact.kgco2e)],
        [_("drop-offs"), impact.dropoffs],
        [_("active donors"), impact.donors],
        [_("people reached by surplus"), impact.people_reached or 0],
    ]
    if households is not None:
        summary += [
            [_("households helped from the store"), households.from_store],
            [_("registered households reached by surplus"), households.by_surplus],
            [_("households helped, each counted once"), households.once],
            [_("points granted"), figures.points_granted or 0],
            [_("points redeemed"), figures.points_redeemed or 0],
        ]
    summary.append([_("methodology"), ", ".join(impact.methodologies)])
    head = ["key", "name_th", "name_en", "kg", "meals", "kgco2e"]
    return [
        Table(_("Summary"), [_("figure"), _("value")], summary),
        Table(_("By month"), head, _figures_rows(board.months)),
        Table(_("By week"), head, _figures_rows(board.weeks)),
        Table(_("By district group"), head, _figures_rows(board.groups)),
        Table(_("By district"), ["rank", *head], _figures_rows(board.districts, ranked=True)),
        Table(_("By food category"), head, _figures_rows(board.categories)),
        Table(
            _("Top donors"),
            ["rank", "donor", "name", "kg", "meals", "kgco2e", "dropoffs"],
            [
                [
                    rank,
                    donor.donor_id,
                    donor.name,
                    _exact(donor.kg),
                    _exact(donor.meals),
                    _exact(donor.kgco2e),
                    donor.dropoffs,
                ]
                for rank, donor in enumerate(board.donors, start=1)
            ],
        ),
    ]
