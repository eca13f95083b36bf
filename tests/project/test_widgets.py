"""Date pickers keep an ISO value in Thai, whose own date format the browser cannot read."""

from datetime import date

from django import forms
from django.utils import translation

from foodbank.web.widgets import DayInput


class Day(forms.Form):
    on = forms.DateField(widget=DayInput())


def test_a_date_picker_shows_its_value_in_iso_in_thai_and_english():
    for language in ("th", "en"):
        with translation.override(language):
            html = str(Day(initial={"on": date(2026, 11, 23)})["on"])
        assert 'type="date"' in html
        assert 'value="2026-11-23"' in html


def test_a_refused_form_shows_the_typed_date_back_in_iso():
    with translation.override("th"):
        form = Day({"on": "2026-11-23x"})
        assert not form.is_valid()
        assert 'value="2026-11-23x"' in str(form["on"])
        form = Day({"on": "2026-11-23"})
        assert form.is_valid()
        assert form.cleaned_data["on"] == date(2026, 11, 23)
