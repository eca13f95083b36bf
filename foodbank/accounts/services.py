"""Creating users with a role: the one way accounts come into being."""

from __future__ import annotations

import secrets

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from foodbank.districts.models import District

from .models import Role, User

GENERATED_PASSWORD_BYTES = 15


def generate_password() -> str:
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def _apply_role(user: User, role: str, district: District | None) -> None:
    """Set the role; the rules are checked by ``full_clean`` (``User.clean``) before saving."""
    user.role = role
    user.district = district
    user.is_staff = user.is_superuser = role == Role.ADMIN


@transaction.atomic
def assign_role(*, user: User, role: Role | str, district: District | None = None) -> User:
    """Give an existing user another role; Django admin access follows the admin role."""
    _apply_role(user, role, district)
    user.full_clean()
    user.save()
    return user


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
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    _apply_role(user, role, district)
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


@transaction.atomic
def anonymise_user(user: User) -> None:
    """Erase a person's login: no name, e-mail, password, API token or sign-in records are
    left. The row stays (as ``erased-<id>``, inactive) for the records that point at it."""
    username = user.username
    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    Token.objects.filter(user=user).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=user.username)
    for sign_ins in (AccessAttempt, AccessFailureLog, AccessLog):
        sign_ins.objects.filter(username=username).delete()
