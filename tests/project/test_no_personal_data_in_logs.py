"""The household, grant, voucher and donor flows, run with every logger at DEBUG: no log
record carries a national ID or a phone number used in them, written any usual way."""

import logging
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from points.models import Household
from tests.donors.test_pages import dropoff_form
from tests.inventory.factories import lot, rice
from tests.points.factories import national_id

API = "/api/v1"
HEAD, SECOND, DONOR_TAX_ID = national_id(), national_id(), national_id()
PHONES = ["0812345678", "0898765432", "0623456789", "0634567890"]


def spellings(number: str) -> set[str]:
    """The ways people write a national ID or a Thai phone number."""
    if len(number) == 13:
        parts = (number[0], number[1:5], number[5:10], number[10:12], number[12])
        return {number, "-".join(parts), " ".join(parts)}
    return {number, f"{number[:3]}-{number[3:6]}-{number[6:]}", f"+66{number[1:]}", number[1:]}


def personal(number: str) -> re.Pattern:
    return re.compile("|".join(re.escape(s) for s in sorted(spellings(number), key=len)[::-1]))


@pytest.fixture
def everything_logged(caplog):
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        logging.getLogger(name).setLevel(logging.DEBUG)
    return caplog


def test_the_flows_log_no_national_id_or_phone_number(api, people, everything_logged):
    staff, counter = api.as_user(people.staff_a), Client(HTTP_ACCEPT_LANGUAGE="en")
    # Households: registered (formatted ID), refused as a duplicate and as a bad ID, read,
    # changed, and registered on the page.
    body = {"head_name": "Somsri Jaidee", "address": "45 Soi Ramkhamhaeng 24", "members": 3}
    dashed = "-".join((HEAD[0], HEAD[1:5], HEAD[5:10], HEAD[10:12], HEAD[12]))
    made = staff.post(
        f"{API}/households/", body | {"national_id": dashed, "phone": "081-234-5678"}, format="json"
    )
    assert made.status_code == 201, made.data
    home = Household.objects.get()
    again = api.as_user(people.staff_b).post(
        f"{API}/households/", body | {"national_id": HEAD}, format="json"
    )
    assert again.status_code == 409
    staff = api.as_user(people.staff_a)  # one client: signed in as staff_a again
    wrong = HEAD[:12] + str((int(HEAD[12]) + 1) % 10)
    assert staff.post(f"{API}/households/", body | {"national_id": wrong}).status_code == 400
    assert staff.get(f"{API}/households/{home.pk}/").status_code == 200
    changed = staff.patch(f"{API}/households/{home.pk}/", {"phone": PHONES[1]}, format="json")
    assert changed.status_code == 200
    page = Client()
    page.force_login(people.staff_a)
    form = {
        "head_name": "Malee Dee",
        "national_id": SECOND,
        "phone": PHONES[2],
        "address": "9 Soi Ari",
        "members": 2,
        "elderly": 0,
        "children": 0,
        "disabled": 0,
        "bedridden": 0,
    }
    assert page.post("/households/new/", form).status_code == 302
    assert page.get(f"/households/{home.pk}/").status_code == 200

    # Points: a grant awaiting approval and its approval.
    granted = staff.post(
        f"{API}/points/grants/",
        {"household": home.pk, "points": 100, "reason": "start"},
        format="json",
    )
    assert granted.status_code == 201, granted.data

    # Vouchers: issued, looked up, redeemed at the counter; another cancelled.
    bags = rice(people.admin)
    lot(bags, people.staff_a, "5", timezone.localdate() + timedelta(days=30))
    basket = {"household": home.pk, "lines": [{"item": bags.pk, "quantity": 1}]}
    first = staff.post(f"{API}/vouchers/", basket, format="json")
    second = staff.post(f"{API}/vouchers/", basket, format="json")
    assert (first.status_code, second.status_code) == (201, 201)
    counter.force_login(people.counter_a)
    assert counter.post("/counter/", {"code": first.data["token"]}).status_code == 200
    assert counter.post("/counter/redeem/", {"code": first.data["token"]}).status_code == 302
    assert staff.post(f"{API}/vouchers/{second.data['id']}/cancel/").status_code == 200

    # Donors: a person signs up on the API and the page, staff log their food.
    donor = {
        "name": "Somchai Rakdee",
        "kind": "person",
        "donor_type": "household",
        "phone": PHONES[3],
        "tax_id": DONOR_TAX_ID,
        "email": "somchai@example.org",
        "email_receipts": True,
    }
    signed = api.post(
        f"{API}/donors/register/",
        donor | {"username": "somchai", "password": "a-long-test-passphrase"},
        format="json",
    )
    assert signed.status_code == 201, signed.data
    page_signup = Client().post(
        "/donors/signup/",
        {
            "name": "Wanida",
            "kind": "person",
            "donor_type": "household",
            "phone": PHONES[0],
            "username": "0812345678",
            "password": "a-long-test-passphrase",
        },
    )
    assert page_signup.status_code == 302
    from donors.models import Donor

    logged = page.post("/dropoffs/new/", dropoff_form(Donor.objects.get(name="Somchai Rakdee")))
    assert logged.status_code == 302

    records = everything_logged.records
    assert records, "the flows logged nothing at all: the capture is not working"
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    text = "\n".join(formatter.format(record) + repr(record.args) for record in records)
    for number in (HEAD, SECOND, DONOR_TAX_ID, wrong, *PHONES):
        found = personal(number).search(text)
        assert found is None, f"{found.group()} is in the logs"
