from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from foodbank.districts.models import BilingualName

#: One drop-off line weighs at most this much (DESIGN §2).
MAX_LINE_KG = Decimal("20000")
KG: dict[str, Any] = {"max_digits": 12, "decimal_places": 3}
#: Unrounded impact: kg (3 places) times a factor (up to 6 places) is exact in 9 places.
IMPACT: dict[str, Any] = {"max_digits": 24, "decimal_places": 9}
FACTOR: dict[str, Any] = {"max_digits": 12, "decimal_places": 6}


class FoodCategory(BilingualName):
    """A kind of food (cooked meals, bakery...): data, not code; methodologies key factors on it."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("food category")
        verbose_name_plural = _("food categories")


class DonorType(models.TextChoices):
    RESTAURANT = "restaurant", _("Restaurant")
    SUPERMARKET = "supermarket", _("Supermarket")
    HOTEL = "hotel", _("Hotel")
    MANUFACTURER = "manufacturer", _("Manufacturer")
    MARKET = "market", _("Market")
    SCHOOL = "school", _("School")
    HOUSEHOLD = "household", _("Household")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    """The language a donor reads their receipts and statements in."""

    THAI = "th", _("Thai")
    ENGLISH = "en", _("English")


class DonorKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    PERSON = "person", _("Person")


class Donor(models.Model):
    """An organisation or person who gives food; may have a donor account to sign in."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=DonorKind.choices)
    donor_type = models.CharField(_("type"), max_length=20, choices=DonorType.choices)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\+?[0-9 -]{6,20}$", _("Enter a phone number."))],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.THAI
    )
    email_receipts = models.BooleanField(
        _("e-mail a receipt for each drop-off"),
        default=False,
        help_text=_("Once its meals and kgCO2e are computed, the receipt goes to the e-mail."),
    )
    address = models.TextField(_("address"), blank=True)
    tax_id = models.CharField(
        _("tax id"),
        max_length=13,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{13}$", _("A tax id has 13 digits."))],
    )
    publicity_consent = models.BooleanField(
        _("may be named in publicity"),
        default=False,
        help_text=_("The donor agrees to be named in published figures and thanks."),
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donor",
        verbose_name=_("donor account"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        indexes = [models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(email_receipts=False) | ~Q(email=""),
                name="%(app_label)s_%(class)s_receipts_need_email",
                violation_error_message=_("Give an e-mail address to send receipts to."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Receipts by e-mail need an address (the constraint says so too, without the field)."""
        super().clean()
        if self.email_receipts and not self.email:
            raise ValidationError({"email": _("Give an e-mail address to send receipts to.")})


class DropOffStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")


class DropOff(models.Model):
    """Food a donor brings to a district office: announced, then received, then processed.

    ``processed`` means every line's impact has been computed. ``received_on`` is the local
    calendar day of ``received_at`` (the day the figures count on).
    """

    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="dropoffs", verbose_name=_("donor")
    )
    #: Indexed as the first column of (district, received_on), not on its own.
    district = models.ForeignKey(
        "districts.District",
        on_delete=models.PROTECT,
        related_name="dropoffs",
        verbose_name=_("district"),
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DropOffStatus.choices, default=DropOffStatus.ANNOUNCED
    )
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True, editable=False)
    #: ``received_by`` and ``created_by`` are indexed only where set (see ``Meta.indexes``).
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
        db_index=False,
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    #: Not indexed: nothing reads drop-offs by their import, and an import is never deleted;
    #: an index would cost every imported drop-off an entry.
    imported_from = models.ForeignKey(
        "donors.DropOffImport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dropoffs",
        verbose_name=_("imported from"),
        db_index=False,
    )
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("drop-off")
        verbose_name_plural = _("drop-offs")
        indexes = [
            models.Index(fields=["district", "received_on"]),
            models.Index(fields=["status", "received_at"]),
            models.Index(
                fields=["received_by"],
                condition=Q(received_by__isnull=False),
                name="donors_dropoff_received_by",
            ),
            models.Index(
                fields=["created_by"],
                condition=Q(created_by__isnull=False),
                name="donors_dropoff_created_by",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=DropOffStatus.ANNOUNCED)
                | Q(received_at__isnull=False, received_on__isnull=False),
                name="%(app_label)s_%(class)s_received_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=DropOffStatus.PROCESSED) | Q(processed_at__isnull=False),
                name="%(app_label)s_%(class)s_processed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(created_by__isnull=False) | Q(imported_from__isnull=False),
                name="%(app_label)s_%(class)s_attributable",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.donor} → {self.district.code}"


class Destination(models.TextChoices):
    FORWARD = "forward", _("Forwarded to people")
    STOCK = "stock", _("Into the district store")


class DropOffLine(models.Model):
    """One food category of a drop-off, weighed to the gram, with its computed impact.

    ``meals`` and ``kgco2e`` are stored unrounded with the methodology that produced them.
    """

    #: Indexed as the first column of the unique (dropoff, line_no), not on its own.
    dropoff = models.ForeignKey(
        DropOff, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    line_no = models.PositiveSmallIntegerField(_("line"))
    #: Not indexed: lines are read by drop-off; only deleting a category would look lines up
    #: by it, and categories in use are retired (``is_active``), not deleted.
    category = models.ForeignKey(
        FoodCategory,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
        db_index=False,
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"), **KG, validators=[MinValueValidator(Decimal("0.001"))]
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    expiry_date = models.DateField(_("best before / expiry"), null=True, blank=True)
    destination = models.CharField(_("destination"), max_length=10, choices=Destination.choices)
    #: Indexed only where set (see ``Meta.indexes``): new lines have none until computed.
    methodology = models.ForeignKey(
        "donors.Methodology",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("methodology"),
        db_index=False,
    )
    meals = models.DecimalField(_("meals"), **IMPACT, null=True, blank=True)
    kgco2e = models.DecimalField(_("kgCO2e avoided"), **IMPACT, null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dropoff", "line_no"]
        verbose_name = _("drop-off line")
        verbose_name_plural = _("drop-off lines")
        indexes = [
            models.Index(
                fields=["methodology"],
                condition=Q(methodology__isnull=False),
                name="donors_dropoffline_methodology",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dropoff", "line_no"], name="%(app_label)s_%(class)s_unique_line_no"
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__gt=0, weight_kg__lte=MAX_LINE_KG),
                name="%(app_label)s_%(class)s_weight_in_range",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0),
                name="%(app_label)s_%(class)s_quantity_positive",
            ),
            models.CheckConstraint(
                condition=Q(methodology__isnull=True, meals__isnull=True, kgco2e__isnull=True)
                | Q(methodology__isnull=False, meals__gte=0, kgco2e__gte=0),
                name="%(app_label)s_%(class)s_impact_with_methodology",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dropoff_id}/{self.line_no} {self.weight_kg} kg"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Refused")


class DropOffImport(models.Model):
    """One CSV file of historical drop-offs: its content, progress and outcome.

    A file is imported once: its SHA-256 is unique among the imports not refused (a refused
    import wrote nothing, so its file may be uploaded again).
    """

    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(editable=False)
    skip_bad_rows = models.BooleanField(_("import the good rows"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    imported_lines = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    #: Runs begun; a run that never finished (its worker stopped) leaves it waiting.
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("drop-off import")
        verbose_name_plural = _("drop-off imports")
        constraints = [
            models.UniqueConstraint(
                fields=["sha256"],
                condition=~models.Q(status=ImportStatus.FAILED),
                name="%(app_label)s_%(class)s_file_once",
            ),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        return 100 if not self.total_rows else int(100 * self.done_rows / self.total_rows)
