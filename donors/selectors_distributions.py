"""Reads of distributions (surplus passed on to people) for the district pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet, Sum

from foodbank.accounts.models import User
from foodbank.accounts.scoping import scope_to_district
from foodbank.districts.models import District, DistrictGroup

from .models import Distribution, DistributionLine, FoodCategory


@dataclass(frozen=True)
class DistributionFilter:
    date_from: date | None = None
    date_to: date | None = None
    group: str = ""
    district: District | None = None
    district_group: DistrictGroup | None = None
    category: FoodCategory | None = None


@dataclass(frozen=True)
class DistributionTotals:
    distributions: int
    people_reached: int
    kg: Decimal


def distributions_visible_to(
    user: User | AnonymousUser, where: DistributionFilter = DistributionFilter()
) -> QuerySet[Distribution]:
    """A district's distributions for its staff, any for admins, newest first, with kg."""
    rows = scope_to_district(Distribution.objects.select_related("district"), user)
    if where.date_from:
        rows = rows.filter(distributed_on__gte=where.date_from)
    if where.date_to:
        rows = rows.filter(distributed_on__lte=where.date_to)
    if where.group:
        rows = rows.filter(recipient_group__icontains=where.group)
    if where.district:
        rows = rows.filter(district=where.district)
    if where.district_group:
        rows = rows.filter(district__group=where.district_group)
    if where.category:
        lines = DistributionLine.objects.filter(
            distribution=OuterRef("pk"), category=where.category
        )
        rows = rows.filter(Exists(lines))
    return (
        rows.annotate(total_kg=Sum("lines__weight_kg"))
        .prefetch_related("lines__category")
        .order_by("-distributed_on", "-pk")
    )


def distribution_totals(rows: QuerySet[Distribution]) -> DistributionTotals:
    """Totals of the listed distributions (kg summed from their lines, without double counting)."""
    plain = rows.order_by().values("pk")
    people = Distribution.objects.filter(pk__in=plain).aggregate(n=Sum("people_reached"))["n"]
    kg = DistributionLine.objects.filter(distribution__in=plain).aggregate(kg=Sum("weight_kg"))
    return DistributionTotals(
        distributions=Distribution.objects.filter(pk__in=plain).count(),
        people_reached=people or 0,
        kg=kg["kg"] or Decimal("0"),
    )
