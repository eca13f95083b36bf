"""Alerts raised by the scheduled stock checks: lots near expiry, items below minimum."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalogue import QUANTITY, Item


class AlertKind(models.TextChoices):
    EXPIRING = "expiring", _("Expiring soon")
    LOW_STOCK = "low_stock", _("Below minimum")


class StockAlert(models.Model):
    """Open while its condition holds; the next check resolves it when it no longer does."""

    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, related_name="stock_alerts"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    lot = models.ForeignKey(
        "inventory.Lot", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["district", "kind", "expiry_date", "pk"]
        verbose_name = _("stock alert")
        verbose_name_plural = _("stock alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["lot"],
                condition=Q(kind="expiring", resolved_at__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_lot",
            ),
            models.UniqueConstraint(
                fields=["district", "item"],
                condition=Q(kind="low_stock", resolved_at__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_item",
            ),
            models.CheckConstraint(
                condition=Q(kind="expiring", lot__isnull=False)
                | Q(kind="low_stock", lot__isnull=True),
                name="%(app_label)s_%(class)s_lot_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.item}"
