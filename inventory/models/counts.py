"""Stock-takes: counting what is really on the shelves."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalogue import QUANTITY


class StockTakeStatus(models.TextChoices):
    OPEN = "open", _("Counting")
    CLOSED = "closed", _("Closed")


class StockTake(models.Model):
    """A count of one store. Closing it turns every difference into an adjustment."""

    district = models.ForeignKey(
        "districts.District", on_delete=models.PROTECT, related_name="stock_takes"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=StockTakeStatus.choices, default=StockTakeStatus.OPEN
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("stock-take")
        verbose_name_plural = _("stock-takes")
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(status="open"),
                name="%(app_label)s_%(class)s_one_open_per_store",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False, closed_by__isnull=False),
                name="%(app_label)s_%(class)s_closed_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.started_at:%Y-%m-%d} #{self.pk}"


class CountLine(models.Model):
    """The quantity counted of one lot, beside what the ledger said at that moment.

    The store keeps working while a count is open, so the difference is taken when the lot
    is counted, not when the count closes. A later count of the same lot replaces it.
    """

    stock_take = models.ForeignKey(StockTake, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, related_name="+")
    counted_quantity = models.DecimalField(_("counted"), **QUANTITY)
    on_hand_when_counted = models.DecimalField(_("on hand when counted"), **QUANTITY)
    on_hand_at_close = models.DecimalField(
        _("on hand when closed"), **QUANTITY, null=True, blank=True
    )
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    counted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stock_take", "lot"]
        verbose_name = _("count line")
        verbose_name_plural = _("count lines")
        constraints = [
            models.UniqueConstraint(
                fields=["stock_take", "lot"], name="%(app_label)s_%(class)s_one_per_lot"
            ),
            models.CheckConstraint(
                condition=Q(counted_quantity__gte=0),
                name="%(app_label)s_%(class)s_counted_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot}: {self.counted_quantity}"
