from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .dropoffs import FACTOR, IMPACT, KG, Donor, FoodCategory


class Methodology(models.Model):
    """Factors that turn kilograms into meals and kgCO2e, in force from a date.

    The methodology in force on a day is the one with the latest ``effective_from`` on or
    before it. Once a line has been computed with it, it is never edited: a change is a new
    version.
    """

    name = models.CharField(_("name"), max_length=80)
    version = models.PositiveIntegerField(_("version"), default=1)
    effective_from = models.DateField(_("in force from"), unique=True)
    meals_per_kg = models.DecimalField(_("meals per kg (default)"), **FACTOR)
    kgco2e_per_kg = models.DecimalField(_("kgCO2e per kg (default)"), **FACTOR)
    source = models.TextField(_("source"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("methodology")
        verbose_name_plural = _("methodologies")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="%(app_label)s_%(class)s_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(meals_per_kg__gte=0, kgco2e_per_kg__gte=0),
                name="%(app_label)s_%(class)s_factors_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"


class MethodologyFactor(models.Model):
    """A methodology's factors for one food category, overriding its defaults."""

    methodology = models.ForeignKey(Methodology, on_delete=models.CASCADE, related_name="factors")
    category = models.ForeignKey(FoodCategory, on_delete=models.PROTECT, related_name="+")
    meals_per_kg = models.DecimalField(_("meals per kg"), **FACTOR)
    kgco2e_per_kg = models.DecimalField(_("kgCO2e per kg"), **FACTOR)

    class Meta:
        ordering = ["methodology", "category__sort_order"]
        verbose_name = _("methodology factor")
        verbose_name_plural = _("methodology factors")
        constraints = [
            models.UniqueConstraint(
                fields=["methodology", "category"], name="%(app_label)s_%(class)s_one_per_category"
            ),
            models.CheckConstraint(
                condition=Q(meals_per_kg__gte=0, kgco2e_per_kg__gte=0),
                name="%(app_label)s_%(class)s_factors_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.methodology} · {self.category}"


class ImpactRecomputation(models.Model):
    """The audit record of an explicit recomputation with a chosen methodology."""

    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(
        "districts.District", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    lines_recomputed = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impact recomputation")
        verbose_name_plural = _("impact recomputations")

    def __str__(self) -> str:
        return f"{self.methodology} ({self.lines_recomputed} lines)"


class ImpactDaily(models.Model):
    """Rollup of computed drop-off lines per local day, district, category and methodology.

    Rebuilt from the lines for each touched (day, district), so it can always be checked
    against them; the dashboard reads only this.
    """

    day = models.DateField()
    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(FoodCategory, on_delete=models.CASCADE, related_name="+")
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="+")
    kg = models.DecimalField(**KG | {"max_digits": 18})
    meals = models.DecimalField(**IMPACT | {"max_digits": 30})
    kgco2e = models.DecimalField(**IMPACT | {"max_digits": 30})
    line_count = models.PositiveIntegerField()
    dropoff_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["day", "district", "category"]
        verbose_name = _("daily impact")
        verbose_name_plural = _("daily impact")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "district", "category", "methodology"],
                name="%(app_label)s_%(class)s_unique_cell",
            ),
        ]
        indexes = [models.Index(fields=["district", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.district_id} {self.category_id}: {self.kg} kg"


class DonorActivityDaily(models.Model):
    """That a donor gave food of a category in a district on a day: counts distinct donors."""

    day = models.DateField()
    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(FoodCategory, on_delete=models.CASCADE, related_name="+")
    donor = models.ForeignKey(Donor, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["day", "district", "category", "donor"]
        verbose_name = _("daily donor activity")
        verbose_name_plural = _("daily donor activity")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "district", "category", "donor"],
                name="%(app_label)s_%(class)s_unique_cell",
            ),
        ]
        indexes = [models.Index(fields=["district", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.district_id} {self.donor_id}"


class DropOffDaily(models.Model):
    """Rollup of processed drop-offs per local day and district, whatever their categories."""

    day = models.DateField()
    district = models.ForeignKey("districts.District", on_delete=models.CASCADE, related_name="+")
    dropoff_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["day", "district"]
        verbose_name = _("daily drop-offs")
        verbose_name_plural = _("daily drop-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "district"], name="%(app_label)s_%(class)s_unique_cell"
            ),
        ]
        indexes = [models.Index(fields=["district", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.district_id}: {self.dropoff_count}"
