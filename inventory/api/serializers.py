from decimal import Decimal

from django.utils.translation import gettext as _
from rest_framework import serializers

from donors.models import DropOffLine, FoodCategory
from foodbank.accounts.api.fields import InReachField
from foodbank.districts.api.serializers import DistrictRefOutput
from foodbank.districts.models import District

from ..models import (
    CountLine,
    DistrictPrice,
    Item,
    ItemKind,
    Lot,
    MinimumLevel,
    Movement,
    StockAlert,
    StockTake,
    Transfer,
    TransferLine,
)
from ..selectors import lots_visible_to


def quantity_field(**kwargs) -> serializers.DecimalField:
    kwargs.setdefault("min_value", Decimal("0.001"))
    return serializers.DecimalField(max_digits=12, decimal_places=3, **kwargs)


def district_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=District.objects.all(), **kwargs
    )


def stockable_item_field(**kwargs) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Item.objects.filter(is_approved=True, is_active=True), **kwargs
    )


class ItemInput(serializers.Serializer):
    name_th = serializers.CharField(max_length=120)
    name_en = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=FoodCategory.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    unit = serializers.CharField(max_length=30)
    points_price = serializers.IntegerField(min_value=0)
    barcode = serializers.CharField(max_length=32, required=False, allow_blank=True)


class ItemUpdate(ItemInput):
    is_active = serializers.BooleanField(required=False)


class ItemOutput(serializers.ModelSerializer):
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Item
        fields = [
            "id",
            "name_th",
            "name_en",
            "kind",
            "category",
            "unit",
            "points_price",
            "barcode",
            "is_approved",
            "is_active",
        ]


class ItemRefOutput(serializers.Serializer):
    """An item named in another answer (a voucher's line, a lot)."""

    id = serializers.IntegerField(read_only=True)
    name_th = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True)


class DistrictPriceInput(serializers.Serializer):
    district = district_field(required=False)
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    points_price = serializers.IntegerField(min_value=0)


class DistrictPriceOutput(serializers.ModelSerializer):
    district = DistrictRefOutput(read_only=True)
    item = ItemRefOutput(read_only=True)

    class Meta:
        model = DistrictPrice
        fields = ["id", "district", "item", "points_price", "updated_at"]


class MinimumLevelInput(serializers.Serializer):
    district = district_field(required=False)
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    quantity = quantity_field()


class MinimumLevelOutput(serializers.ModelSerializer):
    district = DistrictRefOutput(read_only=True)
    item = ItemRefOutput(read_only=True)

    class Meta:
        model = MinimumLevel
        fields = ["id", "district", "item", "quantity", "updated_at"]


class StockRowOutput(serializers.Serializer):
    item = ItemRefOutput(source="*")
    on_hand = quantity_field(read_only=True)
    reserved = quantity_field(read_only=True)
    available = quantity_field(read_only=True, allow_null=True)
    expired = quantity_field(read_only=True, allow_null=True)
    next_expiry = serializers.DateField(read_only=True, allow_null=True)
    lot_count = serializers.IntegerField(read_only=True)


class LotInput(serializers.Serializer):
    district = district_field(required=False)
    item = stockable_item_field()
    quantity = quantity_field()
    expiry_date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class LotOutput(serializers.ModelSerializer):
    district = DistrictRefOutput(read_only=True)
    item = ItemRefOutput(read_only=True)
    available = quantity_field(read_only=True)

    class Meta:
        model = Lot
        fields = [
            "id",
            "district",
            "item",
            "expiry_date",
            "source",
            "dropoff_line",
            "on_hand",
            "reserved",
            "available",
            "created_at",
        ]


class QuantityInput(serializers.Serializer):
    quantity = quantity_field()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class WriteOffInput(QuantityInput):
    reason = serializers.CharField(max_length=300)


class IssueInput(QuantityInput):
    district = district_field(required=False)
    item = stockable_item_field()


class MovementOutput(serializers.ModelSerializer):
    item = ItemRefOutput(source="lot.item", read_only=True)
    district: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="lot.district", slug_field="code", read_only=True
    )
    created_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Movement
        fields = [
            "id",
            "created_at",
            "kind",
            "lot",
            "item",
            "district",
            "on_hand_change",
            "reserved_change",
            "reason",
            "transfer",
            "stock_take",
            "created_by",
        ]


class LineToSortOutput(serializers.ModelSerializer):
    dropoff = serializers.IntegerField(source="dropoff_id", read_only=True)
    donor = serializers.CharField(source="dropoff.donor.name", read_only=True)
    district: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="dropoff.district", slug_field="code", read_only=True
    )
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = DropOffLine
        fields = [
            "id",
            "dropoff",
            "donor",
            "district",
            "line_no",
            "category",
            "weight_kg",
            "quantity",
            "unit",
            "expiry_date",
        ]


class SortInput(serializers.Serializer):
    item = stockable_item_field()
    quantity = quantity_field(required=False, allow_null=True)


class TransferLineInput(serializers.Serializer):
    item = stockable_item_field()
    quantity = quantity_field()


class TransferInput(serializers.Serializer):
    from_district = district_field(required=False)
    to_district = district_field()
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    lines = TransferLineInput(many=True, allow_empty=False)


class TransferLineOutput(serializers.ModelSerializer):
    item = ItemRefOutput(read_only=True)

    class Meta:
        model = TransferLine
        fields = ["id", "item", "expiry_date", "quantity", "received_quantity"]


class TransferOutput(serializers.ModelSerializer):
    from_district = DistrictRefOutput(read_only=True)
    to_district = DistrictRefOutput(read_only=True)
    lines = TransferLineOutput(many=True, read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "from_district",
            "to_district",
            "status",
            "notes",
            "sent_at",
            "received_at",
            "lines",
        ]


class ReceivedLineInput(serializers.Serializer):
    id = serializers.IntegerField()
    received_quantity = quantity_field(min_value=Decimal("0"))


class TransferReceiveInput(serializers.Serializer):
    lines = ReceivedLineInput(many=True, required=False)


class StockTakeInput(serializers.Serializer):
    district = district_field(required=False)
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CountLineInput(serializers.Serializer):
    lot = InReachField(lots_visible_to, Lot, required=False, help_text="a lot of the counted store")
    barcode = serializers.CharField(max_length=32, required=False)
    quantity = quantity_field(min_value=Decimal("0"))

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("lot") and not attrs.get("barcode"):
            message = _("Give the lot, or scan the item's barcode.")
            raise serializers.ValidationError({"lot": [message]})
        return attrs


class CountLineOutput(serializers.ModelSerializer):
    item = ItemRefOutput(source="lot.item", read_only=True)
    expiry_date = serializers.DateField(source="lot.expiry_date", read_only=True)

    class Meta:
        model = CountLine
        fields = ["id", "lot", "item", "expiry_date", "counted_quantity", "on_hand_at_close"]


class StockTakeOutput(serializers.ModelSerializer):
    district = DistrictRefOutput(read_only=True)
    lines = CountLineOutput(many=True, read_only=True)

    class Meta:
        model = StockTake
        fields = ["id", "district", "status", "notes", "started_at", "closed_at", "lines"]


class AlertOutput(serializers.ModelSerializer):
    district: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    item = ItemRefOutput(read_only=True)

    class Meta:
        model = StockAlert
        fields = ["id", "district", "kind", "item", "lot", "quantity", "expiry_date", "raised_at"]


class StockQuery(serializers.Serializer):
    district = district_field(required=False)
