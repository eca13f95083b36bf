"""Methodologies are data: a change is a new version, never an edit of one in use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from foodbank.accounts.models import User
from foodbank.audit.models import Action
from foodbank.audit.services import record

from ..models import DropOffLine, FoodCategory, ImpactRecomputation, Methodology, MethodologyFactor


@dataclass(frozen=True)
class FactorInput:
    category: FoodCategory
    meals_per_kg: Decimal
    kgco2e_per_kg: Decimal


def is_in_use(methodology: Methodology) -> bool:
    return (
        DropOffLine.objects.filter(methodology=methodology).exists()
        or ImpactRecomputation.objects.filter(methodology=methodology).exists()
    )


@transaction.atomic
def add_methodology_version(
    *,
    name: str,
    effective_from: date,
    meals_per_kg: Decimal,
    kgco2e_per_kg: Decimal,
    by: User | None = None,
    source: str = "",
    factors: Sequence[FactorInput] = (),
) -> Methodology:
    """Add the next version of methodology ``name``, in force from ``effective_from``."""
    latest = Methodology.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0
    methodology = Methodology(
        name=name,
        version=latest + 1,
        effective_from=effective_from,
        meals_per_kg=meals_per_kg,
        kgco2e_per_kg=kgco2e_per_kg,
        source=source,
        created_by=by,
    )
    methodology.full_clean()
    methodology.save()
    for factor in factors:
        row = MethodologyFactor(methodology=methodology, **factor.__dict__)
        row.full_clean()
        row.save()
    record(
        Action.METHODOLOGY_ADDED,
        target=methodology,
        by=by,
        name=name,
        version=methodology.version,
        effective_from=effective_from,
        factors=len(factors),
    )
    return methodology
