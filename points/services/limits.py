"""Per-household limits a district sets (two bags of rice a month): checked when issuing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from donors.models import FoodCategory
from foodbank.accounts.models import User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.audit.models import Action
from foodbank.audit.services import record
from foodbank.districts.models import District
from inventory.models import Item

from ..errors import LimitReached
from ..models import Household, HouseholdLimit, LimitPeriod, VoucherLine, VoucherStatus


def period_of(period: str, today: date) -> tuple[date, date]:
    """The first day of the period holding ``today`` and the first day of the next one."""
    if period == LimitPeriod.WEEK:
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=7)
    start = today.replace(day=1)
    after = (start + timedelta(days=32)).replace(day=1)
    return start, after


def _covers(limit: HouseholdLimit, item: Item) -> bool:
    if limit.item_id is not None:
        return item.pk == limit.item_id
    return item.category_id == limit.category_id


def check_limits(household: Household, wanted: Sequence[tuple[Item, int]], today: date) -> None:
    """Refuse a basket that would pass one of the district's limits, naming it and its reset."""
    limits = HouseholdLimit.objects.filter(district=household.district).select_related(
        "item", "category"
    )
    for limit in limits:
        asked = sum(quantity for item, quantity in wanted if _covers(limit, item))
        if not asked:
            continue
        start, resets = period_of(limit.period, today)
        matching = Q(item=limit.item_id) if limit.item_id else Q(item__category=limit.category_id)
        taken = (
            VoucherLine.objects.filter(
                matching,
                voucher__household=household,
                voucher__status__in=[VoucherStatus.ISSUED, VoucherStatus.REDEEMED],
                voucher__created_at__date__gte=start,
            ).aggregate(total=Sum("quantity"))["total"]
            or 0
        )
        if taken + asked > limit.quantity:
            message = _(
                "Limit: %(quantity)d of %(what)s per %(period)s; %(taken)d taken already. "
                "It resets on %(resets)s."
            ) % {
                "quantity": limit.quantity,
                "what": str(limit.item or limit.category),
                "period": limit.get_period_display(),
                "taken": taken,
                "resets": resets,
            }
            raise LimitReached(message, fields={"lines": [message]})


@transaction.atomic
def set_limit(
    *,
    district: District,
    by: User,
    quantity: int,
    period: str,
    item: Item | None = None,
    category: FoodCategory | None = None,
) -> HouseholdLimit:
    """Set (or replace) the district's limit on an item or a food category."""
    ensure_can_act_in(by, district)
    limit, _created = HouseholdLimit.objects.update_or_create(
        district=district,
        item=item,
        category=None if item else category,
        defaults={"quantity": quantity, "period": period},
    )
    record(
        Action.VOUCHER_LIMIT,
        target=limit,
        by=by,
        district_id=district.pk,
        item=limit.item_id,
        category=limit.category_id,
        quantity=quantity,
        period=period,
    )
    return limit
