"""A donor signs up on a phone, announces a drop-off, and sees its receipt and impact once
the district office has received it (in English)."""

import pytest
from playwright.sync_api import expect

from donors.models import DropOff, DropOffStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_donor_registers_announces_and_reads_the_receipt_of_the_meals(person, people):
    donor = person(locale="en-GB", phone=True)
    page = donor.open("/donors/signup/")
    page.get_by_label("Organisation or your name").fill("Krua Baan Restaurant")
    page.get_by_label("Type").select_option("restaurant")
    page.get_by_label("E-mail", exact=True).fill("kitchen@kruabaan.example")
    page.get_by_label("Username").fill("kruabaan")
    page.get_by_role("button", name="Register").click()
    password = page.locator(".field", has=page.locator("#id_password"))
    expect(password.locator(".error")).to_have_text("This field is required.")
    donor.check()
    page.get_by_label("Password").fill("a-long-test-passphrase")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Welcome! You can now announce drop-offs.")).to_be_visible()
    donor.check()

    page.get_by_role("link", name="Announce a drop-off").first.click()
    expect(page.get_by_role("heading", name="Announce a drop-off")).to_be_visible()
    donor.check()
    page.get_by_label("District office").select_option(label="1001 Phra Nakhon")
    page.get_by_label("Category").select_option("cooked-meals")
    page.get_by_label("Weight (kg)").fill("12.5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Thank you! The district office expects your food.")).to_be_visible()
    donor.check()
    dropoff = DropOff.objects.get(donor__name="Krua Baan Restaurant")
    assert dropoff.status == DropOffStatus.ANNOUNCED

    staff = person(locale="en-GB")
    staff.sign_in("staff_a")
    staff.follow("Drop-offs")
    staff.page.get_by_role("link", name=str(dropoff.pk), exact=True).click()
    staff.check()
    staff.page.get_by_role("button", name="Confirm receipt").click()
    expect(staff.page.get_by_text("Drop-off received.")).to_be_visible()

    page.reload()
    page.get_by_role("link", name="Receipt").click()
    expect(page.get_by_role("heading", name="Food donation receipt")).to_be_visible()
    donor.check()
    receipt = page.locator("main").inner_text()
    assert "12.50 kg of food donated, 31.63 kgCO2e avoided, equal to 52.50 meals." in receipt

    donor.follow("My drop-offs")
    figures = page.locator(".figures").inner_text()
    assert "52.50" in figures
    assert "31.63" in figures
    page.get_by_role("link", name="Yearly statement").click()
    expect(page.get_by_role("heading", name="Food donations in")).to_be_visible()
    donor.check()
    assert "Krua Baan Restaurant" in page.locator("main").inner_text()
