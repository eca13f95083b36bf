"""Recording surplus passed on to people in the district."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from foodbank.accounts.models import User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.districts.models import District

from ..models import Distribution, DistributionLine, FoodCategory


@transaction.atomic
def record_distribution(
    *,
    district: District,
    distributed_on: date,
    recipient_group: str,
    people_reached: int,
    by: User,
    lines: Sequence[tuple[FoodCategory, Decimal]] = (),
    notes: str = "",
) -> Distribution:
    """Food went out to a community or group; the people reached count in the impact."""
    ensure_can_act_in(by, district)
    if distributed_on > timezone.localdate():
        raise ValidationError({"distributed_on": [_("The date cannot be in the future.")]})
    categories = [category.pk for category, _kg in lines]
    if len(set(categories)) != len(categories):
        raise ValidationError({"lines": [_("Give each category once.")]})
    distribution = Distribution(
        district=district,
        distributed_on=distributed_on,
        recipient_group=recipient_group,
        people_reached=people_reached,
        notes=notes,
        recorded_by=by,
    )
    distribution.full_clean()
    distribution.save()
    DistributionLine.objects.bulk_create(
        DistributionLine(distribution=distribution, category=category, weight_kg=kg)
        for category, kg in lines
    )
    return distribution
