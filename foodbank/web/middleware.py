"""Errors that reach a web page unhandled become a clear page, not a 500."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from foodbank.errors import (
    DATABASE_UNAVAILABLE,
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_MESSAGE,
    ApplicationError,
)


class ApplicationErrorPage:
    """The API answers these as JSON (see foodbank.errors); pages show their message.

    A broken business rule shows its message with its status. A database that cannot be
    reached (restarting, failing over) answers 503 with ``Retry-After``, on a page that needs
    no database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            page = render_to_string("web/unavailable.html", {"message": UNAVAILABLE_MESSAGE})
            response = HttpResponse(page, status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        if not isinstance(exception, ApplicationError):
            return None
        context = {"message": exception.message}
        return render(request, "web/refused.html", context, status=exception.status_code)
