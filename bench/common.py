"""What the benchmarks share: their database, the machine's description, gunicorn, vouchers.

Each benchmark works in a PostgreSQL database of its own, which it creates (dropping any
left from an earlier run), migrates and loads with the districts, and drops at the end.
"""

from __future__ import annotations

import http.client
import io
import os
import platform
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


class BenchDatabase:
    """The benchmark's database: ``BENCH_DATABASE_URL`` or ``postgres://...:5432/<name>``."""

    def __init__(self, default_name: str, *, url: str = "") -> None:
        self.url = url or os.environ.get(
            "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_name}"
        )
        self.admin_url = self.url.rsplit("/", 1)[0] + "/postgres"
        self.name = self.url.rsplit("/", 1)[1]

    def prepare_django(self, *, fresh: bool = True) -> None:
        """Point Django at the database (created anew unless ``fresh`` is false), migrated
        and with the districts loaded. Tasks run in-process: no Redis."""
        os.environ["DATABASE_URL"] = self.url
        os.environ["DJANGO_SETTINGS_MODULE"] = "foodbank.settings.test"
        os.environ.pop("REDIS_URL", None)
        if fresh:
            self._execute(
                f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
                f'CREATE DATABASE "{self.name}"',
            )
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("load_districts", verbosity=0, stdout=io.StringIO())

    def drop(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def vacuum(self) -> None:
        """``VACUUM ANALYZE``, as autovacuum would have done while the data was written over
        hours rather than seconds: no dead rows left behind, planner statistics current."""
        self._execute("VACUUM ANALYZE", on=self.url)

    def settle(self) -> None:
        """``VACUUM ANALYZE``, then a checkpoint: nothing left for autovacuum or the
        checkpointer to do during the run that follows."""
        self.vacuum()
        self._execute("CHECKPOINT")

    def copy(self, suffix: str) -> BenchDatabase:
        """A fresh copy of this database as it stands (PostgreSQL's template copy), so that
        each run can start from the same data. Nothing may be connected to this one.

        The files are copied (PostgreSQL 15 or later), with a checkpoint before and after,
        rather than written through the WAL, which a run would pay for."""
        return self._beside(suffix, f'TEMPLATE "{self.name}" STRATEGY FILE_COPY')

    def sibling(self, suffix: str) -> BenchDatabase:
        """A new, empty database on the same server, named after this one."""
        return self._beside(suffix)

    def _beside(self, suffix: str, how: str = "") -> BenchDatabase:
        name = f"{self.name}_{suffix}"
        made = BenchDatabase(name, url=f"{self.url.rsplit('/', 1)[0]}/{name}")
        self._execute(
            f'DROP DATABASE IF EXISTS "{made.name}" WITH (FORCE)',
            f'CREATE DATABASE "{made.name}" {how}'.strip(),
        )
        return made

    def _execute(self, *statements: str, on: str = "") -> None:
        """``statements`` in turn, outside a transaction, on the server's ``postgres``
        database (or ``on``), once Django has let go of its connections."""
        import psycopg
        from django.db import connections

        connections.close_all()
        with psycopg.connect(on or self.admin_url, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)


def machine() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}, "
        f"PostgreSQL {version} on the same machine"
    )


def cpu_seconds(pids: list[int]) -> float:
    """CPU time used by these processes and by the children they have reaped (Linux's
    ``/proc``); a process that has gone is left out."""
    ticks = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        # utime, stime, cutime, cstime: fields 14 to 17, after the parenthesised name.
        ticks += sum(int(field) for field in stat.rsplit(")", 1)[1].split()[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, str, int]]:
    """Every process on the machine: pid, name and parent's pid."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name, rest = (entry / "stat").read_text()[:-1].rsplit(")", 1)
        except (OSError, ValueError):
            continue
        found.append((int(entry.name), name.split("(", 1)[1], int(rest.split()[1])))
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and its children (gunicorn's arbiter and its workers)."""
    return [pid, *(child for child, _name, parent in _processes() if parent == pid)]


def postgres_processes() -> list[int]:
    """Every process named ``postgres`` on this machine: the local PostgreSQL servers (none
    if PostgreSQL runs elsewhere)."""
    return [pid for pid, name, _parent in _processes() if name == "postgres"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(
    database_url: str,
    port: int,
    *,
    workers: int,
    threads: int,
    worker_class: str = "gthread",
    env: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
) -> subprocess.Popen:
    """Gunicorn serving the project on ``database_url``, once it answers, with the
    project's ``gunicorn.conf.py`` as in production; ``options`` are more of gunicorn's
    command-line options. ``threads`` is for gthread workers only: given sync workers and
    more than one thread, gunicorn would quietly run gthread instead."""
    if worker_class == "sync" and threads != 1:
        raise ValueError("sync workers take one thread each")
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "foodbank.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            worker_class,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            *options,
        ],
        cwd=BASE_DIR,
        env=os.environ
        | {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "foodbank.settings.test"}
        | (env or {}),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz/web")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def issue_vouchers(
    count: int, counters: int, *, items: int = 40, district_code: str = "1001"
) -> tuple[list[str], list[str]]:
    """``count`` vouchers of one district (three items each, across ``items`` items and many
    households, as a district's morning of vouchers would be) and an API token for each of
    ``counters`` counter accounts."""
    from decimal import Decimal

    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from donors.models import FoodCategory
    from foodbank.accounts.models import Role
    from foodbank.accounts.services import create_user
    from foodbank.districts.models import District
    from inventory.services.catalogue import add_item
    from inventory.services.stock import receive_lot
    from points.national_id import check_digit
    from points.services.households import register_household
    from points.services.ledger import approve_grant, grant_points
    from points.services.vouchers import Choice, issue_voucher, voucher_token

    district = District.objects.get(code=district_code)
    admin = create_user(username="bench-admin", role=Role.ADMIN)
    staff = create_user(username="bench-staff", role=Role.DISTRICT_STAFF, district=district)
    other = create_user(username="bench-staff-2", role=Role.DISTRICT_STAFF, district=district)
    category = FoodCategory.objects.get(slug="dry-canned")
    stocked = []
    for n in range(items):
        item = add_item(
            by=admin,
            name_th=f"สินค้า {n}",
            name_en=f"Item {n}",
            kind="food",
            category=category,
            unit="pack",
            points_price=1,
        )
        receive_lot(
            district=district,
            item=item,
            quantity=Decimal(count),
            expiry_date=timezone.localdate() + timedelta(days=90),
            by=staff,
        )
        stocked.append(item)
    households = []
    for n in range(max(count // 20, 1)):
        digits = f"5{n:011d}"
        home = register_household(
            district=district,
            national_id_number=digits + str(check_digit(digits)),
            by=staff,
            head_name=f"Bench {n}",
            address="Phra Nakhon",
            members=3,
        )
        grant = grant_points(household=home, points=500, by=staff, reason="bench")
        if grant.status != "approved":
            approve_grant(grant=grant, by=other)
        households.append(home)
    tokens = []
    for n in range(count):
        basket = [Choice(stocked[(n + k) % items], 1) for k in range(3)]
        voucher = issue_voucher(household=households[n % len(households)], choices=basket, by=staff)
        tokens.append(voucher_token(voucher))
    keys = []
    for n in range(counters):
        user = create_user(username=f"counter-{n}", role=Role.COUNTER_STAFF, district=district)
        keys.append(Token.objects.create(user=user).key)
    return tokens, keys
