"""Sending tasks while the broker hangs: a send fails within seconds, and for a moment after
it the process sends nothing and leaves the work to the sweeps."""

import logging

import pytest

from worker import enqueue
from worker.celery import app
from worker.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanging_broker(hanging_redis, tasks_through_broker):
    """This process sends its tasks to a Redis that never answers (waiting 0.2 s, not the
    settings' 2 s, for the test's sake)."""
    url, taken = hanging_redis
    working, options = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = url
    app.conf.broker_transport_options = options | {"socket_timeout": 0.2}
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield taken
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = working, options
        app._pool = None
        app.amqp._producer_pool = None


def send_three(caplog, on_commit) -> list[str]:
    with caplog.at_level(logging.WARNING, logger="worker.enqueue"):
        for _ in range(3):
            with on_commit(execute=True):
                enqueue.enqueue_after_commit(clear_expired_sessions)
    return [record.getMessage() for record in caplog.records if record.name == "worker.enqueue"]


def test_after_a_failed_send_the_process_leaves_work_to_the_sweeps_for_a_moment(
    hanging_broker, caplog, django_capture_on_commit_callbacks
):
    """One send and its one retry time out; the next two are not tried, and said so once."""
    assert send_three(caplog, django_capture_on_commit_callbacks) == [
        f"Tasks left to the sweeps for {enqueue.BROKER_RETRY_SECONDS} s "
        "(first: worker.tasks.clear_expired_sessions): the broker failed."
    ]
    assert len(hanging_broker) == 2


def test_after_the_pause_the_broker_is_tried_again(
    hanging_broker, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(enqueue, "BROKER_RETRY_SECONDS", 0)
    assert send_three(caplog, django_capture_on_commit_callbacks) == []
    assert len(hanging_broker) == 6
