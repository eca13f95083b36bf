"""Creating users with a role: the one way accounts come into being."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from foodbank.districts.models import District

from .models import CITY_WIDE_ROLES, STAFF_ROLES, Role, User

GENERATED_PASSWORD_BYTES = 15


def generate_password() -> str:
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def _check_role_and_district(role: str, district: District | None) -> None:
    if role not in Role.values:
        raise ValidationError({"role": [_("Unknown role “%(role)s”.") % {"role": role}]})
    if role in STAFF_ROLES and district is None:
        raise ValidationError({"district": [_("Staff roles must belong to a district.")]})
    if role in CITY_WIDE_ROLES and district is not None:
        raise ValidationError({"district": [_("This role is city-wide and has no district.")]})


@transaction.atomic
def create_user(
    *,
    username: str,
    role: Role | str,
    district: District | None = None,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a user with one role. Staff roles need a district; admins and donors have none.

    Admins also get the Django admin. Without a password the account cannot sign in until
    one is set.
    """
    _check_role_and_district(role, district)
    user = User(
        username=username,
        role=role,
        district=district,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user
