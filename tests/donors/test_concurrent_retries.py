import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from donors.models import DropOff
from foodbank.idempotency.models import IdempotencyKey

from .factories import DonorFactory

pytestmark = pytest.mark.postgres


def test_concurrent_retries_with_one_key_create_one_dropoff(committed_db, people):
    donor = DonorFactory()
    body = {
        "donor": donor.pk,
        "lines": [{"category": "bakery", "weight_kg": "5", "destination": "forward"}],
    }
    statuses, barrier = [], threading.Barrier(8)

    def retry():
        client = APIClient()
        client.force_authenticate(people.staff_a)
        barrier.wait()
        try:
            response = client.post(
                "/api/v1/dropoffs/", body, format="json", HTTP_IDEMPOTENCY_KEY="scale-7"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert DropOff.objects.count() == 1
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    assert IdempotencyKey.objects.get().response_status == 201
