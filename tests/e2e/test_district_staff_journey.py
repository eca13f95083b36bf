"""District staff, in Thai at a desk: receive a drop-off, sort it into stock, register and
assess a household, grant it points and a login, and see the store's alerts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from donors.services.donors import register_donor
from inventory.models import Lot
from inventory.services.alerts import flag_expiring_lots
from points.models import Household
from tests.inventory.factories import lot, rice, soap
from tests.points.factories import national_id

from .journey import thai

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def store_world(people):
    """A donor the office knows, rice in the catalogue, and soap about to expire."""
    register_donor(name="Tops Market Ratchadamnoen", kind="organisation", donor_type="supermarket")
    bags = rice(people.admin)
    lot(soap(people.admin), people.staff_a, "6", timezone.localdate() + timedelta(days=2))
    flag_expiring_lots()
    return bags


def test_district_staff_receive_sort_register_assess_and_grant(person, people, store_world):
    staff = person(locale="th-TH")
    staff.sign_in("staff_a")
    page = staff.page

    # A drop-off of rice for the store; a weight of zero is refused beside the weight.
    staff.follow(thai("Log a drop-off"))
    page.get_by_label(thai("Donor")).select_option(label="Tops Market Ratchadamnoen")
    page.get_by_label(thai("Category")).select_option("rice-grains")
    page.get_by_label(thai("Weight (kg)")).fill("0")
    page.get_by_label(thai("Destination")).select_option("stock")
    page.get_by_role("button", name=thai("Save")).click()
    weight = page.locator(".field", has=page.locator("#id_lines-0-weight_kg"))
    expect(weight.locator(".error")).to_be_visible()
    staff.check()
    page.get_by_label(thai("Weight (kg)")).fill("20")
    page.get_by_label(thai("Quantity"), exact=True).fill("4")
    page.get_by_role("button", name=thai("Save")).click()
    expect(page.get_by_text(thai("Drop-off #%(n)d saved.").split("#")[0])).to_be_visible()
    staff.check()

    # Sorted into the store: four bags of rice on the shelf.
    staff.follow(thai("Store"))
    expect(page.locator(".alerts")).to_contain_text("สบู่")  # about to expire
    page.get_by_role("link", name="1 ").first.click()
    staff.check()
    page.get_by_role("link", name=thai("Sort"), exact=True).click()
    staff.check()
    page.locator("#id_item").select_option(label=store_world.name_th)
    page.get_by_role("button", name=thai("Save")).click()
    expect(page.get_by_text(thai("Put on the shelf."))).to_be_visible()
    staff.follow(thai("Store"))
    row = page.get_by_role("row", name=store_world.name_th)
    expect(row).to_contain_text("4")
    assert Lot.objects.get(item=store_world).on_hand == 4

    # A household: a mistyped national ID is refused beside the field.
    staff.follow(thai("Households"))
    page.get_by_role("link", name=thai("Register a household")).click()
    staff.check()
    page.get_by_label(thai("Head of household")).fill("Somsri Jaidee")
    page.get_by_label(thai("National ID (13 digits)")).fill("1234567890123")
    page.get_by_label(thai("Phone")).fill("0898765432")
    page.get_by_label(thai("Address")).fill("45 Soi Samsen 3, Phra Nakhon")
    page.get_by_label(thai("Members")).fill("3")
    page.get_by_role("button", name=thai("Save")).click()
    national = page.locator(".field", has=page.locator("#id_national_id"))
    expect(national.locator(".error")).to_be_visible()
    staff.check()
    page.get_by_label(thai("National ID (13 digits)")).fill(national_id())
    page.get_by_role("button", name=thai("Save")).click()
    expect(page.get_by_text(thai("Household registered."))).to_be_visible()
    staff.check()

    page.get_by_role("link", name=thai("Assess"), exact=True).click()
    staff.check()
    for dimension in ("income", "health", "education", "living_conditions"):
        page.locator(f"#id_{dimension}").select_option("3")
    page.get_by_label(thai("Access to public services")).select_option("2")
    page.get_by_role("button", name=thai("Save")).click()
    expect(page.get_by_text(thai("Assessment recorded."))).to_be_visible()
    staff.check()
    recommended = page.locator(".figures div", has_text=thai("recommended points"))
    expect(recommended.locator("strong")).not_to_have_text("0")

    page.get_by_role("link", name=thai("Grant points"), exact=True).click()
    staff.check()
    page.get_by_label(thai("Points")).fill("120")
    page.get_by_role("button", name=thai("Grant")).click()
    reason = page.locator(".field", has=page.locator("#id_reason"))
    expect(reason.locator(".error")).to_be_visible()  # not the recommendation: say why
    page.get_by_label(thai("Reason")).fill("ครอบครัวเพิ่งย้ายเข้า")
    page.get_by_role("button", name=thai("Grant")).click()
    expect(page.get_by_text(thai("Points granted."))).to_be_visible()
    staff.check()
    expect(page.locator(".figures div", has_text=thai("points")).first).to_contain_text("120")

    page.get_by_role("link", name=thai("Create a login")).click()
    staff.check()
    page.get_by_label(thai("Username")).fill("somsri")
    page.get_by_label(thai("Password")).fill("a-long-test-passphrase")
    page.get_by_role("button", name=thai("Save")).click()
    expect(
        page.get_by_text(thai("Login created: give the household its username."))
    ).to_be_visible()

    household = Household.objects.get(head_name="Somsri Jaidee")
    assert household.balance == 120
    assert household.account.username == "somsri"
    buddhist_year = str(timezone.localdate().year + 543)
    expect(page.get_by_role("row", name=thai("Grant")).first).to_contain_text(buddhist_year)


def test_an_imported_spreadsheet_shows_its_progress_and_result(person, people, tmp_path):
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    sheet = tmp_path / "history.csv"
    sheet.write_text(
        "received_on,district,donor,category,weight_kg\n"
        f"{day},1001,Krua Baan,cooked-meals,12.5\n"
        f"{day},1001,Krua Baan,bakery,3\n"
    )
    staff = person(locale="th-TH", phone=True)
    staff.sign_in("staff_a")
    page = staff.follow(thai("Drop-offs"))
    page.get_by_role("link", name=thai("Import a spreadsheet")).click()
    staff.check()
    page.get_by_label(thai("CSV file")).set_input_files(str(sheet))
    page.get_by_role("button", name=thai("Import"), exact=True).click()
    progress = page.get_by_role("progressbar")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("value", "2")
    expect(page.locator("main")).to_contain_text(
        thai("%(n)s lines imported; their impact is being computed.").replace("%(n)s", "2")
    )
    staff.check()
