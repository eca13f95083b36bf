from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

#: Django's password rules in words, in the language of the page that shows them.
RULES = lazy(lambda: " ".join(password_validation.password_validators_help_texts()), str)()


def _password(label, autocomplete: str, help_text: str = "") -> forms.CharField:
    widget = forms.PasswordInput(attrs={"autocomplete": autocomplete})
    return forms.CharField(label=label, widget=widget, strip=False, help_text=help_text)


class PasswordChangeForm(forms.Form):
    old_password = _password(_("Current password"), "current-password")
    new_password = _password(_("New password"), "new-password", RULES)
    new_password_again = _password(_("New password again"), "new-password")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return cleaned
