"""Date pickers keep an ISO value in Thai, whose own date format the browser cannot read; a
select written out in Python says what Django's templates would."""

from datetime import date

from django import forms
from django.test.html import parse_html
from django.utils import translation

from foodbank.web.widgets import DayInput, PlainSelect


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


FRUIT = [("", "All <food>"), ("apple", "Apple & pear"), ("rice", "ข้าว")]
GROUPED = [("", "None"), ("Grains", [("rice", "Rice"), ("oats", "Oats")]), ("milk", "Milk")]


def _both(choices: list, value: str | None, attrs: dict) -> tuple[str, str]:
    ours, django = PlainSelect(choices=choices), forms.Select(choices=choices)
    return ours.render("food", value, attrs), django.render("food", value, attrs)


def test_a_plain_select_writes_the_same_options_as_django():
    ours, django = _both(
        FRUIT, "apple", {"id": "id_food", "required": True, "aria-invalid": "true"}
    )
    assert parse_html(ours) == parse_html(django)
    assert '<option value="apple" selected>Apple &amp; pear</option>' in ours
    assert "All &lt;food&gt;" in ours


def test_a_plain_select_keeps_option_groups_and_escapes_a_chosen_value():
    ours, django = _both(GROUPED, "oats", {"id": "id_food"})
    assert parse_html(ours) == parse_html(django)
    assert '<optgroup label="Grains"><option value="rice">Rice</option>' in ours
    hostile = '"><script>'
    ours, django = _both([*FRUIT, (hostile, "Odd")], hostile, {})
    assert parse_html(ours) == parse_html(django)
    assert '<option value="&quot;&gt;&lt;script&gt;" selected>Odd</option>' in ours


def test_a_plain_select_writes_dates_and_numbers_as_the_language_does():
    choices = [("day", date(2026, 1, 2)), ("kg", 1234.5)]
    with translation.override("th"):
        ours, django = _both(choices, "kg", {})
    assert parse_html(ours) == parse_html(django)
    assert str(date(2026, 1, 2)) not in ours
