"""Form widgets shared by the pages."""

from django import forms


class DayInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (2026-11-23) whatever the language's
    own date format (Thai writes 23/11/2026), or the browser shows the field empty."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs, format="%Y-%m-%d")
