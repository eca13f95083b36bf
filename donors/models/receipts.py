from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .dropoffs import Donor, DropOff, Language


class ReceiptKind(models.TextChoices):
    RECEIPT = "receipt", _("Drop-off receipt")
    STATEMENT = "statement", _("Yearly statement")


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")


class ReceiptEmail(models.Model):
    """A drop-off receipt or a yearly statement e-mailed to a donor: who asked, to where, when.

    The address and language are the donor's at the time of asking, so the record says where
    the e-mail went even if the donor's details change later. ``requested_by`` is empty for a
    receipt sent automatically to a donor who opted in; each drop-off has at most one of those.
    """

    kind = models.CharField(_("what"), max_length=10, choices=ReceiptKind.choices)
    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="receipt_emails", verbose_name=_("donor")
    )
    dropoff = models.ForeignKey(
        DropOff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipt_emails",
        verbose_name=_("drop-off"),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    to_address = models.EmailField(_("sent to"))
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    automatic = models.BooleanField(_("sent automatically"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("receipt e-mail")
        verbose_name_plural = _("receipt e-mails")
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ReceiptKind.RECEIPT, dropoff__isnull=False, year__isnull=True)
                | Q(kind=ReceiptKind.STATEMENT, dropoff__isnull=True, year__isnull=False),
                name="%(app_label)s_%(class)s_receipt_or_statement",
            ),
            models.CheckConstraint(
                condition=Q(automatic=True, requested_by__isnull=True)
                | Q(automatic=False, requested_by__isnull=False),
                name="%(app_label)s_%(class)s_attributable",
            ),
            models.CheckConstraint(
                condition=~Q(status=EmailStatus.SENT) | Q(sent_at__isnull=False),
                name="%(app_label)s_%(class)s_sent_has_time",
            ),
            models.UniqueConstraint(
                fields=["dropoff"],
                condition=Q(automatic=True),
                name="%(app_label)s_%(class)s_one_automatic_per_dropoff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_address} ({self.status})"
