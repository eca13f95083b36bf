from rest_framework import serializers

from foodbank.accounts.api.fields import InReachField
from foodbank.districts.api.serializers import DistrictRefOutput
from foodbank.districts.models import District

from ..models import DIMENSIONS, Assessment, Grant, Household, LeavingReason, PointsEntry
from ..selectors import households_in_reach


def household_field(**kwargs) -> InReachField:
    """A household the signed-in user may name (``households_in_reach``)."""
    return InReachField(households_in_reach, Household, **kwargs)


def score_field() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=4)


class HouseholdInput(serializers.Serializer):
    district = serializers.SlugRelatedField(
        slug_field="code", queryset=District.objects.all(), required=False
    )
    head_name = serializers.CharField(max_length=200)
    national_id = serializers.CharField(max_length=20, write_only=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField()
    members = serializers.IntegerField(min_value=1, max_value=50)
    elderly = serializers.IntegerField(min_value=0, max_value=50, default=0)
    children = serializers.IntegerField(min_value=0, max_value=50, default=0)
    disabled = serializers.IntegerField(min_value=0, max_value=50, default=0)
    bedridden = serializers.IntegerField(min_value=0, max_value=50, default=0)
    vulnerability_notes = serializers.CharField(required=False, allow_blank=True)


class DepartureInput(serializers.Serializer):
    leaving_reason = serializers.ChoiceField(choices=LeavingReason.choices)
    left_on = serializers.DateField(required=False)


class HouseholdUpdate(HouseholdInput):
    national_id = None  # type: ignore[assignment]
    district = None  # type: ignore[assignment]


class AssessmentOutput(serializers.ModelSerializer):
    need_score = serializers.IntegerField(read_only=True)
    assessed_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "household",
            "assessed_on",
            *DIMENSIONS,
            "need_score",
            "notes",
            "assessed_by",
            "created_at",
        ]


class HouseholdListOutput(serializers.ModelSerializer):
    """A row of the district list: never the full record, never the full national ID."""

    district: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    national_id = serializers.CharField(source="national_id_masked", read_only=True)
    latest_assessed_on = serializers.DateField(read_only=True, allow_null=True)
    latest_need_score = serializers.IntegerField(read_only=True, allow_null=True)
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "district",
            "head_name",
            "national_id",
            "members",
            "balance",
            "latest_assessed_on",
            "latest_need_score",
            "has_login",
            "left_on",
            "erased_at",
        ]

    def get_has_login(self, household: Household) -> bool:
        return household.account_id is not None


class HouseholdOutput(serializers.ModelSerializer):
    """The full record (its reading is logged); the national ID stays masked."""

    district = DistrictRefOutput(read_only=True)
    national_id = serializers.CharField(source="national_id_masked", read_only=True)
    latest_assessment = serializers.SerializerMethodField()
    recipient_login: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="account", slug_field="username", read_only=True
    )

    class Meta:
        model = Household
        fields = [
            "id",
            "district",
            "head_name",
            "national_id",
            "phone",
            "address",
            "members",
            "elderly",
            "children",
            "disabled",
            "bedridden",
            "vulnerability_notes",
            "balance",
            "latest_assessment",
            "recipient_login",
            "left_on",
            "leaving_reason",
            "erased_at",
            "created_at",
        ]

    def get_latest_assessment(self, household: Household) -> dict | None:
        latest = household.assessments.first()
        return AssessmentOutput(latest).data if latest else None


class AssessmentInput(serializers.Serializer):
    household = household_field()
    assessed_on = serializers.DateField()
    income = score_field()
    health = score_field()
    education = score_field()
    living_conditions = score_field()
    public_services = score_field()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class RecommendationOutput(serializers.Serializer):
    points = serializers.IntegerField()
    need_score = serializers.IntegerField()
    band_points = serializers.IntegerField()
    member_points = serializers.IntegerField()
    dependant_points = serializers.IntegerField()
    capped = serializers.BooleanField()
    percent = serializers.IntegerField()
    approval_threshold = serializers.IntegerField()
    validity_days = serializers.IntegerField()


class GrantInput(serializers.Serializer):
    household = household_field()
    points = serializers.IntegerField(min_value=1, max_value=100_000)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class GrantOutput(serializers.ModelSerializer):
    requested_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    decided_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Grant
        fields = [
            "id",
            "household",
            "points",
            "recommended_points",
            "reason",
            "status",
            "validity_days",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
        ]


class EntryOutput(serializers.ModelSerializer):
    created_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = PointsEntry
        fields = [
            "id",
            "household",
            "kind",
            "points",
            "reason",
            "refers_to",
            "reference",
            "expires_on",
            "created_by",
            "created_at",
        ]


class StatementLineOutput(EntryOutput):
    balance_after = serializers.IntegerField(read_only=True)

    class Meta(EntryOutput.Meta):
        fields = [*EntryOutput.Meta.fields, "balance_after"]


class CorrectionInput(serializers.Serializer):
    entry = serializers.PrimaryKeyRelatedField(queryset=PointsEntry.objects.all())
    points = serializers.IntegerField(min_value=-100_000, max_value=100_000)
    reason = serializers.CharField(max_length=300)


class RecipientLoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class RecipientPasswordInput(serializers.Serializer):
    password = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        style={"input_type": "password"},
        trim_whitespace=False,
        help_text="empty or left out: one is made",
    )


class RecipientPasswordOutput(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(
        help_text="shown once; the recipient chooses their own at their next sign-in"
    )


class PolicyBandOutput(serializers.Serializer):
    min_score = serializers.IntegerField()
    points = serializers.IntegerField()


class PolicyOutput(serializers.Serializer):
    district = serializers.CharField()
    bands = PolicyBandOutput(many=True)
    points_per_member = serializers.IntegerField()
    points_per_dependant = serializers.IntegerField()
    max_award = serializers.IntegerField()
    percent = serializers.IntegerField()
    validity_days = serializers.IntegerField()
    approval_threshold = serializers.IntegerField()


class PolicyInput(serializers.Serializer):
    district = serializers.SlugRelatedField(
        slug_field="code", queryset=District.objects.all(), required=False
    )
    percent = serializers.IntegerField(min_value=0)
    validity_days = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    approval_threshold = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class MyStatementLineOutput(serializers.ModelSerializer):
    """What a recipient sees of an entry: no staff names, no internal notes."""

    balance_after = serializers.IntegerField(read_only=True)

    class Meta:
        model = PointsEntry
        fields = ["kind", "points", "expires_on", "created_at", "balance_after"]


class MyPointsOutput(serializers.Serializer):
    first_name = serializers.CharField()
    district = serializers.CharField()
    balance = serializers.IntegerField()
    statement = MyStatementLineOutput(many=True)
