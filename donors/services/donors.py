"""Registering donors: by themselves (with an account) or by staff at the counter."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404

from foodbank.accounts.models import Role, User
from foodbank.accounts.services import create_user

from ..models import Donor


@transaction.atomic
def register_donor(*, registered_by: User | None = None, **details: Any) -> Donor:
    """Record a donor. ``details`` are Donor fields (name, kind, donor_type, contact...)."""
    donor = Donor(registered_by=registered_by, **details)
    donor.full_clean()
    donor.save()
    return donor


@transaction.atomic
def register_donor_with_account(*, username: str, password: str, **details: Any) -> Donor:
    """A donor signs up: a donor account and the donor record it sees, in one transaction."""
    account = create_user(
        username=username,
        role=Role.DONOR,
        password=password,
        email=details.get("email", ""),
        first_name=details.get("contact_name", "")[:150],
    )
    return register_donor(account=account, registered_by=account, **details)


def donor_of(account: User) -> Donor:
    """The donor record a donor account speaks for (404 if it has none)."""
    return get_object_or_404(Donor, account=account)
