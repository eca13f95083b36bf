"""The main navigation, built from the signed-in user's role: each link names the roles whose
pages admit them, so nobody is shown a page that would refuse them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from foodbank.accounts.models import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ADMIN, STAFF, COUNTER = Role.ADMIN, Role.DISTRICT_STAFF, Role.COUNTER_STAFF
DONOR, RECIPIENT = Role.DONOR, Role.RECIPIENT


@dataclass(frozen=True)
class Link:
    label: StrOrPromise
    url_name: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Shown:
    """A link as the page draws it; ``current`` when the page is the link's or below it."""

    label: StrOrPromise
    url: str
    current: bool


LINKS = (
    Link(_("Impact"), "dashboard:impact", frozenset({ADMIN, STAFF})),
    Link(_("Drop-offs"), "donors:dropoff-list", frozenset({ADMIN, STAFF})),
    Link(_("Log a drop-off"), "donors:dropoff-new", frozenset({ADMIN, STAFF})),
    Link(_("My drop-offs"), "donors:dropoff-list", frozenset({DONOR})),
    Link(_("Announce a drop-off"), "donors:dropoff-announce", frozenset({DONOR})),
    Link(_("Store"), "inventory:store", frozenset({ADMIN, STAFF, COUNTER})),
    Link(_("Households"), "points:households", frozenset({ADMIN, STAFF})),
    Link(_("Counter"), "points:counter", frozenset({STAFF, COUNTER})),
    Link(_("Distributions"), "donors:distribution-list", frozenset({ADMIN, STAFF})),
    Link(_("Methodologies"), "donors:methodology-list", frozenset({ADMIN, STAFF})),
    Link(_("Points policy"), "points:policy", frozenset({ADMIN, STAFF})),
    Link(_("My points"), "points:me", frozenset({RECIPIENT})),
    Link(_("Choose items"), "points:choose", frozenset({RECIPIENT})),
    Link(_("Audit trail"), "audit:trail", frozenset({ADMIN})),
    Link(_("Users"), "admin:accounts_user_changelist", frozenset({ADMIN})),
    Link(_("Administration"), "admin:index", frozenset({ADMIN})),
)


def links_for(role: str, path: str = "") -> list[Shown]:
    """The links a role may follow, in the order the header shows them."""
    allowed = [(link.label, reverse(link.url_name)) for link in LINKS if role in link.roles]
    # The page belongs to the longest link it lies under: /dropoffs/new/ is "Log a drop-off",
    # /dropoffs/12/ is "Drop-offs".
    within = [url for _label, url in allowed if path.startswith(url)]
    current = max(within, key=len, default=None)
    return [Shown(label, url, url == current) for label, url in allowed]


def main_nav(request: HttpRequest) -> dict:
    """Template context: ``nav_links`` for the signed-in user, none for a visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    return {"nav_links": links_for(user.role, request.path)}
