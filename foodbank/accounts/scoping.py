"""District scoping, written once: which rows a user may see, and where a user may act.

Admins see the whole city; district and counter staff see their own district; other roles
see nothing here (their own records are scoped by the apps that own them). Rows outside
one's scope are filtered out, so reading one answers 404, not 403.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.request import Request

from foodbank.districts.models import District
from foodbank.errors import ApplicationError

from .models import STAFF_ROLES, Role, User

M = TypeVar("M", bound=Model)


class OutsideDistrict(ApplicationError):
    code = "outside_district"
    status_code = status.HTTP_403_FORBIDDEN
    default_message = _("You may act only in your own district.")


def scope_to_district(
    queryset: QuerySet[M], user: User | AnonymousUser, *, district_field: str = "district"
) -> QuerySet[M]:
    """Keep the rows of ``queryset`` whose ``district_field`` is in the user's scope."""
    if not isinstance(user, User) or not user.is_active:
        return queryset.none()
    if user.role == Role.ADMIN:
        return queryset
    if user.role in STAFF_ROLES and user.district_id is not None:
        return queryset.filter(**{district_field: user.district_id})
    return queryset.none()


def can_act_in(user: User | AnonymousUser, district: District) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.role == Role.ADMIN or (user.role in STAFF_ROLES and user.district_id == district.pk)


def ensure_can_act_in(user: User | AnonymousUser, district: District) -> None:
    """Raise OutsideDistrict (403) unless the user may write in ``district``."""
    if not can_act_in(user, district):
        raise OutsideDistrict(fields={"district": [str(OutsideDistrict.default_message)]})


def acting_district(named: District | None, user: User) -> District:
    """Staff act in their own district unless they name one; admins must name it."""
    chosen = named or user.district
    if chosen is None:
        raise ValidationError({"district": [_("This field is required.")]})
    return chosen


class DistrictScopedMixin:
    """For API views: ``get_queryset()`` keeps only rows in the requesting user's district.

    Set ``district_field`` to the lookup path of the row's district (``"store__district"``).
    """

    district_field = "district"
    request: Request

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()  # type: ignore[misc]
        return scope_to_district(queryset, self.request.user, district_field=self.district_field)
