"""Registering households, reading their full records (logged) and giving them a login."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from foodbank.accounts.models import Role, User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.accounts.services import create_user, set_temporary_password
from foodbank.audit.models import Action
from foodbank.audit.services import record
from foodbank.districts.models import District
from foodbank.web.dates import in_local_calendar

from .. import national_id
from ..errors import AlreadyRegistered, HasLogin, HouseholdLeft, NoLogin
from ..lock_objects import lock_household
from ..models import Household, HouseholdAccess

#: Fields staff may change after registration (the national ID is not one of them).
EDITABLE = (
    "head_name",
    "phone",
    "address",
    "members",
    "elderly",
    "children",
    "disabled",
    "bedridden",
    "vulnerability_notes",
)


def ensure_in_programme(household: Household) -> None:
    """Refuse to give a household that has left anything new: points, vouchers, a card."""
    if household.left_on is not None:
        message = _("This household left the programme on %(date)s.") % {
            "date": in_local_calendar(household.left_on)
        }
        raise HouseholdLeft(message)


def _checked_national_id(value: str) -> str:
    try:
        return national_id.normalise(value)
    except ValidationError as error:
        raise ValidationError({"national_id": error.messages}) from error


def _refuse_duplicate(digits_hash: str) -> None:
    holder = Household.objects.filter(national_id_hash=digits_hash).select_related("district")
    for household in holder:
        message = _("This national ID is already registered in %(district)s.") % {
            "district": household.district.name
        }
        raise AlreadyRegistered(message, fields={"national_id": [message]})


@transaction.atomic
def register_household(
    *, district: District, national_id_number: str, by: User, **fields: Any
) -> Household:
    """Register a household; an ID already registered anywhere in the city is refused."""
    ensure_can_act_in(by, district)
    digits = _checked_national_id(national_id_number)
    digits_hash = national_id.keyed_hash(digits)
    _refuse_duplicate(digits_hash)
    household = Household(
        district=district,
        national_id_masked=national_id.mask(digits),
        national_id_hash=digits_hash,
        national_id_encrypted=national_id.encrypt(digits),
        registered_by=by,
        **{name: value for name, value in fields.items() if name in EDITABLE},
    )
    household.full_clean(exclude=["national_id_hash"])
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError as error:  # registered at the same moment elsewhere
        _refuse_duplicate(digits_hash)
        raise AlreadyRegistered() from error
    record(
        Action.HOUSEHOLD_REGISTERED,
        target=household,
        by=by,
        district_id=district.pk,
        members=household.members,
    )
    return household


@transaction.atomic
def update_household(*, household: Household, by: User, **fields: Any) -> Household:
    """Change the household's details; its balance and login are never written here."""
    ensure_can_act_in(by, household.district)
    household = lock_household(household.pk)
    ensure_in_programme(household)
    changed = [name for name in fields if name in EDITABLE]
    for name in changed:
        setattr(household, name, fields[name])
    household.full_clean()
    household.save(update_fields=[*changed, "updated_at"])
    # The names of the fields changed, never their values (personal data).
    record(
        Action.HOUSEHOLD_CHANGED,
        target=household,
        by=by,
        district_id=household.district_id,
        fields=changed,
    )
    return household


def record_access(*, household: Household, user: User, via: str, address: str | None) -> None:
    """Write down that ``user`` read the household's full record."""
    HouseholdAccess.objects.create(household=household, user=user, via=via, address=address)


@transaction.atomic
def create_recipient_login(
    *,
    household: Household,
    username: str,
    password: str,
    by: User,
    must_change_password: bool = True,
) -> User:
    """A recipient account for the household's own balance, statement and vouchers; the
    recipient replaces the password staff chose at the first sign-in, unless told not to
    (the demo's published accounts)."""
    ensure_can_act_in(by, household.district)
    household = lock_household(household.pk)
    ensure_in_programme(household)
    if household.account_id is not None:
        raise HasLogin()
    account = create_user(
        username=username,
        password=password,
        role=Role.RECIPIENT,
        district=household.district,
        first_name=household.first_name,
        must_change_password=must_change_password,
    )
    household.account = account
    household.save(update_fields=["account", "updated_at"])
    record(
        Action.RECIPIENT_LOGIN,
        target=household,
        by=by,
        district_id=household.district_id,
        account=account.pk,
    )
    return account


class NewPassword(NamedTuple):
    """A login's new password, to be passed on once."""

    username: str
    password: str


@transaction.atomic
def reset_recipient_password(*, household: Household, by: User, password: str = "") -> NewPassword:
    """A new password for the household's login, chosen by staff or generated when empty,
    which the recipient changes at their next sign-in. A lockout of the login is lifted,
    and its sessions and API tokens end."""
    ensure_can_act_in(by, household.district)
    household = lock_household(household.pk)
    ensure_in_programme(household)
    account = household.account
    if account is None:
        raise NoLogin()
    password = set_temporary_password(user=account, password=password)
    record(
        Action.RECIPIENT_PASSWORD_RESET,
        target=household,
        by=by,
        district_id=household.district_id,
        account=account.pk,
    )
    return NewPassword(account.username, password)
