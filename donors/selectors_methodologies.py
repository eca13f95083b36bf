"""Reads of methodologies for their pages: which are in use, and each category's factors."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import DropOffLine, FoodCategory, ImpactRecomputation, Methodology


def methodologies_with_use() -> QuerySet[Methodology]:
    """Every version, newest first, each marked ``in_use`` if any figure was computed with it."""
    return Methodology.objects.select_related("created_by").annotate(
        in_use=Exists(DropOffLine.objects.filter(methodology=OuterRef("pk")))
        | Exists(ImpactRecomputation.objects.filter(methodology=OuterRef("pk")))
    )


def in_force_today() -> Methodology | None:
    today = timezone.localdate()
    return Methodology.objects.filter(effective_from__lte=today).order_by("-effective_from").first()


@dataclass(frozen=True)
class FactorRow:
    category: FoodCategory
    meals_per_kg: Decimal
    kgco2e_per_kg: Decimal
    is_default: bool


def factor_table(methodology: Methodology) -> list[FactorRow]:
    """The factors applied to each category: its own, or the methodology's defaults."""
    own = {factor.category_id: factor for factor in methodology.factors.all()}
    categories = FoodCategory.objects.filter(Q(is_active=True) | Q(pk__in=own))
    return [
        FactorRow(
            category=category,
            meals_per_kg=own[category.pk].meals_per_kg
            if category.pk in own
            else methodology.meals_per_kg,
            kgco2e_per_kg=own[category.pk].kgco2e_per_kg
            if category.pk in own
            else methodology.kgco2e_per_kg,
            is_default=category.pk not in own,
        )
        for category in categories
    ]
