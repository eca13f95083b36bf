"""The counter page reads a voucher's QR code through the device camera and hands over."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.models import Lot
from points import qr
from points.models import Redemption, VoucherStatus
from points.services.ledger import grant_points
from points.services.vouchers import Choice, issue_voucher, voucher_token
from tests.inventory.factories import lot, rice
from tests.points.factories import household

from .camera import video_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_camera_reads_a_voucher_and_the_counter_hands_it_over(
    launch, sign_in, live_server, people, tmp_path
):
    home = household(people.staff_a, head_name="Pranee Sukjai")
    grant_points(household=home, points=100, by=people.staff_a, reason="start")
    bags = rice(people.admin)
    lot(bags, people.staff_a, "3", timezone.localdate() + timedelta(days=30))
    voucher = issue_voucher(household=home, choices=[Choice(bags, 2)], by=people.staff_a)
    video = video_of(qr.png(voucher_token(voucher)), tmp_path / "voucher.y4m")

    context = launch(
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
        mobile=True,
    )
    sign_in(context, people.counter_a)
    page = context.new_page()
    page.goto(f"{live_server.url}/counter/")
    page.get_by_role("button", name="Use the camera").click()

    heading = page.get_by_role("heading", name=f"Voucher {voucher.pk} for Pranee")
    heading.wait_for(timeout=15_000)
    assert "2 \N{MULTIPLICATION SIGN} Jasmine rice 5 kg" in page.locator("main").inner_text()
    page.get_by_role("button", name="Hand over").click()
    page.get_by_text("Handed over to Pranee.").wait_for()

    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED
    assert Redemption.objects.get(voucher=voucher).redeemed_by == people.counter_a
    assert Lot.objects.get().on_hand == 1
