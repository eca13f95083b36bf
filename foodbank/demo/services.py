"""Seeding the demo: built through the same services the product uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from donors.models import DonorKind, DonorType, DropOff, FoodCategory
from donors.services.distributions import record_distribution
from donors.services.donors import register_donor
from donors.services.dropoffs import LineInput, log_dropoff
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


DEMO_DONORS = (
    ("Chinatown Noodle House", DonorType.RESTAURANT),
    ("Sukhumvit Fresh Mart", DonorType.SUPERMARKET),
    ("Riverside Grand Hotel", DonorType.HOTEL),
    ("Bang Na Bakery Factory", DonorType.MANUFACTURER),
)
#: (district code, donor index, days ago, [(category, kg, destination)])
DEMO_DROPOFFS = (
    ("1001", 0, 1, [("cooked-meals", "18.5", "forward"), ("rice-grains", "25", "stock")]),
    ("1001", 1, 3, [("fruit-vegetables", "42.250", "forward"), ("dairy-eggs", "12", "stock")]),
    ("1001", 2, 9, [("bakery", "15.750", "forward")]),
    ("1006", 3, 2, [("bakery", "60", "forward"), ("dry-canned", "35", "stock")]),
    ("1006", 1, 20, [("beverages", "48", "stock")]),
    ("1033", 2, 35, [("cooked-meals", "30", "forward")]),
)


def _seed_surplus(staff: User, admin: User, donor_account: User) -> None:
    """A few drop-offs and a distribution, so the figures are not empty on first start."""
    if DropOff.objects.exists():
        return
    home = District.objects.get(code="1001")  # the demo staff member's district
    categories = {category.slug: category for category in FoodCategory.objects.all()}
    donors = [
        register_donor(name=name, kind=DonorKind.ORGANISATION, donor_type=kind)
        for name, kind in DEMO_DONORS
    ]
    register_donor(
        name="Narong's Kitchen",
        kind=DonorKind.PERSON,
        donor_type=DonorType.RESTAURANT,
        account=donor_account,
        registered_by=donor_account,
        publicity_consent=True,
    )
    now = timezone.now()
    for code, donor, days_ago, lines in DEMO_DROPOFFS:
        log_dropoff(
            donor=donors[donor],
            district=District.objects.get(code=code),
            received_at=now - timedelta(days=days_ago, hours=2),
            lines=[
                LineInput(category=categories[slug], weight_kg=Decimal(kg), destination=where)
                for slug, kg, where in lines
            ],
            by=staff if code == home.code else admin,
        )
    record_distribution(
        district=home,
        distributed_on=timezone.localdate() - timedelta(days=1),
        recipient_group="Wat Bowon community kitchen",
        people_reached=85,
        lines=[(categories["cooked-meals"], Decimal("18.5"))],
        by=staff,
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
    users = {
        user.username: user
        for user in User.objects.filter(role__in=[Role.ADMIN, Role.DISTRICT_STAFF, Role.DONOR])
    }
    _seed_surplus(users["staff.phranakhon"], users["admin"], users["donor.demo"])
    return seeded
