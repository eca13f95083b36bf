"""Household test data, made through the services the product uses."""

import itertools
from datetime import date

from django.utils import timezone

from points.national_id import check_digit
from points.services.assessments import record_assessment
from points.services.households import create_recipient_login, register_household

_serial = itertools.count(1)


def national_id(first_twelve: str | None = None) -> str:
    """A valid 13-digit national ID (a fresh one unless the first twelve digits are given)."""
    first_twelve = first_twelve or f"3{next(_serial):011d}"
    return first_twelve + str(check_digit(first_twelve))


def household(by, *, district=None, number: str | None = None, **fields):
    defaults = {
        "head_name": "Pranee Sukjai",
        "phone": "0812345678",
        "address": "12 Soi Wat Bowon, Phra Nakhon",
        "members": 4,
        "elderly": 1,
        "children": 2,
    }
    return register_household(
        district=district or by.district,
        national_id_number=number or national_id(),
        by=by,
        **(defaults | fields),
    )


def assessed(household, by, *, on: date | None = None, **scores):
    levels = {
        "income": 3,
        "health": 2,
        "education": 1,
        "living_conditions": 2,
        "public_services": 1,
    }
    return record_assessment(
        household=household,
        assessed_on=on or timezone.localdate(),
        by=by,
        **(levels | scores),
    )


def recipient_login(*, household, username: str, password: str, by):
    """A household's login past its first sign-in: the recipient no longer has to change the
    password staff chose (the change itself is tested in tests/accounts/test_passwords.py)."""
    return create_recipient_login(
        household=household,
        username=username,
        password=password,
        by=by,
        must_change_password=False,
    )
