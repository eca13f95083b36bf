from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from rest_framework import serializers

from donors.models import FoodCategory
from inventory.api.serializers import ItemRefOutput
from inventory.models import Item

from ..models import HouseholdLimit, LimitPeriod, SigningKey, Voucher, VoucherStatus
from ..services.vouchers import voucher_token
from .serializers import household_field


class ChoiceInput(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(
        queryset=Item.objects.filter(is_approved=True, is_active=True)
    )
    quantity = serializers.IntegerField(min_value=1, max_value=1000)


class VoucherInput(serializers.Serializer):
    household = household_field(required=False, help_text="staff only")
    lines = ChoiceInput(many=True, allow_empty=False)

    def validate_lines(self, lines: list) -> list:
        return at_most_50(lines)


def at_most_50(lines: list) -> list:
    if len(lines) > 50:
        raise serializers.ValidationError(_("At most %(n)d lines.") % {"n": 50})
    return lines


class VoucherLineOutput(serializers.Serializer):
    item = ItemRefOutput(read_only=True)
    quantity = serializers.IntegerField(read_only=True)
    points_each = serializers.IntegerField(read_only=True)


# Declared field by field rather than as a ModelSerializer: every redemption's answer is
# built from it, and a plain serializer costs a fraction of the time to build.
class VoucherOutput(serializers.Serializer):
    """A voucher as the counter and the household see it."""

    id = serializers.IntegerField(read_only=True)
    household = serializers.IntegerField(source="household_id", read_only=True)
    first_name = serializers.CharField(source="household.first_name", read_only=True)
    district = serializers.CharField(source="district.code", read_only=True)
    status = serializers.ChoiceField(choices=VoucherStatus.choices, read_only=True)
    points = serializers.IntegerField(read_only=True)
    expires_on = serializers.DateField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    redeemed_at = serializers.DateTimeField(
        source="redemption.redeemed_at", read_only=True, default=None, allow_null=True
    )
    lines = VoucherLineOutput(many=True, read_only=True)
    token = serializers.SerializerMethodField()

    def get_token(self, voucher: Voucher) -> str | None:
        return voucher_token(voucher) if voucher.status == VoucherStatus.ISSUED else None

    def to_representation(self, voucher: Voucher) -> dict:
        """The fields declared above, written out: building them field by field costs more
        than the rest of a redemption's answer (a test holds the two to the same result)."""
        return {
            "id": voucher.pk,
            "household": voucher.household_id,
            "first_name": voucher.household.first_name,
            "district": voucher.district.code,
            "status": voucher.status,
            "points": voucher.points,
            "expires_on": _DATE.to_representation(voucher.expires_on),
            "created_at": _DATETIME.to_representation(voucher.created_at),
            "redeemed_at": _redeemed_at(voucher),
            "lines": [
                {
                    "item": {
                        "id": line.item.pk,
                        "name_th": line.item.name_th,
                        "name_en": line.item.name_en,
                        "unit": line.item.unit,
                    },
                    "quantity": line.quantity,
                    "points_each": line.points_each,
                }
                for line in voucher.lines.all()
            ],
            "token": self.get_token(voucher),
        }


_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def _redeemed_at(voucher: Voucher) -> str | None:
    try:
        return _DATETIME.to_representation(voucher.redemption.redeemed_at)
    except ObjectDoesNotExist:
        return None


class ScannedCodeInput(serializers.Serializer):
    token = serializers.CharField(max_length=400)
    counter = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class CheckoutInput(serializers.Serializer):
    card = serializers.CharField(max_length=400)
    counter = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    lines = ChoiceInput(many=True, allow_empty=False)

    def validate_lines(self, lines: list) -> list:
        return at_most_50(lines)


class KeyOutput(serializers.ModelSerializer):
    alg = serializers.SerializerMethodField()
    signing = serializers.SerializerMethodField()

    class Meta:
        model = SigningKey
        fields = ["kid", "alg", "public_key", "signing", "created_at", "retired_at"]

    def get_alg(self, key: SigningKey) -> str:
        return "Ed25519"

    def get_signing(self, key: SigningKey) -> bool:
        return key.retired_at is None


class ShelfRowOutput(serializers.Serializer):
    item = ItemRefOutput()
    points_price = serializers.IntegerField()
    available = serializers.DecimalField(max_digits=12, decimal_places=3)


class CardOutput(serializers.Serializer):
    card = serializers.IntegerField(source="pk")
    issued_at = serializers.DateTimeField()
    token = serializers.CharField()


class LimitInput(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all(), required=False)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=FoodCategory.objects.all(), required=False
    )
    quantity = serializers.IntegerField(min_value=1, max_value=1000)
    period = serializers.ChoiceField(choices=LimitPeriod.choices)

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("item")) == bool(attrs.get("category")):
            raise serializers.ValidationError({"item": [_("Name an item or a food category.")]})
        return attrs


class LimitOutput(serializers.ModelSerializer):
    district: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = HouseholdLimit
        fields = ["id", "district", "item", "category", "quantity", "period"]
