"""Vouchers: a household's chosen items, paid in points and set aside in the store, handed
over once at a counter. Also the signing keys of their QR codes and the household cards."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .households import Household


class SigningKey(models.Model):
    """An Ed25519 key that signs QR tokens. The newest active key signs; older keys keep
    verifying until the codes they signed have expired. The private half is encrypted."""

    kid = models.PositiveIntegerField(_("key id"), unique=True)
    public_key = models.CharField(_("public key (base64url)"), max_length=64)
    private_key_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(_("stopped signing at"), null=True, blank=True)

    class Meta:
        ordering = ["-kid"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self) -> str:
        return f"key {self.kid}"


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", _("Ready to collect")
    REDEEMED = "redeemed", _("Collected")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class Voucher(models.Model):
    """Items chosen with points: the points are debited and the stock reserved when issued."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="vouchers")
    district = models.ForeignKey(
        "districts.District", on_delete=models.PROTECT, related_name="vouchers"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=VoucherStatus.choices, default=VoucherStatus.ISSUED
    )
    points = models.PositiveIntegerField(_("points"))
    expires_on = models.DateField(_("collect by"))
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="vouchers")
    debit = models.OneToOneField(
        "points.PointsEntry", on_delete=models.PROTECT, related_name="voucher"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("cancelled or expired at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        indexes = [models.Index(fields=["status", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["issued", "redeemed"], closed_at__isnull=True)
                | Q(status__in=["cancelled", "expired"], closed_at__isnull=False),
                name="%(app_label)s_%(class)s_closed_when_cancelled_or_expired",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Voucher')} {self.pk}"


class VoucherLine(models.Model):
    voucher = models.ForeignKey(Voucher, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("inventory.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    points_each = models.PositiveIntegerField(_("points each"))

    class Meta:
        ordering = ["voucher_id", "pk"]
        verbose_name = _("voucher line")
        verbose_name_plural = _("voucher lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="%(app_label)s_%(class)s_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.quantity}"


class VoucherAllocation(models.Model):
    """Which lot holds the stock reserved for a voucher line (FEFO may split a line)."""

    line = models.ForeignKey(VoucherLine, on_delete=models.CASCADE, related_name="allocations")
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=3)

    class Meta:
        ordering = ["line_id", "lot_id"]

    def __str__(self) -> str:
        return f"{self.lot}: {self.quantity}"


class Redemption(models.Model):
    """The one hand-over of a voucher; the unique voucher makes a second one impossible."""

    voucher = models.OneToOneField(Voucher, on_delete=models.PROTECT, related_name="redemption")
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    counter = models.CharField(_("counter"), max_length=60, blank=True)
    redeemed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-redeemed_at"]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")

    def __str__(self) -> str:
        return f"{self.voucher} @ {self.redeemed_at:%Y-%m-%d %H:%M}"


class HouseholdCard(models.Model):
    """A printed card with a signed member code; reissuing one revokes the one before."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="cards")
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="cards")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("household card")
        verbose_name_plural = _("household cards")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(revoked_at__isnull=True),
                name="%(app_label)s_%(class)s_one_valid_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Card')} {self.pk}"


class LimitPeriod(models.TextChoices):
    WEEK = "week", _("week")
    MONTH = "month", _("month")


class HouseholdLimit(models.Model):
    """At most ``quantity`` of an item (or of a food category) per household per period."""

    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, related_name="household_limits"
    )
    item = models.ForeignKey(
        "inventory.Item", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        "donors.FoodCategory", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("at most"))
    period = models.CharField(_("per"), max_length=10, choices=LimitPeriod.choices)

    class Meta:
        ordering = ["district", "pk"]
        verbose_name = _("household limit")
        verbose_name_plural = _("household limits")
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, category__isnull=True)
                | Q(item__isnull=True, category__isnull=False),
                name="%(app_label)s_%(class)s_item_or_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item or self.category} ≤ {self.quantity}/{self.period}"
