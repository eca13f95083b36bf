"""Seeding the demo: built through the same services the product uses."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from foodbank.accounts.models import Role, User
from foodbank.accounts.services import create_user
from foodbank.districts.models import District

DEMO_PASSWORD = "foodbank-demo"  # noqa: S105 - demo accounts exist only where DEBUG is on


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    district_code: str | None
    first_name: str


DEMO_ACCOUNTS = (
    DemoAccount("admin", Role.ADMIN, None, "Admin"),
    DemoAccount("staff.phranakhon", Role.DISTRICT_STAFF, "1001", "Somchai"),
    DemoAccount("counter.phranakhon", Role.COUNTER_STAFF, "1001", "Malee"),
    DemoAccount("staff.bangkapi", Role.DISTRICT_STAFF, "1006", "Kanya"),
    DemoAccount("donor.demo", Role.DONOR, None, "Narong"),
    DemoAccount("recipient.demo", Role.RECIPIENT, "1001", "Pranee"),
)


@transaction.atomic
def seed_demo() -> list[tuple[DemoAccount, bool]]:
    """Create the demo accounts that do not exist yet; returns each with ``created``."""
    seeded = []
    for account in DEMO_ACCOUNTS:
        exists = User.objects.filter(username=account.username).exists()
        if not exists:
            create_user(
                username=account.username,
                role=account.role,
                district=(
                    District.objects.get(code=account.district_code)
                    if account.district_code
                    else None
                ),
                password=DEMO_PASSWORD,
                first_name=account.first_name,
            )
        seeded.append((account, not exists))
    return seeded
