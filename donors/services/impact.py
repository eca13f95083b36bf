"""Computing meals and kgCO2e for drop-off lines, and keeping the daily rollups true.

Products and sums are exact ``numeric`` in PostgreSQL (``Decimal`` in Python), stored
unrounded; rounding happens only when shown. (SQLite, the embedded demo, multiplies in
floating point: fine for a demo, not for the city's figures.) Rollups are rebuilt from the
lines of each touched (day, district) under a lock on the district, so running any of this
twice, or concurrently, gives the same numbers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any, cast

from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from foodbank.accounts.models import User
from foodbank.districts.models import District

from ..errors import NoMethodologyInForce
from ..models import (
    DonorActivityDaily,
    DropOff,
    DropOffDaily,
    DropOffLine,
    DropOffStatus,
    ImpactDaily,
    ImpactRecomputation,
    Methodology,
)
from ..selectors import methodology_in_force

logger = logging.getLogger(__name__)
IMPACT = DecimalField(max_digits=24, decimal_places=9)


@dataclass(frozen=True)
class Factors:
    meals_per_kg: Decimal
    kgco2e_per_kg: Decimal


@dataclass
class FactorTable:
    """A methodology's factors by category id, falling back to its defaults."""

    methodology: Methodology
    by_category: dict[int, Factors] = field(default_factory=dict)

    @classmethod
    def of(cls, methodology: Methodology) -> FactorTable:
        return cls(
            methodology,
            {
                factor.category_id: Factors(factor.meals_per_kg, factor.kgco2e_per_kg)
                for factor in methodology.factors.all()
            },
        )


def _impact_of(factors: Factors, methodology: Methodology, now: datetime) -> dict[str, Any]:
    """Column values that make each line's impact its weight times the factors, in SQL.

    PostgreSQL multiplies ``numeric`` exactly: kg (3 places) times a factor (6 places) fits
    the 9 places stored, so nothing is rounded.
    """
    return {
        "meals": ExpressionWrapper(F("weight_kg") * factors.meals_per_kg, output_field=IMPACT),
        "kgco2e": ExpressionWrapper(F("weight_kg") * factors.kgco2e_per_kg, output_field=IMPACT),
        "methodology": methodology,
        "computed_at": now,
    }


def _write_impact(lines: QuerySet[DropOffLine], table: FactorTable, now: datetime) -> int:
    """Compute ``lines`` with ``table``: one UPDATE per listed category, one for the rest."""
    methodology, count = table.methodology, 0
    for category_id, factors in table.by_category.items():
        count += lines.filter(category_id=category_id).update(
            **_impact_of(factors, methodology, now)
        )
    default = Factors(methodology.meals_per_kg, methodology.kgco2e_per_kg)
    return count + lines.exclude(category_id__in=list(table.by_category)).update(
        **_impact_of(default, methodology, now)
    )


def _tables_by_day(days: Iterable[date]) -> dict[date, FactorTable]:
    tables: dict[int, FactorTable] = {}
    by_day: dict[date, FactorTable] = {}
    for day in set(days):
        try:
            methodology = methodology_in_force(day)
        except NoMethodologyInForce:
            logger.warning("No impact methodology in force on %s; lines wait for one.", day)
            continue
        if methodology.pk not in tables:
            tables[methodology.pk] = FactorTable.of(methodology)
        by_day[day] = tables[methodology.pk]
    return by_day


@transaction.atomic
def compute_impact(*, dropoff_ids: Sequence[int]) -> int:
    """Compute the lines of these drop-offs that are received and not yet processed.

    Safe to run twice or concurrently: the drop-offs are locked in pk order and those
    already processed are skipped. Returns the number of lines computed.
    """
    # Every received drop-off has its day (a database constraint), hence the cast.
    received = cast(
        list[tuple[int, date, int]],
        list(
            DropOff.objects.select_for_update()
            .filter(pk__in=dropoff_ids, status=DropOffStatus.RECEIVED)
            .order_by("pk")
            .values_list("pk", "received_on", "district_id")
        ),
    )
    tables = _tables_by_day(day for _pk, day, _district in received)
    day_of = {pk: day for pk, day, _district in received if day in tables}
    if not day_of:
        return 0
    now = timezone.now()
    by_table: dict[int, list[int]] = defaultdict(list)
    for pk, day in day_of.items():
        by_table[tables[day].methodology.pk].append(pk)
    computed = sum(
        _write_impact(
            DropOffLine.objects.filter(dropoff_id__in=ids),
            tables[day_of[ids[0]]],
            now,
        )
        for ids in by_table.values()
    )
    DropOff.objects.filter(pk__in=day_of).update(
        status=DropOffStatus.PROCESSED, processed_at=now, updated_at=now
    )
    refresh_rollups(cells={(day, district) for pk, day, district in received if pk in day_of})
    return computed


def uncomputed_dropoff_ids(*, limit: int) -> list[int]:
    """Received drop-offs still waiting for their impact, oldest first."""
    return list(
        DropOff.objects.filter(status=DropOffStatus.RECEIVED)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def refresh_rollups(*, cells: set[tuple[date, int]]) -> None:
    """Rebuild the daily rollups of these (day, district) cells from their processed lines.

    Set-based: one delete and one aggregate insert per rollup table, whatever the number of
    cells. The districts are locked in pk order first, so a slower rebuild cannot overwrite
    a newer one.
    """
    days_by_district: dict[int, set[date]] = defaultdict(set)
    for day, district_id in cells:
        days_by_district[district_id].add(day)
    if not days_by_district:
        return
    list(
        District.objects.select_for_update()
        .filter(pk__in=days_by_district)
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    def within(district: str, day: str) -> Q:
        return reduce(
            or_,
            (Q(**{district: pk, f"{day}__in": days}) for pk, days in days_by_district.items()),
        )

    dropoffs = DropOff.objects.filter(
        within("district_id", "received_on"), status=DropOffStatus.PROCESSED
    )
    lines = DropOffLine.objects.filter(dropoff__in=dropoffs)
    cell = {"district_id": F("dropoff__district_id"), "day": F("dropoff__received_on")}
    for rollup in (ImpactDaily, DonorActivityDaily, DropOffDaily):
        rollup.objects.filter(within("district_id", "day")).delete()
    ImpactDaily.objects.bulk_create(
        ImpactDaily(**row)
        for row in lines.values("category_id", "methodology_id", **cell).annotate(
            kg=Sum("weight_kg"),
            meals=Sum("meals"),
            kgco2e=Sum("kgco2e"),
            line_count=Count("pk"),
            dropoff_count=Count("dropoff_id", distinct=True),
        )
    )
    DonorActivityDaily.objects.bulk_create(
        DonorActivityDaily(**row)
        for row in lines.values("category_id", donor_id=F("dropoff__donor_id"), **cell)
        .order_by()
        .distinct()
    )
    DropOffDaily.objects.bulk_create(
        DropOffDaily(**row)
        for row in dropoffs.values("district_id", day=F("received_on")).annotate(
            dropoff_count=Count("pk")
        )
    )


@transaction.atomic
def recompute_impact(
    *,
    methodology: Methodology,
    by: User | None = None,
    district: District | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    reason: str = "",
) -> ImpactRecomputation:
    """Recompute processed lines with ``methodology`` and record that it was done."""
    dropoffs = DropOff.objects.filter(status=DropOffStatus.PROCESSED)
    if district is not None:
        dropoffs = dropoffs.filter(district=district)
    if date_from is not None:
        dropoffs = dropoffs.filter(received_on__gte=date_from)
    if date_to is not None:
        dropoffs = dropoffs.filter(received_on__lte=date_to)
    locked = dropoffs.select_for_update().order_by("pk")
    cells = cast(set[tuple[date, int]], set(locked.values_list("received_on", "district_id")))
    recomputed = _write_impact(
        DropOffLine.objects.filter(dropoff__in=dropoffs.values("pk")),
        FactorTable.of(methodology),
        timezone.now(),
    )
    refresh_rollups(cells=cells)
    return ImpactRecomputation.objects.create(
        methodology=methodology,
        district=district,
        date_from=date_from,
        date_to=date_to,
        lines_recomputed=recomputed,
        requested_by=by,
        reason=reason,
    )
