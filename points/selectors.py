"""Reads of households and points, always within the reader's scope."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Window
from django.utils.translation import gettext_lazy as _

from foodbank.accounts.models import Role, User
from foodbank.accounts.scoping import scope_to_district
from foodbank.districts.models import District
from inventory.models import Item
from inventory.selectors import points_prices, store_stock

from .models import DIMENSIONS, Assessment, Grant, Household, PointsEntry, Voucher


def _latest(field: str) -> Subquery:
    latest = Assessment.objects.filter(household=OuterRef("pk")).order_by(
        "-assessed_on", "-created_at", "-pk"
    )
    return Subquery(latest.values(field)[:1])


#: Where a household stands in the programme: (label, filter), for lists.
STANDINGS = {
    "in": (_("In the programme"), Q(left_on__isnull=True)),
    "left": (_("Left, data kept"), Q(left_on__isnull=False, erased_at__isnull=True)),
    "erased": (_("Left, data erased"), Q(erased_at__isnull=False)),
    "all": (_("All"), Q()),
}


def households_visible_to(
    user: User | AnonymousUser,
    *,
    search: str = "",
    min_need: int | None = None,
    unassessed: bool = False,
    standing: str = "all",
) -> QuerySet[Household]:
    """Staff see their district's households, admins all, with the latest assessment;
    ``standing`` is a key of ``STANDINGS``."""
    score = sum((F(f"latest_{name}") for name in DIMENSIONS[1:]), F(f"latest_{DIMENSIONS[0]}"))
    households = (
        Household.objects.select_related("district")
        .annotate(
            latest_assessed_on=_latest("assessed_on"),
            **{f"latest_{name}": _latest(name) for name in DIMENSIONS},
        )
        .annotate(latest_need_score=score)
        .filter(STANDINGS[standing][1])
    )
    if search:
        households = households.filter(head_name__icontains=search)
    if min_need is not None:
        households = households.filter(**{"latest_need_score__gte": min_need})
    if unassessed:
        households = households.filter(**{"latest_assessed_on__isnull": True})
    return scope_to_district(households, user)


def households_in_reach(user: User | AnonymousUser | None) -> QuerySet[Household]:
    """The households a user may name in a request: a recipient their own, staff their
    district's, admins every one, no user none. Any other answers as if it did not exist."""
    if not isinstance(user, User):
        return Household.objects.none()
    if user.role == Role.RECIPIENT:
        return Household.objects.filter(account=user)
    return scope_to_district(Household.objects.all(), user)


def own_household(user: User | AnonymousUser) -> Household | None:
    if not isinstance(user, User) or user.role != Role.RECIPIENT:
        return None
    return Household.objects.filter(account=user).select_related("district").first()


def statement(household: Household) -> QuerySet[PointsEntry]:
    """Every entry, oldest first, each with the balance after it."""
    running = Window(Sum("points"), order_by=[F("created_at").asc(), F("pk").asc()])
    return (
        household.entries.select_related("created_by", "refers_to", "grant")
        .annotate(balance_after=running)
        .order_by("created_at", "pk")
    )


def entries_visible_to(user: User | AnonymousUser) -> QuerySet[PointsEntry]:
    entries = PointsEntry.objects.select_related("household__district", "created_by")
    return scope_to_district(entries, user, district_field="household__district")


def grants_visible_to(user: User | AnonymousUser) -> QuerySet[Grant]:
    grants = Grant.objects.select_related("household__district", "requested_by", "decided_by")
    return scope_to_district(grants, user, district_field="household__district")


def assessments_visible_to(user: User | AnonymousUser) -> QuerySet[Assessment]:
    assessments = Assessment.objects.select_related("household", "assessed_by")
    return scope_to_district(assessments, user, district_field="household__district")


def ledger_mismatches() -> list[int]:
    """Households whose balance differs from the sum of their entries (should be none)."""
    sums = (
        PointsEntry.objects.filter(household=OuterRef("pk"))
        .values("household")
        .annotate(total=Sum("points"))
        .values("total")
    )
    households = Household.objects.annotate(
        ledger=Subquery(sums, output_field=IntegerField())
    ).only("balance")
    return [h.pk for h in households if h.balance != (h.ledger or 0)]


def vouchers_visible_to(user: User | AnonymousUser) -> QuerySet[Voucher]:
    """Staff see their district's vouchers, admins all, a recipient their household's."""
    vouchers = Voucher.objects.select_related("household", "district", "key").prefetch_related(
        "lines__item"
    )
    if isinstance(user, User) and user.role == Role.RECIPIENT:
        return vouchers.filter(household__account=user)
    return scope_to_district(vouchers, user)


def shelf_for(district: District) -> list[tuple[Item, int, Decimal]]:
    """What a household can choose in a district's store: item, points price, available."""
    rows = [row for row in store_stock(district) if row.available and row.available >= 1]
    prices = points_prices(rows, district)
    return [(row, prices[row.pk], row.available) for row in rows]
