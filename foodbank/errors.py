"""The application's error base and the one place that turns errors into JSON answers.

Every API error has the same shape: ``{"code": ..., "message": ..., "fields": {...}}``.
``fields`` maps each field at fault (nested for lists, e.g. ``lines.2.weight_kg``) to its
messages; it is empty when no single field is to blame.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A broken business rule. Subclasses set ``code``, ``status_code`` and ``default_message``."""

    code = "application_error"
    status_code: int = status.HTTP_400_BAD_REQUEST
    default_message = _("The request could not be completed.")

    def __init__(self, message: str | None = None, *, fields: dict[str, Any] | None = None):
        self.message = str(message or self.default_message)
        self.fields = fields or {}
        super().__init__(self.message)


class Conflict(ApplicationError):
    code = "conflict"
    status_code = status.HTTP_409_CONFLICT
    default_message = _("The request conflicts with the current state.")


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into ``{"lines.0.weight_kg": ["..."]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            # A list's own errors ("may not be empty") belong to the list's field itself.
            own = key == "non_field_errors" and prefix
            flat.update(_flatten(value, prefix if own else _join(prefix, str(key))))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(_flatten(item, _join(prefix, str(index))))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


#: Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 5
#: The database could not be reached or dropped the connection (restarting, failing over).
#: The request's transaction did not commit (save for the rare loss of the connection during
#: the commit itself), so it may be sent again; with the same Idempotency-Key a retry never
#: applies twice.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
UNAVAILABLE_MESSAGE = _("The service is briefly unavailable. Please try again in a moment.")


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": str(message), "fields": fields or {}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: one JSON shape for application, validation and HTTP errors."""
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return Response(
            error_body("unavailable", str(UNAVAILABLE_MESSAGE)),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", str(_("Some fields are invalid.")), _flatten(exc.detail))
    else:
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        body = error_body(str(code), str(detail))
    response.data = body
    return response
