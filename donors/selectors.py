"""Reads of surplus rescue: the methodology in force, and impact figures from the rollups."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import MAX_PREC, ROUND_HALF_UP, Context, Decimal, localcontext
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils.translation import gettext as _

from foodbank.accounts.models import Role, User
from foodbank.accounts.scoping import scope_to_district
from foodbank.districts.models import District, DistrictGroup

from .errors import NoMethodologyInForce
from .models import (
    Distribution,
    Donor,
    DonorActivityDaily,
    DonorActivityMonthly,
    DropOff,
    DropOffDaily,
    DropOffImport,
    DropOffLine,
    DropOffMonthly,
    DropOffStatus,
    FoodCategory,
    ImpactDaily,
    ImpactMonthly,
    Methodology,
)
from .models.dropoffs import IMPACT, KG

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


def methodologies_in_force(days: Iterable[date]) -> dict[date, Methodology]:
    """The methodology in force on each day, in one query; days before the first are left out."""
    versions = list(Methodology.objects.order_by("effective_from"))
    starts = [methodology.effective_from for methodology in versions]
    in_force = {}
    for day in set(days):
        index = bisect_right(starts, day)
        if index:
            in_force[day] = versions[index - 1]
    return in_force


def dropoffs_visible_to(user: User | AnonymousUser) -> QuerySet[DropOff]:
    """Drop-offs a user may see: their district's for staff, all for admins, own for donors."""
    dropoffs = DropOff.objects.select_related("donor", "district", "received_by")
    if isinstance(user, User) and user.role == Role.DONOR:
        return dropoffs.filter(donor__account=user)
    return scope_to_district(dropoffs, user)


def imports_visible_to(user: User | AnonymousUser) -> QuerySet[DropOffImport]:
    """Imported files a user may see: all for admins, those uploaded by staff of their own
    district for district staff (a file's rows name any district, so its uploader's decides)."""
    imports = DropOffImport.objects.defer("content")
    return scope_to_district(imports, user, district_field="created_by__district")


@dataclass(frozen=True)
class DropOffFilter:
    """Which drop-offs a list shows; the dashboard links its figures to them with these."""

    date_from: date | None = None
    date_to: date | None = None
    district: District | None = None
    district_group: DistrictGroup | None = None
    category: FoodCategory | None = None
    status: str = ""
    donor: Donor | None = None


def dropoffs_matching(dropoffs: QuerySet[DropOff], where: DropOffFilter) -> QuerySet[DropOff]:
    """The drop-offs received on the period's days, in the place, with a line of the
    category, of the status and donor chosen (each only when given)."""
    lookups = {
        "received_on__gte": where.date_from,
        "received_on__lte": where.date_to,
        "district": where.district,
        "district__group": where.district_group,
        "donor": where.donor,
        "status": where.status or None,
    }
    chosen = {key: value for key, value in lookups.items() if value is not None}
    dropoffs = dropoffs.filter(**chosen)
    if where.category is not None:
        lines = DropOffLine.objects.filter(dropoff=OuterRef("pk"), category=where.category)
        dropoffs = dropoffs.filter(Exists(lines))
    return dropoffs


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


def first_of_next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=31)).replace(day=1)


def _months_and_days(where: ImpactFilter) -> tuple[Q | None, Q | None]:
    """Split the period into whole months (a filter on ``month``) and the days left (on ``day``).

    Either is ``None`` when there is none. An open end takes every month on its side; the
    days left are the partial months at the ends.
    """
    start, end = where.date_from, where.date_to
    first = start if start is None or start.day == 1 else first_of_next_month(start)
    after = None if end is None else first_of_next_month(end)
    if end is not None and after != end + timedelta(days=1):
        after = end.replace(day=1)
    if first is not None and after is not None and first >= after:
        return None, Q(day__gte=start, day__lte=end)
    months, days = Q(), []
    if first is not None:
        months &= Q(month__gte=first)
        if start is not None and start < first:
            days.append(Q(day__gte=start, day__lt=first))
    if after is not None:
        months &= Q(month__lt=after)
        if end is not None and after <= end:
            days.append(Q(day__gte=after, day__lte=end))
    return months, reduce(or_, days) if days else None


def _covering(
    daily: type[Model], monthly: type[Model], where: ImpactFilter, *, by_category: bool = True
) -> list[QuerySet]:
    """The rollup rows covering the period and place: whole months from ``monthly``, the
    partial months at the ends from ``daily`` (a month's row is the sum of its days)."""
    place = {
        "district_id": where.district_id,
        "district__group_id": where.group_id,
        "category_id": where.category_id if by_category else None,
    }
    chosen = {key: value for key, value in place.items() if value is not None}
    months, days = _months_and_days(where)
    return [
        rollup._default_manager.filter(period, **chosen)
        for rollup, period in ((monthly, months), (daily, days))
        if period is not None
    ]


def _distinct_donors(parts: list[QuerySet], where: ImpactFilter) -> int:
    """Donors who gave in any of the parts, each counted once.

    City-wide, a donor has rows in many districts, categories and months, and there are
    far fewer donors than rows: each donor is one probe of the (donor, month) or
    (donor, day) index. Within a district or group the rows are few, and their distinct
    donors are collected instead of probing every donor in the city.
    """
    if where.district_id is None and where.group_id is None:
        gave = reduce(or_, (Q(Exists(part.filter(donor=OuterRef("pk")))) for part in parts))
        return Donor.objects.filter(gave).count()
    donors = [part.order_by().values("donor_id") for part in parts]
    if len(donors) == 1:
        return donors[0].distinct().count()
    return donors[0].union(*donors[1:]).count()


def _total(values: Iterable[Decimal | None]) -> Decimal:
    """The exact sum of partial sums (the default context would round past 28 digits)."""
    with localcontext(Context(prec=MAX_PREC)):
        return sum((value for value in values if value is not None), ZERO)


def impact_summary(where: ImpactFilter) -> ImpactSummary:
    """Totals for a period and place from the rollups, unrounded.

    Whole months come from the monthly rollups and the partial months at the ends from the
    daily ones: a year of whole months reads 12 rows per district, category and methodology
    instead of 365.
    """
    # One row per part and methodology: the sums and the methodologies in one query each.
    sums = [
        row
        for part in _covering(ImpactDaily, ImpactMonthly, where)
        for row in part.order_by()
        .values("methodology_id")
        .annotate(
            total_kg=Sum("kg"),
            total_meals=Sum("meals"),
            total_kgco2e=Sum("kgco2e"),
            dropoffs=Sum("dropoff_count"),
        )
    ]
    distributions = _filtered(Distribution.objects.all(), where, day="distributed_on")
    if where.category_id is not None:
        distributions = distributions.filter(lines__category_id=where.category_id).distinct()
        dropoffs = sum(row["dropoffs"] for row in sums)
    else:
        dropoffs = sum(
            part.aggregate(n=Sum("dropoff_count"))["n"] or 0
            for part in _covering(DropOffDaily, DropOffMonthly, where, by_category=False)
        )
    return ImpactSummary(
        kg=_total(row["total_kg"] for row in sums),
        meals=_total(row["total_meals"] for row in sums),
        kgco2e=_total(row["total_kgco2e"] for row in sums),
        dropoffs=dropoffs,
        donors=_distinct_donors(_covering(DonorActivityDaily, DonorActivityMonthly, where), where),
        people_reached=Distribution.objects.filter(pk__in=distributions.values("pk")).aggregate(
            n=Sum("people_reached")
        )["n"]
        or 0,
        methodologies=_methodology_labels({row["methodology_id"] for row in sums}),
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


@dataclass(frozen=True)
class TopDonor:
    """What one donor gave in a period and place (unrounded)."""

    donor_id: int
    name: str
    kind: str
    kg: Decimal
    meals: Decimal
    kgco2e: Decimal
    dropoffs: int


def top_donors(where: ImpactFilter, *, limit: int = 10) -> list[TopDonor]:
    """The donors who gave the most kg in the period and place, largest first.

    Read from the donor rollups like ``impact_summary``: whole months from the monthly
    rows, the partial months from the daily ones, summed per donor in one query. With a
    food category chosen, drop-offs are those with a line of it; otherwise each counts once.
    """
    dropoffs = "dropoff_count" if where.category_id is not None else "dropoff_count_once"
    parts = [
        part.order_by().values_list("donor_id", "kg", "meals", "kgco2e", dropoffs)
        for part in _covering(DonorActivityDaily, DonorActivityMonthly, where)
    ]
    if not parts:
        return []
    selects: list[str] = []
    params: list[Any] = []
    for part in parts:
        sql, part_params = part.query.sql_with_params()
        selects.append(sql)
        params.extend(part_params)
    rows = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS part" for sql in selects)  # noqa: S608
    # The union's columns are named after the first part's: the rollups' own columns.
    quote = connection.ops.quote_name
    donor, kg, meals, co2, count = map(quote, ("donor_id", "kg", "meals", "kgco2e", dropoffs))
    statement = (
        f"SELECT {donor}, SUM({kg}), SUM({meals}), SUM({co2}), SUM({count}) "  # noqa: S608
        f"FROM ({rows}) AS given GROUP BY {donor} ORDER BY SUM({kg}) DESC, {donor} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, limit])
        totals = cursor.fetchall()
    donors = Donor.objects.in_bulk([row[0] for row in totals])
    return [
        TopDonor(
            donor_id=pk,
            name=donors[pk].name,
            kind=donors[pk].kind,
            kg=_decimal(kg, KG_PLACES),
            meals=_decimal(meals, IMPACT_PLACES),
            kgco2e=_decimal(co2, IMPACT_PLACES),
            dropoffs=int(count),
        )
        for pk, kg, meals, co2, count in totals
        if pk in donors
    ]


KG_PLACES = Decimal(10) ** -KG["decimal_places"]
IMPACT_PLACES = Decimal(10) ** -IMPACT["decimal_places"]


def _decimal(value: object, places: Decimal) -> Decimal:
    """A sum as the database gives it, as a ``Decimal``. SQLite sums decimals as floats;
    like Django's own reading of them, they are taken to the column's places."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value or 0)).quantize(places)


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
