"""Every URL the site answers refuses a POST without a CSRF token, for a signed-in admin and
for an anonymous visitor: the URL list comes from the URL configuration, so a new page is
covered as soon as it is routed."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

#: Converters filled in with a value of their kind; the CSRF check comes before the view.
SAMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "0" * 32}
CONVERTER = re.compile(r"<(?:(?P<kind>[a-z]+):)?(?P<name>\w+)>")


def routes(patterns=None, prefix=""):
    """Every path-style route, with its converters filled in."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # regex routes: the admin's catch-alls, covered by its path routes
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield "/" + CONVERTER.sub(lambda m: SAMPLES[m["kind"] or "str"], route)


ROUTES = sorted(set(routes()))
#: Reading no session, so a forged request gains nothing: public and read-only (a POST is
#: not allowed), or taking the person's current password in the body (checked as a form).
NO_SESSION = {"/api/v1/open-data/impact/": 405, "/api/v1/auth/password/": 400}
#: Answered by a template renderer, whose 403 page does not say why.
UNEXPLAINED_403 = {"/api/docs/"}


def test_the_routes_include_the_forms_that_matter():
    for path in ("/login/", "/logout/", "/donors/signup/", "/counter/redeem/", "/i18n/setlang/"):
        assert path in ROUTES
    assert len(ROUTES) > 100


def test_a_post_without_a_csrf_token_is_refused_everywhere(people):
    admin = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(people.admin)
    wrong = {}
    for path in ROUTES:
        response = admin.post(path, {"anything": "1"})
        body = response.content.decode(errors="replace")
        explained = path in NO_SESSION or path in UNEXPLAINED_403 or "CSRF" in body
        if response.status_code != NO_SESSION.get(path, 403) or not explained:
            wrong[path] = (response.status_code, body[:120])
    assert wrong == {}


@pytest.mark.parametrize("path", ["/login/", "/donors/signup/", "/admin/login/", "/i18n/setlang/"])
def test_anonymous_forms_refuse_a_post_without_a_token(db, path):
    response = Client(enforce_csrf_checks=True).post(path, {"username": "x", "password": "y"})
    assert response.status_code == 403
