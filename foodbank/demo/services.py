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
from inventory.models import Item
from inventory.services.alerts import flag_expiring_lots, flag_low_stock
from inventory.services.catalogue import add_item, set_minimum_level
from inventory.services.stock import receive_lot
from points.models import Household, LeavingReason
from points.national_id import check_digit
from points.services.assessments import record_assessment
from points.services.departures import record_departure
from points.services.households import create_recipient_login, register_household
from points.services.ledger import grant_points
from points.services.policies import policy_for, recommend

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


#: (name, type, may be named in publicity): the open data withholds the weights of the
#: factory's district in the months when it gave with fewer than 3 donors.
DEMO_DONORS = (
    ("Chinatown Noodle House", DonorType.RESTAURANT, True),
    ("Sukhumvit Fresh Mart", DonorType.SUPERMARKET, True),
    ("Riverside Grand Hotel", DonorType.HOTEL, True),
    ("Bang Na Bakery Factory", DonorType.MANUFACTURER, False),
)
#: (district code, donor index, days ago, [(category, kg, destination)])
DEMO_DROPOFFS = (
    ("1001", 0, 1, [("cooked-meals", "18.5", "forward"), ("rice-grains", "25", "stock")]),
    ("1001", 1, 3, [("fruit-vegetables", "42.250", "forward"), ("dairy-eggs", "12", "stock")]),
    ("1001", 2, 9, [("bakery", "15.750", "forward")]),
    ("1006", 3, 2, [("bakery", "60", "forward"), ("dry-canned", "35", "stock")]),
    ("1006", 1, 20, [("beverages", "48", "stock")]),
    ("1033", 2, 35, [("cooked-meals", "30", "forward")]),
    ("1001", 4, 4, [("cooked-meals", "8.5", "forward"), ("dry-canned", "6", "stock")]),
)


def _seed_surplus(staff: User, admin: User, donor_account: User) -> None:
    """A few drop-offs and a distribution, so the figures are not empty on first start."""
    if DropOff.objects.exists():
        return
    home = District.objects.get(code="1001")  # the demo staff member's district
    categories = {category.slug: category for category in FoodCategory.objects.all()}
    donors = [
        register_donor(
            name=name, kind=DonorKind.ORGANISATION, donor_type=kind, publicity_consent=named
        )
        for name, kind, named in DEMO_DONORS
    ]
    own = register_donor(  # the demo donor account's: number 4 in DEMO_DROPOFFS
        name="Narong's Kitchen",
        kind=DonorKind.PERSON,
        donor_type=DonorType.RESTAURANT,
        account=donor_account,
        registered_by=donor_account,
        publicity_consent=True,
    )
    donors.append(own)
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


#: A starter catalogue: (Thai, English, kind, category, unit, points, barcode)
DEMO_ITEMS = (
    ("ข้าวหอมมะลิ 5 กก.", "Jasmine rice 5 kg", "food", "rice-grains", "bag", 40, "8850000000011"),
    ("ไข่ไก่ 10 ฟอง", "Eggs, 10", "food", "dairy-eggs", "pack", 12, "8850000000028"),
    ("น้ำมันพืช 1 ลิตร", "Cooking oil 1 L", "food", "dry-canned", "bottle", 15, "8850000000035"),
    ("ปลากระป๋อง", "Canned fish", "food", "dry-canned", "can", 5, "8850000000042"),
    ("บะหมี่กึ่งสำเร็จรูป", "Instant noodles", "food", "dry-canned", "pack", 2, "8850000000059"),
    ("นม UHT 1 ลิตร", "UHT milk 1 L", "food", "dairy-eggs", "carton", 8, "8850000000066"),
    ("สบู่", "Soap", "toiletries", None, "bar", 4, "8850000000073"),
    ("ยาสีฟัน", "Toothpaste", "toiletries", None, "tube", 6, "8850000000080"),
    ("ผ้าอนามัย", "Sanitary pads", "toiletries", None, "pack", 6, "8850000000097"),
    ("ผงซักฟอก", "Washing powder", "household", None, "pack", 10, "8850000000103"),
)
#: (district code, barcode, quantity, days to expiry or None)
DEMO_LOTS = (
    ("1001", "8850000000011", "30", 240),
    ("1001", "8850000000028", "6", 3),
    ("1001", "8850000000028", "20", 14),
    ("1001", "8850000000035", "24", 300),
    ("1001", "8850000000042", "60", 500),
    ("1001", "8850000000059", "120", 150),
    ("1001", "8850000000073", "40", None),
    ("1001", "8850000000097", "25", None),
    ("1006", "8850000000011", "12", 200),
    ("1006", "8850000000066", "36", 20),
    ("1006", "8850000000103", "15", None),
)


def _seed_store(admin: User, staff: dict[str, User]) -> None:
    """A catalogue and some stock in the demo districts' stores, with an alert or two."""
    if Item.objects.exists():
        return
    categories = {category.slug: category for category in FoodCategory.objects.all()}
    items = {
        barcode: add_item(
            by=admin,
            name_th=name_th,
            name_en=name_en,
            kind=kind,
            category=categories[category] if category else None,
            unit=unit,
            points_price=points,
            barcode=barcode,
        )
        for name_th, name_en, kind, category, unit, points, barcode in DEMO_ITEMS
    }
    today = timezone.localdate()
    stores = {code: District.objects.get(code=code) for code in staff}
    for code, barcode, quantity, days in DEMO_LOTS:
        receive_lot(
            district=stores[code],
            item=items[barcode],
            quantity=Decimal(quantity),
            expiry_date=today + timedelta(days=days) if days is not None else None,
            by=staff[code],
            reason="Opening stock",
        )
    set_minimum_level(
        district=stores["1001"],
        item=items["8850000000011"],
        quantity=Decimal("40"),
        by=staff["1001"],
    )
    flag_expiring_lots()
    flag_low_stock()


#: (head, 12 digits of a made-up national ID, members, elderly, children, scores)
DEMO_HOUSEHOLDS = (
    ("Pranee Sukjai", "390000000001", 4, 1, 2, (3, 2, 1, 2, 1)),
    ("Somchai Meesuk", "390000000002", 2, 2, 0, (4, 4, 2, 3, 2)),
    ("Malai Thongdee", "390000000003", 6, 1, 3, (2, 1, 1, 2, 1)),
    ("Boonmee Jaidee", "390000000004", 3, 0, 1, (3, 3, 2, 2, 2)),
)
#: The demo household that has since moved out of the district.
DEMO_MOVED_AWAY = "Boonmee Jaidee"


def _seed_households(staff: User) -> Household | None:
    """Assessed households in the demo district, each granted its recommendation; one has
    since moved out of the district (its data is erased after the retention period)."""
    if Household.objects.exists():
        return None
    first = None
    for head, digits, members, elderly, children, scores in DEMO_HOUSEHOLDS:
        household = register_household(
            district=District.objects.get(code="1001"),
            national_id_number=digits + str(check_digit(digits)),
            by=staff,
            head_name=head,
            address="Phra Nakhon, Bangkok",
            members=members,
            elderly=elderly,
            children=children,
        )
        income, health, education, living, services = scores
        assessment = record_assessment(
            household=household,
            assessed_on=timezone.localdate(),
            by=staff,
            income=income,
            health=health,
            education=education,
            living_conditions=living,
            public_services=services,
        )
        points = recommend(policy_for(household.district), household, assessment).points
        grant_points(household=household, points=points, by=staff)
        first = first or household
        if head == DEMO_MOVED_AWAY:
            record_departure(household=household, reason=LeavingReason.MOVED, by=staff)
    return first


@transaction.atomic
def seed_demo() -> list[tuple[DemoAccount, bool]]:
    """Create the demo accounts that do not exist yet; returns each with ``created``."""
    seeded = []
    for account in DEMO_ACCOUNTS:
        exists = User.objects.filter(username=account.username).exists()
        if account.role == Role.RECIPIENT:
            continue  # made below, as the login of a demo household
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
    _seed_store(
        users["admin"], {"1001": users["staff.phranakhon"], "1006": users["staff.bangkapi"]}
    )
    recipient = next(account for account in DEMO_ACCOUNTS if account.role == Role.RECIPIENT)
    household = _seed_households(users["staff.phranakhon"])
    if household is not None:
        create_recipient_login(
            household=household,
            username=recipient.username,
            password=DEMO_PASSWORD,
            by=users["staff.phranakhon"],
            must_change_password=False,  # the published password: visitors try the demo
        )
    seeded.append((recipient, household is not None))
    return seeded
