"""Receipt e-mails through the real parts: PostgreSQL, Redis and a Celery worker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from donors.models import EmailStatus, ReceiptEmail
from donors.services.dropoffs import log_dropoff
from tests.conftest import wait_until
from tests.donors.factories import DonorFactory, line

pytestmark = [pytest.mark.postgres, pytest.mark.worker]


def test_a_real_worker_sends_the_receipt_of_a_donor_who_opted_in(people, celery_worker):
    """Logged, computed by one task, then e-mailed by another, each after its commit."""
    donor = DonorFactory(email="market@example.org", email_receipts=True)
    mail.outbox = []
    with transaction.atomic():
        dropoff = log_dropoff(
            donor=donor,
            district=people.district_a,
            received_at=timezone.now() - timedelta(minutes=1),
            lines=[line("bakery", "10")],
            by=people.staff_a,
        )

    def sent() -> bool:
        return ReceiptEmail.objects.filter(dropoff=dropoff, status=EmailStatus.SENT).exists()

    assert wait_until(sent)
    [message] = mail.outbox
    assert message.to == ["market@example.org"]
    assert "ได้รับเป็นมื้ออาหาร 42.00 มื้อ" in message.body
