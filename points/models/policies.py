"""Points policies: the city's rules, and each district's adjustment within its limits."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CityPolicy(models.Model):
    """The city default (one row), and the limits within which districts may adjust it."""

    points_per_member = models.PositiveIntegerField(_("points per household member"))
    points_per_dependant = models.PositiveIntegerField(
        _("points per elderly, child, disabled or bedridden member")
    )
    max_award = models.PositiveIntegerField(_("largest recommended award"))
    validity_days = models.PositiveIntegerField(_("days granted points stay valid"))
    approval_threshold = models.PositiveIntegerField(
        _("grants above this need a second staff member's approval")
    )
    min_district_percent = models.PositiveIntegerField(_("districts may scale down to (%)"))
    max_district_percent = models.PositiveIntegerField(_("districts may scale up to (%)"))
    min_validity_days = models.PositiveIntegerField(_("shortest validity a district may set"))
    max_validity_days = models.PositiveIntegerField(_("longest validity a district may set"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("city points policy")
        verbose_name_plural = _("city points policy")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="%(app_label)s_%(class)s_one_row"),
            models.CheckConstraint(
                condition=Q(min_district_percent__lte=100, max_district_percent__gte=100),
                name="%(app_label)s_%(class)s_percent_limits_include_100",
            ),
            models.CheckConstraint(
                condition=Q(min_validity_days__gte=1)
                & Q(min_validity_days__lte=F("validity_days"))
                & Q(validity_days__lte=F("max_validity_days")),
                name="%(app_label)s_%(class)s_validity_within_limits",
            ),
        ]

    def __str__(self) -> str:
        return str(_("City points policy"))


class NeedBand(models.Model):
    """From this need score (sum of the five dimensions, 0 to 20) up, the base award."""

    min_score = models.PositiveSmallIntegerField(_("from need score"), unique=True)
    points = models.PositiveIntegerField(_("base points"))

    class Meta:
        ordering = ["min_score"]
        verbose_name = _("need band")
        verbose_name_plural = _("need bands")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_score__lte=20), name="%(app_label)s_%(class)s_score_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"≥ {self.min_score}: {self.points}"


class DistrictPolicy(models.Model):
    """A district's adjustment: its awards scaled, its own validity and approval threshold."""

    district = models.OneToOneField(
        "districts.District", on_delete=models.CASCADE, related_name="points_policy"
    )
    percent = models.PositiveIntegerField(_("awards scaled to (%)"), default=100)
    validity_days = models.PositiveIntegerField(_("validity (days)"), null=True, blank=True)
    approval_threshold = models.PositiveIntegerField(
        _("approval above (points)"), null=True, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["district"]
        verbose_name = _("district points policy")
        verbose_name_plural = _("district points policies")

    def __str__(self) -> str:
        return f"{self.district}: {self.percent}%"
