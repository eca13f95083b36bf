"""The rollups the dashboard reads, kept equal to the computed lines.

Drop-offs newly processed are added to their daily and monthly cells (``add_to_rollups``):
the work grows with the lines of a batch, not with what the cells held before. A
recomputation rebuilds its (day, district) cells from the lines instead
(``refresh_rollups``), and keeps each month equal to the sum of its days. It all runs as
``INSERT ... SELECT`` in the database: no rollup row goes through Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, F, Min, Model, QuerySet, Sum, Window
from django.db.models.functions import TruncMonth

from ..lock_objects import lock_districts
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


def _insert(
    model: type[Model],
    columns: Sequence[str],
    select: str,
    *,
    adding_on: Sequence[str] = (),
) -> str:
    """``INSERT INTO`` the model's table ``select``, as SQL text.

    ``select`` gives exactly ``columns``, in that order, and has a WHERE clause (SQLite
    would read a following ON CONFLICT as a join's ON). With ``adding_on`` (a unique key
    within ``columns``), a row whose key is already there is added onto it, column by column.
    Only model metadata is formatted in.
    """
    quote = connection.ops.quote_name
    column = {field.name: quote(str(field.column)) for field in model._meta.concrete_fields}
    table = quote(model._meta.db_table)
    names = ", ".join(column[name] for name in columns)
    statement = f"INSERT INTO {table} ({names}) {select}"
    if adding_on:
        key = ", ".join(column[name] for name in adding_on)
        added = [column[name] for name in columns if name not in adding_on]
        sums = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in added)
        statement += f" ON CONFLICT ({key}) DO UPDATE SET {sums}"
    return statement


def _insert_select(
    model: type[Model], columns: Sequence[str], rows: QuerySet, *, adding_on: Sequence[str] = ()
) -> None:
    """``INSERT INTO`` the model's table ``SELECT`` ``rows``: the rows never go through Python.

    ``rows`` selects exactly ``columns``, in that order; ``adding_on`` as for ``_insert``.
    """
    sql, params = rows.query.sql_with_params()
    select = f"SELECT * FROM ({sql}) AS picked WHERE 1 = 1"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(_insert(model, columns, select, adding_on=adding_on), params)


IMPACT_KEY = ("district", "category", "methodology")
IMPACT_SUMS = ("kg", "meals", "kgco2e", "line_count", "dropoff_count")
ACTIVITY_KEY = ("district", "category", "donor")
#: What the donor rollups sum besides the days (``DonorImpact``).
DONOR_SUMS = ("kg", "meals", "kgco2e", "line_count", "dropoff_count", "dropoff_count_once")
#: The same sums over a batch's lines (``batch``), in the order of ``DONOR_SUMS``.
DONOR_SUMS_SQL = (
    "SUM(kg), SUM(meals), SUM(kgco2e), COUNT(*), COUNT(DISTINCT dropoff), "
    "COUNT(DISTINCT CASE WHEN category = first_category THEN dropoff END)"
)


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
    sources, params = _batch_sources(dropoff_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {sources} {_donor_days_delta()}", params)
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
        DonorActivityDaily,
        DonorActivityMonthly,
        ACTIVITY_KEY,
        {"day_count": Count("pk")} | {name: Sum(name) for name in DONOR_SUMS},
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


#: The columns of a batch's lines (``batch``) and drop-offs (``batch_dropoffs``) as the
#: statements of ``add_to_rollups`` read them; the names are the rollups' field names, and
#: ``first_category`` is the lowest category among the lines of the line's drop-off.
BATCH_LINES = (
    "day", "month", "district", "category", "methodology", "donor", "dropoff", "kg", "meals",
    "kgco2e", "first_category",
)  # fmt: skip
BATCH_DROPOFFS = ("day", "month", "district")


def _batch_sources(dropoff_ids: Sequence[int]) -> tuple[str, list]:
    """The ``WITH`` list naming a batch's lines and drop-offs, and its parameters."""
    day, month = F("dropoff__received_on"), TruncMonth("dropoff__received_on")
    lines = (
        DropOffLine.objects.filter(AnyOf("dropoff", dropoff_ids))
        .order_by()
        .annotate(
            b_day=day,
            b_month=month,
            b_district=F("dropoff__district_id"),
            b_category=F("category_id"),
            b_methodology=F("methodology_id"),
            b_donor=F("dropoff__donor_id"),
            b_dropoff=F("dropoff_id"),
            b_kg=F("weight_kg"),
            b_meals=F("meals"),
            b_kgco2e=F("kgco2e"),
            b_first_category=Window(Min("category_id"), partition_by=[F("dropoff_id")]),
        )
        .values_list(*(f"b_{name}" for name in BATCH_LINES))
    )
    dropoffs = (
        DropOff.objects.filter(AnyOf("pk", dropoff_ids))
        .order_by()
        .annotate(
            b_day=F("received_on"), b_month=TruncMonth("received_on"), b_district=F("district_id")
        )
        .values_list(*(f"b_{name}" for name in BATCH_DROPOFFS))
    )
    lines_sql, lines_params = lines.query.sql_with_params()
    dropoffs_sql, dropoffs_params = dropoffs.query.sql_with_params()
    sources = (
        f"batch ({', '.join(BATCH_LINES)}) AS ({lines_sql}), "
        f"batch_dropoffs ({', '.join(BATCH_DROPOFFS)}) AS ({dropoffs_sql})"
    )
    return sources, [*lines_params, *dropoffs_params]


def _batch_deltas() -> list[str]:
    """What a batch adds to each rollup, as ``INSERT ... SELECT`` from ``batch`` and
    ``batch_dropoffs``, in the order they must run as separate statements."""
    quote = connection.ops.quote_name
    deltas = []
    rollup: type[Model]
    for rollup, period in ((ImpactDaily, "day"), (ImpactMonthly, "month")):
        cell = ", ".join((period, *IMPACT_KEY))
        sums = "SUM(kg), SUM(meals), SUM(kgco2e), COUNT(*), COUNT(DISTINCT dropoff)"
        deltas.append(
            _insert(
                rollup,
                (period, *IMPACT_KEY, *IMPACT_SUMS),
                f"SELECT {cell}, {sums} FROM batch WHERE 1 = 1 GROUP BY {cell}",  # noqa: S608
                adding_on=(period, *IMPACT_KEY),
            )
        )
    for rollup, period in ((DropOffDaily, "day"), (DropOffMonthly, "month")):
        deltas.append(
            _insert(
                rollup,
                (period, "district", "dropoff_count"),
                f"SELECT {period}, district, COUNT(*) FROM batch_dropoffs "  # noqa: S608
                f"WHERE 1 = 1 GROUP BY {period}, district",
                adding_on=(period, "district"),
            )
        )
    # A donor's day in a cell counts into its month only if it is not recorded yet: the
    # months read the daily rows as they were before this batch.
    daily = {f.name: quote(str(f.column)) for f in DonorActivityDaily._meta.concrete_fields}
    same_cell = " AND ".join(
        f"recorded.{daily[name]} = batch.{name}" for name in ("day", *ACTIVITY_KEY)
    )
    cell = ", ".join(("month", *ACTIVITY_KEY))
    new_day = (
        f"CASE WHEN NOT EXISTS (SELECT 1 FROM {quote(DonorActivityDaily._meta.db_table)} "  # noqa: S608
        f"AS recorded WHERE {same_cell}) THEN day END"
    )
    deltas.append(
        _insert(
            DonorActivityMonthly,
            ("month", *ACTIVITY_KEY, "day_count", *DONOR_SUMS),
            f"SELECT {cell}, COUNT(DISTINCT {new_day}), {DONOR_SUMS_SQL} "  # noqa: S608
            f"FROM batch WHERE 1 = 1 GROUP BY {cell}",
            adding_on=("month", *ACTIVITY_KEY),
        )
    )
    deltas.append(_donor_days_delta())
    return deltas


def _donor_days_delta() -> str:
    """What a batch adds to the donors' days (``DonorActivityDaily``), from ``batch``."""
    cell = ", ".join(("day", *ACTIVITY_KEY))
    return _insert(
        DonorActivityDaily,
        ("day", *ACTIVITY_KEY, *DONOR_SUMS),
        f"SELECT {cell}, {DONOR_SUMS_SQL} FROM batch WHERE 1 = 1 GROUP BY {cell}",  # noqa: S608
        adding_on=("day", *ACTIVITY_KEY),
    )


@transaction.atomic
def add_to_rollups(*, dropoff_ids: Sequence[int], district_ids: Iterable[int]) -> None:
    """Add drop-offs that were just processed to the cells of their days and months.

    For drop-offs counted in no rollup yet: ``compute_impact`` turns each from received to
    processed once, under its row lock, and calls this in the same transaction (so a second
    delivery of the task adds nothing). ``district_ids`` are the drop-offs' districts,
    locked here. Every drop-off's lines are computed in one batch, with one methodology, so
    a batch's count of drop-offs in a cell is new to the cell.

    Each rollup gets an ``INSERT ... SELECT`` that adds the batch's sums onto the cells
    already there. On PostgreSQL they are one statement: the batch's lines are read once,
    and every part sees the rollups as they were before it.
    """
    if not dropoff_ids:
        return
    lock_districts(district_ids)
    sources, params = _batch_sources(dropoff_ids)
    deltas = _batch_deltas()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            parts = ", ".join(f"delta_{n} AS ({delta})" for n, delta in enumerate(deltas[:-1]))
            cursor.execute(f"WITH {sources}, {parts} {deltas[-1]}", params)
        else:
            for delta in deltas:
                cursor.execute(f"WITH {sources} {delta}", params)


@transaction.atomic
def refresh_rollups(*, cells: set[tuple[date, int]]) -> None:
    """Rebuild the rollups of these (day, district) cells and of the months holding them.

    Set-based, in rounds of ``CELLS_PER_ROUND`` cells: per daily rollup one delete and one
    ``INSERT ... SELECT`` from the lines; each month has the cells' old days taken off and
    their new ones added. The districts are locked first (``lock_districts``).
    """
    ordered = sorted((district_id, day) for day, district_id in cells)
    if not ordered:
        return
    lock_districts(district_id for district_id, _day in ordered)
    for start in range(0, len(ordered), CELLS_PER_ROUND):
        days_by_district: DaysByDistrict = defaultdict(set)
        for district_id, day in ordered[start : start + CELLS_PER_ROUND]:
            days_by_district[district_id].add(day)
        _rebuild(days_by_district)
