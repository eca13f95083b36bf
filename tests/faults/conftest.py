"""Fixtures of the fault tests: private services, worker and beat processes, and test data.

The database under test is the test run's own (PostgreSQL, committed so that other
processes see the rows); Redis is a private ``redis-server`` that the tests may stop.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from tests.donors.factories import DonorFactory, line
from tests.faults.services import (
    BASE_DIR,
    BIN,
    PrivateCluster,
    PrivateRedis,
    Worker,
    missing,
    product_env,
    stop,
)
from worker.celery import app


def database_url() -> str:
    """The address of the database this test run uses (its test database)."""
    given = connection.settings_dict
    password = f":{given['PASSWORD']}" if given["PASSWORD"] else ""
    return (
        f"postgres://{given['USER']}{password}@{given['HOST'] or '127.0.0.1'}:"
        f"{given['PORT'] or 5432}/{given['NAME']}"
    )


@pytest.fixture
def private_redis():
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def private_cluster():
    """A PostgreSQL cluster of our own, which the test may stop and start."""
    cluster = PrivateCluster()
    cluster.init()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.remove()


def copy_database(to_url: str) -> None:
    """Copy the test database, as it is now, into an empty database at ``to_url``."""
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            missing(tool)
    dump = subprocess.run(  # noqa: S603
        ["pg_dump", "-Fc", "--no-owner", "-d", database_url()],  # noqa: S607
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(  # noqa: S603
        ["pg_restore", "--no-owner", "--exit-on-error", "-d", to_url],  # noqa: S607
        input=dump.stdout,
        check=True,
        capture_output=True,
        timeout=120,
    )


def _use_broker(url: str) -> None:
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(committed_db, private_redis):
    """This process sends its tasks to the private Redis, as the web would."""
    working, eager = app.conf.broker_url, app.conf.task_always_eager
    _use_broker(private_redis.url)
    app.conf.task_always_eager = False
    try:
        yield private_redis
    finally:
        _use_broker(working)
        app.conf.task_always_eager = eager


@pytest.fixture
def service_env(private_redis):
    """``service_env(**settings)``: a deployed process's environment on the services under test."""

    def make(*, database: str = "", **extra: str) -> dict[str, str]:
        return product_env(
            database_url=database or database_url(), redis_url=private_redis.url, **extra
        )

    return make


@pytest.fixture
def start_worker(broker, service_env):
    """``start_worker(concurrency=1, **settings)`` starts a worker; all stop after the test."""
    started: list[Worker] = []

    def start(*, concurrency: int = 1, database: str = "", **extra: str) -> Worker:
        worker = Worker(service_env(database=database, **extra), concurrency=concurrency)
        started.append(worker)
        worker.start()
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def start_beat(broker, service_env, tmp_path):
    """``start_beat(**settings)`` starts ``celery beat``, as the compose file runs it."""
    processes: list[subprocess.Popen] = []

    def start(*, database: str = "", **extra: str) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "celery"),
                "-A",
                "worker",
                "beat",
                "--schedule",
                str(tmp_path / f"beat-{len(processes)}"),
                "--loglevel",
                "WARNING",
            ],
            cwd=BASE_DIR,
            env=service_env(database=database, **extra),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        stop(process)


@contextmanager
def district_held(district):
    """Hold a district's row as a rollup writer would, from a connection of our own.

    ``FOR NO KEY UPDATE`` lets drop-offs be logged in the district (their foreign keys only
    share the row) but makes the impact computation wait at its district lock, in the middle
    of its transaction, until the block ends.
    """
    with psycopg.connect(database_url()) as holder:
        holder.execute(
            "SELECT id FROM districts_district WHERE id = %s FOR NO KEY UPDATE", [district.pk]
        )
        yield
        holder.rollback()


def computations_waiting() -> int:
    """Impact computations waiting for a district lock, in this database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query LIKE %s",
            ['%FROM "districts_district"%FOR NO KEY UPDATE%'],
        )
        return cursor.fetchone()[0]


def locks_waited_on() -> int:
    """Server processes of this database waiting for a row lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def received_dropoff(people, kg: str = "10"):
    """A drop-off logged by staff of district A; its computation is queued at the commit."""
    from donors.services.dropoffs import log_dropoff

    return log_dropoff(
        donor=DonorFactory(),
        district=people.district_a,
        received_at=timezone.now() - timedelta(minutes=5),
        lines=[line("bakery", kg), line("fruit-vegetables", "2.5")],
        by=people.staff_a,
    )


VOUCHERS_EACH = 3


@pytest.fixture
def counter_goods(people):
    """Nine vouchers of district A to redeem, and the API tokens of its staff and counter."""
    from rest_framework.authtoken.models import Token

    from points.services.ledger import grant_points
    from points.services.vouchers import Choice, issue_voucher, voucher_token
    from tests.inventory.factories import lot, rice
    from tests.points.factories import household

    bags = rice(people.admin, points_price=1)
    lot(bags, people.staff_a, "200", timezone.localdate() + timedelta(days=30))
    tokens = []
    for n in range(3):
        home = household(people.staff_a, head_name=f"Household {n}")
        grant_points(household=home, points=20, by=people.staff_a, reason="start")
        for _ in range(VOUCHERS_EACH):
            voucher = issue_voucher(household=home, choices=[Choice(bags, 2)], by=people.staff_a)
            tokens.append(voucher_token(voucher))
    return SimpleNamespace(
        vouchers=tokens,
        staff=Token.objects.create(user=people.staff_a).key,
        counter=Token.objects.create(user=people.counter_a).key,
        kg=Decimal(0),
    )


def call(
    base: str, method: str, path: str, *, token: str = "", body=None, key: str = "", timeout=15
):
    """One HTTP request to a server under test; returns (status, parsed JSON or text)."""
    request = urllib.request.Request(  # noqa: S310
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Content-Type": "application/json",
            "Accept-Language": "en",
            **({"Authorization": f"Token {token}"} if token else {}),
            **({"Idempotency-Key": key} if key else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            status, raw, kind = answer.status, answer.read(), answer.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        status, raw, kind = error.code, error.read(), error.headers["Content-Type"]
    text = raw.decode()
    return status, json.loads(text) if "json" in (kind or "") else text


def dropoff_body(donor_pk: int, kg: str = "10") -> dict:
    return {
        "donor": donor_pk,
        "lines": [{"category": "bakery", "weight_kg": kg, "destination": "forward"}],
    }
