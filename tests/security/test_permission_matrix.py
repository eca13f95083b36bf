"""Who may call what: every API endpoint and web page, as every role, against one table.

The routes come from the URL configuration itself, so a new endpoint or page without a row in
``MATRIX`` fails ``test_every_route_has_a_row`` with its name. Each route is called with every
HTTP method its view accepts (an API view's own methods; GET and POST for a page function) as
each of eight users: anonymous, a donor, a recipient, counter and district staff of district A
(1001), the same of district B (1006), and an admin. A route that names a record is called for
district A's record and for district B's (see ``tests/security/world.py``).

Outcomes, one per column (anonymous, donor, recipient, counter staff, district staff, admin):

- ``OK``: let through: not 401, 403, 404 or 405, not sent to sign in, and not a server error.
  For a GET that means a 2xx or 3xx answer; a write with an empty body may answer 400, which
  shows it got past the role and district checks.
- ``OWN``: let through for the record of one's own district (the donor's own drop-offs, the
  recipient's own household), 404 for the other district's, as if it did not exist.
  Admins are let through for both.
- ``NO``: 403.  ``NF``: 404.  ``X``: 405 (the method is not accepted, whoever asks).
- ``IN``: sign in first: 401 from the API, a redirect to the sign-in page from a web page.

Every request runs in a transaction rolled back afterwards, so a write cannot change what
the next case sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from .world import CODES, USERS, World

OK, OWN, NO, NF, X, IN = "allowed", "own district only", "403", "404", "405", "sign in"
COLUMNS = ("anonymous", "donor", "recipient", "counter_staff", "district_staff", "admin")
COLUMN_OF = {
    "anonymous": "anonymous",
    "donor": "donor",
    "recipient": "recipient",
    "counter_a": "counter_staff",
    "counter_b": "counter_staff",
    "staff_a": "district_staff",
    "staff_b": "district_staff",
    "admin": "admin",
}
EVERYONE = (OK, OK, OK, OK, OK, OK)
SIGNED_IN = (IN, OK, OK, OK, OK, OK)
NOBODY = (X, X, X, X, X, X)
#: Admins and district staff, who keep a district's records.
KEEPERS = (IN, NO, NO, NO, OK, OK)
KEEPERS_OWN = (IN, NO, NO, NO, OWN, OK)
#: Admins and both kinds of staff: reading a store.
STAFF = (IN, NO, NO, OK, OK, OK)
ADMINS = (IN, NO, NO, NO, NO, OK)
#: District and counter staff at a counter (admins have no counter).
COUNTERS = (IN, NO, NO, OK, OK, NO)


@dataclass(frozen=True)
class Row:
    """What each column may do with each method, and which records the route's URL names.

    ``args`` maps each URL argument to a kind of record in the world (``"dropoff"``) or to
    ``"year"`` (this year) or ``"svg"``; ``query`` is added to every URL, with ``{own}``
    standing for the user's own district code (district A's for admins and the anonymous).
    """

    methods: dict[str, tuple[str, ...]]
    args: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


def row(args: dict[str, str] | None = None, query: dict[str, str] | None = None, **methods):
    return Row(methods=methods, args=args or {}, query=query or {})


def page(*columns: str, args: dict[str, str] | None = None, query: dict[str, str] | None = None):
    """A page function that answers GET and POST alike."""
    return row(args, query, GET=columns, POST=columns)


def post_only(*columns: str, args: dict[str, str] | None = None, query=None):
    """A page function that only accepts POST (GET answers 405 before any role check)."""
    return row(args, query, GET=NOBODY, POST=columns)


PK = {
    name: {"pk": name}
    for name in (
        "user",
        "donor",
        "dropoff",
        "item",
        "lot",
        "line_to_sort",
        "transfer",
        "stock_take",
        "household",
        "grant",
        "voucher",
        "distribution",
        "methodology",
        "import",
        "export",
    )
}
OWN_STORE = {"district": "{own}"}

#           anonymous donor recipient counter_staff district_staff admin
MATRIX: dict[str, Row] = {
    # --- API: accounts and districts -------------------------------------------------------
    "auth-token": row(POST=EVERYONE, DELETE=SIGNED_IN),
    "auth-password": row(POST=EVERYONE),
    "me": row(GET=SIGNED_IN),
    "user-list": row(GET=KEEPERS, POST=ADMINS),
    "user-detail": row(PK["user"], GET=KEEPERS_OWN),
    "district-list": row(GET=EVERYONE),
    "district-detail": row({"code": "district"}, GET=EVERYONE),
    "district-group-list": row(GET=EVERYONE),
    # --- API: donors, drop-offs, distributions, impact -------------------------------------
    "food-category-list": row(GET=EVERYONE),
    "donor-list": row(GET=KEEPERS, POST=KEEPERS),
    "donor-register": row(POST=EVERYONE),
    "donor-me": row(GET=(IN, OK, NO, NO, NO, NO)),
    "donor-detail": row(PK["donor"], GET=KEEPERS),
    "dropoff-list": row(GET=(IN, OK, NO, NO, OK, OK), POST=(IN, OK, NO, NO, OK, OK)),
    "dropoff-detail": row(PK["dropoff"], GET=(IN, OWN, NO, NO, OWN, OK)),
    "dropoff-receive": row(PK["dropoff"], POST=KEEPERS_OWN),
    "dropoff-receipt-email": row(
        PK["dropoff"], GET=(IN, OWN, NO, NO, OWN, OK), POST=(IN, OWN, NO, NO, OWN, OK)
    ),
    "statement-email": row(
        {"pk": "donor", "year": "year"},
        GET=(IN, OWN, NO, NO, OWN, OK),
        POST=(IN, OWN, NO, NO, OWN, OK),
    ),
    "distribution-list": row(GET=KEEPERS, POST=KEEPERS),
    "methodology-list": row(GET=SIGNED_IN, POST=ADMINS),
    "impact-summary": row(GET=(IN, OK, NO, NO, OK, OK)),
    "impact-breakdown": row(query={"by": "district"}, GET=KEEPERS),
    # --- API: stores ----------------------------------------------------------------------
    "inventory-api:item-list": row(GET=STAFF, POST=KEEPERS),
    "inventory-api:item-detail": row(PK["item"], GET=STAFF, PATCH=ADMINS),
    "inventory-api:item-approve": row(PK["item"], POST=ADMINS),
    "inventory-api:price-list": row(GET=STAFF, POST=KEEPERS),
    "inventory-api:minimum-level-list": row(GET=STAFF, POST=KEEPERS),
    "inventory-api:stock": row(query=OWN_STORE, GET=STAFF),
    "inventory-api:lot-list": row(GET=STAFF, POST=KEEPERS),
    "inventory-api:lot-detail": row(PK["lot"], GET=(IN, NO, NO, OWN, OWN, OK)),
    "inventory-api:lot-issue": row(PK["lot"], GET=KEEPERS_OWN, POST=KEEPERS_OWN),
    "inventory-api:lot-write-off": row(PK["lot"], GET=KEEPERS_OWN, POST=KEEPERS_OWN),
    "inventory-api:issue": row(POST=KEEPERS),
    "inventory-api:movement-list": row(GET=KEEPERS),
    "inventory-api:movement-export": row(GET=KEEPERS),
    "inventory-api:alert-list": row(GET=STAFF),
    "inventory-api:to-sort-list": row(GET=KEEPERS),
    "inventory-api:to-sort-line": row(PK["line_to_sort"], POST=KEEPERS_OWN),
    "inventory-api:transfer-list": row(GET=KEEPERS, POST=KEEPERS),
    "inventory-api:transfer-detail": row(PK["transfer"], GET=KEEPERS_OWN),
    "inventory-api:transfer-receive": row(PK["transfer"], GET=KEEPERS_OWN, POST=KEEPERS_OWN),
    "inventory-api:stock-take-list": row(GET=KEEPERS, POST=KEEPERS),
    "inventory-api:stock-take-detail": row(PK["stock_take"], GET=KEEPERS_OWN),
    "inventory-api:count-line": row(PK["stock_take"], GET=KEEPERS_OWN, POST=KEEPERS_OWN),
    "inventory-api:stock-take-close": row(PK["stock_take"], GET=KEEPERS_OWN, POST=KEEPERS_OWN),
    # --- API: households and points -------------------------------------------------------
    "household-list": row(GET=KEEPERS, POST=KEEPERS),
    "household-detail": row(PK["household"], GET=KEEPERS_OWN, PATCH=KEEPERS_OWN),
    "household-statement": row(PK["household"], GET=KEEPERS_OWN),
    "household-recommendation": row(PK["household"], GET=KEEPERS_OWN),
    "household-recipient-login": row(PK["household"], POST=KEEPERS_OWN),
    "household-recipient-password": row(PK["household"], POST=KEEPERS_OWN),
    "household-leave": row(PK["household"], POST=KEEPERS_OWN),
    "household-return": row(PK["household"], POST=KEEPERS_OWN),
    "household-erase": row(PK["household"], POST=KEEPERS_OWN),
    "household-personal-data": row(PK["household"], GET=KEEPERS_OWN),
    "my-personal-data": row(GET=(IN, NO, OK, NO, NO, NO)),
    "assessment-list": row(GET=KEEPERS, POST=KEEPERS),
    "grant-list": row(GET=KEEPERS, POST=KEEPERS),
    "grant-approve": row(PK["grant"], POST=KEEPERS_OWN),
    "grant-reject": row(PK["grant"], POST=KEEPERS_OWN),
    "entry-list": row(GET=KEEPERS),
    "correction": row(POST=KEEPERS),
    "policy": row(query=OWN_STORE, GET=KEEPERS, PUT=KEEPERS),
    "my-points": row(GET=(IN, NO, OK, NO, NO, NO)),
    # --- API: vouchers and the counter ----------------------------------------------------
    "household-card": row(PK["household"], POST=KEEPERS_OWN),
    "voucher-list": row(GET=(IN, NO, OK, OK, OK, OK), POST=(IN, NO, OK, OK, OK, OK)),
    "voucher-shelf": row(query=OWN_STORE, GET=(IN, NO, OK, OK, OK, OK)),
    "voucher-keys": row(GET=EVERYONE),
    "voucher-limits": row(GET=KEEPERS, POST=KEEPERS),
    "voucher-redeem": row(POST=COUNTERS),
    "voucher-lookup": row(POST=COUNTERS),
    "voucher-checkout": row(POST=COUNTERS),
    "voucher-detail": row(PK["voucher"], GET=(IN, NO, OWN, OWN, OWN, OK)),
    "voucher-cancel": row(
        PK["voucher"], GET=(IN, NO, OWN, OWN, OWN, OK), POST=(IN, NO, OWN, OWN, OWN, OK)
    ),
    "voucher-qr": row({"pk": "voucher", "kind": "svg"}, GET=(IN, NO, OWN, OWN, OWN, OK)),
    # --- API: dashboard and open data -----------------------------------------------------
    "impact-dashboard": row(GET=KEEPERS),
    "impact-stock-cover": row(GET=KEEPERS),
    "distribution-households": row(PK["distribution"], GET=KEEPERS_OWN, POST=KEEPERS_OWN),
    "open-data-impact": row(GET=EVERYONE),
    # --- Schema and documentation ---------------------------------------------------------
    "schema": row(GET=EVERYONE),
    "swagger-ui": row(GET=EVERYONE),
    # --- Web: sign-in, home, language, health, Django admin --------------------------------
    "home": page(*SIGNED_IN),
    "login": row(GET=EVERYONE, POST=EVERYONE, PUT=EVERYONE),
    "logout": row(POST=EVERYONE),
    "password-change": page(*SIGNED_IN),
    # A redirect to the page above, whatever the method.
    "admin-password-change": row(
        **dict.fromkeys(["GET", "POST", "PUT", "PATCH", "DELETE"], EVERYONE)
    ),
    "set_language": page(*EVERYONE),
    "healthz": row(GET=EVERYONE, POST=NOBODY),
    "healthz-web": row(GET=EVERYONE, POST=NOBODY),
    "admin:index": page(IN, IN, IN, IN, IN, OK),
    # --- Web: surplus rescue --------------------------------------------------------------
    "donors:dropoff-list": page(IN, OK, NO, NO, OK, OK),
    "donors:dropoff-new": page(*KEEPERS),
    "donors:dropoff-announce": page(IN, OK, NO, NO, NO, NO),
    "donors:dropoff-detail": page(IN, OWN, NO, NO, OWN, OK, args=PK["dropoff"]),
    "donors:dropoff-receive": post_only(*KEEPERS_OWN, args=PK["dropoff"]),
    "donors:dropoff-receipt": page(IN, OWN, NO, NO, OWN, OK, args=PK["dropoff"]),
    "donors:dropoff-receipt-email": post_only(IN, OWN, NO, NO, OWN, OK, args=PK["dropoff"]),
    "donors:signup": page(*EVERYONE),
    "donors:donor-new": page(*KEEPERS),
    "donors:statement": page(IN, OWN, NO, NO, OWN, OK, args={"pk": "donor", "year": "year"}),
    "donors:statement-email": post_only(
        IN, OWN, NO, NO, OWN, OK, args={"pk": "donor", "year": "year"}
    ),
    "donors:distribution-list": page(*KEEPERS),
    "donors:distribution-new": page(*KEEPERS),
    "donors:methodology-list": page(*KEEPERS),
    "donors:methodology-new": page(*ADMINS),
    "donors:methodology-detail": page(*KEEPERS, args=PK["methodology"]),
    "donors:import-new": page(*KEEPERS),
    "donors:import-detail": page(*KEEPERS_OWN, args=PK["import"]),
    # --- Web: stores ----------------------------------------------------------------------
    "inventory:store": page(*STAFF),
    "inventory:item-lots": page(*STAFF, args={"item_id": "item"}, query=OWN_STORE),
    "inventory:receive": page(*KEEPERS, query=OWN_STORE),
    "inventory:write-off": page(*KEEPERS_OWN, args=PK["lot"]),
    "inventory:to-sort": page(*KEEPERS),
    "inventory:sort-line": page(*KEEPERS_OWN, args=PK["line_to_sort"]),
    "inventory:transfers": page(*KEEPERS),
    "inventory:transfer-new": page(*KEEPERS, query=OWN_STORE),
    "inventory:transfer-receive": page(*KEEPERS_OWN, args=PK["transfer"]),
    "inventory:counts": page(*KEEPERS),
    "inventory:count-start": post_only(*KEEPERS, query=OWN_STORE),
    "inventory:count": page(*KEEPERS_OWN, args=PK["stock_take"]),
    "inventory:count-close": post_only(*KEEPERS_OWN, args=PK["stock_take"]),
    "inventory:movements-csv": page(*KEEPERS),
    # --- Web: households, points and vouchers ---------------------------------------------
    "points:households": page(*KEEPERS),
    "points:household-new": page(*KEEPERS, query=OWN_STORE),
    "points:household": page(*KEEPERS_OWN, args=PK["household"]),
    "points:assess": page(*KEEPERS_OWN, args=PK["household"]),
    "points:grant": page(*KEEPERS_OWN, args=PK["household"]),
    "points:recipient-login": page(*KEEPERS_OWN, args=PK["household"]),
    "points:recipient-password": page(*KEEPERS_OWN, args=PK["household"]),
    "points:leave": page(*KEEPERS_OWN, args=PK["household"]),
    "points:return": post_only(*KEEPERS_OWN, args=PK["household"]),
    "points:erase": page(*KEEPERS_OWN, args=PK["household"]),
    "points:personal-data": page(*KEEPERS_OWN, args=PK["household"]),
    "points:my-personal-data": page(IN, NO, OK, NO, NO, NO),
    "points:correct": page(*KEEPERS_OWN, args={"pk": "household", "entry_pk": "entry"}),
    "points:approvals": page(*KEEPERS),
    "points:decide": post_only(*KEEPERS_OWN, args=PK["grant"]),
    "points:policy": page(*KEEPERS),
    "points:me": page(IN, NO, OK, NO, NO, NO),
    "points:choose": page(IN, NO, OK, NO, NO, NO),
    "points:choose-for": page(IN, NO, NO, OWN, OWN, OK, args=PK["household"]),
    "points:card": page(*KEEPERS_OWN, args=PK["household"]),
    "points:voucher": page(IN, NO, OWN, OWN, OWN, OK, args=PK["voucher"]),
    "points:voucher-cancel": post_only(IN, NO, OWN, OWN, OWN, OK, args=PK["voucher"]),
    "points:counter": page(*COUNTERS),
    "points:counter-redeem": post_only(*COUNTERS),
    "points:counter-checkout": page(*COUNTERS),
    # --- Web: dashboard and open data -----------------------------------------------------
    "dashboard:impact": page(*KEEPERS),
    "dashboard:report": page(*KEEPERS),
    "dashboard:report-csv": page(*KEEPERS),
    "dashboard:report-xlsx": page(*KEEPERS),
    "dashboard:stock-cover": page(*KEEPERS),
    "dashboard:export-new": post_only(*KEEPERS),
    # An export is its asker's alone: the other district's staff and admins get 404.
    "dashboard:export": page(IN, NO, NO, NO, OWN, NF, args=PK["export"]),
    "dashboard:export-status": page(IN, NO, NO, NO, OWN, NF, args=PK["export"]),
    "dashboard:export-download": page(IN, NO, NO, NO, OWN, NF, args=PK["export"]),
    "dashboard:households-helped": page(*KEEPERS),
    "dashboard:points-records": page(*KEEPERS),
    "dashboard:households-reached": page(*KEEPERS_OWN, args=PK["distribution"]),
    "dashboard:open-data": page(*EVERYONE),
    "dashboard:open-data-csv": page(*EVERYONE),
    # --- Web: audit trail -----------------------------------------------------------------
    "audit:trail": page(*ADMINS),
}


# --- The routes, from the URL configuration ----------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    pattern: URLPattern

    @property
    def is_api(self) -> bool:
        return self.path.startswith("api/v1/")

    @property
    def arguments(self) -> set[str]:
        return set(self.pattern.pattern.converters)

    def methods(self) -> list[str]:
        """The methods the view accepts: a class view's own; GET and POST for a function."""
        view = self.pattern.callback
        view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
        if view_class is None:
            return ["GET", "POST"]
        names = [m for m in view_class.http_method_names if m not in ("head", "options")]
        return [m.upper() for m in names if hasattr(view_class, m)]


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[Route | str]:
    """Every URL pattern, with its namespaced name; a pattern without a name yields its path."""
    for entry in patterns:
        path = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.app_name == admin_site.name:
                yield Route("admin:index", path, _admin_index())
                continue
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from _walk(entry.url_patterns, path, inner)
        elif entry.name is None:
            yield path
        else:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name, path, entry)


def _admin_index() -> URLPattern:
    """Django admin's own pages are Django's; its index stands for them in the table."""
    (index,) = [p for p in admin_site.get_urls() if getattr(p, "name", None) == "index"]
    return index


ROUTES = list(_walk(get_resolver().url_patterns))
NAMED = {route.name: route for route in ROUTES if isinstance(route, Route)}


def test_every_route_has_a_row():
    unnamed = [route for route in ROUTES if isinstance(route, str)]
    assert not unnamed, f"URL patterns without a name (name them and add rows): {unnamed}"
    named = [route.name for route in ROUTES if isinstance(route, Route)]
    assert len(named) == len(set(named)), "two routes share a name"
    missing = sorted(set(named) - set(MATRIX))
    assert not missing, f"routes without a row in MATRIX: {missing}"
    stale = sorted(set(MATRIX) - set(named))
    assert not stale, f"rows in MATRIX for routes that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(NAMED))
def test_each_row_names_the_routes_methods_and_arguments(name):
    route, expected = NAMED[name], MATRIX.get(name)
    if expected is None:
        pytest.fail(f"{name} ({route.path}) has no row in MATRIX")
    assert sorted(expected.methods) == sorted(route.methods()), (
        f"{name}: the view accepts {route.methods()}, the row declares {list(expected.methods)}"
    )
    assert set(expected.args) == route.arguments, (
        f"{name}: the URL takes {sorted(route.arguments)}, the row gives {sorted(expected.args)}"
    )
    for columns in expected.methods.values():
        assert len(columns) == len(COLUMNS), f"{name}: one outcome per column {COLUMNS}"


# --- Calling them --------------------------------------------------------------------------


def _argument(world: World, kind: str, side: str) -> Any:
    if kind == "year":
        return timezone.localdate().year
    if kind == "svg":
        return "svg"
    record = world.records[kind][side]
    return record.code if kind == "district" else record.pk


def _url(world: World, route: Route, expected: Row, user: str, side: str) -> str:
    kwargs = {name: _argument(world, kind, side) for name, kind in expected.args.items()}
    own = CODES[world.side_of(user) or "A"]
    query = {key: value.format(own=own) for key, value in expected.query.items()}
    url = reverse(route.name, kwargs=kwargs)
    return f"{url}?{urlencode(query)}" if query else url


def _call(world: World, route: Route, method: str, user: str, url: str) -> HttpResponse:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    headers: dict[str, str] = {}
    if user != "anonymous":
        if route.is_api:
            headers["HTTP_AUTHORIZATION"] = f"Token {world.tokens[user]}"
        else:
            client.force_login(world.users[user])
    if method == "GET":
        return client.get(url, **headers)
    if route.is_api:
        return client.generic(method, url, b"{}", content_type="application/json", **headers)
    return client.generic(
        method, url, b"", content_type="application/x-www-form-urlencoded", **headers
    )


def _sign_in_page(route: Route) -> str:
    return reverse("admin:login") if route.name.startswith("admin:") else reverse("login")


def _outcome(response: HttpResponse, route: Route) -> str:
    """What happened, in the table's words."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status == 302:
        target = urlsplit(response["Location"])
        if target.path == _sign_in_page(route) and "next=" in target.query:
            return IN
    if status == 401:
        return IN
    if status in (403, 404, 405):
        return str(status)
    return OK


def _expected(world: World, declared: str, user: str, side: str | None) -> str:
    if declared != OWN:
        return declared
    own = world.side_of(user)
    return OK if own is None or side is None or own == side else NF


CASES = [
    pytest.param(name, method, user, id=f"{name}-{method}-{user}")
    for name in sorted(MATRIX)
    if name in NAMED
    for method in MATRIX[name].methods
    for user in USERS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "user"), CASES)
def test_role_and_district_decide_the_answer(world, name, method, user):
    route, expected = NAMED[name], MATRIX[name]
    declared = expected.methods[method][COLUMNS.index(COLUMN_OF[user])]
    names_records = any(kind not in ("year", "svg") for kind in expected.args.values())
    sides = ("A", "B") if names_records else (None,)
    seen = []
    for side in sides:
        url = _url(world, route, expected, user, side or "A")
        with transaction.atomic():
            response = _call(world, route, method, user, url)
            transaction.set_rollback(True)
        outcome, wanted = _outcome(response, route), _expected(world, declared, user, side)
        if outcome == OK and method == "GET" and response.status_code >= 400:
            outcome = f"refused a plain read with {response.status_code}"
        seen.append((side, url, wanted, outcome, response.status_code))
    wrong = [case for case in seen if case[2] != case[3]]
    assert not wrong, "\n".join(
        f"{method} {url} as {user}: expected {wanted}, got {outcome} ({status})"
        for _side, url, wanted, outcome, status in wrong
    )
