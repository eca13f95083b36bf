"""Reads of surplus rescue: the methodology in force, and impact figures from the rollups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth

from foodbank.accounts.models import Role, User
from foodbank.accounts.scoping import scope_to_district

from .errors import NoMethodologyInForce
from .models import (
    Distribution,
    DonorActivityDaily,
    DropOff,
    DropOffDaily,
    DropOffLine,
    DropOffStatus,
    ImpactDaily,
    Methodology,
)

CENT = Decimal("0.01")
ZERO = Decimal("0")


def rounded(value: Decimal | None) -> Decimal:
    """Present a figure: 2 decimals, half-up (stored values stay unrounded)."""
    return (value or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def methodology_in_force(day: date) -> Methodology:
    methodology = (
        Methodology.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    )
    if methodology is None:
        raise NoMethodologyInForce()
    return methodology


def dropoffs_visible_to(user: User | AnonymousUser) -> QuerySet[DropOff]:
    """Drop-offs a user may see: their district's for staff, all for admins, own for donors."""
    dropoffs = DropOff.objects.select_related("donor", "district", "received_by")
    if isinstance(user, User) and user.role == Role.DONOR:
        return dropoffs.filter(donor__account=user)
    return scope_to_district(dropoffs, user)


@dataclass(frozen=True)
class ImpactFilter:
    date_from: date | None = None
    date_to: date | None = None
    district_id: int | None = None
    group_id: int | None = None
    category_id: int | None = None


@dataclass(frozen=True)
class ImpactSummary:
    kg: Decimal
    meals: Decimal
    kgco2e: Decimal
    dropoffs: int
    donors: int
    people_reached: int | None
    methodologies: list[str]


def _filtered(queryset: QuerySet, where: ImpactFilter, *, day: str = "day") -> QuerySet:
    lookups = {
        f"{day}__gte": where.date_from,
        f"{day}__lte": where.date_to,
        "district_id": where.district_id,
        "district__group_id": where.group_id,
    }
    return queryset.filter(**{key: value for key, value in lookups.items() if value is not None})


def _methodology_labels(ids: set[int]) -> list[str]:
    return [m.label for m in Methodology.objects.filter(pk__in=ids).order_by("effective_from")]


def impact_summary(where: ImpactFilter) -> ImpactSummary:
    """Totals for a period and place, summed from the daily rollups (unrounded)."""
    cells = _filtered(ImpactDaily.objects.all(), where)
    donors = _filtered(DonorActivityDaily.objects.all(), where)
    distributions = _filtered(Distribution.objects.all(), where, day="distributed_on")
    if where.category_id is not None:
        cells = cells.filter(category_id=where.category_id)
        donors = donors.filter(category_id=where.category_id)
        distributions = distributions.filter(lines__category_id=where.category_id).distinct()
        dropoffs = cells.aggregate(n=Sum("dropoff_count"))["n"]
    else:
        dropoffs = _filtered(DropOffDaily.objects.all(), where).aggregate(n=Sum("dropoff_count"))[
            "n"
        ]
    totals = cells.aggregate(kg=Sum("kg"), meals=Sum("meals"), kgco2e=Sum("kgco2e"))
    return ImpactSummary(
        kg=totals["kg"] or ZERO,
        meals=totals["meals"] or ZERO,
        kgco2e=totals["kgco2e"] or ZERO,
        dropoffs=dropoffs or 0,
        donors=donors.values("donor_id").distinct().count(),
        people_reached=Distribution.objects.filter(pk__in=distributions.values("pk")).aggregate(
            n=Sum("people_reached")
        )["n"]
        or 0,
        methodologies=_methodology_labels(set(cells.values_list("methodology_id", flat=True))),
    )


def donor_impact_summary(user: User, where: ImpactFilter) -> ImpactSummary:
    """A donor's own contribution, summed from their processed lines."""
    lines = DropOffLine.objects.filter(
        dropoff__donor__account=user, dropoff__status=DropOffStatus.PROCESSED
    )
    lines = _filtered(
        lines, ImpactFilter(where.date_from, where.date_to), day="dropoff__received_on"
    )
    if where.category_id is not None:
        lines = lines.filter(category_id=where.category_id)
    totals = lines.aggregate(
        kg=Sum("weight_kg"),
        meals=Sum("meals"),
        kgco2e=Sum("kgco2e"),
        dropoffs=Count("dropoff_id", distinct=True),
    )
    return ImpactSummary(
        kg=totals["kg"] or ZERO,
        meals=totals["meals"] or ZERO,
        kgco2e=totals["kgco2e"] or ZERO,
        dropoffs=totals["dropoffs"],
        donors=1 if totals["dropoffs"] else 0,
        people_reached=None,
        methodologies=_methodology_labels(set(lines.values_list("methodology_id", flat=True))),
    )


BREAKDOWNS = {
    "district": ("district__code", "district__name_th", "district__name_en"),
    "group": ("district__group__code", "district__group__name_th", "district__group__name_en"),
    "category": ("category__slug", "category__name_th", "category__name_en"),
    "month": (),
}


def impact_breakdown(where: ImpactFilter, *, by: str) -> list[dict]:
    """Totals per district, group, category or month, largest first (months in order)."""
    cells = _filtered(ImpactDaily.objects.all(), where)
    if where.category_id is not None:
        cells = cells.filter(category_id=where.category_id)
    keys = BREAKDOWNS[by]
    grouped = (
        cells.annotate(month=TruncMonth("day")).values("month")
        if by == "month"
        else (cells.values(*keys))
    )
    rows = grouped.annotate(
        kg=Sum("kg"), meals=Sum("meals"), kgco2e=Sum("kgco2e"), lines=Sum("line_count")
    )
    return list(rows.order_by("month") if by == "month" else rows.order_by("-kg"))
