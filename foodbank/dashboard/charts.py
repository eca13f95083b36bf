"""What each dashboard chart shows, as data: Chart.js draws it in the browser
(``foodbank/charts.js``, served from the project's static files).

Every chart also has a sentence that sums it up (read by screen readers, and shown where
the chart cannot be drawn) and, on the page, a table with the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
#: Height in CSS pixels: columns over time are one band; ranked bars grow with their rows.
COLUMNS_HEIGHT = 280
ROW_HEIGHT = 34


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal


def _shown(value: Decimal) -> str:
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def _summary(bars: Sequence[Bar], unit: str) -> str:
    if not bars:
        return _("Nothing to show for this period.")
    top = max(bars, key=lambda bar: bar.value)
    return _("%(n)d bars; highest %(label)s, %(value)s %(unit)s.") % {
        "n": len(bars),
        "label": top.label,
        "value": _shown(top.value),
        "unit": unit,
    }


@dataclass(frozen=True)
class Chart:
    """One chart: its element id, title and summary, and the data ``charts.js`` draws."""

    chart_id: str
    title: str
    summary: str
    kind: str
    height: int
    data: dict

    @property
    def data_id(self) -> str:
        """The id of the ``json_script`` element holding ``data``."""
        return f"{self.chart_id}-data"


def _chart(chart_id: str, title: str, bars: Sequence[Bar], unit: str, kind: str) -> Chart:
    height = COLUMNS_HEIGHT if kind == "columns" else max(ROW_HEIGHT * len(bars) + 40, 120)
    return Chart(
        chart_id=chart_id,
        title=title,
        summary=_summary(bars, unit),
        kind=kind,
        height=height,
        data={
            "kind": kind,
            "unit": unit,
            "labels": [bar.label for bar in bars],
            # Rounded as shown; the table beside the chart has the same figures.
            "values": [float(bar.value.quantize(CENT, rounding=ROUND_HALF_UP)) for bar in bars],
        },
    )


def columns(*, chart_id: str, title: str, bars: Sequence[Bar], unit: str) -> Chart:
    """Columns over time, left to right."""
    return _chart(chart_id, title, bars, unit, "columns")


def ranked_bars(*, chart_id: str, title: str, bars: Sequence[Bar], unit: str) -> Chart:
    """Horizontal bars, largest first, one row each."""
    return _chart(chart_id, title, bars, unit, "ranked")
