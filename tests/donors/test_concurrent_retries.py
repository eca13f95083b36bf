import pytest
from rest_framework.test import APIClient

from donors.models import DropOff
from foodbank.idempotency.models import IdempotencyKey
from tests.conftest import run_concurrently

from .factories import DonorFactory

pytestmark = pytest.mark.postgres


def test_concurrent_retries_with_one_key_create_one_dropoff(committed_db, people):
    donor = DonorFactory()
    body = {
        "donor": donor.pk,
        "lines": [{"category": "bakery", "weight_kg": "5", "destination": "forward"}],
    }

    def retry():
        client = APIClient()
        client.force_authenticate(people.staff_a)
        response = client.post(
            "/api/v1/dropoffs/", body, format="json", HTTP_IDEMPOTENCY_KEY="scale-7"
        )
        return response.status_code

    statuses = run_concurrently(retry, 8)
    assert DropOff.objects.count() == 1
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    assert IdempotencyKey.objects.get().response_status == 201
