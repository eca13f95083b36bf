"""Role checks for API views. Each view names the roles it admits; everyone else gets 403."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from .models import Role, User


class RolePermission(BasePermission):
    """Admits signed-in users whose role is in ``roles``; subclasses come from ``allow_roles``."""

    roles: frozenset[str] = frozenset()
    read_only = False
    message = _("Your role may not do this.")

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if self.read_only and request.method not in SAFE_METHODS:
            return False
        return user.role in self.roles


def allow_roles(*roles: Role | str, read_only: bool = False) -> type[RolePermission]:
    """A permission class admitting ``roles`` (only for reads if ``read_only``).

    Compose with ``|`` for mixed rules: ``allow_roles(ADMIN) | allow_roles(STAFF, read_only=True)``.
    """
    names = frozenset(str(role) for role in roles)
    suffix = "ReadOnly" if read_only else ""
    return type(
        f"Allow{'_'.join(sorted(names)).title().replace('_', '')}{suffix}",
        (RolePermission,),
        {"roles": names, "read_only": read_only},
    )


def signed_in_user(request: Request | HttpRequest) -> User:
    """The user of a request that a role check (permission or decorator) has admitted."""
    if not isinstance(request.user, User):
        raise NotAuthenticated()
    return request.user
