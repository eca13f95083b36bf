"""The city-wide catalogue of items a store can hold, and each district's prices and minimums."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from foodbank.districts.models import BilingualName

QUANTITY: dict[str, Any] = {"max_digits": 12, "decimal_places": 3}


class ItemKind(models.TextChoices):
    FOOD = "food", _("Food")
    TOILETRIES = "toiletries", _("Toiletries")
    HOUSEHOLD = "household", _("Household goods")
    OTHER = "other", _("Other goods")


class Item(BilingualName):
    """A catalogue entry. Food items name their food category; other goods name their kind.

    District staff may propose an item; it can be stocked once an admin approves it.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    category = models.ForeignKey(
        "donors.FoodCategory",
        verbose_name=_("food category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    unit = models.CharField(_("unit"), max_length=30, help_text=_("e.g. kg, bag, bottle"))
    points_price = models.PositiveIntegerField(_("points price"))
    barcode = models.CharField(_("barcode"), max_length=32, null=True, blank=True, unique=True)
    is_approved = models.BooleanField(_("approved"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name_en", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="food", category__isnull=False)
                | (~Q(kind="food") & Q(category__isnull=True)),
                name="%(app_label)s_%(class)s_food_has_category",
            ),
            models.CheckConstraint(
                condition=~Q(barcode=""), name="%(app_label)s_%(class)s_barcode_not_blank"
            ),
        ]

    @property
    def is_weighed(self) -> bool:
        """Whether the item is counted in kilograms (so a donated line's weight is its quantity)."""
        return self.unit.strip().lower() in {"kg", "กก.", "กิโลกรัม"}


class DistrictPrice(models.Model):
    """A district's own points price for an item, instead of the catalogue's."""

    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, related_name="item_prices"
    )
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="district_prices")
    points_price = models.PositiveIntegerField(_("points price"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["district", "item"]
        verbose_name = _("district price")
        verbose_name_plural = _("district prices")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "item"], name="%(app_label)s_%(class)s_one_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} @ {self.district}: {self.points_price}"


class MinimumLevel(models.Model):
    """Below this quantity on hand, the district's store is flagged as running low."""

    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, related_name="minimum_levels"
    )
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="minimum_levels")
    quantity = models.DecimalField(_("minimum quantity"), **QUANTITY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["district", "item"]
        verbose_name = _("minimum level")
        verbose_name_plural = _("minimum levels")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "item"], name="%(app_label)s_%(class)s_one_per_item"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="%(app_label)s_%(class)s_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} @ {self.district} ≥ {self.quantity}"
