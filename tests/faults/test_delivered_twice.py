"""The same task delivered twice (a redelivery after a lost acknowledgement, a retried
publish) to two pool processes at once: the work is done once."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from donors.models import DropOff, DropOffStatus
from points.models import Voucher, VoucherStatus
from tests.faults.conftest import district_held, locks_waited_on, received_dropoff
from tests.faults.ledgers import assert_ledgers_hold
from tests.faults.services import wait_for
from worker.celery import app

pytestmark = [pytest.mark.postgres, pytest.mark.worker]


def deliver_twice(name: str, *args) -> None:
    task_id = str(uuid4())
    for _ in range(2):
        app.tasks[name].apply_async(args=args, task_id=task_id)


def test_an_impact_computation_delivered_twice_at_once_is_done_once(people, start_worker, broker):
    start_worker(concurrency=2)
    with district_held(people.district_a):
        dropoff = received_dropoff(people)
        deliver_twice("worker.tasks.compute_impact", [dropoff.pk])
        # Three deliveries in all (the one queued at the commit, then two more): one waits
        # for the district, the others for the drop-off it holds or for a free process.
        wait_for(lambda: locks_waited_on() == 2, 30, "both processes in the task")
    wait_for(
        lambda: DropOff.objects.get(pk=dropoff.pk).status == DropOffStatus.PROCESSED,
        30,
        "the computation",
    )
    wait_for(lambda: broker_is_idle(broker), 30, "every delivery done")
    assert_ledgers_hold()


def test_voucher_expiry_delivered_twice_at_once_gives_everything_back_once(
    people, counter_goods, start_worker, broker
):
    late = list(Voucher.objects.values_list("pk", flat=True)[:6])
    Voucher.objects.filter(pk__in=late).update(expires_on=timezone.localdate() - timedelta(days=1))
    start_worker(concurrency=2)
    deliver_twice("worker.tasks.expire_vouchers")
    wait_for(lambda: broker_is_idle(broker), 30, "both deliveries done")
    assert Voucher.objects.filter(pk__in=late, status=VoucherStatus.EXPIRED).count() == 6
    assert Voucher.objects.filter(status=VoucherStatus.ISSUED).count() == 9 - 6
    assert_ledgers_hold()


def broker_is_idle(redis_service) -> bool:
    """No message waiting in the queue and none delivered but not yet acknowledged."""
    import redis

    client = redis.Redis.from_url(redis_service.url)
    return client.llen("celery") == 0 and client.hlen("unacked") == 0
