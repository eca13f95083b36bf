"""The personal-data report as JSON: what ``points.personal_data`` holds, field for field.

Plain serializers over the report's dataclasses, output only. Codes (``status``, ``kind``,
``role``) come with their labels in the request's language. Grant and voucher statuses are
plain strings in the schema: their choice sets already name the ``status`` enums of
``GrantOutput`` and ``VoucherOutput``, and drf-spectacular cannot name a choice set used by
two components without an ``ENUM_NAME_OVERRIDES`` entry.
"""

from rest_framework import serializers

from foodbank.accounts.models import Role

from ..models import EntryKind, GrantStatus, LeavingReason, VoucherStatus


class HouseholdHeldOutput(serializers.Serializer):
    """Personal fields are empty strings once the data has been erased (``erased_at``)."""

    id = serializers.IntegerField()
    district_code = serializers.CharField()
    district_name = serializers.CharField()
    registered_on = serializers.DateField()
    name = serializers.CharField()
    national_id = serializers.CharField(
        source="national_id_masked", help_text="masked; the full ID is never given"
    )
    phone = serializers.CharField()
    address = serializers.CharField()
    members = serializers.IntegerField()
    elderly = serializers.IntegerField()
    children = serializers.IntegerField()
    disabled = serializers.IntegerField()
    bedridden = serializers.IntegerField()
    vulnerability_notes = serializers.CharField()
    recipient_login = serializers.CharField(help_text="username, empty if none")
    in_programme = serializers.BooleanField()
    left_on = serializers.DateField(allow_null=True)
    leaving_reason = serializers.ChoiceField(
        choices=[("", ""), *LeavingReason.choices], allow_blank=True
    )
    leaving_reason_label = serializers.CharField()
    erasure_due_on = serializers.DateField(allow_null=True)
    erased_at = serializers.DateTimeField(allow_null=True)


class AssessmentHeldOutput(serializers.Serializer):
    assessed_on = serializers.DateField()
    income = serializers.IntegerField()
    health = serializers.IntegerField()
    education = serializers.IntegerField()
    living_conditions = serializers.IntegerField()
    public_services = serializers.IntegerField()
    notes = serializers.CharField()


class GrantHeldOutput(serializers.Serializer):
    requested_on = serializers.DateField()
    points = serializers.IntegerField()
    recommended_points = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField(help_text=f"one of: {', '.join(GrantStatus.values)}")
    status_label = serializers.CharField()
    validity_days = serializers.IntegerField()


class EntryHeldOutput(serializers.Serializer):
    on = serializers.DateField()
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    kind_label = serializers.CharField()
    points = serializers.IntegerField()
    reason = serializers.CharField()
    balance_after = serializers.IntegerField()


class VoucherLineHeldOutput(serializers.Serializer):
    item = serializers.CharField()
    quantity = serializers.IntegerField()


class VoucherHeldOutput(serializers.Serializer):
    id = serializers.IntegerField()
    issued_on = serializers.DateField()
    status = serializers.CharField(help_text=f"one of: {', '.join(VoucherStatus.values)}")
    status_label = serializers.CharField()
    points = serializers.IntegerField()
    collect_by = serializers.DateField()
    lines = VoucherLineHeldOutput(many=True)
    collected_at = serializers.DateTimeField(allow_null=True)
    counter = serializers.CharField()


class CardHeldOutput(serializers.Serializer):
    issued_on = serializers.DateField()
    revoked_on = serializers.DateField(allow_null=True)


class ReadingHeldOutput(serializers.Serializer):
    """A reading of the full record; the reader by role and district, never by name."""

    at = serializers.DateTimeField()
    via = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField()
    district = serializers.CharField(help_text="the reader's district; empty for administrators")


class PersonalDataOutput(serializers.Serializer):
    produced_at = serializers.DateTimeField()
    household = HouseholdHeldOutput()
    assessments = AssessmentHeldOutput(many=True)
    grants = GrantHeldOutput(many=True)
    statement = EntryHeldOutput(many=True)
    vouchers = VoucherHeldOutput(many=True)
    cards = CardHeldOutput(many=True)
    readings = ReadingHeldOutput(many=True)
