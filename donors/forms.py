from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from foodbank import uploads
from foodbank.accounts.models import Role
from foodbank.districts.models import District, DistrictGroup
from foodbank.web.widgets import DayInput, PlainSelect
from inventory.models import Item

from .models import (
    Destination,
    Donor,
    DonorKind,
    DonorType,
    DropOffStatus,
    FoodCategory,
    Language,
)
from .models.dropoffs import MAX_LINE_KG
from .services.dropoffs import MAX_LINES, LineInput

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


#: The days a period may start or end on. The figures behind a period are read with its
#: local midnights, which a date at either end of Python's calendar does not have.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def within_calendar(value: date) -> None:
    """Refuse a period's end that no figure could fall on (a 400 naming it, not a 500)."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(
            _("Give a date from %(first)s to %(last)s."),
            code="out_of_calendar",
            params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        )


def weight_field() -> forms.DecimalField:
    """Kilograms to the gram, within one line's bound."""
    return forms.DecimalField(
        label=_("Weight (kg)"),
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0.001"),
        max_value=MAX_LINE_KG,
        widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}),
    )


class LineForm(forms.Form):
    category = forms.ModelChoiceField(
        FoodCategory.objects.filter(is_active=True), label=_("Category"), to_field_name="slug"
    )
    weight_kg = weight_field()
    destination = forms.ChoiceField(
        label=_("Destination"), choices=Destination.choices, initial=Destination.FORWARD
    )
    expiry_date = forms.DateField(label=_("Best before"), required=False, widget=DayInput())
    quantity = forms.DecimalField(
        label=_("Quantity"), required=False, min_value=Decimal("0.001"), decimal_places=3
    )
    unit = forms.CharField(label=_("Unit"), required=False, max_length=30)

    def line(self) -> LineInput:
        return LineInput(**self.cleaned_data)


class StaffLineForm(LineForm):
    """Staff receiving food for the store may name the catalogue item it goes on the shelf as."""

    item = forms.ModelChoiceField(
        Item.objects.filter(is_approved=True, is_active=True).order_by("kind", "name_en"),
        label=_("Store item"),
        required=False,
        help_text=_("Only for food kept in the store; otherwise it waits to be sorted."),
    )


def _line_formset(form: type[LineForm]) -> type[forms.BaseFormSet]:
    return forms.formset_factory(
        form, extra=0, min_num=1, validate_min=True, max_num=MAX_LINES, validate_max=True
    )


LineFormSet = _line_formset(LineForm)
StaffLineFormSet = _line_formset(StaffLineForm)


class DropOffForm(forms.Form):
    """Staff log food received at their office; admins also say which office."""

    district = forms.ModelChoiceField(
        District.objects.all(), label=_("District office"), widget=PlainSelect
    )
    donor = forms.ModelChoiceField(Donor.objects.all(), label=_("Donor"), widget=PlainSelect)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.district_id:
            del self.fields["district"]

    def office(self, user) -> District:
        return self.cleaned_data.get("district") or user.district


class AnnounceForm(forms.Form):
    district = forms.ModelChoiceField(
        District.objects.all(), label=_("District office"), widget=PlainSelect
    )
    expected_on = forms.DateField(label=_("Expected on"), required=False, widget=DayInput())
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))


class ReceiptLanguageMixin:
    """The language of receipts: as chosen, else the language of the page being used."""

    cleaned_data: dict

    def clean_language(self) -> str:
        chosen = self.cleaned_data.get("language")
        return chosen or (get_language() or Language.THAI)[:2]


class DonorForm(ReceiptLanguageMixin, forms.Form):
    """A donor registered by staff at the office, without an account of their own."""

    name = forms.CharField(label=_("Organisation or person"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=DonorKind.choices)
    donor_type = forms.ChoiceField(label=_("Type"), choices=DonorType.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(
        label=_("Language of receipts"), choices=Language.choices, required=False
    )
    email_receipts = forms.BooleanField(
        label=_("The donor wants each drop-off's receipt by e-mail"), required=False
    )
    tax_id = forms.CharField(label=_("Tax id (optional)"), max_length=13, required=False)
    publicity_consent = forms.BooleanField(
        label=_("The donor agrees to be named when we thank donors"), required=False
    )


class DonorSignupForm(ReceiptLanguageMixin, forms.Form):
    name = forms.CharField(label=_("Organisation or your name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=DonorKind.choices)
    donor_type = forms.ChoiceField(label=_("Type"), choices=DonorType.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(
        label=_("Language of receipts"), choices=Language.choices, required=False
    )
    email_receipts = forms.BooleanField(
        label=_("E-mail me the receipt of each drop-off"), required=False
    )
    tax_id = forms.CharField(label=_("Tax id (optional)"), max_length=13, required=False)
    publicity_consent = forms.BooleanField(
        label=_("You may name us when thanking donors"), required=False
    )
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    skip_bad_rows = forms.BooleanField(
        label=_("Import the good rows if some are bad"), required=False
    )

    def clean_file(self):
        return uploads.check_csv(self.cleaned_data["file"])


def filled_lines(lines: forms.BaseFormSet) -> list[LineForm]:
    """The line forms someone filled in (empty spare rows are left out)."""
    return [form for form in lines.forms if form.has_changed() and form.cleaned_data]


def apply_service_errors(
    error: ValidationError, form: forms.Form, lines: forms.BaseFormSet
) -> None:
    """Show a service's ValidationError next to the fields it names (``lines.2.weight_kg``)."""
    filled = filled_lines(lines)
    for key, messages in error.message_dict.items():
        parts = key.split(".")
        if parts[0] == "lines" and len(parts) == 3 and int(parts[1]) < len(filled):
            target = filled[int(parts[1])]
            field = parts[2] if parts[2] in target.fields else None
            for message in messages:
                target.add_error(field, message)
        else:
            field = key if key in form.fields else None
            for message in messages:
                form.add_error(field, message)


class DistributionForm(forms.Form):
    """Surplus passed on to a community or group; admins also say which district gave it."""

    district = forms.ModelChoiceField(
        District.objects.all(), label=_("District office"), widget=PlainSelect
    )
    distributed_on = forms.DateField(label=_("Date"), widget=DayInput())
    recipient_group = forms.CharField(label=_("Community or group"), max_length=200)
    people_reached = forms.IntegerField(
        label=_("People reached"),
        min_value=1,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.district_id:
            del self.fields["district"]


class DistributionLineForm(forms.Form):
    category = forms.ModelChoiceField(
        FoodCategory.objects.filter(is_active=True), label=_("Category"), to_field_name="slug"
    )
    weight_kg = weight_field()


DistributionLineFormSet = forms.formset_factory(
    DistributionLineForm,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_LINES,
    validate_max=True,
)


def _day_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        validators=[within_calendar],
        widget=DayInput(),
    )


def _district_group_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        DistrictGroup.objects.all(),
        label=_("District group"),
        required=False,
        to_field_name="code",
        empty_label=_("All groups"),
        widget=PlainSelect,
    )


def _category_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        FoodCategory.objects.all(),
        label=_("Food category"),
        required=False,
        to_field_name="slug",
        empty_label=_("All food"),
        widget=PlainSelect,
    )


class DistributionFilterForm(forms.Form):
    """The list's filters; every field optional, bad values named next to their field."""

    date_from = _day_field(_("From"))
    date_to = _day_field(_("To"))
    group = forms.CharField(label=_("Community or group"), required=False)
    district_group = _district_group_field()
    district = forms.ModelChoiceField(
        District.objects.all(),
        label=_("District"),
        required=False,
        to_field_name="code",
        widget=PlainSelect,
    )
    category = _category_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.district_id:
            del self.fields["district"]
            del self.fields["district_group"]


class DropOffFilterForm(forms.Form):
    """The drop-off list's filters: the records behind the dashboard's figures.

    Every field optional; district staff see their own district, so they get no place to
    choose. ``donor`` is a donor's number, as the dashboard's top donors link to it.
    """

    date_from = _day_field(_("From"))
    date_to = _day_field(_("To"))
    district_group = _district_group_field()
    district = forms.ModelChoiceField(
        District.objects.all(),
        label=_("District"),
        required=False,
        to_field_name="code",
        empty_label=_("All districts"),
        widget=PlainSelect,
    )
    category = _category_field()
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *DropOffStatus.choices],
    )
    donor = forms.ModelChoiceField(
        Donor.objects.all(), label=_("Donor"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.district_id or user.role == Role.DONOR:
            del self.fields["district"]
            del self.fields["district_group"]
        if user.role == Role.DONOR:
            del self.fields["donor"]


def factor_field(label: StrOrPromise, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=6,
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        **kwargs,
    )


class MethodologyForm(forms.Form):
    """A new version of a methodology; its defaults apply to categories without a factor."""

    name = forms.CharField(label=_("Name"), max_length=80)
    effective_from = forms.DateField(label=_("In force from"), widget=DayInput())
    meals_per_kg = factor_field(_("Meals per kg (default)"))
    kgco2e_per_kg = factor_field(_("kgCO2e per kg (default)"))
    source = forms.CharField(label=_("Source"), required=False, widget=forms.Textarea({"rows": 2}))


class FactorForm(forms.Form):
    """One category's factors; both empty means the methodology's defaults apply to it."""

    category = forms.ModelChoiceField(
        FoodCategory.objects.all(),
        to_field_name="slug",
        widget=forms.HiddenInput,
        label=_("Category"),
    )
    meals_per_kg = factor_field(_("Meals per kg"), required=False)
    kgco2e_per_kg = factor_field(_("kgCO2e per kg"), required=False)

    def clean(self):
        cleaned = super().clean() or {}
        meals, kgco2e = cleaned.get("meals_per_kg"), cleaned.get("kgco2e_per_kg")
        if (meals is None) != (kgco2e is None) and not self.errors:
            missing = "kgco2e_per_kg" if kgco2e is None else "meals_per_kg"
            self.add_error(missing, _("Give both factors, or neither to use the defaults."))
        return cleaned

    def overrides(self) -> bool:
        return self.cleaned_data.get("meals_per_kg") is not None


FactorFormSet = forms.formset_factory(FactorForm, extra=0)
