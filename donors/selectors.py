"""Reads of surplus rescue: the methodology in force, and impact figures from the rollups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Count, Model, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils.translation import gettext as _

from foodbank.accounts.models import Role, User
from foodbank.accounts.scoping import scope_to_district
from foodbank.districts.models import District, DistrictGroup

from .errors import NoMethodologyInForce
from .models import (
    Distribution,
    DonorActivityDaily,
    DropOff,
    DropOffDaily,
    DropOffLine,
    DropOffStatus,
    FoodCategory,
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


def _distinct(queryset: QuerySet, field: str) -> set[int]:
    return set(queryset.order_by().values_list(field, flat=True).distinct())


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
        methodologies=_methodology_labels(_distinct(cells, "methodology_id")),
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
        methodologies=_methodology_labels(_distinct(lines, "methodology_id")),
    )


BREAKDOWNS = {
    "district": ("district__code", "district__name_th", "district__name_en"),
    "group": ("district__group__code", "district__group__name_th", "district__group__name_en"),
    "category": ("category__slug", "category__name_th", "category__name_en"),
    "month": ("month", "month", "month"),
}


def impact_breakdown(where: ImpactFilter, *, by: str) -> list[dict]:
    """Totals per district, group, category (largest first) or month (in order).

    Each row: ``key``, ``name_th``, ``name_en``, ``kg``, ``meals``, ``kgco2e``, ``lines``.
    """
    cells = _filtered(ImpactDaily.objects.all(), where)
    if where.category_id is not None:
        cells = cells.filter(category_id=where.category_id)
    key, name_th, name_en = BREAKDOWNS[by]
    if by == "month":
        cells = cells.annotate(month=TruncMonth("day"))
    rows = (
        cells.values(key, name_th, name_en)
        .annotate(kg=Sum("kg"), meals=Sum("meals"), kgco2e=Sum("kgco2e"), lines=Sum("line_count"))
        .order_by(key if by == "month" else "-kg")
    )
    return [
        {
            "key": _label(row[key]),
            "name_th": _label(row[name_th]),
            "name_en": _label(row[name_en]),
            "kg": row["kg"],
            "meals": row["meals"],
            "kgco2e": row["kgco2e"],
            "lines": row["lines"],
        }
        for row in rows
    ]


def _label(value: object) -> str:
    return value.strftime("%Y-%m") if isinstance(value, date) else str(value)


def impact_filter_for(
    viewer: User,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    district: str | None = None,
    group: str | None = None,
    category: str | None = None,
) -> ImpactFilter:
    """Turn query codes into a filter within the viewer's scope.

    Unknown codes are a 400 naming the parameter; another district's figures are a 404 for
    district staff, whose figures are always their own district's.
    """
    unknown: dict[str, list[str]] = {}
    district_id = _pk_of(District, "code", district, "district", unknown)
    group_id = _pk_of(DistrictGroup, "code", group, "group", unknown)
    category_id = _pk_of(FoodCategory, "slug", category, "category", unknown)
    if unknown:
        raise ValidationError(unknown)
    if viewer.role == Role.DISTRICT_STAFF:
        if district_id not in (None, viewer.district_id):
            raise Http404
        district_id = viewer.district_id
    return ImpactFilter(date_from, date_to, district_id, group_id, category_id)


def _pk_of(
    model: type[Model], field: str, value: str | None, name: str, unknown: dict[str, list[str]]
) -> int | None:
    if not value:
        return None
    pk = model._default_manager.filter(**{field: value}).values_list("pk", flat=True).first()
    if pk is None:
        unknown[name] = [_("Unknown code “%(code)s”.") % {"code": value}]
    return pk
