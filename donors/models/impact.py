from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .dropoffs import FACTOR, IMPACT, KG, Donor, FoodCategory

#: A rollup's reference to what it counts; why not a database foreign key: see ``ImpactDaily``.
ROLLUP_KEY: dict[str, Any] = {"related_name": "+", "db_constraint": False}


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

    Each computed batch of drop-offs is added to it; a recomputation rebuilds the (day,
    district) cells it touched from the lines. Either way it equals the lines and can be
    checked against them; the dashboard reads only this and ``ImpactMonthly``.

    The rollups' references are not database foreign keys (``ROLLUP_KEY``): each row is
    computed, in the transaction that writes it, from lines and drop-offs whose own foreign
    keys the database checks, and those keep the rows referred to from being deleted.
    Checking them again for every rollup row was about a third of the time of computing
    impact. Deletions through Django still cascade or protect as declared.
    """

    day = models.DateField()
    #: Indexed as the first column of (district, day), not on its own.
    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, db_index=False, **ROLLUP_KEY
    )
    category = models.ForeignKey(FoodCategory, on_delete=models.CASCADE, **ROLLUP_KEY)
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, **ROLLUP_KEY)
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


class DonorImpact(models.Model):
    """What a donor gave in a cell of a rollup: the sums behind the top donors.

    ``dropoff_count`` counts the drop-offs with a line of the cell's category (for figures
    of one category); ``dropoff_count_once`` counts each drop-off in one cell only, that of
    the lowest category id among its lines, so that its sum over categories counts every
    drop-off once. A drop-off's lines are always rolled up together, so the lowest category
    is known when they are.
    """

    kg = models.DecimalField(**KG | {"max_digits": 18}, default=0)
    meals = models.DecimalField(**IMPACT | {"max_digits": 30}, default=0)
    kgco2e = models.DecimalField(**IMPACT | {"max_digits": 30}, default=0)
    line_count = models.IntegerField(default=0)
    dropoff_count = models.IntegerField(default=0)
    dropoff_count_once = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DonorActivityDaily(DonorImpact):
    """What a donor gave of a category in a district on a day: counts distinct donors, and
    is the daily rollup per donor (``DonorImpact``)."""

    day = models.DateField()
    #: Indexed as the first column of (district, day), not on its own.
    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, db_index=False, **ROLLUP_KEY
    )
    category = models.ForeignKey(FoodCategory, on_delete=models.CASCADE, **ROLLUP_KEY)
    #: Indexed as the first column of (donor, day), not on its own.
    donor = models.ForeignKey(Donor, on_delete=models.CASCADE, db_index=False, **ROLLUP_KEY)

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
        # (donor, day): whether a donor gave in a period is one probe per donor.
        indexes = [models.Index(fields=["district", "day"]), models.Index(fields=["donor", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.district_id} {self.donor_id}"


class DropOffDaily(models.Model):
    """Rollup of processed drop-offs per local day and district, whatever their categories."""

    day = models.DateField()
    #: Indexed as the first column of (district, day), not on its own.
    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, db_index=False, **ROLLUP_KEY
    )
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


class ImpactMonthly(models.Model):
    """``ImpactDaily`` summed over a calendar month (``month`` is its first day).

    A period's whole months are read from here, its partial months from the daily cells.
    Kept with the daily cells, in the same transaction and under the same district lock: a
    computed batch is added to its months as to its days, and a rebuild takes the rebuilt
    days' old cells off their months and adds their new ones, so a month always equals the
    sum of its days. The counts have no CHECK because taking days off is an upsert of a
    negative amount, which PostgreSQL checks as a row of its own; a month whose count falls
    to zero is deleted.
    """

    month = models.DateField()
    #: Indexed as the first column of (district, month), not on its own.
    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, db_index=False, **ROLLUP_KEY
    )
    category = models.ForeignKey(FoodCategory, on_delete=models.CASCADE, **ROLLUP_KEY)
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, **ROLLUP_KEY)
    kg = models.DecimalField(**KG | {"max_digits": 18})
    meals = models.DecimalField(**IMPACT | {"max_digits": 30})
    kgco2e = models.DecimalField(**IMPACT | {"max_digits": 30})
    line_count = models.IntegerField()
    dropoff_count = models.IntegerField()

    class Meta:
        ordering = ["month", "district", "category"]
        verbose_name = _("monthly impact")
        verbose_name_plural = _("monthly impact")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "district", "category", "methodology"],
                name="%(app_label)s_%(class)s_unique_cell",
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="%(app_label)s_%(class)s_first_of_month"
            ),
        ]
        indexes = [models.Index(fields=["district", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.district_id} {self.category_id}: {self.kg} kg"


class DonorActivityMonthly(DonorImpact):
    """On how many days of a month a donor gave food of a category in a district, and what.

    Kept like ``ImpactMonthly``, from ``DonorActivityDaily``; counts distinct donors over
    whole months and gives the top donors of whole months.
    """

    month = models.DateField()
    #: Indexed as the first column of (district, month), not on its own.
    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, db_index=False, **ROLLUP_KEY
    )
    category = models.ForeignKey(FoodCategory, on_delete=models.CASCADE, **ROLLUP_KEY)
    #: Indexed as the first column of (donor, month), not on its own.
    donor = models.ForeignKey(Donor, on_delete=models.CASCADE, db_index=False, **ROLLUP_KEY)
    day_count = models.IntegerField()

    class Meta:
        ordering = ["month", "district", "category", "donor"]
        verbose_name = _("monthly donor activity")
        verbose_name_plural = _("monthly donor activity")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "district", "category", "donor"],
                name="%(app_label)s_%(class)s_unique_cell",
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="%(app_label)s_%(class)s_first_of_month"
            ),
        ]
        indexes = [
            models.Index(fields=["district", "month"]),
            models.Index(fields=["donor", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.district_id} {self.donor_id}"


class DropOffMonthly(models.Model):
    """``DropOffDaily`` summed over a calendar month, kept like ``ImpactMonthly``."""

    month = models.DateField()
    #: Indexed as the first column of (district, month), not on its own.
    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, db_index=False, **ROLLUP_KEY
    )
    dropoff_count = models.IntegerField()

    class Meta:
        ordering = ["month", "district"]
        verbose_name = _("monthly drop-offs")
        verbose_name_plural = _("monthly drop-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "district"], name="%(app_label)s_%(class)s_unique_cell"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="%(app_label)s_%(class)s_first_of_month"
            ),
        ]
        indexes = [models.Index(fields=["district", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.district_id}: {self.dropoff_count}"
