"""Forms of the household and points pages; the services do the checking that matters."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foodbank.accounts.models import User
from foodbank.districts.models import District
from foodbank.web.widgets import DayInput, PlainSelect

from .models import Household, LeavingReason

SCORES = [(n, str(n)) for n in range(5)]


class HouseholdForm(forms.ModelForm):
    """Staff register in their own district; admins also say which district office."""

    district = forms.ModelChoiceField(
        District.objects.all(), label=_("District office"), to_field_name="code", widget=PlainSelect
    )
    national_id = forms.CharField(
        label=_("National ID (13 digits)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Household
        fields = [
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
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "vulnerability_notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if user.district_id:
            del self.fields["district"]

    def _post_clean(self) -> None:
        """The service checks the whole household (and the national ID) when it saves."""


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DayInput())
    income = forms.TypedChoiceField(label=_("Income"), choices=SCORES, coerce=int)
    health = forms.TypedChoiceField(label=_("Health"), choices=SCORES, coerce=int)
    education = forms.TypedChoiceField(label=_("Education"), choices=SCORES, coerce=int)
    living_conditions = forms.TypedChoiceField(
        label=_("Living conditions"), choices=SCORES, coerce=int
    )
    public_services = forms.TypedChoiceField(
        label=_("Access to public services"), choices=SCORES, coerce=int
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("initial", {"assessed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class GrantForm(forms.Form):
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=100_000)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Needed when the points differ from the recommendation."),
    )


class CorrectionForm(forms.Form):
    points = forms.IntegerField(
        label=_("Points to add (negative to take away)"), min_value=-100_000, max_value=100_000
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RecipientLoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput, strip=False, min_length=8
    )


class RecipientPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        required=False,
        strip=False,
        # Plain text: it is the recipient's, shown on the next page anyway, and a password
        # field would have the browser offer to keep it as the staff member's own.
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Leave it empty to have one made."),
    )


class PolicyForm(forms.Form):
    percent = forms.IntegerField(label=_("Awards scaled to (%)"), min_value=0)
    validity_days = forms.IntegerField(label=_("Validity (days)"), required=False, min_value=1)
    approval_threshold = forms.IntegerField(
        label=_("Second approval above (points)"), required=False, min_value=0
    )


class DepartureForm(forms.Form):
    leaving_reason = forms.ChoiceField(
        label=_("Reason for leaving"), choices=LeavingReason.choices, widget=PlainSelect
    )
    left_on = forms.DateField(label=_("Left on"), widget=DayInput())

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("initial", {"left_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ErasureForm(forms.Form):
    understood = forms.BooleanField(
        label=_("I understand that the personal data cannot be brought back."), required=True
    )
