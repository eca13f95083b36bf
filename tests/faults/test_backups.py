"""scripts/backup.sh and scripts/restore.sh against PostgreSQL, restoring into a fresh database.

The backup of a database with drop-offs computed, vouchers redeemed, expired and cancelled
restores with the same rows in every table and ledgers that hold; restoring again over it
changes nothing; a damaged backup is refused before anything is touched.
"""

import os
import shutil
import subprocess
import sys
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from points.models import Voucher
from points.services.vouchers import cancel_voucher, expire_vouchers, redeem_voucher
from tests.donors.factories import DonorFactory, line, received
from tests.faults.conftest import database_url
from tests.faults.ledgers import ledger_problems_at
from tests.faults.services import BASE_DIR, missing

pytestmark = pytest.mark.postgres
SCRIPTS = BASE_DIR / "scripts"


@pytest.fixture
def shop_day(committed_db, people, counter_goods):
    """A district's day: drop-offs computed, vouchers handed over, expired and cancelled."""
    for kg in ("12.5", "3.125", "40"):
        received(
            donor=DonorFactory(),
            by=people.staff_a,
            lines=[line("bakery", kg), line("rice-grains", "2")],
        )
    for token in counter_goods.vouchers[:3]:
        redeem_voucher(token=token, by=people.counter_a, counter="C1")
    open_ones = Voucher.objects.filter(status="issued").order_by("pk")
    cancel_voucher(voucher=open_ones[0], by=people.staff_a)
    Voucher.objects.filter(pk=open_ones[1].pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    assert expire_vouchers() == 1


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    admin_url = database_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url().rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(script: str, *args: str, database: str) -> subprocess.CompletedProcess:
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            missing(tool)
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "PYTHON": sys.executable,
        "DJANGO_SETTINGS_MODULE": "foodbank.settings.test",
    }
    env.pop("REDIS_URL", None)
    return subprocess.run(  # noqa: S603
        [str(SCRIPTS / script), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {
            table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_the_ledgers_holding(
    shop_day, fresh_database, tmp_path
):
    backup = tmp_path / "nightly" / "foodbank.dump"
    made = run("backup.sh", str(backup), database=database_url())
    assert made.returncode == 0, made.stderr
    assert backup.stat().st_size > 0
    assert not backup.with_suffix(".dump.partial").exists()

    restored = run("restore.sh", str(backup), database=fresh_database)
    assert restored.returncode == 0, restored.stderr
    assert "lots off: 0" in restored.stdout
    original = row_counts(database_url())
    assert original["points_redemption"] == 3
    assert original["donors_dropoffline"] == 6
    assert row_counts(fresh_database) == original
    assert ledger_problems_at(fresh_database) == []

    again = run("restore.sh", str(backup), database=fresh_database)
    assert again.returncode == 0, again.stderr
    assert row_counts(fresh_database) == original


def test_a_damaged_backup_is_refused_and_the_database_left_as_it_was(
    shop_day, fresh_database, tmp_path
):
    backup = tmp_path / "foodbank.dump"
    assert run("backup.sh", str(backup), database=database_url()).returncode == 0
    assert run("restore.sh", str(backup), database=fresh_database).returncode == 0
    before = row_counts(fresh_database)

    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    refused = run("restore.sh", str(damaged), database=fresh_database)
    assert refused.returncode != 0
    assert row_counts(fresh_database) == before
    assert run("restore.sh", str(tmp_path / "missing.dump"), database=fresh_database).returncode


#: Docker as the compose stack would answer: ``compose exec -T db ...`` runs the PostgreSQL
#: tool here (on the test's server), ``compose run ... web python ...`` runs this checkout's
#: Python on ``STACK_DATABASE_URL``, and every call is written to ``DOCKER_LOG``. No Docker
#: engine runs in CI; this checks what the scripts ask of the stack, and in which order.
DOCKER = """#!/usr/bin/env bash
echo "$*" >>"$DOCKER_LOG"
[[ $1 == compose ]] || exit 2
case $2 in
    stop|start) exit 0 ;;
    exec) [[ $3 == -T && $4 == db ]] || exit 2; shift 4; exec "$@" ;;
    run) shift 2; while [[ $1 == --* ]]; do shift; done
         [[ $1 == web && $2 == python ]] || exit 2; shift 2
         DATABASE_URL=$STACK_DATABASE_URL exec "$PYTHON" "$@" ;;
esac
exit 2
"""


def run_in_stack(script: str, *args: str, database: str, tmp_path) -> list[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "docker").write_text(DOCKER)
    (bin_dir / "docker").chmod(0o755)
    log = tmp_path / "docker.log"
    log.write_text("")
    server = connection.settings_dict
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "DOCKER_LOG": str(log),
        "PGHOST": server["HOST"] or "127.0.0.1",
        "PGPORT": str(server["PORT"] or 5432),
        "POSTGRES_USER": server["USER"],
        "POSTGRES_DB": database.rsplit("/", 1)[1],
        "STACK_DATABASE_URL": database,
        "PYTHON": sys.executable,
        "DJANGO_SETTINGS_MODULE": "foodbank.settings.test",
    }
    for unset in ("DATABASE_URL", "REDIS_URL"):
        env.pop(unset, None)
    done = subprocess.run(  # noqa: S603
        [str(SCRIPTS / script), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    calls = log.read_text().splitlines()
    return [f"exit {done.returncode}", *(call.split(" --")[0] for call in calls)]


def test_in_the_compose_stack_restore_stops_the_site_and_starts_it_again_even_on_failure(
    shop_day, fresh_database, tmp_path
):
    backup = tmp_path / "foodbank.dump"
    assert run_in_stack("backup.sh", str(backup), database=database_url(), tmp_path=tmp_path) == [
        "exit 0",
        "compose exec -T db pg_dump",
        "compose exec -T db pg_restore",
    ]
    assert run_in_stack("restore.sh", str(backup), database=fresh_database, tmp_path=tmp_path) == [
        "exit 0",
        "compose stop web worker beat",
        "compose exec -T db pg_restore",
        "compose exec -T db pg_restore",
        "compose run",
        "compose start web worker beat",
    ]
    assert row_counts(fresh_database) == row_counts(database_url())

    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(backup.read_bytes()[:4096])
    calls = run_in_stack("restore.sh", str(damaged), database=fresh_database, tmp_path=tmp_path)
    assert calls[0] != "exit 0"
    assert calls[1] == "compose stop web worker beat"
    assert calls[-1] == "compose start web worker beat"
