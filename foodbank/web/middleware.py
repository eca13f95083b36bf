"""Broken business rules that reach a web page unhandled become a clear page, not a 500."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from foodbank.errors import ApplicationError


class ApplicationErrorPage:
    """The API answers these as JSON (see foodbank.errors); pages show their message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError):
            return None
        context = {"message": exception.message}
        return render(request, "web/refused.html", context, status=exception.status_code)
