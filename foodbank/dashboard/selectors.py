"""Reads behind the impact dashboard, the period report and the city's open data.

Surplus figures (kg, meals, kgCO2e, drop-offs, donors) come from the impact rollups through
``donors.selectors``; nothing here reads drop-off lines. Store figures (households helped,
points) are read from redemptions, vouchers and grants, which are orders of magnitude fewer
rows than lines, with the period and place in the query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import get_language

from donors.models import (
    ImpactDaily,
)
from donors.selectors import (
    ImpactFilter,
    ImpactSummary,
    TopDonor,
    impact_breakdown,
    impact_summary,
    top_donors,
)
from foodbank.accounts.models import Role, User
from foodbank.districts.models import District, DistrictGroup
from inventory.models import DistrictPrice, Item, Lot
from points.models import EntryKind, Household, PointsEntry, Redemption, Voucher

from .models import DistributionHousehold

ZERO = Decimal("0")


# -- period and place ---------------------------------------------------------------------


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def during(where: ImpactFilter, moment: str) -> Q:
    """Timestamps ``moment`` on the period's local days (the city's calendar)."""
    period = Q()
    if where.date_from is not None:
        period &= Q(**{f"{moment}__gte": local_midnight(where.date_from)})
    if where.date_to is not None:
        period &= Q(**{f"{moment}__lt": local_midnight(where.date_to + timedelta(days=1))})
    return period


def on_days(where: ImpactFilter, day: str) -> Q:
    period = Q()
    if where.date_from is not None:
        period &= Q(**{f"{day}__gte": where.date_from})
    if where.date_to is not None:
        period &= Q(**{f"{day}__lte": where.date_to})
    return period


def _in_place(where: ImpactFilter, district: str) -> Q:
    place = Q()
    if where.district_id is not None:
        place &= Q(**{f"{district}_id": where.district_id})
    if where.group_id is not None:
        place &= Q(**{f"{district}__group_id": where.group_id})
    return place


# -- headline figures ---------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdsHelped:
    """Registered households helped in the period: from the store, by surplus, and both
    counted once (a household reached both ways is one household)."""

    from_store: int
    by_surplus: int
    once: int


@dataclass(frozen=True)
class DashboardFigures:
    """The headline figures of a period and place. Store figures are ``None`` when a food
    category is chosen: vouchers and points are not split by category."""

    impact: ImpactSummary
    households: HouseholdsHelped | None
    points_granted: int | None
    points_redeemed: int | None


def _store_households(where: ImpactFilter) -> QuerySet:
    """Households whose voucher was handed over at a counter in the period."""
    return (
        Redemption.objects.filter(
            during(where, "redeemed_at"), _in_place(where, "voucher__district")
        )
        .order_by()
        .values("voucher__household_id")
    )


def _surplus_households(where: ImpactFilter) -> QuerySet:
    """Registered households recorded among the people a distribution reached."""
    return (
        DistributionHousehold.objects.filter(
            on_days(where, "distribution__distributed_on"),
            _in_place(where, "distribution__district"),
        )
        .order_by()
        .values("household_id")
    )


def households_helped_list(where: ImpactFilter) -> QuerySet[Household]:
    """The households behind ``households_helped().once``, each once, with how they were
    helped (``from_store``, ``by_surplus``)."""
    store, surplus = _store_households(where), _surplus_households(where)
    return (
        Household.objects.filter(Q(pk__in=store) | Q(pk__in=surplus))
        .select_related("district")
        .annotate(from_store=Exists(store.filter(voucher__household=OuterRef("pk"))))
        .annotate(by_surplus=Exists(surplus.filter(household=OuterRef("pk"))))
        .order_by("district__code", "pk")
    )


def households_helped(where: ImpactFilter) -> HouseholdsHelped:
    store, surplus = _store_households(where), _surplus_households(where)
    return HouseholdsHelped(
        from_store=Household.objects.filter(pk__in=store).count(),
        by_surplus=Household.objects.filter(pk__in=surplus).count(),
        once=Household.objects.filter(Q(pk__in=store) | Q(pk__in=surplus)).count(),
    )


def grant_entries(where: ImpactFilter) -> QuerySet[PointsEntry]:
    """Grant entries written in the period, and the corrections made to grants then."""
    granted = Q(kind=EntryKind.GRANT) | Q(
        kind=EntryKind.CORRECTION, refers_to__kind=EntryKind.GRANT
    )
    return PointsEntry.objects.filter(
        granted, during(where, "created_at"), _in_place(where, "household__district")
    )


def points_granted(where: ImpactFilter) -> int:
    """Grant entries written in the period, net of the corrections made to grants then."""
    return grant_entries(where).aggregate(points=Sum("points"))["points"] or 0


def redeemed_vouchers(where: ImpactFilter) -> QuerySet[Voucher]:
    """The vouchers handed over at a counter in the period."""
    return Voucher.objects.filter(
        during(where, "redemption__redeemed_at"),
        _in_place(where, "district"),
        redemption__isnull=False,
    )


def points_redeemed(where: ImpactFilter) -> int:
    """Points of the vouchers handed over at a counter in the period."""
    return redeemed_vouchers(where).aggregate(points=Sum("points"))["points"] or 0


def dashboard_figures(where: ImpactFilter) -> DashboardFigures:
    by_category = where.category_id is not None
    return DashboardFigures(
        impact=impact_summary(where),
        households=None if by_category else households_helped(where),
        points_granted=None if by_category else points_granted(where),
        points_redeemed=None if by_category else points_redeemed(where),
    )


# -- series for the charts ----------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One bar of a chart and one line of its table."""

    key: str
    name_th: str
    name_en: str
    kg: Decimal
    meals: Decimal
    kgco2e: Decimal
    lines: int = 0
    rank: int = 0

    @property
    def name(self) -> str:
        return self.name_th if (get_language() or "th").startswith("th") else self.name_en


def _rows(breakdown: list[dict]) -> list[Row]:
    return [
        Row(
            key=row["key"],
            name_th=row["name_th"],
            name_en=row["name_en"],
            kg=row["kg"] or ZERO,
            meals=row["meals"] or ZERO,
            kgco2e=row["kgco2e"] or ZERO,
            lines=row["lines"] or 0,
        )
        for row in breakdown
    ]


def by_month(where: ImpactFilter) -> list[Row]:
    return _rows(impact_breakdown(where, by="month"))


def by_week(where: ImpactFilter) -> list[Row]:
    """Totals per ISO week (``key`` is the week's Monday) from the daily rollups."""
    cells = ImpactDaily.objects.filter(on_days(where, "day"), _in_place(where, "district"))
    if where.category_id is not None:
        cells = cells.filter(category_id=where.category_id)
    weeks = (
        cells.annotate(week=TruncWeek("day"))
        .values("week")
        .annotate(kg=Sum("kg"), meals=Sum("meals"), kgco2e=Sum("kgco2e"), lines=Sum("line_count"))
        .order_by("week")
    )
    return [
        Row(
            key=as_date(row["week"]).isoformat(),
            name_th=as_date(row["week"]).isoformat(),
            name_en=as_date(row["week"]).isoformat(),
            kg=row["kg"],
            meals=row["meals"],
            kgco2e=row["kgco2e"],
            lines=row["lines"],
        )
        for row in weeks
    ]


def as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def by_category(where: ImpactFilter) -> list[Row]:
    return _rows(impact_breakdown(where, by="category"))


def by_group(where: ImpactFilter) -> list[Row]:
    """Every group in the place, largest first; groups with nothing show as zero."""
    found = {row.key: row for row in _rows(impact_breakdown(where, by="group"))}
    groups = DistrictGroup.objects.all()
    if where.group_id is not None:
        groups = groups.filter(pk=where.group_id)
    if where.district_id is not None:
        groups = groups.filter(districts=where.district_id)
    return _ranked(
        found.get(group.code) or _empty(group.code, group.name_th, group.name_en)
        for group in groups
    )


def by_district(where: ImpactFilter) -> list[Row]:
    """Every district in the place (all 50 city-wide), ranked by kg; none is left out."""
    found = {row.key: row for row in _rows(impact_breakdown(where, by="district"))}
    districts = District.objects.filter(_in_place_of_district(where))
    return _ranked(
        found.get(district.code) or _empty(district.code, district.name_th, district.name_en)
        for district in districts
    )


def _in_place_of_district(where: ImpactFilter) -> Q:
    place = Q()
    if where.district_id is not None:
        place &= Q(pk=where.district_id)
    if where.group_id is not None:
        place &= Q(group_id=where.group_id)
    return place


def _empty(key: str, name_th: str, name_en: str) -> Row:
    return Row(key=key, name_th=name_th, name_en=name_en, kg=ZERO, meals=ZERO, kgco2e=ZERO)


def _ranked(rows: Iterable[Row]) -> list[Row]:
    ordered = sorted(rows, key=lambda row: (-row.kg, row.key))
    return [
        Row(**{**row.__dict__, "rank": position}) for position, row in enumerate(ordered, start=1)
    ]


@dataclass(frozen=True)
class Dashboard:
    figures: DashboardFigures
    months: list[Row]
    weeks: list[Row]
    groups: list[Row]
    districts: list[Row]
    categories: list[Row]
    donors: list[TopDonor]


#: How many donors the dashboard and the report name.
TOP_DONORS = 10


def dashboard(where: ImpactFilter) -> Dashboard:
    return Dashboard(
        figures=dashboard_figures(where),
        months=by_month(where),
        weeks=by_week(where),
        groups=by_group(where),
        districts=by_district(where),
        categories=by_category(where),
        donors=top_donors(where, limit=TOP_DONORS),
    )


# -- outstanding points against stock on hand ---------------------------------------------


@dataclass(frozen=True)
class StockCover:
    """A district's unspent points against the points value of the stock it can hand out.

    ``stock_points`` values each item's available, unexpired quantity at the district's
    price (the catalogue's where it has none), rounded down to whole points.
    """

    district: District
    outstanding_points: int
    stock_points: int

    @property
    def difference(self) -> int:
        """Positive: more stock than points can claim; negative: points the stock cannot meet."""
        return self.stock_points - self.outstanding_points

    @property
    def cover_percent(self) -> int | None:
        if not self.outstanding_points:
            return None
        return self.stock_points * 100 // self.outstanding_points


@dataclass(frozen=True)
class SuggestedTransfer:
    from_district: District
    to_district: District
    points: int
    same_group: bool


@dataclass(frozen=True)
class StockCoverReport:
    districts: list[StockCover]
    transfers: list[SuggestedTransfer] = field(default_factory=list)


def _stock_points() -> dict[int, int]:
    today = timezone.localdate()
    fresh = Q(expiry_date__isnull=True) | Q(expiry_date__gte=today)
    available = (
        Lot.objects.filter(fresh, on_hand__gt=F("reserved"))
        .order_by()
        .values("district_id", "item_id")
        .annotate(quantity=Sum(F("on_hand") - F("reserved")))
    )
    own_prices = {
        (price.district_id, price.item_id): price.points_price
        for price in DistrictPrice.objects.all()
    }
    catalogue = dict(Item.objects.values_list("pk", "points_price"))
    worth: dict[int, Decimal] = defaultdict(Decimal)
    for row in available:
        district, item = row["district_id"], row["item_id"]
        price = own_prices.get((district, item), catalogue[item])
        worth[district] += row["quantity"] * price
    return {
        district: int(value.to_integral_value(rounding=ROUND_FLOOR))
        for district, value in worth.items()
    }


def stock_cover(viewer: User) -> StockCoverReport:
    """Every district's points against its stock, and transfers that would even them out.

    Transfers are suggested from districts whose stock is worth more than their households'
    points to districts short of stock, largest first, within the same district group before
    across groups. Admins see the city; district staff their district and the transfers to
    or from it.
    """
    outstanding = dict(
        Household.objects.order_by()
        .values("district_id")
        .annotate(points=Sum("balance"))
        .values_list("district_id", "points")
    )
    stock = _stock_points()
    covers = [
        StockCover(
            district=district,
            outstanding_points=outstanding.get(district.pk) or 0,
            stock_points=stock.get(district.pk, 0),
        )
        for district in District.objects.select_related("group")
    ]
    transfers = _suggested_transfers(covers)
    if viewer.role != Role.ADMIN:
        mine = viewer.district_id
        covers = [cover for cover in covers if cover.district.pk == mine]
        transfers = [
            move for move in transfers if mine in (move.from_district.pk, move.to_district.pk)
        ]
    covers.sort(key=lambda cover: (cover.difference, cover.district.code))
    return StockCoverReport(districts=covers, transfers=transfers)


def _suggested_transfers(covers: list[StockCover]) -> list[SuggestedTransfer]:
    spare = {cover.district.pk: cover.difference for cover in covers if cover.difference > 0}
    short = {cover.district.pk: -cover.difference for cover in covers if cover.difference < 0}
    districts = {cover.district.pk: cover.district for cover in covers}
    suggestions: list[SuggestedTransfer] = []
    for same_group in (True, False):
        for needy in sorted(short, key=lambda pk: (-short[pk], districts[pk].code)):
            for giver in sorted(spare, key=lambda pk: (-spare[pk], districts[pk].code)):
                if short[needy] == 0:
                    break
                together = districts[giver].group_id == districts[needy].group_id
                if spare[giver] == 0 or (same_group and not together):
                    continue
                points = min(spare[giver], short[needy])
                spare[giver] -= points
                short[needy] -= points
                suggestions.append(
                    SuggestedTransfer(districts[giver], districts[needy], points, together)
                )
    return suggestions
