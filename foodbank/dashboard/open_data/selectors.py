"""Reads of the open data: the months as published, and today's figures to publish them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from donors.models import (
    Distribution,
    DonorActivityMonthly,
    DropOff,
    DropOffImport,
    DropOffMonthly,
    DropOffStatus,
    ImpactMonthly,
    ImportStatus,
)
from donors.selectors import ImpactFilter, first_of_next_month, methodologies_in_force
from points.models import Redemption

from ..models import DistributionHousehold, PublishedCell
from ..selectors import ZERO, as_date, during, local_midnight, on_days

#: The counts that describe people or organisations, and so are withheld when small.
COUNTS = ("dropoffs", "donors", "people_reached", "households_helped")
#: What the donors gave: withheld together (meals and kgCO2e are kg times a factor).
WEIGHTS = ("kg", "meals", "kgco2e")

#: A month's figures by district, as they would be published: ``None`` where withheld.
Figures = dict[tuple[date, int], dict[str, Decimal | int | None]]


def min_count() -> int:
    """Counts of people, households, donors and drop-offs below this are not published."""
    return settings.FOODBANK_OPEN_DATA_MIN_COUNT


def min_donors() -> int:
    """The weights given by fewer donors than this are not published, unless every one of
    them agreed to be named in publicity: one donor's weight, or two's, could be told."""
    return settings.FOODBANK_OPEN_DATA_MIN_DONORS


def dominance() -> Decimal:
    """Nor are weights where all but the two largest donors gave less than this share of the
    largest's (the p% rule): the second largest could tell the largest's within it."""
    return Decimal(settings.FOODBANK_OPEN_DATA_DOMINANCE_PERCENT) / 100


def delay_days() -> int:
    """Days after a month's end before it is published."""
    return settings.FOODBANK_OPEN_DATA_DELAY_DAYS


def last_due_month(today: date) -> date:
    """The first day of the last month that may be published on ``today``."""
    return previous_month(today - timedelta(days=delay_days()))


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def last_of_month(day: date) -> date:
    return first_of_next_month(day) - timedelta(days=1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from ``first``'s to ``last``'s."""
    months = [first.replace(day=1)]
    while months[-1] < last.replace(day=1):
        months.append(first_of_next_month(months[-1]))
    return months


# -- reading what was published ------------------------------------------------------------


@dataclass(frozen=True)
class OpenDataRow:
    """Impact of one district in one month as published: withheld figures are ``None`` and
    named in ``suppressed``; ``published_on`` is the day of the publication or its revision."""

    month: date
    district_code: str
    district_th: str
    district_en: str
    group_code: str
    kg: Decimal | None
    meals: Decimal | None
    kgco2e: Decimal | None
    dropoffs: int | None
    donors: int | None
    people_reached: int | None
    households_helped: int | None
    suppressed: list[str]
    published_on: date


def _month_range(start: date | None, end: date | None, field_name: str) -> Q:
    period = Q()
    if start is not None:
        period &= Q(**{f"{field_name}__gte": start.replace(day=1)})
    if end is not None:
        period &= Q(**{f"{field_name}__lte": end})
    return period


def open_data(*, date_from: date | None = None, date_to: date | None = None) -> list[OpenDataRow]:
    """The published months that ``date_from`` and ``date_to`` fall in, whole, by district."""
    cells = (
        PublishedCell.objects.filter(_month_range(date_from, date_to, "publication__month"))
        .select_related("publication", "district__group")
        .order_by("publication__month", "district__code")
    )
    return [_row(cell) for cell in cells]


def _row(cell: PublishedCell) -> OpenDataRow:
    publication, district = cell.publication, cell.district
    figures = {name: getattr(cell, name) for name in (*WEIGHTS, *COUNTS)}
    return OpenDataRow(
        month=publication.month,
        district_code=district.code,
        district_th=district.name_th,
        district_en=district.name_en,
        group_code=district.group.code,
        suppressed=[name for name, value in figures.items() if value is None],
        published_on=timezone.localdate(publication.revised_at or publication.published_at),
        **figures,
    )


# -- whether the figures are complete ------------------------------------------------------


def import_under_way() -> bool:
    """Whether a CSV import is waiting or running: its rows may fall in any month."""
    return DropOffImport.objects.filter(
        status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
    ).exists()


def _awaiting_impact(since: date | None, before: date) -> QuerySet[DropOff]:
    """Drop-offs received from ``since`` until ``before`` whose impact is not computed yet."""
    received = Q(status=DropOffStatus.RECEIVED, received_at__lt=local_midnight(before))
    if since is not None:
        received &= Q(received_at__gte=local_midnight(since))
    return DropOff.objects.filter(received)


def _received_days(since: date | None, before: date) -> dict[date, list[int]]:
    """The drop-offs awaiting impact by the day they count on (every received drop-off has
    its day: a database constraint, hence the cast)."""
    waiting: dict[date, list[int]] = defaultdict(list)
    for pk, day in _awaiting_impact(since, before).order_by("pk").values_list("pk", "received_on"):
        waiting[cast(date, day)].append(pk)
    return waiting


def first_month_awaiting_impact(*, since: date | None, before: date) -> date | None:
    """The month of the earliest drop-off received from ``since`` until ``before`` whose
    impact is on its way: not computed yet, with a methodology in force on its day."""
    in_force = methodologies_in_force(_received_days(since, before))
    return min(in_force).replace(day=1) if in_force else None


def stuck_without_impact(*, since: date | None, before: date) -> list[int]:
    """The drop-offs received from ``since`` until ``before`` whose impact waits for a
    methodology in force on their day: they would wait for ever, so nothing waits for them."""
    waiting = _received_days(since, before)
    in_force = methodologies_in_force(waiting)
    return sorted(pk for day, pks in waiting.items() if day not in in_force for pk in pks)


# -- today's figures, as they would be published --------------------------------------------


def current_figures(*, date_from: date | None = None, date_to: date | None = None) -> Figures:
    """Today's figures of the months ``date_from`` and ``date_to`` fall in, by district, with
    what may not be published withheld; read from the monthly rollups."""
    months = _month_range(date_from, date_to, "month")
    cells: dict[tuple[date, int], dict] = defaultdict(
        lambda: (
            dict.fromkeys(WEIGHTS, ZERO)
            | dict.fromkeys((*COUNTS, "unnamed"), 0)
            | {"largest": [ZERO, ZERO]}
        )
    )
    for row in (
        ImpactMonthly.objects.filter(months)
        .order_by()
        .values("month", "district_id")
        .annotate(kg=Sum("kg"), meals=Sum("meals"), kgco2e=Sum("kgco2e"))
    ):
        cells[(row["month"], row["district_id"])].update(
            kg=row["kg"], meals=row["meals"], kgco2e=row["kgco2e"]
        )
    for month, district, count in DropOffMonthly.objects.filter(months).values_list(
        "month", "district_id", "dropoff_count"
    ):
        cells[(month, district)]["dropoffs"] = count
    unnamed = Q(donor__publicity_consent=False)
    for month, district, count, not_named in (
        DonorActivityMonthly.objects.filter(months)
        .order_by()
        .values("month", "district_id")
        .annotate(
            donors=Count("donor_id", distinct=True),
            unnamed=Count("donor_id", distinct=True, filter=unnamed),
        )
        .values_list("month", "district_id", "donors", "unnamed")
    ):
        cells[(month, district)].update(donors=count, unnamed=not_named)
    for month, district, rank, given in _two_largest_donors(months):
        cells[(month, district)]["largest"][rank - 1] = given
    # Whole months, as the rollups above: up to the end of ``date_to``'s month, not the day.
    distributed = _month_range(date_from, None, "distributed_on")
    if date_to is not None:
        distributed &= Q(distributed_on__lte=last_of_month(date_to))
    for month, district, people in (
        Distribution.objects.filter(distributed)
        .annotate(month=TruncMonth("distributed_on"))
        .order_by()
        .values("month", "district_id")
        .annotate(people=Sum("people_reached"))
        .values_list("month", "district_id", "people")
    ):
        cells[(as_date(month), district)]["people_reached"] = people
    for (month, district), households in _households_by_month(date_from, date_to).items():
        cells[(month, district)]["households_helped"] = len(households)
    return {key: _withheld(figures) for key, figures in cells.items()}


def _households_by_month(start: date | None, end: date | None) -> dict[tuple[date, int], set[int]]:
    """Households helped per district and month, from the store and by surplus, each once."""
    where = ImpactFilter(
        date_from=start.replace(day=1) if start else None,
        date_to=last_of_month(end) if end else None,
    )
    helped: dict[tuple[date, int], set[int]] = defaultdict(set)
    store = (
        Redemption.objects.filter(during(where, "redeemed_at"))
        .annotate(month=TruncMonth("redeemed_at", tzinfo=timezone.get_default_timezone()))
        .values_list("month", "voucher__district_id", "voucher__household_id")
    )
    surplus = (
        DistributionHousehold.objects.filter(on_days(where, "distribution__distributed_on"))
        .annotate(month=TruncMonth("distribution__distributed_on"))
        .values_list("month", "distribution__district_id", "household_id")
    )
    for month, district, household in [*store, *surplus]:
        helped[(as_date(month), district)].add(household)
    return helped


def _two_largest_donors(months: Q) -> QuerySet:
    """(month, district, rank, kg) of the two donors who gave the most in each cell."""
    rank = Window(
        RowNumber(), partition_by=[F("month"), F("district_id")], order_by=F("given").desc()
    )
    return (
        DonorActivityMonthly.objects.filter(months)
        .order_by()
        .values("month", "district_id", "donor_id")
        .annotate(given=Sum("kg"))
        .annotate(rank=rank)
        .filter(rank__lte=2)
        .values_list("month", "district_id", "rank", "given")
    )


def _told_apart(figures: dict) -> bool:
    """Whether the cell's weights would tell what a donor who may not be named gave."""
    if not figures["kg"]:
        return False
    if not figures["donors"]:  # weights without their donors: nothing says they may be shown
        return True
    if not figures["unnamed"]:
        return False
    largest, second = figures["largest"]
    rest = figures["kg"] - largest - second
    return figures["donors"] < min_donors() or rest < dominance() * largest


def _withheld(figures: dict) -> dict[str, Decimal | int | None]:
    least = min_count()
    hidden = {name for name in COUNTS if 0 < figures[name] < least}
    if _told_apart(figures):
        hidden.update(WEIGHTS)
    return {name: None if name in hidden else figures[name] for name in (*WEIGHTS, *COUNTS)}
