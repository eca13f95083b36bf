"""Computing meals and kgCO2e for drop-off lines, and keeping the rollups true.

Products and sums are exact ``numeric`` in PostgreSQL (``Decimal`` in Python), stored
unrounded; rounding happens only when shown. (SQLite, the embedded demo, multiplies in
floating point: fine for a demo, not for the city's figures.) In the same transaction, a
computed batch is added to the rollups and a recomputation rebuilds the cells it touched
(see ``rollups``), so running any of this twice, or concurrently, gives the same numbers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    QuerySet,
    When,
)
from django.db.models.expressions import Expression
from django.utils import timezone

from foodbank.accounts.models import User
from foodbank.districts.models import District

from ..models import (
    DropOff,
    DropOffLine,
    DropOffStatus,
    ImpactRecomputation,
    Methodology,
)
from ..selectors import methodologies_in_force
from .array_filters import AnyOf
from .rollups import add_to_rollups, refresh_rollups

logger = logging.getLogger(__name__)
#: Drop-offs computed per task: enough for the fixed cost of a batch (locks, one statement
#: per rollup) to be spread thin, few enough to hold the district locks well under a second.
COMPUTE_BATCH = 2000
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

    @property
    def default(self) -> Factors:
        return Factors(self.methodology.meals_per_kg, self.methodology.kgco2e_per_kg)


def _product(table: FactorTable, factor: str) -> Expression:
    """Each line's weight times its category's ``factor``, as one SQL expression.

    PostgreSQL multiplies ``numeric`` exactly: kg (3 places) times a factor (6 places) fits
    the 9 places stored, so nothing is rounded.
    """

    def times(factors: Factors) -> Expression:
        return ExpressionWrapper(F("weight_kg") * getattr(factors, factor), output_field=IMPACT)

    if not table.by_category:
        return times(table.default)
    return Case(
        *(When(category_id=pk, then=times(factors)) for pk, factors in table.by_category.items()),
        default=times(table.default),
        output_field=IMPACT,
    )


def _write_impact(lines: QuerySet[DropOffLine], table: FactorTable, now: datetime) -> int:
    """Compute ``lines`` with ``table`` in one UPDATE, whatever their categories."""
    return lines.update(
        meals=_product(table, "meals_per_kg"),
        kgco2e=_product(table, "kgco2e_per_kg"),
        methodology=table.methodology,
        computed_at=now,
    )


def _tables_by_day(days: Iterable[date]) -> dict[date, FactorTable]:
    wanted = set(days)
    in_force = methodologies_in_force(wanted)
    for day in sorted(wanted - in_force.keys()):
        logger.warning("No impact methodology in force on %s; lines wait for one.", day)
    tables: dict[int, FactorTable] = {}
    for methodology in in_force.values():
        if methodology.pk not in tables:
            tables[methodology.pk] = FactorTable.of(methodology)
    return {day: tables[methodology.pk] for day, methodology in in_force.items()}


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
            .filter(AnyOf("pk", dropoff_ids), status=DropOffStatus.RECEIVED)
            .order_by("pk")
            .values_list("pk", "received_on", "district_id")
        ),
    )
    tables = _tables_by_day(day for _pk, day, _district in received)
    by_table: dict[int, list[int]] = defaultdict(list)
    for pk, day, _district in received:
        if day in tables:
            by_table[tables[day].methodology.pk].append(pk)
    if not by_table:
        return 0
    now = timezone.now()
    table_of = {table.methodology.pk: table for table in tables.values()}
    computed = sum(
        _write_impact(DropOffLine.objects.filter(AnyOf("dropoff", ids)), table_of[pk], now)
        for pk, ids in by_table.items()
    )
    processed = [pk for ids in by_table.values() for pk in ids]
    DropOff.objects.filter(AnyOf("pk", processed)).update(
        status=DropOffStatus.PROCESSED, processed_at=now, updated_at=now
    )
    add_to_rollups(
        dropoff_ids=processed,
        district_ids={district for _pk, day, district in received if day in tables},
    )
    return computed


def uncomputed_dropoff_ids(*, limit: int) -> list[int]:
    """Received drop-offs still waiting for their impact, oldest first."""
    return list(
        DropOff.objects.filter(status=DropOffStatus.RECEIVED)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:limit]
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
