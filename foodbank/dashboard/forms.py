"""The dashboard's filters: a period, and a place and food category within one's scope."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donors.forms import within_calendar
from donors.models import FoodCategory
from foodbank.accounts.models import Role, User
from foodbank.districts.models import District, DistrictGroup
from foodbank.web.widgets import DayInput, PlainSelect

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


#: What the charts measure, and the unit shown with it.
MEASURES = {"kg": _("kg"), "meals": _("meals"), "kgco2e": _("kgCO2e")}


def _date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        validators=[within_calendar],
        widget=DayInput(),
    )


class DashboardFilterForm(forms.Form):
    """Every field optional; the period defaults to this year so far. District staff see
    only their district, so they get no district or group to choose."""

    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))
    group = forms.ModelChoiceField(
        DistrictGroup.objects.all(),
        label=_("District group"),
        required=False,
        to_field_name="code",
        empty_label=_("All groups"),
        widget=PlainSelect,
    )
    district = forms.ModelChoiceField(
        District.objects.all(),
        label=_("District"),
        required=False,
        to_field_name="code",
        empty_label=_("All districts"),
        widget=PlainSelect,
    )
    category = forms.ModelChoiceField(
        FoodCategory.objects.all(),
        label=_("Food category"),
        required=False,
        to_field_name="slug",
        empty_label=_("All food"),
        widget=PlainSelect,
    )
    measure = forms.ChoiceField(
        label=_("Charts show"),
        required=False,
        choices=list(MEASURES.items()),
        widget=PlainSelect,
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user.role != Role.ADMIN:
            del self.fields["group"]
            del self.fields["district"]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        if not cleaned.get("date_from") and not self.data.get("date_from"):
            cleaned["date_from"] = date(today.year, 1, 1)
        if not cleaned.get("date_to") and not self.data.get("date_to"):
            cleaned["date_to"] = today
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end comes before the start."))
        return cleaned

    @staticmethod
    def default_codes() -> dict:
        """This year so far, everywhere in one's scope."""
        today = timezone.localdate()
        return {"date_from": date(today.year, 1, 1), "date_to": today}

    def codes(self) -> dict:
        """The chosen filters as ``impact_filter_for`` takes them."""
        data = self.cleaned_data
        return {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "district": data["district"].code if data.get("district") else None,
            "group": data["group"].code if data.get("group") else None,
            "category": data["category"].slug if data.get("category") else None,
        }


class UnechoedTextarea(forms.Textarea):
    """A text area that never renders what was typed into it (as a password field)."""

    def format_value(self, value: object) -> None:
        return None


class HouseholdsReachedForm(forms.Form):
    """National ID numbers of registered households a distribution reached, one a line.

    Refused numbers are named by their line, masked; the page never shows them in full, so
    the text area is empty again after a refusal.
    """

    national_ids = forms.CharField(
        label=_("National ID numbers"),
        widget=UnechoedTextarea(attrs={"rows": 4, "autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("One 13-digit number a line, as printed on the card."),
    )

    def numbers(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["national_ids"].splitlines() if line.strip()
        ]


class OpenDataFilterForm(forms.Form):
    """The months to publish: those ``date_from`` and ``date_to`` fall in (all if empty)."""

    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end comes before the start."))
        return cleaned
