"""Errors that reach a web page unhandled become a clear page, not a 500; requests carrying
NUL characters are refused before anything reads them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

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


#: How a NUL character is written in a query string, a form body or a JSON body.
NUL_SPELLINGS = (b"%00", b"\\u0000", b"\x00")
READ_BODIES = ("application/json", "application/x-www-form-urlencoded")


def carries_nul(request: HttpRequest) -> bool:
    """Whether the query string, or a JSON or form body, holds a NUL character (on the API,
    any body: it takes no files, so a multipart body is fields only)."""
    query = request.META.get("QUERY_STRING", "").encode().lower()
    if any(spelling in query for spelling in NUL_SPELLINGS):
        return True
    if request.content_type not in READ_BODIES and not request.path.startswith("/api/"):
        return False  # the pages' uploads are read by their forms, which refuse such files
    body = request.body.lower()
    return any(spelling in body for spelling in NUL_SPELLINGS)


class RefuseNulCharacters:
    """PostgreSQL can neither store nor compare text holding NUL (U+0000): a request with
    one answers 400 here, the same on every database, instead of failing in a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not carries_nul(request):
            return self.get_response(request)
        message = _("Text may not contain NUL characters.")
        if request.path.startswith("/api/"):
            body = {"code": "nul_character", "message": message, "fields": {}}
            return JsonResponse(body, status=400)
        return HttpResponseBadRequest(message)
