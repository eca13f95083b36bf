"""Charts drawn on the server as inline SVG: no script, no CDN, readable by screen readers.

Each chart is an ``<svg role="img">`` with a title and a description; each bar carries its
own ``<title>`` (shown on hover and read aloud), and the page shows the same numbers as a
table beside it. The SVG scales to the width of the screen through its ``viewBox``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from math import ceil

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal


def _shown(value: Decimal) -> str:
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def _head(chart_id: str, title: str, bars: Sequence[Bar], unit: str, height: int) -> str:
    if bars:
        top = max(bars, key=lambda bar: bar.value)
        summary = _("%(n)d bars; highest %(label)s, %(value)s %(unit)s.") % {
            "n": len(bars),
            "label": top.label,
            "value": _shown(top.value),
            "unit": unit,
        }
    else:
        summary = _("Nothing to show for this period.")
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>'
    )


def ranked_bars(*, chart_id: str, title: str, bars: Sequence[Bar], unit: str) -> SafeString:
    """Horizontal bars, one row each, the label above its bar and the value after it."""
    row = 34
    height = max(row * len(bars) + 8, 40)
    largest = max((bar.value for bar in bars), default=Decimal(0)) or Decimal(1)
    parts = [_head(chart_id, title, bars, unit, height)]
    room = WIDTH - 130
    for index, bar in enumerate(bars):
        top = index * row + 4
        width = float(bar.value / largest) * room
        text = f"{bar.label}: {_shown(bar.value)} {unit}"
        parts.append(
            f"<g><title>{escape(text)}</title>"
            f'<text x="0" y="{top + 11}" class="chart-label">{escape(bar.label)}</text>'
            f'<rect x="0" y="{top + 15}" width="{width:.1f}" height="14" rx="2" '
            f'class="chart-bar"/>'
            f'<text x="{width + 6:.1f}" y="{top + 26}" class="chart-value">'
            f"{escape(_shown(bar.value))}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def columns(*, chart_id: str, title: str, bars: Sequence[Bar], unit: str) -> SafeString:
    """Columns over time, left to right; labels under as many columns as fit."""
    height, base, left = 220, 190, 4
    largest = max((bar.value for bar in bars), default=Decimal(0)) or Decimal(1)
    parts = [_head(chart_id, title, bars, unit, height)]
    slot = (WIDTH - left) / max(len(bars), 1)
    every = max(1, ceil(60 / slot))  # a label needs about 60 units of width
    for index, bar in enumerate(bars):
        tall = float(bar.value / largest) * (base - 20)
        x = left + index * slot
        text = f"{bar.label}: {_shown(bar.value)} {unit}"
        parts.append(
            f"<g><title>{escape(text)}</title>"
            f'<rect x="{x + slot * 0.15:.1f}" y="{base - tall:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{tall:.1f}" rx="2" class="chart-bar"/>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{base + 16}" text-anchor="middle" '
                f'class="chart-label">{escape(bar.label)}</text>'
            )
        parts.append("</g>")
    parts.append(
        f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" class="chart-axis"/>'
        f'<text x="{WIDTH}" y="12" text-anchor="end" class="chart-value">'
        f"{escape(_('largest'))}: {escape(_shown(largest))} {escape(unit)}</text></svg>"
    )
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
