from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from donors.forms import within_calendar
from donors.models import (
    Destination,
    Distribution,
    Donor,
    DonorKind,
    DonorType,
    DropOff,
    DropOffLine,
    FoodCategory,
    Language,
    Methodology,
    MethodologyFactor,
    ReceiptEmail,
)
from donors.models.dropoffs import MAX_LINE_KG
from donors.services.dropoffs import MAX_LINES
from foodbank.accounts.api.serializers import UserOutput
from foodbank.accounts.models import Role
from foodbank.districts.api.serializers import DistrictRefOutput
from foodbank.districts.models import District
from inventory.models import Item


class Figure(serializers.DecimalField):
    """A figure as shown: a string with 2 decimals, rounded half-up from the unrounded value."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(max_digits=30, decimal_places=2, rounding=ROUND_HALF_UP, **kwargs)


def weight_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0.001"),
        max_value=MAX_LINE_KG,
        **kwargs,
    )


def category_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="slug", queryset=FoodCategory.objects.filter(is_active=True), **kwargs
    )


def district_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=District.objects.all(), **kwargs
    )


class FoodCategoryOutput(serializers.ModelSerializer):
    class Meta:
        model = FoodCategory
        fields = ["slug", "name_th", "name_en"]


class DonorOutput(serializers.ModelSerializer):
    class Meta:
        model = Donor
        fields = [
            "id",
            "name",
            "kind",
            "donor_type",
            "contact_name",
            "phone",
            "email",
            "language",
            "email_receipts",
            "address",
            "tax_id",
            "publicity_consent",
            "created_at",
        ]


class DonorInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=DonorKind.choices)
    donor_type = serializers.ChoiceField(choices=DonorType.choices)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        default=Language.THAI,
        help_text="The language of the donor's receipts and statements.",
    )
    email_receipts = serializers.BooleanField(
        required=False,
        default=False,
        help_text="E-mail the receipt of each drop-off once its impact is computed.",
    )
    address = serializers.CharField(required=False, allow_blank=True)
    tax_id = serializers.CharField(max_length=13, required=False, allow_blank=True)
    publicity_consent = serializers.BooleanField(required=False, default=False)


class DonorRegistrationInput(DonorInput):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class DonorRefOutput(serializers.ModelSerializer):
    class Meta:
        model = Donor
        fields = ["id", "name", "donor_type"]


class LineInput(serializers.Serializer):
    category = category_field()
    weight_kg = weight_field()
    quantity = serializers.DecimalField(
        max_digits=12, decimal_places=3, min_value=Decimal("0.001"), required=False
    )
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    expiry_date = serializers.DateField(required=False, allow_null=True)
    destination = serializers.ChoiceField(choices=Destination.choices)
    item = serializers.PrimaryKeyRelatedField(
        queryset=Item.objects.filter(is_approved=True, is_active=True),
        required=False,
        allow_null=True,
        help_text="For a `stock` line: the catalogue item it goes on the shelf as.",
    )


class LineOutput(serializers.ModelSerializer):
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    meals = Figure(allow_null=True)
    kgco2e = Figure(allow_null=True)
    methodology = serializers.CharField(source="methodology.label", default=None, read_only=True)

    class Meta:
        model = DropOffLine
        fields = [
            "line_no",
            "category",
            "weight_kg",
            "quantity",
            "unit",
            "expiry_date",
            "destination",
            "meals",
            "kgco2e",
            "methodology",
        ]


class DropOffInput(serializers.Serializer):
    donor = serializers.PrimaryKeyRelatedField(queryset=Donor.objects.all(), required=False)
    district = district_field(required=False)
    received_at = serializers.DateTimeField(required=False)
    expected_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    lines = LineInput(many=True, allow_empty=False)

    def validate_lines(self, lines: list) -> list:
        if len(lines) > MAX_LINES:
            raise serializers.ValidationError(_("At most %(n)d lines.") % {"n": MAX_LINES})
        return lines

    def validate(self, attrs: dict) -> dict:
        """Donors announce for themselves; staff name the donor; admins name the district."""
        user = self.context["request"].user
        required = ["district"] if user.role in (Role.DONOR, Role.ADMIN) else []
        if user.role != Role.DONOR:
            required.append("donor")
        missing = {
            field: [_("This field is required.")] for field in required if not attrs.get(field)
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class ReceiveInput(serializers.Serializer):
    received_at = serializers.DateTimeField(required=False)
    lines = LineInput(many=True, allow_empty=False, required=False)


class DropOffOutput(serializers.ModelSerializer):
    donor = DonorRefOutput(read_only=True)
    district = DistrictRefOutput(read_only=True)
    received_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    lines = LineOutput(many=True, read_only=True)

    class Meta:
        model = DropOff
        fields = [
            "id",
            "donor",
            "district",
            "status",
            "expected_on",
            "received_at",
            "received_on",
            "received_by",
            "processed_at",
            "notes",
            "lines",
        ]


class DistributionLineInput(serializers.Serializer):
    category = category_field()
    weight_kg = weight_field()


class DistributionInput(serializers.Serializer):
    district = district_field(required=False)
    distributed_on = serializers.DateField()
    recipient_group = serializers.CharField(max_length=200)
    people_reached = serializers.IntegerField(min_value=1, max_value=1_000_000)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    lines = DistributionLineInput(many=True, required=False, default=list)


class DistributionOutput(serializers.ModelSerializer):
    district = DistrictRefOutput(read_only=True)
    lines = serializers.SerializerMethodField()

    class Meta:
        model = Distribution
        fields = [
            "id",
            "district",
            "distributed_on",
            "recipient_group",
            "people_reached",
            "notes",
            "lines",
        ]

    def get_lines(self, distribution: Distribution) -> list[dict[str, str]]:
        return [
            {"category": line.category.slug, "weight_kg": str(line.weight_kg)}
            for line in distribution.lines.all()
        ]


class FactorInput(serializers.Serializer):
    category = category_field()
    meals_per_kg = serializers.DecimalField(max_digits=12, decimal_places=6, min_value=0)
    kgco2e_per_kg = serializers.DecimalField(max_digits=12, decimal_places=6, min_value=0)


class MethodologyInput(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    effective_from = serializers.DateField()
    meals_per_kg = serializers.DecimalField(max_digits=12, decimal_places=6, min_value=0)
    kgco2e_per_kg = serializers.DecimalField(max_digits=12, decimal_places=6, min_value=0)
    source = serializers.CharField(required=False, allow_blank=True, default="")  # type: ignore[assignment]
    factors = FactorInput(many=True, required=False, default=list)


class FactorOutput(serializers.ModelSerializer):
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = MethodologyFactor
        fields = ["category", "meals_per_kg", "kgco2e_per_kg"]


class MethodologyOutput(serializers.ModelSerializer):
    factors = FactorOutput(many=True, read_only=True)
    created_by = UserOutput(read_only=True, allow_null=True)

    class Meta:
        model = Methodology
        fields = [
            "id",
            "name",
            "version",
            "label",
            "effective_from",
            "meals_per_kg",
            "kgco2e_per_kg",
            "source",
            "factors",
            "created_by",
            "created_at",
        ]


class ImpactQuery(serializers.Serializer):
    """``?from=&to=&district=&group=&category=``; ``from`` is a keyword, hence get_fields."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": serializers.DateField(
                required=False, source="date_from", validators=[within_calendar]
            ),
            "to": serializers.DateField(
                required=False, source="date_to", validators=[within_calendar]
            ),
            "district": serializers.CharField(required=False),
            "group": serializers.CharField(required=False),
            "category": serializers.CharField(required=False),
        }

    def validate(self, attrs: dict) -> dict:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"to": [_("The end is before the start.")]})
        return attrs


class ImpactSummaryOutput(serializers.Serializer):
    kg = Figure()
    meals = Figure()
    kgco2e = Figure()
    dropoffs = serializers.IntegerField()
    donors = serializers.IntegerField()
    people_reached = serializers.IntegerField(allow_null=True)
    methodology = serializers.CharField()


class ImpactBreakdownRow(serializers.Serializer):
    key = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    kg = Figure()
    meals = Figure()
    kgco2e = Figure()
    lines = serializers.IntegerField()


class ReceiptEmailOutput(serializers.ModelSerializer):
    """A receipt or statement e-mailed to a donor; donors are not told which staff sent it."""

    dropoff: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    requested_by = serializers.SerializerMethodField()

    class Meta:
        model = ReceiptEmail
        fields = [
            "id",
            "kind",
            "dropoff",
            "year",
            "to_address",
            "language",
            "automatic",
            "requested_by",
            "status",
            "created_at",
            "sent_at",
        ]

    def get_requested_by(self, record: ReceiptEmail) -> str | None:
        viewer = self.context.get("request") and self.context["request"].user
        if record.requested_by is None or getattr(viewer, "role", None) == Role.DONOR:
            return None
        return record.requested_by.username
