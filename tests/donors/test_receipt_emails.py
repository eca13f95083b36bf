"""E-mailed receipts and yearly statements: who may send them, and what the donor reads."""

import logging
import smtplib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.test import TestCase
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from donors.models import Donor, DropOffStatus, EmailStatus, Language, ReceiptEmail
from donors.services import receipts
from donors.services.dropoffs import announce_dropoff
from tests.accounts.factories import UserFactory

from .factories import DonorFactory, line, received

THAI_IMPACT = "น้ำหนักอาหารบริจาค 14.50 กิโลกรัม ปริมาณคาร์บอนที่ลด 36.69 kgCO2e"
THAI_MEALS = "ได้รับเป็นมื้ออาหาร 60.90 มื้อ"
ENGLISH_IMPACT = "14.50 kg of food donated, 36.69 kgCO2e avoided, equal to 60.90 meals."


def post_committed(client, url, data=None, **extra):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {}, **extra)


def food(donor, staff):
    """12.5 kg of bakery and 2 kg of dairy: 14.5 kg, 60.90 meals, 36.685 kgCO2e."""
    return received(
        donor=donor, by=staff, lines=[line("bakery", "12.5"), line("dairy-eggs", "2", "stock")]
    )


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.fixture
def thai_donor(db):
    return DonorFactory(name="Chinatown Noodles", email="noodles@example.org")


@pytest.fixture
def english_donor(people):
    """A hotel with its own donor account, reading English."""
    return DonorFactory(
        name="Silom Hotel",
        email="csr@silom.example",
        language=Language.ENGLISH,
        account=people.donor,
    )


def test_staff_email_a_receipt_in_thai_and_the_page_shows_it_was_sent(
    client, people, thai_donor, mailoutbox
):
    dropoff = food(thai_donor, people.staff_a)
    client.force_login(people.staff_a)
    response = post_committed(client, f"/dropoffs/{dropoff.pk}/receipt/email/")
    assert response.status_code == 302

    [message] = mailoutbox
    assert message.to == ["noodles@example.org"]
    assert message.subject == f"ใบรับบริจาคอาหาร เลขที่ {dropoff.pk} · {people.district_a.name_th}"
    assert THAI_IMPACT in message.body
    assert THAI_MEALS in message.body
    assert "kg of food donated" not in message.body
    html = html_of(message)
    assert '<html lang="th">' in html
    assert THAI_IMPACT in html
    assert "12.500" in html

    record = ReceiptEmail.objects.get()
    assert (record.status, record.to_address, record.requested_by) == (
        EmailStatus.SENT,
        "noodles@example.org",
        people.staff_a,
    )
    assert record.sent_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "noodles@example.org" in page
    assert "staff_a" in page


def test_the_donor_emails_their_own_receipt_in_english_through_the_api(
    api, people, english_donor, mailoutbox
):
    dropoff = food(english_donor, people.staff_a)
    response = api.as_user(people.donor).post(f"/api/v1/dropoffs/{dropoff.pk}/receipt/email/")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["to_address"] == "csr@silom.example"
    assert body["requested_by"] is None  # donors are not told staff names; here it was them
    [message] = mailoutbox
    assert (
        message.subject == f"Food donation receipt No. {dropoff.pk} · {people.district_a.name_en}"
    )
    assert ENGLISH_IMPACT in message.body
    assert "กิโลกรัม" not in message.body
    assert '<html lang="en">' in html_of(message)
    listed = api.get(f"/api/v1/dropoffs/{dropoff.pk}/receipt/email/").json()
    assert [row["status"] for row in listed["results"]] == ["sent"]


def test_the_email_follows_the_donors_language_not_the_senders(api, people, thai_donor, mailoutbox):
    dropoff = food(thai_donor, people.staff_a)
    response = api.as_user(people.staff_a).post(f"/api/v1/dropoffs/{dropoff.pk}/receipt/email/")
    assert response.status_code == 202
    assert response.json()["requested_by"] == "staff_a"
    [message] = mailoutbox
    assert THAI_IMPACT in message.body


def test_a_donor_without_email_is_refused_naming_the_field(api, client, people, mailoutbox):
    donor = DonorFactory(email="")
    dropoff = food(donor, people.staff_a)
    response = api.as_user(people.staff_a).post(f"/api/v1/dropoffs/{dropoff.pk}/receipt/email/")
    assert response.status_code == 400
    assert response.json()["code"] == "donor_has_no_email"
    assert "email" in response.json()["fields"]

    client.force_login(people.staff_a)
    page = post_committed(
        client, f"/dropoffs/{dropoff.pk}/receipt/email/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 400
    assert "no e-mail address" in page.content.decode()
    assert not ReceiptEmail.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_b", 404), ("donor", 404), ("recipient_a", 403), ("counter_a", 403)],
)
def test_others_cannot_email_a_receipt(api, people, thai_donor, mailoutbox, who, status):
    dropoff = food(thai_donor, people.staff_a)
    url = f"/api/v1/dropoffs/{dropoff.pk}/receipt/email/"
    assert api.as_user(getattr(people, who)).post(url).status_code == status
    assert api.get(url).status_code == status
    assert not ReceiptEmail.objects.exists()
    assert mailoutbox == []


def test_anonymous_visitors_cannot_email_a_receipt(api, client, people, thai_donor, mailoutbox):
    dropoff = food(thai_donor, people.staff_a)
    assert api.post(f"/api/v1/dropoffs/{dropoff.pk}/receipt/email/").status_code == 401
    page = client.post(f"/dropoffs/{dropoff.pk}/receipt/email/")
    assert page.status_code == 302
    assert "/login/" in page["Location"]
    assert not ReceiptEmail.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("who", ["staff_b", "donor"])
def test_others_get_404_from_the_receipt_email_page(client, people, thai_donor, mailoutbox, who):
    dropoff = food(thai_donor, people.staff_a)
    client.force_login(getattr(people, who))
    assert post_committed(client, f"/dropoffs/{dropoff.pk}/receipt/email/").status_code == 404
    assert mailoutbox == []


def test_an_announced_dropoff_has_no_receipt_to_send_yet(api, people, english_donor, mailoutbox):
    dropoff = announce_dropoff(
        donor=english_donor,
        district=people.district_a,
        lines=[line("bakery", "1")],
        by=people.donor,
    )
    response = api.as_user(people.staff_a).post(f"/api/v1/dropoffs/{dropoff.pk}/receipt/email/")
    assert response.status_code == 409
    assert "status" in response.json()["fields"]
    assert not ReceiptEmail.objects.exists()


def test_a_task_delivered_twice_sends_once(people, thai_donor, mailoutbox):
    dropoff = food(thai_donor, people.staff_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        record = receipts.email_receipt(dropoff=dropoff, by=people.staff_a)
    receipts.send_receipt_email(receipt_email_id=record.pk)
    assert len(mailoutbox) == 1


def test_staff_email_a_yearly_statement_with_monthly_figures(api, people, thai_donor, mailoutbox):
    dropoff = food(thai_donor, people.staff_a)
    year = dropoff.received_on.year
    url = f"/api/v1/donors/{thai_donor.pk}/statement/{year}/email/"
    response = api.as_user(people.staff_a).post(url)
    assert response.status_code == 202, response.json()
    assert response.json()["year"] == year
    [message] = mailoutbox
    assert message.subject == f"สรุปการบริจาคอาหารประจำปี {year + 543} · Chinatown Noodles"
    assert THAI_IMPACT in message.body
    assert THAI_MEALS in message.body
    with translation.override("th"):
        month = date_format(dropoff.received_on, "F")  # the month's Thai name
    assert f"- {month}: 14.500 kg, 60.90" in message.body
    assert "14.500" in html_of(message)


def test_a_donor_emails_their_own_statement_in_english_from_the_page(
    client, people, english_donor, mailoutbox
):
    dropoff = food(english_donor, people.staff_a)
    year = dropoff.received_on.year
    client.force_login(people.donor)
    page = client.get(f"/donors/{english_donor.pk}/statement/{year}/").content.decode()
    assert "csr@silom.example" in page
    response = post_committed(client, f"/donors/{english_donor.pk}/statement/{year}/email/")
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.subject == f"Food donations in {year} · Silom Hotel"
    assert ENGLISH_IMPACT in message.body


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_b", 404), ("donor", 404), ("recipient_a", 403), ("counter_a", 403)],
)
def test_others_cannot_email_a_statement(api, people, thai_donor, mailoutbox, who, status):
    """Staff of a district where the donor never gave, and other donors, do not see it."""
    year = food(thai_donor, people.staff_a).received_on.year
    url = f"/api/v1/donors/{thai_donor.pk}/statement/{year}/email/"
    assert api.as_user(getattr(people, who)).post(url).status_code == status
    assert not ReceiptEmail.objects.exists()
    assert mailoutbox == []


def test_a_statement_for_a_future_year_is_refused_naming_the_year(api, people, thai_donor):
    food(thai_donor, people.staff_a)
    next_year = timezone.localdate().year + 1
    response = api.as_user(people.admin).post(
        f"/api/v1/donors/{thai_donor.pk}/statement/{next_year}/email/"
    )
    assert response.status_code == 400
    assert "year" in response.json()["fields"]
    with pytest.raises(ValidationError) as refused:
        receipts.email_statement(donor=thai_donor, year=next_year, by=people.admin)
    assert "year" in refused.value.message_dict
    assert not ReceiptEmail.objects.exists()


def test_a_donor_who_opted_in_gets_each_receipt_once_it_is_computed(people, mailoutbox):
    donor = DonorFactory(email="shop@example.org", email_receipts=True)
    dropoff = food(donor, people.staff_a)
    dropoff.refresh_from_db()
    assert dropoff.status == DropOffStatus.PROCESSED
    [message] = mailoutbox
    assert THAI_IMPACT in message.body
    record = ReceiptEmail.objects.get()
    assert record.automatic
    assert record.requested_by is None

    with TestCase.captureOnCommitCallbacks(execute=True):
        again = receipts.queue_automatic_receipts(dropoff_ids=[dropoff.pk])
        swept = receipts.sweep_receipt_emails()
    assert (again, swept) == (0, 0)
    assert len(mailoutbox) == 1


def test_donors_who_did_not_opt_in_get_no_automatic_receipt(people, thai_donor, mailoutbox):
    food(thai_donor, people.staff_a)
    assert mailoutbox == []
    assert not ReceiptEmail.objects.exists()


def test_the_sweep_sends_a_receipt_whose_task_was_lost(people, mailoutbox):
    donor = DonorFactory(email="shop@example.org", email_receipts=True)
    dropoff = food(donor, people.staff_a)
    ReceiptEmail.objects.all().delete()  # as if the task had never run
    mailoutbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert receipts.sweep_receipt_emails() == 1
    [message] = mailoutbox
    assert message.to == ["shop@example.org"]
    assert ReceiptEmail.objects.get().dropoff == dropoff


def test_a_record_left_queued_is_sent_by_the_sweep(people, thai_donor, mailoutbox):
    dropoff = food(thai_donor, people.staff_a)
    record = receipts.email_receipt(dropoff=dropoff, by=people.staff_a)  # task never sent
    ReceiptEmail.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timedelta(minutes=30)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        receipts.sweep_receipt_emails()
    assert len(mailoutbox) == 1
    record.refresh_from_db()
    assert record.status == EmailStatus.SENT


def test_receipts_by_email_need_an_address(api, people):
    with pytest.raises(ValidationError) as refused:
        DonorFactory(email="", email_receipts=True)
    assert "email" in refused.value.message_dict
    response = api.as_user(people.staff_a).post(
        "/api/v1/donors/",
        {"name": "X", "kind": "organisation", "donor_type": "market", "email_receipts": True},
        format="json",
    )
    assert response.status_code == 400
    assert "email" in response.json()["fields"]
    assert not Donor.objects.exists()


def test_signup_keeps_the_language_of_the_page(client, db):
    response = client.post(
        "/donors/signup/",
        {
            "name": "Ari Cafe",
            "kind": "organisation",
            "donor_type": "restaurant",
            "email": "ari@example.org",
            "email_receipts": "on",
            "username": "ari",
            "password": "a-long-test-passphrase",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    donor = Donor.objects.get()
    assert (donor.language, donor.email_receipts) == ("en", True)


def test_only_donors_own_receipts_records_are_listed_without_staff_names(
    api, people, english_donor
):
    dropoff = food(english_donor, people.staff_a)
    receipts.email_receipt(dropoff=dropoff, by=people.staff_a)
    other = UserFactory(username="other_donor", role="donor")
    DonorFactory(account=other)
    url = f"/api/v1/dropoffs/{dropoff.pk}/receipt/email/"
    assert api.as_user(other).get(url).status_code == 404
    [row] = api.as_user(people.donor).get(url).json()["results"]
    assert row["requested_by"] is None
    [row] = api.as_user(people.staff_a).get(url).json()["results"]
    assert row["requested_by"] == "staff_a"


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every address, as a real one does an unknown mailbox."""

    def send_messages(self, messages):
        answers = {to: (550, b"5.1.1 mailbox unavailable") for m in messages for to in m.to}
        raise smtplib.SMTPRecipientsRefused(answers)


def test_a_refused_address_is_recorded_without_writing_it_to_the_log(
    people, thai_donor, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    dropoff = food(thai_donor, people.staff_a)
    with caplog.at_level(logging.WARNING), TestCase.captureOnCommitCallbacks(execute=True):
        record = receipts.email_receipt(dropoff=dropoff, by=people.staff_a)
    record.refresh_from_db()
    assert record.status == EmailStatus.FAILED
    assert record.problem == "550 5.1.1 mailbox unavailable"
    assert "refused" in caplog.text
    assert "noodles@example.org" not in caplog.text
