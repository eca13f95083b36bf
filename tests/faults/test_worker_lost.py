"""A worker killed in the middle of a task: the work is done once, within a known time.

The task is caught in the middle by holding its district's row: the impact computation has
already written the lines' figures and the drop-off's status in its transaction and waits
for the district lock before it adds to the rollups. Killing the process then leaves an
open transaction (rolled back when its connection drops) and an unacknowledged message.

- A pool child killed: the main process sees it lost and gives the message back at once
  (``acks_late`` with ``reject_on_worker_lost``); the next child does the work.
- The main process killed with SIGKILL (its pool children die with it): nothing gives the
  message back, and Redis redelivers it only after ``CELERY_VISIBILITY_TIMEOUT`` (an hour by
  default). The impact sweep covers that gap: after a restart the drop-off is computed
  within one sweep interval (``FOODBANK_IMPACT_SWEEP_SECONDS``, here 2 s).
"""

import os
import signal
import time

import pytest
import redis

from donors.models import DropOff, DropOffLine, DropOffStatus
from tests.faults.conftest import computations_waiting, district_held, received_dropoff
from tests.faults.ledgers import assert_ledgers_hold
from tests.faults.services import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.worker]
SWEEP_SECONDS = 2
#: Bounds on the waits below (on a busy 2-core machine; each usually takes far less).
STARTED_WITHIN = 30
SWEPT_WITHIN = SWEEP_SECONDS + 20


def status_of(dropoff) -> str:
    return DropOff.objects.values_list("status", flat=True).get(pk=dropoff.pk)


def computed_once(dropoff) -> None:
    assert status_of(dropoff) == DropOffStatus.PROCESSED
    assert not DropOffLine.objects.filter(dropoff=dropoff, methodology__isnull=True).exists()
    assert_ledgers_hold()


def test_a_pool_child_killed_mid_task_gives_the_task_to_the_next_child(
    people, start_worker, broker
):
    worker = start_worker()
    with district_held(people.district_a):
        dropoff = received_dropoff(people)
        wait_for(lambda: computations_waiting() == 1, STARTED_WITHIN, "the task starting")
        (child,) = worker.children()
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: child not in worker.children(), 10, "the child ending")
        # The message comes back at once and a new child is in the middle of the same task.
        wait_for(
            lambda: computations_waiting() == 1 and worker.children() not in ([], [child]),
            STARTED_WITHIN,
            "the task handed to a new child",
        )
        assert status_of(dropoff) == DropOffStatus.RECEIVED
    wait_for(lambda: status_of(dropoff) == DropOffStatus.PROCESSED, 20, "the new child's work")
    assert worker.process.poll() is None
    assert "WorkerLostError" in worker.output()
    computed_once(dropoff)


def test_a_worker_killed_mid_task_has_its_work_done_by_the_sweep_after_a_restart(
    people, start_worker, start_beat, broker
):
    worker = start_worker()
    with district_held(people.district_a):
        dropoff = received_dropoff(people)
        wait_for(lambda: computations_waiting() == 1, STARTED_WITHIN, "the task starting")
        worker.kill()
    # Its server process notices the lost client once the lock is granted, and rolls back.
    wait_for(lambda: computations_waiting() == 0, 10, "the killed transaction ending")
    assert status_of(dropoff) == DropOffStatus.RECEIVED, "the killed transaction rolled back"
    time.sleep(1)
    assert status_of(dropoff) == DropOffStatus.RECEIVED, "nothing runs while no worker is up"

    # The message waits unacknowledged for the visibility timeout (an hour); the sweep does not.
    start_worker(FOODBANK_IMPACT_SWEEP_SECONDS=str(SWEEP_SECONDS))
    start_beat(FOODBANK_IMPACT_SWEEP_SECONDS=str(SWEEP_SECONDS))
    wait_for(lambda: status_of(dropoff) == DropOffStatus.PROCESSED, SWEPT_WITHIN, "the sweep")
    assert redis.Redis.from_url(broker.url).hlen("unacked") == 1, "not redelivered yet"
    computed_once(dropoff)
