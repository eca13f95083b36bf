from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import Lot, Movement, MovementKind, StockTakeStatus, TransferStatus
from inventory.services.alerts import flag_expiring_lots
from tests.donors.factories import DonorFactory
from tests.donors.test_pages import dropoff_form, post_committed

from .factories import lot, rice

pytestmark = pytest.mark.django_db
SOON = timezone.localdate() + timedelta(days=3)


def test_the_store_page_shows_stock_by_item_and_alerts(client, people):
    item = rice(people.admin)
    lot(item, people.staff_a, "7", SOON)
    flag_expiring_lots(days=7)
    client.force_login(people.counter_a)
    page = client.get("/store/")
    assert page.status_code == 200
    text = page.content.decode()
    assert item.name_th in text
    assert "Expiring soon" in text or "ใกล้หมดอายุ" in text
    assert "/store/receive/" not in text  # counter staff only look


def test_staff_receive_stock_and_see_errors_next_to_the_field(client, people):
    item = rice(people.admin)
    client.force_login(people.staff_a)
    refused = client.post(
        "/store/receive/", {"item": item.pk, "quantity": "0"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["quantity"]
    assert not Lot.objects.exists()

    done = client.post("/store/receive/", {"item": item.pk, "quantity": "12", "expiry_date": ""})
    assert done.status_code == 302
    assert Lot.objects.get().on_hand == 12


@pytest.mark.parametrize("role", ["donor", "recipient_a"])
def test_people_outside_the_store_are_refused(client, people, role):
    client.force_login(getattr(people, role))
    assert client.get("/store/").status_code == 403


def test_counter_staff_cannot_change_the_store(client, people):
    client.force_login(people.counter_a)
    assert client.get("/store/receive/").status_code == 403
    assert client.get("/store/counts/").status_code == 403


def test_another_districts_lot_cannot_be_written_off(client, people):
    theirs = lot(rice(people.admin), people.staff_b, "4")
    client.force_login(people.staff_a)
    answer = client.post(
        f"/store/lots/{theirs.pk}/write-off/", {"quantity": "4", "reason": "spoiled"}
    )
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.on_hand == 4


def test_a_write_off_needs_a_reason_and_stays_within_the_lot(client, people):
    bags = lot(rice(people.admin), people.staff_a, "4")
    client.force_login(people.staff_a)
    url = f"/store/lots/{bags.pk}/write-off/"
    assert client.post(url, {"quantity": "4"}).context["form"].errors["reason"]
    too_much = client.post(url, {"quantity": "5", "reason": "rats"})
    assert too_much.context["form"].errors["quantity"]
    assert client.post(url, {"quantity": "1.5", "reason": "rats"}).status_code == 302
    bags.refresh_from_db()
    assert bags.on_hand == Decimal("2.5")


def test_a_transfer_sent_and_confirmed_through_the_pages(client, people):
    item = rice(people.admin)
    lot(item, people.staff_a, "10", SOON)
    client.force_login(people.staff_a)
    form = {
        "to_district": people.district_b.pk,
        "notes": "for the flood shelter",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-item": item.pk,
        "lines-0-quantity": "4",
        "lines-1-item": "",
        "lines-1-quantity": "",
    }
    assert client.post("/store/transfers/new/", form).status_code == 302
    transfer = people.district_a.transfers_out.get()
    line = transfer.lines.get()

    client.force_login(people.staff_b)
    answer = client.post(f"/store/transfers/{transfer.pk}/", {f"received-{line.pk}": "3"})
    assert answer.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED
    assert Lot.objects.get(district=people.district_b).on_hand == 3


def test_a_stock_take_counted_by_barcode_and_closed_on_the_page(client, people):
    item = rice(people.admin)
    bags = lot(item, people.staff_a, "10", SOON)
    client.force_login(people.staff_a)
    started = client.post("/store/counts/start/")
    count_url = started["Location"]
    assert client.post(count_url, {"barcode": item.barcode, "quantity": "9"}).status_code == 302
    unknown = client.post(count_url, {"barcode": "123", "quantity": "1"})
    assert unknown.context["form"].errors["barcode"]
    client.post(f"{count_url}close/")
    bags.refresh_from_db()
    assert bags.on_hand == 9
    assert Movement.objects.filter(kind=MovementKind.ADJUSTMENT).count() == 1
    assert people.district_a.stock_takes.get().status == StockTakeStatus.CLOSED


def test_food_logged_for_the_store_is_sorted_from_the_queue(client, people):
    item = rice(people.admin)
    client.force_login(people.staff_a)
    form = dropoff_form(DonorFactory(), **{"lines-1-quantity": "3", "lines-1-unit": "bag"})
    assert post_committed(client, "/dropoffs/new/", form).status_code == 302
    queue = client.get("/store/to-sort/")
    (waiting,) = queue.context["lines"]
    assert client.post(f"/store/to-sort/{waiting.pk}/", {"item": item.pk}).status_code == 302
    assert Lot.objects.get().on_hand == 3


def test_staff_name_the_store_item_at_intake(client, people):
    item = rice(people.admin)
    client.force_login(people.staff_a)
    form = dropoff_form(
        DonorFactory(), **{"lines-1-quantity": "6", "lines-1-unit": "bag", "lines-1-item": item.pk}
    )
    assert post_committed(client, "/dropoffs/new/", form).status_code == 302
    assert Lot.objects.get().on_hand == 6


def test_the_movement_ledger_downloads_as_csv(client, people):
    lot(rice(people.admin), people.staff_a, "4")
    client.force_login(people.staff_a)
    answer = client.get("/store/movements.csv")
    body = b"".join(answer.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("id,time,district,kind")
    assert ",receipt," in body.splitlines()[1]


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "1e20", "-1", "abc", "5"])
def test_bad_numbers_on_the_arrival_page_are_shown_next_to_the_line(client, people, typed):
    from decimal import Decimal as D

    from inventory.services.transfers import send_transfer

    item = rice(people.admin)
    lot(item, people.staff_a, "4", SOON)
    transfer = send_transfer(
        from_district=people.district_a,
        to_district=people.district_b,
        lines=[(item, D("4"))],
        by=people.staff_a,
    )
    line = transfer.lines.get()
    client.force_login(people.staff_b)
    answer = client.post(f"/store/transfers/{transfer.pk}/", {f"received-{line.pk}": typed})
    assert answer.status_code == 200
    assert answer.context["form"].errors[f"received-{line.pk}"]
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.IN_TRANSIT


def test_admins_act_in_the_store_they_chose(client, people):
    item = rice(people.admin)
    client.force_login(people.admin)
    first = client.get("/store/")
    assert first.status_code == 302
    assert "?district=" in first["Location"]
    assert client.post("/store/receive/", {"item": item.pk, "quantity": "3"}).status_code == 404
    done = client.post("/store/receive/?district=1006", {"item": item.pk, "quantity": "3"})
    assert done.status_code == 302
    assert Lot.objects.get().district == people.district_b
    assert client.post("/store/counts/start/").status_code == 404


def _stock_line_waits(client, people, district_code: str) -> None:
    """A received drop-off line meant for the store, logged in ``district_code``."""
    staff = people.staff_a if district_code == "1001" else people.staff_b
    client.force_login(staff)
    form = dropoff_form(DonorFactory(), **{"lines-1-quantity": "3", "lines-1-unit": "bag"})
    assert post_committed(client, "/dropoffs/new/", form).status_code == 302


def test_an_admin_sorting_for_a_chosen_store_sees_that_stores_lines(client, people):
    _stock_line_waits(client, people, "1001")
    _stock_line_waits(client, people, "1006")
    client.force_login(people.admin)

    everywhere = client.get("/store/to-sort/").context["lines"]
    chosen = client.get("/store/to-sort/?district=1006")

    assert {line.dropoff.district.code for line in everywhere} == {"1001", "1006"}
    assert {line.dropoff.district.code for line in chosen.context["lines"]} == {"1006"}
    assert 'href="/store/receive/?district=1006"' in chosen.content.decode()  # the tabs keep it
    store = client.get("/store/?district=1006").content.decode()
    assert 'href="/store/to-sort/?district=1006"' in store


def test_staff_see_their_own_lines_whatever_district_is_asked(client, people):
    _stock_line_waits(client, people, "1001")
    _stock_line_waits(client, people, "1006")
    client.force_login(people.staff_a)
    (listed,) = client.get("/store/to-sort/?district=1006").context["lines"]
    assert listed.dropoff.district.code == "1001"


def test_an_admin_chooses_a_store_before_receiving_or_sending(client, people):
    client.force_login(people.admin)
    city_wide = client.get("/store/transfers/").content.decode()
    chosen = client.get("/store/transfers/?district=1006").content.decode()
    assert "/store/receive/" not in city_wide
    assert "/store/transfers/new/" not in city_wide
    assert 'href="/store/receive/?district=1006"' in chosen
    assert 'href="/store/transfers/new/?district=1006"' in chosen
    assert client.get("/store/transfers/?district=9999").status_code == 404


def _rice_in_transit(people, sender, *, to_district) -> None:
    """A bag of rice sent by ``sender`` from their district's store to ``to_district``."""
    from inventory.services.transfers import send_transfer

    item = rice(people.admin)
    lot(item, sender, "4", SOON)
    send_transfer(
        from_district=sender.district,
        to_district=to_district,
        lines=[(item, Decimal("1"))],
        by=sender,
    )


def test_an_admins_chosen_store_narrows_transfers_and_stock_takes(client, people):
    from inventory.services.counts import start_stock_take

    _rice_in_transit(people, people.staff_a, to_district=people.district_b)
    start_stock_take(district=people.district_a, by=people.staff_a)
    client.force_login(people.admin)
    assert len(client.get("/store/transfers/?district=1006").context["transfers"]) == 1
    assert len(client.get("/store/transfers/?district=1002").context["transfers"]) == 0
    assert len(client.get("/store/counts/?district=1001").context["counts"]) == 1
    assert len(client.get("/store/counts/?district=1006").context["counts"]) == 0


def test_counter_staff_are_not_sent_to_sorting_or_transfers(client, people):
    _stock_line_waits(client, people, "1001")
    _rice_in_transit(people, people.staff_b, to_district=people.district_a)
    client.force_login(people.staff_a)
    page = client.get("/store/").content.decode()
    assert "/store/to-sort/" in page
    assert "/store/transfers/" in page
    client.force_login(people.counter_a)
    page = client.get("/store/").content.decode()
    assert "/store/to-sort/" not in page
    assert "/store/transfers/" not in page
    assert client.get("/store/to-sort/").status_code == 403
