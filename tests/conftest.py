"""Shared fixtures, and the rule for tests that need the real services.

Tests marked ``postgres`` or ``worker`` run in the PostgreSQL pass of ``make test``. Run
elsewhere they are skipped, except with CI=true, where a missing service fails them.
"""

import os
import socket
import threading
import time
from contextlib import suppress

import pytest
from django.conf import settings
from django.db import connection

from tests.accounts.factories import UserFactory
from tests.districts.factories import load_bundled_districts

IN_CI = os.environ.get("CI", "").lower() == "true"


def _missing_services(item: pytest.Item) -> str | None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL (set DATABASE_URL)"
    if item.get_closest_marker("worker") and not settings.REDIS_URL:
        return "needs Redis and a Celery worker (set REDIS_URL)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _missing_services(item)
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, no rate-limit counters, no failed task send and
    the default language (a page asked for in English leaves English active in the thread)."""
    from django.core.cache import cache
    from django.utils import translation

    from foodbank import ratelimit
    from worker import enqueue

    cache.clear()
    ratelimit.reset()
    enqueue.reset()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def districts(db):
    """Bangkok's 50 districts, loaded from the bundled list through the loading service."""
    return load_bundled_districts()


@pytest.fixture
def make_user(db):
    return UserFactory


@pytest.fixture
def tasks_through_broker():
    """Send tasks to the broker instead of running them in-process, for this test only."""
    from worker.celery import app

    app.conf.task_always_eager = False
    try:
        yield app
    finally:
        app.conf.task_always_eager = True


@pytest.fixture
def committed_db(transactional_db, django_db_serialized_rollback):
    """Real commits (for threads and workers), with the migrations' seed data restored."""


@pytest.fixture
def celery_worker(committed_db, tasks_through_broker):
    """A real Celery worker in a thread, consuming from Redis, for this test only."""
    from celery.contrib.testing.worker import start_worker

    tasks_through_broker.control.purge()
    with start_worker(
        tasks_through_broker, pool="solo", perform_ping_check=False, shutdown_timeout=30
    ) as running:
        yield running


@pytest.fixture
def hanging_redis():
    """A server that takes connections and never answers, as a Redis stuck or cut off does;
    yields its URL and the list of connections it took."""
    server = socket.create_server(("127.0.0.1", 0))
    taken: list[socket.socket] = []

    def take():
        with suppress(OSError):  # the server closed
            while True:
                taken.append(server.accept()[0])

    threading.Thread(target=take, daemon=True).start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0", taken
    finally:
        with suppress(OSError):
            server.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept()
        server.close()
        for sock in taken:
            sock.close()


def wait_until(condition, timeout: float = 20.0, interval: float = 0.1) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


@pytest.fixture
def people(districts):
    """One user per role; staff and the recipient in district A (1001) or B (1006)."""
    from types import SimpleNamespace

    from foodbank.accounts.models import Role

    a, b = districts["1001"], districts["1006"]
    return SimpleNamespace(
        admin=UserFactory(username="admin", role=Role.ADMIN),
        donor=UserFactory(username="donor", role=Role.DONOR),
        recipient_a=UserFactory(username="recipient_a", role=Role.RECIPIENT, district=a),
        staff_a=UserFactory(username="staff_a", role=Role.DISTRICT_STAFF, district=a),
        counter_a=UserFactory(username="counter_a", role=Role.COUNTER_STAFF, district=a),
        staff_b=UserFactory(username="staff_b", role=Role.DISTRICT_STAFF, district=b),
        counter_b=UserFactory(username="counter_b", role=Role.COUNTER_STAFF, district=b),
        district_a=a,
        district_b=b,
    )


@pytest.fixture
def api():
    """An API client in English; ``api.as_user(user)`` signs requests as that user.

    Each request ends as a committed one would: its after-commit work (tasks, in-process)
    runs before the response is looked at.
    """
    from django.test import TestCase
    from rest_framework.test import APIClient

    class CommittingClient(APIClient):
        def request(self, **kwargs):
            with TestCase.captureOnCommitCallbacks(execute=True):
                return super().request(**kwargs)

    client = CommittingClient(HTTP_ACCEPT_LANGUAGE="en")

    def as_user(user):
        client.force_authenticate(user=user)
        return client

    client.as_user = as_user
    return client


def run_concurrently(work, times: int) -> list:
    """Run ``work()`` in ``times`` threads released together; returns their results.

    Each thread has its own database connection, closed when it ends.
    """
    import threading

    from django.db import connection

    results, barrier = [], threading.Barrier(times)

    def one():
        barrier.wait()
        try:
            results.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
