from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .dropoffs import KG, MAX_LINE_KG, FoodCategory


class Distribution(models.Model):
    """Surplus a district passed on directly: to whom, when, and how many people it reached."""

    district = models.ForeignKey(
        "districts.District",
        on_delete=models.PROTECT,
        related_name="distributions",
        verbose_name=_("district"),
    )
    distributed_on = models.DateField(_("date"))
    recipient_group = models.CharField(_("community or group"), max_length=200)
    people_reached = models.PositiveIntegerField(_("people reached"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-distributed_on", "-pk"]
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        indexes = [models.Index(fields=["district", "distributed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_reached__gt=0),
                name="%(app_label)s_%(class)s_people_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.distributed_on} {self.recipient_group} ({self.people_reached})"


class DistributionLine(models.Model):
    """Kilograms of one food category in a distribution."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="lines")
    category = models.ForeignKey(FoodCategory, on_delete=models.PROTECT, related_name="+")
    weight_kg = models.DecimalField(_("weight (kg)"), **KG)

    class Meta:
        ordering = ["distribution", "category__sort_order"]
        verbose_name = _("distribution line")
        verbose_name_plural = _("distribution lines")
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "category"], name="%(app_label)s_%(class)s_one_per_category"
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__gt=0, weight_kg__lte=MAX_LINE_KG),
                name="%(app_label)s_%(class)s_weight_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.weight_kg} kg"
