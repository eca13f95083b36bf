"""Posting a form to a service: the service's errors appear next to the fields they name."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest

from foodbank.errors import ApplicationError


def _form_field(key: str) -> str:
    """``lines.12.received_quantity`` (a service's name) is the form's ``received-12``."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "lines" and parts[2] == "received_quantity":
        return f"received-{parts[1]}"
    return key


def apply_errors(form: BaseForm, error: ValidationError | ApplicationError) -> None:
    """Show a service's error next to the field it names, or at the top of the form."""
    if isinstance(error, ApplicationError):
        fields = error.fields or {"__all__": [error.message]}
    elif hasattr(error, "error_dict"):
        fields = error.message_dict
    else:
        fields = {"__all__": error.messages}
    for key, problems in fields.items():
        name = _form_field(key)
        field = name if name in form.fields else None
        for problem in problems:
            form.add_error(field, problem)


def submitted(request: HttpRequest, form: BaseForm, act: Callable[[], object]) -> bool:
    """Run ``act`` if the form was posted and is valid; False (errors shown) otherwise."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        act()
    except (ValidationError, ApplicationError) as error:
        apply_errors(form, error)
        return False
    return True
