"""Grants (with their approval) and the append-only points ledger of each household."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .assessments import Assessment
from .households import Household

#: What a staff member's free-text reason becomes when the household's data is erased.
ERASED_REASON = "—"


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Grant(models.Model):
    """Points staff award a household. Above the district's threshold a second staff member
    approves before the points count; only then is the grant written to the ledger."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="grants")
    points = models.PositiveIntegerField(_("points"))
    recommended_points = models.PositiveIntegerField(_("recommended"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    validity_days = models.PositiveIntegerField(_("valid for (days)"))
    status = models.CharField(_("status"), max_length=10, choices=GrantStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gt=0), name="%(app_label)s_%(class)s_points_positive"
            ),
            models.CheckConstraint(
                condition=Q(points=F("recommended_points")) | ~Q(reason=""),
                name="%(app_label)s_%(class)s_reason_when_not_recommended",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="%(app_label)s_%(class)s_approved_by_another",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | ~Q(status="pending") & Q(decided_at__isnull=False),
                name="%(app_label)s_%(class)s_decided_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household}: {self.points} ({self.get_status_display()})"


class EntryKind(models.TextChoices):
    GRANT = "grant", _("Grant")
    VOUCHER_DEBIT = "voucher_debit", _("Voucher")
    VOUCHER_REFUND = "voucher_refund", _("Voucher refund")
    EXPIRY = "expiry", _("Expiry")
    CORRECTION = "correction", _("Correction")


ENTRY_SHAPES = (
    Q(kind="grant", points__gt=0, grant__isnull=False, expires_on__isnull=False)
    | Q(kind="voucher_debit", points__lt=0)
    | Q(kind="voucher_refund", points__gt=0, refers_to__isnull=False)
    | Q(kind="expiry", points__lt=0, refers_to__isnull=False)
    | (Q(kind="correction", refers_to__isnull=False) & ~Q(points=0))
)


class PointsEntry(models.Model):
    """One change to a household's points: who, when, why and what it refers to.

    Rows are never changed or deleted (on PostgreSQL a trigger refuses it); a correction is
    a new entry referring to the one it corrects. The one change allowed is erasing the
    ``reason`` (to ``ERASED_REASON``) with the household's personal data. ``created_by`` is
    empty only for what the scheduled tasks write: expiries, and refunds of vouchers that
    expired.
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    grant = models.OneToOneField(
        Grant, on_delete=models.PROTECT, null=True, blank=True, related_name="entry"
    )
    refers_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="followed_by"
    )
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        constraints = [
            models.CheckConstraint(
                condition=ENTRY_SHAPES, name="%(app_label)s_%(class)s_sign_fits_kind"
            ),
            models.CheckConstraint(
                condition=Q(created_by__isnull=False) | Q(kind__in=["expiry", "voucher_refund"]),
                name="%(app_label)s_%(class)s_attributable",
            ),
            models.UniqueConstraint(
                fields=["refers_to"],
                condition=Q(kind="voucher_refund"),
                name="%(app_label)s_%(class)s_one_refund_per_debit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d} ({self.household})"


class PointsAllocation(models.Model):
    """Which grant an entry's points came from (positive) or went back to (negative).

    Spending takes the earliest-expiring valid grant first; a refund or a correction of a
    debit gives the points back to the grants they came from. A grant's points left are its
    points, plus its corrections, less its allocations and expiries. Rows are never changed.
    """

    entry = models.ForeignKey(PointsEntry, on_delete=models.PROTECT, related_name="allocations")
    grant = models.ForeignKey(PointsEntry, on_delete=models.PROTECT, related_name="spent_by")
    points = models.IntegerField(_("points"))

    class Meta:
        ordering = ["entry", "pk"]
        verbose_name = _("points allocation")
        verbose_name_plural = _("points allocations")
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="%(app_label)s_%(class)s_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.grant_id}: {self.points:+d}"
