"""Voucher redemptions through HTTP, against PostgreSQL, compared with pgbench.

    python bench/redemptions.py [--levels 8 32 64] [--seconds 20] [--keep]

Gunicorn serves the project (``gthread`` workers) on a benchmark database. For each level,
that many counters (threads with keep-alive connections, one counter account each) redeem
distinct vouchers as fast as they can for ``--seconds``: redemptions per second, p50 and p99
latency, errors. The vouchers were issued beforehand through the service, across many items
and households, as a district's morning of vouchers would be. In the same run,
``pgbench`` (built-in ``tpcb-like``) on the same database with the same number of clients
gives the ceiling for a transaction of that shape. The database is dropped at the end
unless ``--keep`` is given.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCH_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/foodbank_bench_redeem"
)
ADMIN_URL = BENCH_URL.rsplit("/", 1)[0] + "/postgres"
BENCH_NAME = BENCH_URL.rsplit("/", 1)[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()
ITEMS = 40


def prepare_django() -> None:
    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "foodbank.settings.test"
    os.environ.pop("REDIS_URL", None)
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_NAME}"')
        connection.execute(f'CREATE DATABASE "{BENCH_NAME}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_districts", verbosity=0)


def issue_vouchers(count: int, counters: int) -> tuple[list[str], list[str]]:
    """``count`` vouchers of district 1001 and a token for each of ``counters`` accounts."""
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
    from points.services.ledger import grant_points
    from points.services.vouchers import Choice, issue_voucher, voucher_token

    district = District.objects.get(code="1001")
    admin = create_user(username="bench-admin", role=Role.ADMIN)
    staff = create_user(username="bench-staff", role=Role.DISTRICT_STAFF, district=district)
    other = create_user(username="bench-staff-2", role=Role.DISTRICT_STAFF, district=district)
    category = FoodCategory.objects.get(slug="dry-canned")
    items = []
    for n in range(ITEMS):
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
        items.append(item)
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
            from points.services.ledger import approve_grant

            approve_grant(grant=grant, by=other)
        households.append(home)
    tokens = []
    for n in range(count):
        basket = [Choice(items[(n + k) % ITEMS], 1) for k in range(3)]
        voucher = issue_voucher(household=households[n % len(households)], choices=basket, by=staff)
        tokens.append(voucher_token(voucher))
    keys = []
    for n in range(counters):
        user = create_user(username=f"counter-{n}", role=Role.COUNTER_STAFF, district=district)
        keys.append(Token.objects.create(user=user).key)
    return tokens, keys


def start_gunicorn(workers: int, threads: int, worker_class: str) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": BENCH_URL,
        "DJANGO_SETTINGS_MODULE": "foodbank.settings.test",
        "FOODBANK_REDEEM_RATE": "1000000/min",  # measured is redemption, not counters' limit
    }
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "foodbank.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--worker-class",
            worker_class,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz/web")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def run_level(tokens: list[str], keys: list[str], seconds: float) -> dict:
    """``len(keys)`` counters redeem from ``tokens`` for ``seconds``."""
    lock, latencies, errors = threading.Lock(), [], []
    stop_at = time.monotonic() + seconds
    pool = iter(tokens)

    def counter(key: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
        while time.monotonic() < stop_at:
            with lock:
                token = next(pool, None)
            if token is None:
                return
            started = time.perf_counter()
            connection.request(
                "POST", "/api/v1/vouchers/redeem/", json.dumps({"token": token}), headers
            )
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                (latencies if response.status == 200 else errors).append(elapsed)

    threads = [threading.Thread(target=counter, args=(key,)) for key in keys]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "rate": len(latencies) / wall,
        "p50": statistics.median(ordered) * 1000 if ordered else float("nan"),
        "p99": ordered[int(len(ordered) * 0.99) - 1] * 1000 if ordered else float("nan"),
        "ok": len(latencies),
        "errors": len(errors),
    }


def pgbench(clients: int, seconds: int) -> float:
    command = shutil.which("pgbench")
    if command is None:
        raise SystemExit("pgbench is needed (Debian: postgresql-contrib or postgresql-client)")
    subprocess.run(  # noqa: S603
        [command, "-i", "-q", "-s", "4", BENCH_URL], check=True, capture_output=True
    )
    result = subprocess.run(  # noqa: S603
        [
            command,
            "-c",
            str(clients),
            "-j",
            "2",
            "-T",
            str(seconds),
            "-b",
            "tpcb-like",
            BENCH_URL,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(re.search(r"tps = ([\d.]+)", result.stdout).group(1))


def drop_database() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_NAME}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[8, 32, 64])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (gthread)")
    parser.add_argument(
        "--worker-class",
        default="gthread",
        choices=["gthread", "sync"],
        help="sync: one request at a time per process, a new connection for each",
    )
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    prepare_django()
    per_level = [int(args.seconds * 400) for _level in args.levels]  # more than is redeemed
    print(f"issuing {sum(per_level)} vouchers ...", file=sys.stderr)
    tokens, keys = issue_vouchers(sum(per_level), max(args.levels))
    from django.db import connections

    connections.close_all()
    server = start_gunicorn(args.workers, args.threads, args.worker_class)
    rows = []
    try:
        offset = 0
        for level, count in zip(args.levels, per_level, strict=True):
            result = run_level(tokens[offset : offset + count], keys[:level], args.seconds)
            offset += count
            ceiling = pgbench(level, int(args.seconds))
            rows.append((level, result, ceiling))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep:
            drop_database()

    print("| counters | redemptions/s | p50 ms | p99 ms | errors | pgbench tpcb-like tps | share |")
    print("|---|---|---|---|---|---|---|")
    for level, result, ceiling in rows:
        print(
            f"| {level} | {result['rate']:,.0f} | {result['p50']:.1f} | {result['p99']:.1f} "
            f"| {result['errors']} | {ceiling:,.0f} | {result['rate'] / ceiling:.0%} |"
        )


if __name__ == "__main__":
    main()
