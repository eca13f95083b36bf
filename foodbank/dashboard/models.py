"""The dashboard's own tables: which registered households a surplus distribution reached,
report exports made in the background, and the city's open data as it was published.

A distribution records a community and a head count; the people in it are mostly not
registered. When staff know that a registered household was among them,
``DistributionHousehold`` says so, so that a household reached by surplus and helped from
the store counts once city-wide.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donors.models.dropoffs import IMPACT, KG


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


class PublishedMonth(models.Model):
    """A month of the city's open data, fixed when it was published.

    Two readings of a month must never differ: the difference would tell what one donor
    gave in between. So a month's figures are written down once, when it is published, and
    read from here ever after; only a revision by hand (``OpenDataRevision``) replaces them.
    ``revised_at`` is the latest revision's.
    """

    month = models.DateField(_("month"), unique=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    revised_at = models.DateTimeField(_("revised at"), null=True, blank=True)

    class Meta:
        ordering = ["month"]
        verbose_name = _("published month of open data")
        verbose_name_plural = _("published months of open data")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="%(app_label)s_%(class)s_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class OpenDataRevision(models.Model):
    """A published month published again with the figures of the day, by an administrator,
    and why (a mistake corrected, history imported after publication began)."""

    publication = models.ForeignKey(
        PublishedMonth, on_delete=models.PROTECT, related_name="revisions"
    )
    revised_at = models.DateTimeField(_("revised at"), default=timezone.now)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        ordering = ["publication", "revised_at"]
        verbose_name = _("revision of open data")
        verbose_name_plural = _("revisions of open data")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="%(app_label)s_%(class)s_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication} {self.revised_at:%Y-%m-%d}"


class PublishedCell(models.Model):
    """One district's figures in a published month, as published: ``None`` where withheld
    (a count too small to publish, or weights that would tell what a donor gave)."""

    publication = models.ForeignKey(PublishedMonth, on_delete=models.CASCADE, related_name="cells")
    district = models.ForeignKey("districts.District", on_delete=models.PROTECT, related_name="+")
    kg = models.DecimalField(**KG | {"max_digits": 18}, null=True)
    meals = models.DecimalField(**IMPACT | {"max_digits": 30}, null=True)
    kgco2e = models.DecimalField(**IMPACT | {"max_digits": 30}, null=True)
    dropoffs = models.PositiveIntegerField(null=True)
    donors = models.PositiveIntegerField(null=True)
    people_reached = models.PositiveBigIntegerField(null=True)
    households_helped = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["publication", "district"]
        verbose_name = _("published open-data cell")
        verbose_name_plural = _("published open-data cells")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "district"], name="%(app_label)s_%(class)s_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kg__isnull=True, meals__isnull=True, kgco2e__isnull=True)
                | models.Q(kg__isnull=False, meals__isnull=False, kgco2e__isnull=False),
                name="%(app_label)s_%(class)s_weights_withheld_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication} {self.district_id}"
