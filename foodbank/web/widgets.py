"""Form widgets shared by the pages."""

from django import forms
from django.forms.utils import flatatt
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class DayInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (2026-11-23) whatever the language's
    own date format (Thai writes 23/11/2026), or the browser shows the field empty."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs, format="%Y-%m-%d")


class PlainSelect(forms.Select):
    """A select written out in Python, as Django's templates would write it. Those render a
    template for every option, which made a filter form listing the 50 districts cost more
    than the page's queries."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = format_html_join(
            "",
            "{}",
            ((_option_group(label, options),) for label, options, _ in widget["optgroups"]),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(widget["attrs"]),
            groups,
        )


def _option_group(label: str | None, options: list[dict]) -> SafeString:
    written = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (option["value"], flatatt(option["attrs"]), localize(option["label"]))
            for option in options
        ),
    )
    return format_html('<optgroup label="{}">{}</optgroup>', label, written) if label else written
