"""Presenting stored figures: 2 decimals, half-up, with thousands separators."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()
CENT = Decimal("0.01")


@register.filter
def figure(value: Decimal | int | str | None) -> str:
    """``83999.9958`` → ``84,000.00``; the value itself stays unrounded."""
    number = Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{number:,.2f}"


@register.filter
def kilograms(value: Decimal | None) -> str:
    """Weights to the gram: ``1200`` → ``1,200.000``."""
    return f"{Decimal(value or 0):,.3f}"


@register.filter
def quantity(value: Decimal | None) -> str:
    """Stock as counted, without trailing zeros: ``12.500`` → ``12.5``, ``1200`` → ``1,200``."""
    number = Decimal(value or 0)
    text = f"{number:,.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
