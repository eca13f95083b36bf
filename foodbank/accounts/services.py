"""Creating users with a role (the one way accounts come into being), and their passwords."""

from __future__ import annotations

import secrets

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as reset_lockouts
from django.contrib.admin.models import LogEntry
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from foodbank.audit.models import Action
from foodbank.audit.services import record
from foodbank.districts.models import District

from .lock_objects import lock_user
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
    must_change_password: bool = False,
) -> User:
    """Create a user with one role. Staff roles need a district; admins and donors have none.

    Admins also get the Django admin. Without a password the account cannot sign in until
    one is set. ``must_change_password`` when someone other than the person chose it.
    """
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    _apply_role(user, role, district)
    user.must_change_password = must_change_password
    if password:
        _checked(password, user, field="password")
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


def _checked(password: str, user: User, *, field: str) -> None:
    """Django's password rules (length, common, numeric, like the username), under ``field``."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


@transaction.atomic
def change_own_password(*, user: User, old_password: str, new_password: str) -> User:
    """The person replaces their password, knowing the current one. Their API tokens are
    revoked (clients sign in again) and a password staff chose no longer has to be changed.
    The caller keeps the current web session (``update_session_auth_hash``); others end."""
    user = lock_user(user.pk)
    if not user.check_password(old_password):
        raise ValidationError({"old_password": [_("The current password is not correct.")]})
    if new_password == old_password:
        raise ValidationError(
            {"new_password": [_("Choose a password other than the current one.")]}
        )
    _checked(new_password, user, field="new_password")
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password", "updated_at"])
    Token.objects.filter(user=user).delete()
    record(Action.PASSWORD_CHANGED, target=user, by=user, district_id=user.district_id)
    return user


@transaction.atomic
def set_temporary_password(*, user: User, password: str | None = None) -> str:
    """Give ``user`` a password someone else chose (or a generated one, when ``password`` is
    empty), to be changed at their next sign-in; returns it, to be passed on once.

    Their web sessions end, their API tokens are revoked, and a lockout of their username
    (too many wrong passwords) is lifted, which is usually why they asked.
    """
    user = lock_user(user.pk)
    password = password or generate_password()
    _checked(password, user, field="password")
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password", "updated_at"])
    Token.objects.filter(user=user).delete()
    reset_lockouts(username=user.username)
    return password


@transaction.atomic
def disable_password(*, user: User) -> User:
    """No password signs ``user`` in any more, and no API token of theirs works."""
    user = lock_user(user.pk)
    user.set_unusable_password()
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password", "updated_at"])
    Token.objects.filter(user=user).delete()
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
