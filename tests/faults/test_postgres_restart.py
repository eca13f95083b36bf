"""PostgreSQL restarts while staff log drop-offs and counters hand over vouchers.

The web (gunicorn, production settings), a worker and beat run on a private cluster holding
a copy of the test data. While the database is down every request answers a clean 503 (JSON
naming the problem, with ``Retry-After``), never a 500 and never a hang; the clients retry
with the same ``Idempotency-Key`` and, once PostgreSQL is back, every retry succeeds (a key
whose request the outage cut off is released within seconds), each drop-off saved once and
each voucher handed over once. The worker's computations that
failed in the outage are done by the sweep; the ledgers of the private database hold.
"""

import threading
import time
import uuid

import psycopg
import pytest

from tests.donors.factories import DonorFactory
from tests.faults.conftest import call, copy_database, dropoff_body
from tests.faults.ledgers import ledger_problems_at
from tests.faults.services import gunicorn, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.worker]
SWEEP_SECONDS = 2
UP_BEFORE, DOWN_FOR = 1.5, 3.0
#: A client gives up on a request after this long (an answer must come, even in the outage).
REQUEST_TIMEOUT = 15
#: How long after the restart every client must be done.
RECOVERED_WITHIN = 30


class Client:
    """Sends one request until it is answered with ``done``; 503s are retried with the key."""

    def __init__(self, web: str, token: str) -> None:
        self.web, self.token, self.answers = web, token, []

    def until_done(self, path: str, body: dict, done: int) -> None:
        key = str(uuid.uuid4())
        while True:
            status, answer = call(
                self.web,
                "POST",
                path,
                token=self.token,
                body=body,
                key=key,
                timeout=REQUEST_TIMEOUT,
            )
            self.answers.append((status, answer))
            if status == done:
                return
            time.sleep(0.2)


def count(url: str, query: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute(query).fetchone()[0]


def test_requests_fail_cleanly_while_postgresql_restarts_and_succeed_after(
    people, counter_goods, private_cluster, service_env, start_worker, start_beat
):
    donor = DonorFactory()
    database = private_cluster.url("foodbank")
    with psycopg.connect(private_cluster.url(), autocommit=True) as admin:
        admin.execute("CREATE DATABASE foodbank")
    copy_database(database)
    sweep = {"FOODBANK_IMPACT_SWEEP_SECONDS": str(SWEEP_SECONDS)}
    start_worker(database=database, **sweep)
    start_beat(database=database, **sweep)

    with gunicorn(service_env(database=database, **sweep)) as web:
        staff = [Client(web, counter_goods.staff) for _ in range(2)]
        counter = Client(web, counter_goods.counter)
        stopping = threading.Event()

        def log_dropoffs(client: Client) -> None:
            while not stopping.is_set():
                client.until_done("/api/v1/dropoffs/", dropoff_body(donor.pk, "3.25"), 201)

        def redeem(client: Client) -> None:
            for voucher in counter_goods.vouchers:
                client.until_done("/api/v1/vouchers/redeem/", {"token": voucher}, 200)
                time.sleep((UP_BEFORE + DOWN_FOR) / len(counter_goods.vouchers))

        threads = [threading.Thread(target=log_dropoffs, args=(c,)) for c in staff]
        threads.append(threading.Thread(target=redeem, args=(counter,)))
        for thread in threads:
            thread.start()
        time.sleep(UP_BEFORE)
        private_cluster.stop()
        time.sleep(DOWN_FOR)
        private_cluster.start()
        restarted = time.monotonic()
        time.sleep(1)
        stopping.set()
        for thread in threads:
            thread.join(RECOVERED_WITHIN)
        assert not any(thread.is_alive() for thread in threads), "a client never got through"
        assert time.monotonic() - restarted < RECOVERED_WITHIN

    answers = [answer for client in (*staff, counter) for answer in client.answers]
    codes = {(status, answer.get("code")) for status, answer in answers if status >= 300}
    # A retry of a request the outage cut off may find its key not yet released (for at most
    # a few seconds); anything else would be a failure the client cannot act on.
    assert codes <= {(503, "unavailable"), (409, "idempotency_key_in_flight")}, codes
    assert (503, "unavailable") in codes, "the outage was felt"
    assert {status for status, _answer in answers} <= {200, 201, 409, 503}
    created = sum(1 for c in staff for status, _ in c.answers if status == 201)
    assert created > 0
    assert count(database, "SELECT count(*) FROM donors_dropoff") == created
    assert count(database, "SELECT count(*) FROM points_redemption") == len(counter_goods.vouchers)
    wait_for(
        lambda: (
            count(database, "SELECT count(*) FROM donors_dropoff WHERE status <> 'processed'") == 0
        ),
        SWEEP_SECONDS + 20,
        "the sweep computing what failed in the outage",
    )
    assert ledger_problems_at(database) == []
