"""A small city for the permission matrix: one of each kind of record in district A (1001)
and the same in district B (1006), made through the services the product uses.

Every user of the matrix has an API token. The donor's account speaks for district A's donor;
the recipient's for district A's household. A third district (1002) only sends each store an
incoming transfer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone
from rest_framework.authtoken.models import Token

from donors.models import Destination, Donor, DonorKind, DonorType, DropOffImport, Methodology
from donors.services.distributions import record_distribution
from donors.services.donors import register_donor, register_donor_with_account
from donors.services.imports import start_import
from foodbank.accounts.models import Role, User
from foodbank.dashboard.services import build_report_export, request_report_export
from foodbank.districts.models import District
from inventory.services.counts import start_stock_take
from inventory.services.transfers import send_transfer
from points.services.cards import issue_card
from points.services.ledger import grant_points
from points.services.vouchers import Choice, issue_voucher
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.districts.factories import load_bundled_districts
from tests.donors.factories import category, line, received
from tests.inventory.factories import lot, rice, soap
from tests.points.factories import assessed, household, recipient_login

#: The users the matrix signs in as, by name. ``None`` is the anonymous visitor.
USERS = (
    "anonymous",
    "donor",
    "recipient",
    "counter_a",
    "staff_a",
    "counter_b",
    "staff_b",
    "admin",
)
SIDES = ("A", "B")
CODES = {"A": "1001", "B": "1006"}


@dataclass
class World:
    """Users by name, and records by kind and side (``records["dropoff"]["A"]``)."""

    users: dict[str, User]
    tokens: dict[str, str]
    records: dict[str, dict[str, object]] = field(default_factory=dict)

    def side_of(self, user_name: str) -> str | None:
        """The side whose records are the user's own: A or B, or None (admin, anonymous)."""
        if user_name in ("donor", "recipient") or user_name.endswith("_a"):
            return "A"
        if user_name.endswith("_b"):
            return "B"
        return None


def _side(world: World, side: str, district: District, sender: District) -> None:
    staff, admin = world.users[f"staff_{side.lower()}"], world.users["admin"]
    bags, bars = world.records["item"]["A"], world.records["item"]["B"]
    if side == "A":
        donor = Donor.objects.get(account=world.users["donor"])
    else:
        donor = register_donor(
            name="Bang Kapi Market",
            kind=DonorKind.ORGANISATION,
            donor_type=DonorType.MARKET,
            email="market@example.org",
            registered_by=staff,
        )
    dropoff = received(
        donor=donor,
        by=staff,
        lines=[line("bakery", "12.5"), line("rice-grains", "5", Destination.STOCK)],
        at=timezone.now() - timedelta(days=2),
    )
    distribution = record_distribution(
        district=district,
        distributed_on=timezone.localdate() - timedelta(days=1),
        recipient_group="Community kitchen",
        people_reached=40,
        lines=[(category("bakery"), Decimal("10"))],
        by=staff,
    )
    in_store = lot(bags, staff, "20", timezone.localdate() + timedelta(days=60))
    lot(bars, staff, "10")
    incoming = send_transfer(
        from_district=sender,
        to_district=district,
        lines=[(bags, Decimal("2"))],
        by=admin,
        notes="From 1002",
    )
    count = start_stock_take(district=district, by=staff)
    home = household(staff, head_name=f"Household {side}")
    assessed(home, staff)
    approved = grant_points(household=home, points=200, by=staff, reason="start")
    colleague = UserFactory(
        username=f"colleague_{side.lower()}", role=Role.DISTRICT_STAFF, district=district
    )
    # Another staff member asks, so the matrix's staff may decide (nobody approves their own).
    pending = grant_points(household=home, points=900, by=colleague, reason="flood damage")
    voucher = issue_voucher(household=home, choices=[Choice(bags, 1)], by=staff)
    issue_card(household=home, by=staff)
    dropoff_import = start_import(
        file_name=f"history-{district.code}.csv",
        content=(
            "received_on,district,donor,category,weight_kg\n"
            f"2024-01-05,{district.code},{donor.name},bakery,3\n"
        ).encode(),
        by=staff,
    )
    export = request_report_export(by=staff, codes={}, file_format="csv", language="en")
    build_report_export(export_id=export.pk)
    for kind, record in {
        "export": export,
        "donor": donor,
        "dropoff": dropoff,
        "line_to_sort": dropoff.lines.get(destination=Destination.STOCK),
        "distribution": distribution,
        "lot": in_store,
        "transfer": incoming,
        "stock_take": count,
        "household": home,
        "grant": pending,
        "entry": approved.entry,
        "voucher": voucher,
        "import": dropoff_import,
        "user": staff,
        "district": district,
    }.items():
        world.records.setdefault(kind, {})[side] = record


def build_world() -> World:
    """The matrix's city. Call inside a transaction that the caller rolls back."""
    districts = load_bundled_districts()
    users = {
        "admin": UserFactory(username="admin", role=Role.ADMIN),
        "counter_a": UserFactory(
            username="counter_a", role=Role.COUNTER_STAFF, district=districts["1001"]
        ),
        "staff_a": UserFactory(
            username="staff_a", role=Role.DISTRICT_STAFF, district=districts["1001"]
        ),
        "counter_b": UserFactory(
            username="counter_b", role=Role.COUNTER_STAFF, district=districts["1006"]
        ),
        "staff_b": UserFactory(
            username="staff_b", role=Role.DISTRICT_STAFF, district=districts["1006"]
        ),
    }
    users["donor"] = register_donor_with_account(
        username="donor",
        password=TEST_PASSWORD,
        name="Chinatown Noodles",
        kind=DonorKind.ORGANISATION,
        donor_type=DonorType.RESTAURANT,
        email="noodles@example.org",
    ).account
    world = World(users=users, tokens={})
    admin = users["admin"]
    world.records["item"] = {"A": rice(admin), "B": soap(admin)}
    methodology = Methodology.objects.order_by("pk").first()
    world.records["methodology"] = {"A": methodology, "B": methodology}
    sender = districts["1002"]
    for item in world.records["item"].values():
        lot(item, admin, "50", district=sender)
    with TestCase.captureOnCommitCallbacks(execute=True):
        for side in SIDES:
            _side(world, side, districts[CODES[side]], sender)
    home = world.records["household"]["A"]
    users["recipient"] = recipient_login(
        household=home, username="recipient", password=TEST_PASSWORD, by=users["staff_a"]
    )
    world.tokens = {name: Token.objects.create(user=user).key for name, user in world.users.items()}
    assert DropOffImport.objects.count() == len(SIDES)
    return world
