"""Stock sent from one district's store to another's."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .catalogue import QUANTITY, Item


class TransferStatus(models.TextChoices):
    IN_TRANSIT = "in_transit", _("In transit")
    RECEIVED = "received", _("Received")


class Transfer(models.Model):
    """Stock on its way between two stores: sent in one transaction, confirmed on arrival."""

    from_district = models.ForeignKey(
        "districts.District",
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_district = models.ForeignKey(
        "districts.District",
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TransferStatus.choices,
        default=TransferStatus.IN_TRANSIT,
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_district=F("to_district")),
                name="%(app_label)s_%(class)s_between_two_stores",
            ),
            models.CheckConstraint(
                condition=Q(status="in_transit", received_at__isnull=True)
                | Q(status="received", received_at__isnull=False, received_by__isnull=False),
                name="%(app_label)s_%(class)s_received_when_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_district} → {self.to_district} #{self.pk}"


class TransferLine(models.Model):
    """What left one lot of the sending store, and how much of it arrived."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    from_lot = models.ForeignKey(
        "inventory.Lot", on_delete=models.PROTECT, related_name="transfer_lines"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity sent"), **QUANTITY)
    received_quantity = models.DecimalField(
        _("quantity received"), **QUANTITY, null=True, blank=True
    )

    class Meta:
        ordering = ["transfer", "pk"]
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="%(app_label)s_%(class)s_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__isnull=True) | Q(received_quantity__gte=0),
                name="%(app_label)s_%(class)s_received_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.quantity}"

    @property
    def difference(self):
        if self.received_quantity is None:
            return None
        return self.received_quantity - self.quantity
