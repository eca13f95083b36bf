import ast
import importlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import OperationalError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from tests.conftest import wait_until
from worker.celery import SWEPT_BY, app
from worker.enqueue import enqueue_after_commit
from worker.tasks import clear_expired_sessions

BASE_DIR = Path(__file__).resolve().parents[2]
APPS = ("foodbank", "donors", "inventory", "points", "worker")


def make_session(*, expires_in: timedelta) -> str:
    store = SessionStore()
    store["note"] = "visit"
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def session_exists(key: str) -> bool:
    return Session.objects.filter(pk=key).exists()


def test_task_defaults_are_late_ack_json_and_retried_with_backoff():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert clear_expired_sessions.acks_late is True
    assert clear_expired_sessions.reject_on_worker_lost is True
    assert clear_expired_sessions.retry_backoff
    assert clear_expired_sessions.max_retries > 0
    assert {OperationalError, BrokerError} <= set(clear_expired_sessions.autoretry_for)
    assert "clear-expired-sessions" in app.conf.beat_schedule


def _calls(attribute_or_name: set[str]):
    """(module, call) for each call in the project's code of a function or method so named."""
    for source in (path for app_dir in APPS for path in (BASE_DIR / app_dir).rglob("*.py")):
        module = ".".join(source.relative_to(BASE_DIR).with_suffix("").parts)
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Call):
                called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if called in attribute_or_name:
                    yield module, node


def _tasks_sent_after_commit() -> dict[str, str]:
    """Every task the project's code sends with ``enqueue_after_commit``, by where it is sent:
    a name written there, or a constant holding it."""
    return {
        f"{module}:{call.lineno}": _value(call.args[0], module)
        for module, call in _calls({"enqueue_after_commit"})
    }


def _value(expression: ast.expr, module: str):
    """A name written out, a constant (``IMPORT_DROPOFFS``) or one of another module's
    (``imports.IMPORT_DROPOFFS``), as the module sees it."""
    if isinstance(expression, ast.Constant):
        return expression.value
    if isinstance(expression, ast.Attribute):
        return getattr(_value(expression.value, module), expression.attr)
    assert isinstance(expression, ast.Name), ast.unparse(expression)
    return getattr(importlib.import_module(module), expression.id)


def test_each_task_sent_after_a_commit_has_a_scheduled_sweep():
    """A send may fail (worker/enqueue.py): a sweep finds the work it left."""
    sent = _tasks_sent_after_commit()
    assert {where: name for where, name in sent.items() if name not in SWEPT_BY} == {}
    assert set(sent.values()) == set(SWEPT_BY)  # and none is named there but never sent
    # Nothing sends a task another way, which no sweep would stand behind.
    assert [module for module, _call in _calls({"delay", "apply_async"})] == ["worker.enqueue"]
    for task, sweep in SWEPT_BY.items():
        assert task in app.tasks
        assert app.conf.beat_schedule[sweep]["task"] in app.tasks


@pytest.mark.django_db
def test_clearing_sessions_removes_only_expired_ones_and_is_safe_twice():
    old = make_session(expires_in=timedelta(days=-1))
    fresh = make_session(expires_in=timedelta(days=1))
    clear_expired_sessions.delay()
    clear_expired_sessions.delay()
    assert not session_exists(old)
    assert session_exists(fresh)


@pytest.mark.django_db
def test_task_is_sent_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    old = make_session(expires_in=timedelta(days=-1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_after_commit(clear_expired_sessions)
        assert session_exists(old), "the task must wait for the commit"
    assert len(callbacks) == 1
    assert not session_exists(old)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_task_is_never_sent_when_the_transaction_rolls_back():
    old = make_session(expires_in=timedelta(days=-1))

    def enqueue_then_fail():
        with transaction.atomic():
            enqueue_after_commit(clear_expired_sessions)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        enqueue_then_fail()
    assert session_exists(old)


@pytest.mark.worker
def test_real_worker_runs_a_task_sent_after_commit_through_redis(celery_worker):
    old = make_session(expires_in=timedelta(days=-1))
    fresh = make_session(expires_in=timedelta(days=1))
    with transaction.atomic():
        enqueue_after_commit(clear_expired_sessions)
    assert wait_until(lambda: not session_exists(old))
    assert session_exists(fresh)
