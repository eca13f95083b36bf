"""A person whose password someone else chose (staff making or resetting their login)
changes it before anything else: pages send them to the password page, the API answers 403."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from foodbank.errors import error_body

from .errors import PasswordChangeRequired

#: Where such a person may still go: the password page itself, signing out, the language
#: switch, the API's sign-in and password endpoints, and the health checks.
OPEN_PREFIXES = ("/i18n/", "/api/v1/auth/", "/healthz", "/static/")


def _open(request: HttpRequest) -> bool:
    path = request.path_info
    return path in (reverse("password-change"), reverse("logout")) or path.startswith(OPEN_PREFIXES)


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if not getattr(user, "must_change_password", False) or _open(request):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            error = PasswordChangeRequired()
            return JsonResponse(error_body(error.code, error.message), status=error.status_code)
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('password-change')}?{query}")
