"""Where a household's points come from: each grant is a bucket that spending empties
earliest-expiry first, refunds refill, and expiry closes. The caller holds the household's
lock; these helpers only read and append."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ..errors import InsufficientPoints
from ..models import EntryKind, Household, PointsAllocation, PointsEntry


def points_left(household: Household) -> dict[int, int]:
    """Points left in each grant entry of the household (by entry id)."""
    left: dict[int, int] = defaultdict(int)
    entries = household.entries.filter(
        kind__in=[EntryKind.GRANT, EntryKind.CORRECTION, EntryKind.EXPIRY]
    ).select_related("refers_to")
    for entry in entries:
        if entry.kind == EntryKind.GRANT:
            left[entry.pk] += entry.points
        elif entry.refers_to is not None and entry.refers_to.kind == EntryKind.GRANT:
            left[entry.refers_to.pk] += entry.points  # corrections and expiries of a grant
    spent = (
        PointsAllocation.objects.filter(grant__household=household)
        .values_list("grant_id")
        .annotate(total=Sum("points"))
    )
    for grant_id, total in spent:
        left[grant_id] -= total
    return dict(left)


def grants_with_points_left() -> QuerySet[PointsEntry]:
    """Grant entries with points left, found in SQL (for the nightly expiry run)."""
    changes = (
        PointsEntry.objects.filter(refers_to=OuterRef("pk"))
        .values("refers_to")
        .annotate(total=Sum("points"))
        .values("total")
    )
    spent = (
        PointsAllocation.objects.filter(grant=OuterRef("pk"))
        .values("grant")
        .annotate(total=Sum("points"))
        .values("total")
    )
    return (
        PointsEntry.objects.filter(kind=EntryKind.GRANT)
        .annotate(
            left=F("points")
            + Coalesce(Subquery(changes, output_field=IntegerField()), 0)
            - Coalesce(Subquery(spent, output_field=IntegerField()), 0)
        )
        .filter(left__gt=0)
    )


def take(entry: PointsEntry, points: int, today: date) -> None:
    """Spend ``points`` for ``entry`` from the valid grants, earliest expiry first."""
    left = points_left(entry.household)
    grants = PointsEntry.objects.filter(
        pk__in=[pk for pk, n in left.items() if n > 0], expires_on__gte=today
    ).order_by("expires_on", "pk")
    owed = points
    for grant in grants:
        if owed == 0:
            break
        part = min(owed, left[grant.pk])
        PointsAllocation.objects.create(entry=entry, grant=grant, points=part)
        owed -= part
    if owed:
        raise InsufficientPoints(_("Some of these points are no longer valid."))


def give_back(entry: PointsEntry, debit: PointsEntry, points: int) -> None:
    """Return ``points`` that ``debit`` spent to the grants they came from, latest first."""
    taken = (
        PointsAllocation.objects.filter(entry__in=[debit, *debit.followed_by.all()])
        .values("grant")
        .annotate(total=Sum("points"))
        .order_by("-grant__expires_on", "-grant")
    )
    owed = points
    for row in taken:
        part = min(owed, row["total"])
        if part > 0:
            grant = PointsEntry(pk=row["grant"])
            PointsAllocation.objects.create(entry=entry, grant=grant, points=-part)
            owed -= part
        if owed == 0:
            return
    raise InsufficientPoints(_("More than this voucher took."))
