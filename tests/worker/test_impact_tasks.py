"""Impact tasks against the real parts: PostgreSQL, Redis and a Celery worker."""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from donors.models import DropOff, DropOffDaily, DropOffLine, DropOffStatus, ImpactDaily
from donors.services.dropoffs import log_dropoff
from donors.services.impact import compute_impact
from tests.conftest import run_concurrently, wait_until
from tests.donors.factories import DonorFactory, line
from worker.celery import app
from worker.tasks import sweep_impact

pytestmark = [pytest.mark.postgres]


def dropoff_body(donor, kg="10"):
    return {
        "donor": donor.pk,
        "lines": [{"category": "bakery", "weight_kg": kg, "destination": "forward"}],
    }


def processed(pk: int) -> bool:
    return DropOff.objects.filter(pk=pk, status=DropOffStatus.PROCESSED).exists()


def _use_broker(url: str) -> None:
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_down():
    """Tasks sent in here go to a port where no broker listens, as if Redis were down."""
    working = app.conf.broker_url
    always_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    _use_broker("redis://127.0.0.1:9/0")
    try:
        yield
    finally:
        _use_broker(working)
        app.conf.task_always_eager = always_eager


@pytest.mark.worker
def test_a_real_worker_computes_a_dropoff_logged_through_the_api(api, people, celery_worker):
    response = api.as_user(people.staff_a).post(
        "/api/v1/dropoffs/", dropoff_body(DonorFactory()), format="json"
    )
    assert response.status_code == 201
    assert wait_until(lambda: processed(response.json()["id"]))
    assert DropOffLine.objects.get(dropoff_id=response.json()["id"]).meals == Decimal("42")


@pytest.mark.worker
def test_dropoffs_saved_while_the_broker_is_down_are_computed_by_the_sweep(
    api, people, celery_worker
):
    client, donor = api.as_user(people.staff_a), DonorFactory()
    with broker_down():
        saved = [
            client.post("/api/v1/dropoffs/", dropoff_body(donor), format="json") for _ in range(2)
        ]
    assert [response.status_code for response in saved] == [201, 201], saved[0].json()
    ids = [response.json()["id"] for response in saved]
    assert DropOff.objects.filter(pk__in=ids, status=DropOffStatus.RECEIVED).count() == 2
    assert not ImpactDaily.objects.exists()

    sweep_impact.delay()
    assert wait_until(lambda: all(processed(pk) for pk in ids))
    assert DropOffDaily.objects.get(district=people.district_a).dropoff_count == 2
    assert ImpactDaily.objects.get().kg == Decimal("20")


def test_the_same_task_delivered_twice_at_once_computes_once(committed_db, people):
    with broker_down():
        dropoff = log_dropoff(
            donor=DonorFactory(),
            district=people.district_a,
            received_at=timezone.now() - timedelta(minutes=1),
            lines=[line("bakery", "3"), line("bakery", "4")],
            by=people.staff_a,
        )

    def deliver():
        with transaction.atomic():
            return compute_impact(dropoff_ids=[dropoff.pk])

    results = run_concurrently(deliver, 2)
    assert sorted(results) == [0, 2]
    cell = ImpactDaily.objects.get()
    assert (cell.kg, cell.line_count, cell.dropoff_count) == (Decimal("7"), 2, 1)
