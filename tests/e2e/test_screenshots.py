"""The README's pictures: each role's main pages, in Thai, on a phone and at a desk.

Run on purpose, not with the suite: ``make screenshots`` (FOODBANK_SCREENSHOTS=1). The PNGs are
reduced to 256 colours so the folder stays small.
"""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from donors.services.donors import register_donor_with_account
from inventory.services.alerts import flag_expiring_lots
from points.services.cards import issue_card
from points.services.ledger import grant_points
from points.services.vouchers import Choice, issue_voucher, voucher_token
from tests.accounts.factories import TEST_PASSWORD
from tests.donors.factories import line, received
from tests.inventory.factories import lot, rice, soap
from tests.points.factories import assessed, household, recipient_login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not os.environ.get("FOODBANK_SCREENSHOTS"),
        reason="pictures for the README: make screenshots",
    ),
]

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def world(people):
    donor = register_donor_with_account(
        username="kruabaan",
        password=TEST_PASSWORD,
        name="ครัวบ้านสวน",
        kind="organisation",
        donor_type="restaurant",
        email="kitchen@kruabaan.example",
    )
    dropoff = received(
        donor=donor,
        by=people.staff_a,
        lines=[line("cooked-meals", "18.5"), line("bakery", "6.25")],
    )
    home = household(people.staff_a, head_name="มาลี รักดี")
    assessed(home, people.staff_a)
    grant_points(household=home, points=200, by=people.staff_a, reason="ผลการประเมิน")
    recipient_login(household=home, username="malee", password=TEST_PASSWORD, by=people.staff_a)
    expiry = timezone.localdate() + timedelta(days=20)
    bags, bars = rice(people.admin), soap(people.admin)
    lot(bags, people.staff_a, "12", expiry)
    lot(bars, people.staff_a, "40", timezone.localdate() + timedelta(days=3))
    voucher = issue_voucher(
        household=home, choices=[Choice(bags, 2), Choice(bars, 3)], by=people.staff_a
    )
    issue_card(household=home, by=people.staff_a)
    flag_expiring_lots()
    return {"dropoff": dropoff, "household": home, "voucher": voucher, "donor": donor}


def _save(page, name: str) -> None:
    path = FOLDER / f"{name}.png"
    page.screenshot(path=str(path))
    with Image.open(path) as shot:
        shot.convert("RGB").quantize(colors=256).save(path, optimize=True)


def test_main_pages_of_each_role(person, world):
    FOLDER.mkdir(parents=True, exist_ok=True)
    voucher, home, dropoff = world["voucher"], world["household"], world["dropoff"]
    pages = {
        "kruabaan": [
            ("donor-dropoffs", "/dropoffs/"),
            ("donor-receipt", f"/dropoffs/{dropoff.pk}/receipt/"),
            ("donor-announce", "/dropoffs/announce/"),
        ],
        "staff_a": [
            ("staff-log-dropoff", "/dropoffs/new/"),
            ("staff-store", "/store/"),
            ("staff-household", f"/households/{home.pk}/"),
            ("staff-grant", f"/households/{home.pk}/grant/"),
        ],
        "counter_a": [("counter", "/counter/")],
        "malee": [
            ("recipient-points", "/me/"),
            ("recipient-choose", "/me/choose/"),
            ("recipient-voucher", f"/vouchers/{voucher.pk}/"),
        ],
        "admin": [("admin-impact", "/impact/")],
    }
    for phone in (True, False):
        size = "phone" if phone else "desktop"
        for username, shots in pages.items():
            walk = person(locale="th-TH", phone=phone)
            walk.sign_in(username)
            for name, path in shots:
                walk.open(path)
                _save(walk.page, f"{name}-{size}")
        counter = person(locale="th-TH", phone=phone)
        counter.sign_in("counter_a")
        code = counter.open("/counter/").locator("#code")
        code.fill(voucher_token(voucher))
        code.press("Enter")
        counter.check()
        _save(counter.page, f"counter-voucher-{size}")
