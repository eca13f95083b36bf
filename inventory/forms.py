"""Forms of the store's web pages; the services do the checking that matters."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from foodbank.districts.models import District
from foodbank.web.widgets import DayInput

from .models import Item, Lot, Transfer


def quantity_field(label: Any, *, least: str = "0.001", **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(least),
        max_digits=12,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}),
        **kwargs,
    )


def stockable_items():
    return Item.objects.filter(is_approved=True, is_active=True).order_by("kind", "name_en")


class ReceiveForm(forms.Form):
    item = forms.ModelChoiceField(stockable_items(), label=_("Item"))
    quantity = quantity_field(_("Quantity"))
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=DayInput())
    reason = forms.CharField(
        label=_("Note"), required=False, max_length=300, help_text=_("e.g. bought from …")
    )


class SortForm(forms.Form):
    item = forms.ModelChoiceField(stockable_items(), label=_("Item"))
    quantity = quantity_field(
        _("Quantity in the item's unit"),
        required=False,
        help_text=_("Leave empty to take the line's quantity (or its weight for items in kg)."),
    )


class WriteOffForm(forms.Form):
    quantity = quantity_field(_("Quantity"))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class TransferForm(forms.Form):
    to_district = forms.ModelChoiceField(District.objects.all(), label=_("To district"))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)

    def __init__(self, *args, from_district: District | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if from_district is not None:
            field = cast(forms.ModelChoiceField, self.fields["to_district"])
            field.queryset = District.objects.exclude(pk=from_district.pk)


class TransferLineForm(forms.Form):
    item = forms.ModelChoiceField(stockable_items(), label=_("Item"), required=False)
    quantity = quantity_field(_("Quantity"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("item") and not data.get("quantity"):
            self.add_error("quantity", _("Give the quantity to send."))
        return data


TransferLineFormSet = forms.formset_factory(TransferLineForm, extra=4, max_num=50)


class LotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.item.name} · {obj.expiry_date or '—'} · {obj.on_hand.normalize()}"


class CountForm(forms.Form):
    barcode = forms.CharField(
        label=_("Scan a barcode"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    lot = LotChoiceField(Lot.objects.none(), label=_("or choose the lot"), required=False)
    quantity = quantity_field(_("Counted"), least="0")

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        lots = Lot.objects.filter(district=district).select_related("item")
        field = cast(forms.ModelChoiceField, self.fields["lot"])
        field.queryset = lots.order_by("item__name_en", "expiry_date")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("lot") and not data.get("barcode"):
            self.add_error("barcode", _("Scan the item's barcode or choose the lot."))
        return data


class ArrivalForm(forms.Form):
    """What arrived of each line of a transfer: one field per line, all of it by default."""

    def __init__(self, *args: Any, transfer: Transfer, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for line in transfer.lines.select_related("item"):
            self.fields[f"received-{line.pk}"] = quantity_field(
                line.item.name,
                least="0",
                max_value=line.quantity,
                initial=line.quantity.normalize(),
            )

    def received(self) -> dict[int, Decimal]:
        return {
            int(name.removeprefix("received-")): value
            for name, value in self.cleaned_data.items()
            if value is not None
        }
