"""Filters on many values that PostgreSQL receives as arrays, one parameter each.

A batch of drop-offs names thousands of ids and (district, day) cells; as ``IN (%s, ...)``
lists they make statements that take longer to send and to plan than to run. Other
databases get the plain lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, Func
from django.db.models.sql.compiler import SQLCompiler

Compiled = tuple[str, list[Any]]
#: Rollup cells: the days of each district (by pk).
DaysByDistrict = dict[int, set[date]]


class AnyOf(Func):
    """Whether a row's ``column`` is one of ``ids``, as one filter expression."""

    output_field = BooleanField()

    def __init__(self, column: str, ids: Sequence[int]) -> None:
        super().__init__(F(column))
        self.ids = sorted(ids)

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> Compiled:
        if not self.ids:
            raise EmptyResultSet
        column, params = compiler.compile(self.get_source_expressions()[0])
        return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> Compiled:
        if not self.ids:
            raise EmptyResultSet
        column, params = compiler.compile(self.get_source_expressions()[0])
        return f"{column} = ANY(%s::bigint[])", [*params, self.ids]


class InCells(Func):
    """Whether a row's (district, day) is one of the cells, as one filter expression.

    PostgreSQL gets one join against two arrays, so planning stays flat however many cells
    a batch touches; other databases get one ``district = ? AND day IN (...)`` per district.
    """

    output_field = BooleanField()

    def __init__(self, district: str, day: str, days_by_district: DaysByDistrict) -> None:
        super().__init__(F(district), F(day))
        self.days_by_district = days_by_district

    def _columns(self, compiler: SQLCompiler) -> tuple[Compiled, Compiled]:
        district, day = (compiler.compile(e) for e in self.get_source_expressions())
        return (district[0], list(district[1])), (day[0], list(day[1]))

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> Compiled:
        (district, district_params), (day, day_params) = self._columns(compiler)
        branches, params = [], []
        for pk, days in sorted(self.days_by_district.items()):
            marks = ", ".join(["%s"] * len(days))
            branches.append(f"({district} = %s AND {day} IN ({marks}))")
            adapted = [connection.ops.adapt_datefield_value(one) for one in sorted(days)]
            params += [*district_params, pk, *day_params, *adapted]
        return f"({' OR '.join(branches)})", params

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> Compiled:
        (district, district_params), (day, day_params) = self._columns(compiler)
        pairs = sorted((pk, one) for pk, days in self.days_by_district.items() for one in days)
        # The columns are compiled by Django; the cells go as two array parameters.
        sql = f"({district}, {day}) IN (SELECT * FROM unnest(%s::bigint[], %s::date[]))"  # noqa: S608
        return sql, [*district_params, *day_params, [p[0] for p in pairs], [p[1] for p in pairs]]
