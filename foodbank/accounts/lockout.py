"""Locking out repeated failed sign-ins (django-axes), on the web, in the admin and for API
tokens.

A username is locked from one address after ``AXES_FAILURE_LIMIT`` failures, and an address
is locked for every username after ``FOODBANK_ADDRESS_FAILURE_LIMIT`` failures (higher: a
district office's staff share one address). Failures older than the cool-off
(``AXES_COOLOFF_TIME``) no longer count, so a lockout ends by itself; a correct password
during a lockout is refused like a wrong one. Admins see and clear lockouts in the Django
admin (*Access attempts*) or with ``manage.py axes_reset``.
"""

from __future__ import annotations

import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status

from foodbank.errors import ApplicationError, error_body


class LockoutBackend(AxesStandaloneBackend):
    """Refuses sign-ins while locked out; signs in no one itself (the next backend does).

    Every sign-in from outside (pages, admin, API tokens) passes its request. Code that
    checks a password with no request at all (Django's test client ``login()``, a shell) is
    not counted or refused: there is no address to count it against.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class LockoutHandler(AxesDatabaseHandler):
    """Counts a username's failures from one address against ``AXES_FAILURE_LIMIT`` and an
    address's failures for any username against the higher ``FOODBANK_ADDRESS_FAILURE_LIMIT``.

    ``AXES_LOCKOUT_PARAMETERS`` names the pair first and the address second, in that order.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        per_pair, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if per_address >= settings.FOODBANK_ADDRESS_FAILURE_LIMIT:
            return max(per_pair, settings.AXES_FAILURE_LIMIT)
        return per_pair


def lockout_message(request: HttpRequest | None = None) -> str:
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else 0
    return _(
        "Too many failed sign-ins. Signing in is locked for %(minutes)d minutes; "
        "an administrator can unlock it sooner."
    ) % {"minutes": minutes}


class LockedOut(ApplicationError):
    code = "locked_out"
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_message = gettext_lazy("Too many failed sign-ins.")


def locked_out(request: Any) -> bool:
    """Whether the last ``authenticate(request, ...)`` was refused for a lockout."""
    return bool(getattr(request, "axes_locked_out", False))


def retry_after(request: HttpRequest | None = None) -> str:
    cool_off = get_cool_off(request)
    return str(int(cool_off.total_seconds())) if cool_off else "3600"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a 429 page (JSON under /api/) in the visitor's language."""
    message = lockout_message(request)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(LockedOut.code, message), status=429)
    else:
        response = render(request, "web/refused.html", {"message": message}, status=429)
    response["Retry-After"] = retry_after(request)
    return response
