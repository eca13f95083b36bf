"""The catalogue: admins keep it, district staff propose items and set their own prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from foodbank.accounts.models import Role, User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.districts.models import District

from ..errors import AdminOnly
from ..models import DistrictPrice, Item, MinimumLevel
from .stock import check_quantity


@transaction.atomic
def add_item(*, by: User, **fields: Any) -> Item:
    """An admin's item is in the catalogue at once; district staff's waits for approval."""
    if by.role not in (Role.ADMIN, Role.DISTRICT_STAFF):
        raise AdminOnly()
    fields["barcode"] = (fields.get("barcode") or "").strip() or None
    item = Item(**fields)
    item.is_approved = by.role == Role.ADMIN
    item.proposed_by = None if item.is_approved else by
    _save(item)
    return item


def _save(item: Item) -> None:
    """Save after checking; two saves of one barcode at once get the same clear answer."""
    item.full_clean()
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as error:
        message = _("An item with this barcode already exists.")
        raise ValidationError({"barcode": [message]}) from error


@transaction.atomic
def update_item(*, item: Item, by: User, **fields: Any) -> Item:
    if by.role != Role.ADMIN:
        raise AdminOnly()
    for name, value in fields.items():
        setattr(item, name, value)
    if "barcode" in fields:
        item.barcode = (item.barcode or "").strip() or None
    _save(item)
    return item


@transaction.atomic
def approve_item(*, item: Item, by: User) -> Item:
    if by.role != Role.ADMIN:
        raise AdminOnly()
    item.is_approved = True
    item.save(update_fields=["is_approved", "updated_at"])
    return item


@transaction.atomic
def set_district_price(
    *, district: District, item: Item, points_price: int, by: User
) -> DistrictPrice:
    ensure_can_act_in(by, district)
    price = DistrictPrice(district=district, item=item, points_price=points_price)
    price.full_clean(validate_unique=False, validate_constraints=False)
    price, _created = DistrictPrice.objects.update_or_create(
        district=district, item=item, defaults={"points_price": points_price}
    )
    return price


@transaction.atomic
def set_minimum_level(
    *, district: District, item: Item, quantity: Decimal, by: User
) -> MinimumLevel:
    ensure_can_act_in(by, district)
    check_quantity(quantity)
    level, _created = MinimumLevel.objects.update_or_create(
        district=district, item=item, defaults={"quantity": quantity}
    )
    return level
