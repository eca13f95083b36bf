from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from donors.models import Donor, DropOff, DropOffImport, DropOffStatus, ImportStatus
from foodbank.accounts.models import User

from .factories import DonorFactory, line, received


def post_committed(client, url, data, **extra):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data, **extra)


def dropoff_form(donor, **changes):
    form = {
        "donor": donor.pk,
        "received_at": "2026-11-01T09:30",
        "notes": "",
        "lines-TOTAL_FORMS": "3",  # two lines and a spare one added in the page
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-category": "bakery",
        "lines-0-weight_kg": "12.5",
        "lines-0-destination": "forward",
        "lines-1-category": "dairy-eggs",
        "lines-1-weight_kg": "2",
        "lines-1-destination": "stock",
        "lines-2-destination": "forward",  # a spare row, as the browser sends it
    }
    return form | changes


def test_staff_log_a_dropoff_on_the_phone_form(client, people):
    donor = DonorFactory(name="Chinatown Noodles")
    client.force_login(people.staff_a)
    page = client.get("/dropoffs/new/")
    assert page.status_code == 200
    assert 'name="district"' not in page.content.decode()  # staff log in their own district
    response = post_committed(client, "/dropoffs/new/", dropoff_form(donor))
    assert response.status_code == 302
    dropoff = DropOff.objects.get()
    assert (dropoff.district, dropoff.lines.count()) == (people.district_a, 2)
    assert dropoff.status == DropOffStatus.PROCESSED
    detail = client.get(response["Location"]).content.decode()
    assert "52.50" in detail  # 12.5 kg at 4.2 meals per kg


def test_form_errors_show_next_to_the_line_and_nothing_is_saved(client, people):
    donor = DonorFactory()
    client.force_login(people.staff_a)
    response = client.post(
        "/dropoffs/new/",
        dropoff_form(donor, **{"lines-1-weight_kg": "-3"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    lines = response.context["lines"]
    assert "weight_kg" in lines.forms[1].errors
    assert not DropOff.objects.exists()


def test_a_future_receipt_time_is_shown_on_its_field(client, people):
    client.force_login(people.staff_a)
    response = client.post(
        "/dropoffs/new/", dropoff_form(DonorFactory(), received_at="2099-01-01T09:00")
    )
    assert "received_at" in response.context["form"].errors
    assert not DropOff.objects.exists()


@pytest.mark.parametrize("who", ["counter_a", "recipient_a"])
def test_other_roles_cannot_open_the_dropoff_pages(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get("/dropoffs/").status_code == 403
    assert client.get("/dropoffs/new/").status_code == 403


def test_staff_of_another_district_get_404_for_a_dropoff(client, people):
    dropoff = received(donor=DonorFactory(), by=people.staff_a, lines=[line("bakery", "1")])
    client.force_login(people.staff_b)
    assert client.get(f"/dropoffs/{dropoff.pk}/").status_code == 404
    assert client.get(f"/dropoffs/{dropoff.pk}/receipt/").status_code == 404


def test_a_donor_signs_up_announces_and_reads_the_receipt(client, people):
    signup = client.post(
        "/donors/signup/",
        {
            "name": "Silom Hotel",
            "kind": "organisation",
            "donor_type": "hotel",
            "username": "silom",
            "password": "a-long-test-passphrase",
        },
    )
    assert signup.status_code == 302
    hotel = User.objects.get(username="silom")
    form = dropoff_form(Donor.objects.get(), district=people.district_a.pk)
    del form["donor"], form["received_at"]
    announced = post_committed(client, "/dropoffs/announce/", form)
    assert announced.status_code == 302
    dropoff = DropOff.objects.get(donor__account=hotel)
    assert dropoff.status == DropOffStatus.ANNOUNCED

    client.force_login(people.staff_a)
    post_committed(client, f"/dropoffs/{dropoff.pk}/receive/", {})
    dropoff.refresh_from_db()
    assert dropoff.status == DropOffStatus.PROCESSED

    client.force_login(hotel)
    receipt = client.get(f"/dropoffs/{dropoff.pk}/receipt/").content.decode()
    assert "น้ำหนักอาหารบริจาค 14.50 กิโลกรัม ปริมาณคาร์บอนที่ลด 36.69 kgCO2e" in receipt
    assert "ได้รับเป็นมื้ออาหาร 60.90 มื้อ" in receipt
    year = dropoff.received_on.year
    statement = client.get(f"/donors/{dropoff.donor.pk}/statement/{year}/")
    assert statement.status_code == 200
    assert "14.500" in statement.content.decode()


def test_a_donor_cannot_read_another_donors_statement(client, people):
    other = DonorFactory()
    client.force_login(people.donor)
    assert client.get(f"/donors/{other.pk}/statement/2026/").status_code == 404


def test_an_upload_is_imported_with_progress(client, people):
    client.force_login(people.staff_a)
    csv = (
        b"received_on,district,donor,category,weight_kg\n"
        b"2024-05-01,1001,Pak Khlong Market,fruit-vegetables,250\n"
        b"2024-05-02,1001,Pak Khlong Market,fruit-vegetables,125.5\n"
    )
    response = post_committed(
        client, "/imports/", {"file": SimpleUploadedFile("may.csv", csv, "text/csv")}
    )
    assert response.status_code == 302
    dropoff_import = DropOffImport.objects.get()
    assert dropoff_import.status == ImportStatus.DONE
    progress = client.get(f"{response['Location']}?format=json").json()
    assert progress == {"status": "done", "done": 2, "total": 2}
    assert DropOff.objects.filter(status=DropOffStatus.PROCESSED).count() == 2
    again = client.post(
        "/imports/",
        {"file": SimpleUploadedFile("again.csv", csv, "text/csv")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "already been imported" in again.content.decode()


def test_staff_import_only_their_own_districts_dropoffs_and_see_only_their_districts_files(
    client, people
):
    client.force_login(people.staff_b)
    csv = (
        b"received_on,district,donor,category,weight_kg\n"
        b"2024-05-01,1006,Bang Kapi Market,bakery,20\n"
        b"2024-05-01,1001,Bang Kapi Market,bakery,5\n"
    )
    response = post_committed(
        client,
        "/imports/",
        {"file": SimpleUploadedFile("may.csv", csv, "text/csv")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    dropoff_import = DropOffImport.objects.get()
    assert dropoff_import.status == ImportStatus.FAILED
    assert dropoff_import.problems == [
        [3, "district: “1001” is another district; you may import only your own"]
    ]
    assert not DropOff.objects.exists()
    client.force_login(people.staff_a)
    assert client.get(response["Location"]).status_code == 404
    assert "may.csv" not in client.get("/imports/").content.decode()
    client.force_login(people.admin)
    assert client.get(response["Location"]).status_code == 200


def test_an_upload_must_be_a_csv(client, people):
    client.force_login(people.staff_a)
    response = client.post(
        "/imports/", {"file": SimpleUploadedFile("x.xlsx", b"PK", "application/zip")}
    )
    assert "file" in response.context["form"].errors
    assert not DropOffImport.objects.exists()


def test_totals_on_the_list_are_unrounded_sums(client, people):
    received(donor=DonorFactory(), by=people.staff_a, lines=[line("bakery", "0.001")] * 3)
    client.force_login(people.staff_a)
    page = client.get("/dropoffs/")
    assert page.context["summary"].meals == Decimal("0.0126")


def test_staff_register_a_donor_at_the_office_then_log_its_food(client, people):
    client.force_login(people.staff_a)
    response = client.post(
        "/donors/new/",
        {
            "name": "Or Tor Kor Market",
            "kind": "organisation",
            "donor_type": "market",
            "tax_id": "0105556789012",
        },
    )
    donor = Donor.objects.get(name="Or Tor Kor Market")
    assert response["Location"] == f"/dropoffs/new/?donor={donor.pk}"
    assert donor.registered_by == people.staff_a
    assert client.get(response["Location"]).context["form"]["donor"].value() == str(donor.pk)
    refused = client.post(
        "/donors/new/",
        {"name": "X", "kind": "organisation", "donor_type": "market", "tax_id": "12"},
    )
    assert "tax_id" in refused.context["form"].errors
    client.force_login(people.counter_a)
    assert client.get("/donors/new/").status_code == 403
