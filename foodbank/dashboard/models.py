"""The one link the other apps lack: which registered households a surplus distribution reached.

A distribution records a community and a head count; the people in it are mostly not
registered. When staff know that a registered household was among them, this row says so,
so that a household reached by surplus and helped from the store counts once city-wide.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DistributionHousehold(models.Model):
    """A registered household among the people a distribution of surplus reached."""

    distribution = models.ForeignKey(
        "donors.Distribution", on_delete=models.CASCADE, related_name="households_reached"
    )
    household = models.ForeignKey(
        "points.Household", on_delete=models.PROTECT, related_name="distributions_received"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["distribution", "pk"]
        verbose_name = _("household reached by a distribution")
        verbose_name_plural = _("households reached by distributions")
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "household"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.distribution_id} → {self.household_id}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ReportExport(models.Model):
    """A period report file made in the background for the person who asked for it.

    ``filters`` holds the dashboard's codes (period as ISO dates, district, group,
    category); the task applies them within the requester's scope again. Only the
    requester may see or download it, and it is removed a day after it was asked for.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_format = models.CharField(max_length=10, choices=ExportFormat.choices)
    filters = models.JSONField(default=dict)
    language = models.CharField(max_length=10)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(steps_done__lte=models.F("steps_total"))
                | models.Q(steps_total=0),
                name="%(app_label)s_%(class)s_steps_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_format} export {self.pk} ({self.status})"
