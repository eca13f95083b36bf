"""Lots in a district's store and the append-only ledger of their movements."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .catalogue import QUANTITY, Item


class LotSource(models.TextChoices):
    DONATION = "donation", _("Donation")
    PURCHASE = "purchase", _("Purchase")
    TRANSFER = "transfer", _("Transfer")


class Lot(models.Model):
    """A quantity of one item in one district's store, with one expiry date.

    ``on_hand`` and ``reserved`` are running sums of the lot's movements, kept in the same
    transaction as each movement so the database constraints can hold them: never below
    zero, never more reserved than on hand. ``inventory.selectors.ledger_mismatches`` checks
    them against the ledger and ``rebuild_lot_balances`` rebuilds them from it.
    """

    district = models.ForeignKey(
        "districts.District", on_delete=models.PROTECT, related_name="lots"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="lots")
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=LotSource.choices)
    dropoff_line = models.OneToOneField(
        "donors.DropOffLine",
        verbose_name=_("donated line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lot",
    )
    transfer_line = models.OneToOneField(
        "inventory.TransferLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_lot",
    )
    on_hand = models.DecimalField(_("on hand"), **QUANTITY, default=0)
    reserved = models.DecimalField(_("reserved"), **QUANTITY, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["district", "item", F("expiry_date").asc(nulls_last=True), "pk"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        indexes = [models.Index(fields=["district", "item", "expiry_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_hand__gte=0), name="%(app_label)s_%(class)s_on_hand_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="%(app_label)s_%(class)s_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")),
                name="%(app_label)s_%(class)s_reserved_within_on_hand",
            ),
            models.CheckConstraint(
                condition=Q(source="donation", dropoff_line__isnull=False)
                | (~Q(source="donation") & Q(dropoff_line__isnull=True)),
                name="%(app_label)s_%(class)s_donation_names_its_line",
            ),
            models.CheckConstraint(
                condition=Q(source="transfer", transfer_line__isnull=False)
                | (~Q(source="transfer") & Q(transfer_line__isnull=True)),
                name="%(app_label)s_%(class)s_transfer_names_its_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} #{self.pk}"

    @property
    def available(self):
        return self.on_hand - self.reserved


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    RESERVATION = "reservation", _("Reservation")
    RELEASE = "release", _("Release")
    ISSUE = "issue", _("Issue")
    WRITE_OFF = "write_off", _("Spoilage write-off")
    ADJUSTMENT = "adjustment", _("Stock-take adjustment")


def _kind(*kinds: str) -> Q:
    return Q(kind__in=kinds)


#: The sign each kind of movement may have, on the quantity on hand and the quantity reserved.
MOVEMENT_SHAPES = (
    _kind("receipt", "transfer_in") & Q(on_hand_change__gt=0, reserved_change=0)
    | _kind("transfer_out", "write_off") & Q(on_hand_change__lt=0, reserved_change=0)
    | _kind("reservation") & Q(on_hand_change=0, reserved_change__gt=0)
    | _kind("release") & Q(on_hand_change=0, reserved_change__lt=0)
    | _kind("issue")
    & Q(on_hand_change__lt=0)
    & (Q(reserved_change=0) | Q(reserved_change=F("on_hand_change")))
    | _kind("adjustment") & ~Q(on_hand_change=0) & Q(reserved_change=0)
)


class Movement(models.Model):
    """One change to one lot: who, when, why. Rows are never changed or deleted.

    ``created_by`` is empty only for stock released by the scheduled expiry of vouchers.

    On PostgreSQL a trigger refuses UPDATE and DELETE on this table; corrections are new
    movements.
    """

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    on_hand_change = models.DecimalField(_("change on hand"), **QUANTITY)
    reserved_change = models.DecimalField(_("change reserved"), **QUANTITY, default=0)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    transfer = models.ForeignKey(
        "inventory.Transfer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
    )
    stock_take = models.ForeignKey(
        "inventory.StockTake",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        constraints = [
            models.CheckConstraint(
                condition=MOVEMENT_SHAPES, name="%(app_label)s_%(class)s_sign_fits_kind"
            ),
            models.CheckConstraint(
                condition=Q(created_by__isnull=False) | Q(kind="release"),
                name="%(app_label)s_%(class)s_attributable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on_hand_change} ({self.lot})"
