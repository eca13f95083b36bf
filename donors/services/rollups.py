"""The rollups the dashboard reads, rebuilt from the computed lines.

Daily cells (per day and district) are rebuilt from the processed lines; monthly cells are
kept equal to the sum of their days. It all runs as ``INSERT ... SELECT`` in the database:
no rollup row goes through Python, and the work grows with the cells a batch touches, not
with the months around them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, F, Model, QuerySet, Sum
from django.db.models.functions import TruncMonth

from foodbank.districts.models import District

from ..models import (
    DonorActivityDaily,
    DonorActivityMonthly,
    DropOff,
    DropOffDaily,
    DropOffLine,
    DropOffMonthly,
    DropOffStatus,
    ImpactDaily,
    ImpactMonthly,
)
from .array_filters import AnyOf, DaysByDistrict, InCells


def _insert_select(
    model: type[Model], columns: Sequence[str], rows: QuerySet, *, adding_on: Sequence[str] = ()
) -> None:
    """``INSERT INTO`` the model's table ``SELECT`` ``rows``: the rows never go through Python.

    ``rows`` selects exactly ``columns``, in that order. With ``adding_on`` (a unique key
    within ``columns``), a row whose key is already there is added onto it, column by column.
    """
    sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    column = {field.name: quote(str(field.column)) for field in model._meta.concrete_fields}
    table = quote(model._meta.db_table)
    names = ", ".join(column[name] for name in columns)
    # Only model metadata is formatted in. "WHERE 1 = 1" keeps SQLite from reading a
    # following ON CONFLICT as a join's ON.
    statement = f"INSERT INTO {table} ({names}) SELECT * FROM ({sql}) AS picked WHERE 1 = 1"  # noqa: S608
    if adding_on:
        key = ", ".join(column[name] for name in adding_on)
        added = [column[name] for name in columns if name not in adding_on]
        sums = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in added)
        statement += f" ON CONFLICT ({key}) DO UPDATE SET {sums}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


IMPACT_KEY = ("district", "category", "methodology")
IMPACT_SUMS = ("kg", "meals", "kgco2e", "line_count", "dropoff_count")
ACTIVITY_KEY = ("district", "category", "donor")


def _rebuild_days(cells: DaysByDistrict, dropoff_ids: list[int]) -> None:
    """Rebuild the daily rollups of these cells from the lines of their processed drop-offs."""
    for rollup in (ImpactDaily, DonorActivityDaily, DropOffDaily):
        rollup.objects.filter(InCells("district", "day", cells)).delete()
    if not dropoff_ids:
        return
    dropoffs = DropOff.objects.filter(AnyOf("pk", dropoff_ids)).order_by()
    lines = DropOffLine.objects.filter(AnyOf("dropoff", dropoff_ids)).order_by()
    cell = {"day": F("dropoff__received_on"), "district": F("dropoff__district_id")}
    _insert_select(
        ImpactDaily,
        ("day", *IMPACT_KEY, *IMPACT_SUMS),
        lines.values("category", "methodology", **cell)
        .annotate(
            kg=Sum("weight_kg"),
            meals=Sum("meals"),
            kgco2e=Sum("kgco2e"),
            line_count=Count("pk"),
            dropoff_count=Count("dropoff_id", distinct=True),
        )
        .values_list("day", *IMPACT_KEY, *IMPACT_SUMS),
    )
    _insert_select(
        DonorActivityDaily,
        ("day", *ACTIVITY_KEY),
        lines.values("category", **cell, donor=F("dropoff__donor_id"))
        .distinct()
        .values_list("day", *ACTIVITY_KEY),
    )
    _insert_select(
        DropOffDaily,
        ("day", "district", "dropoff_count"),
        dropoffs.values("district", day=F("received_on"))
        .annotate(dropoff_count=Count("pk"))
        .values_list("day", "district", "dropoff_count"),
    )


@dataclass(frozen=True)
class MonthsOfDays:
    """A monthly rollup: the daily rollup it sums, their shared key, the sums it keeps."""

    daily: type[Model]
    monthly: type[Model]
    key: tuple[str, ...]
    totals: dict[str, Sum | Count]


MONTHS_OF_DAYS = (
    MonthsOfDays(ImpactDaily, ImpactMonthly, IMPACT_KEY, {name: Sum(name) for name in IMPACT_SUMS}),
    MonthsOfDays(
        DonorActivityDaily, DonorActivityMonthly, ACTIVITY_KEY, {"day_count": Count("pk")}
    ),
    MonthsOfDays(
        DropOffDaily, DropOffMonthly, ("district",), {"dropoff_count": Sum("dropoff_count")}
    ),
)


def _add_days_to_months(cells: DaysByDistrict, *, sign: int) -> None:
    """Add (``sign`` 1) or take off (-1) these daily cells to or from their months."""
    for rollup in MONTHS_OF_DAYS:
        sums = {f"month_{name}": sign * total for name, total in rollup.totals.items()}
        _insert_select(
            rollup.monthly,
            ("month", *rollup.key, *rollup.totals),
            rollup.daily._default_manager.filter(InCells("district", "day", cells))
            .order_by()
            .values(*rollup.key, month=TruncMonth("day"))
            .annotate(**sums)
            .values_list("month", *rollup.key, *sums),
            adding_on=("month", *rollup.key),
        )


def _drop_empty_months(cells: DaysByDistrict) -> None:
    firsts = {pk: {day.replace(day=1) for day in days} for pk, days in cells.items()}
    months = InCells("district", "month", firsts)
    ImpactMonthly.objects.filter(months, line_count=0).delete()
    DonorActivityMonthly.objects.filter(months, day_count=0).delete()
    DropOffMonthly.objects.filter(months, dropoff_count=0).delete()


def _rebuild(cells: DaysByDistrict) -> None:
    # Status is checked here, not in SQL, so that no plan starts from it: its statistics
    # lag behind a large import, and a plan that reads every processed drop-off is slow.
    processed = [
        pk
        for pk, status in DropOff.objects.filter(
            InCells("district", "received_on", cells)
        ).values_list("pk", "status")
        if status == DropOffStatus.PROCESSED
    ]
    _add_days_to_months(cells, sign=-1)
    _rebuild_days(cells, processed)
    _add_days_to_months(cells, sign=1)
    _drop_empty_months(cells)


#: Cells rebuilt per round of statements: a task's batch fits in one round, a rebuild of
#: years of lines takes several, each with a bounded list of drop-offs.
CELLS_PER_ROUND = 2000


@transaction.atomic
def refresh_rollups(*, cells: set[tuple[date, int]]) -> None:
    """Rebuild the rollups of these (day, district) cells and of the months holding them.

    Set-based, in rounds of ``CELLS_PER_ROUND`` cells: per daily rollup one delete and one
    ``INSERT ... SELECT`` from the lines; each month has the cells' old days taken off and
    their new ones added. The districts are locked in pk order first, so a slower rebuild
    cannot overwrite a newer one.
    """
    ordered = sorted((district_id, day) for day, district_id in cells)
    if not ordered:
        return
    list(
        District.objects.select_for_update()
        .filter(pk__in={district_id for district_id, _day in ordered})
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ordered), CELLS_PER_ROUND):
        days_by_district: DaysByDistrict = defaultdict(set)
        for district_id, day in ordered[start : start + CELLS_PER_ROUND]:
            days_by_district[district_id].add(day)
        _rebuild(days_by_district)
