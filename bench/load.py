"""The mixed load through HTTP, against gunicorn on PostgreSQL, driven by Locust.

    python bench/load.py [--users 50] [--seconds 60] [--workers 3] [--threads 8]
                         [--tasks-in-process] [--keep]

Sets up a benchmark database (the demo data, recipients with logins, enough vouchers for the
counters), starts gunicorn on it, and runs ``locust --headless`` with the people of
``bench/load_users.py`` (recipients browsing, counter staff handing over vouchers, district
staff logging drop-offs, admins opening the dashboard) for ``--seconds`` once all
``--users`` have started. Prints a Markdown table per kind of request and in all:
requests, throughput, p50 and p99 latency, error rate; then checks the ledgers after the
run. Tasks go through Redis to a Celery worker (prefork, two processes, as in the compose
file), as in production; ``--tasks-in-process`` runs them inside the request instead, as
without Redis. Its database defaults to ``foodbank_bench_load`` (``BENCH_DATABASE_URL``
overrides it) and is dropped at the end unless ``--keep`` is given; its Redis database,
``redis://127.0.0.1:6379/13`` unless ``BENCH_REDIS_URL`` says otherwise, is emptied first.

Target: no errors and p99 ≤ 300 ms for the mixed load at 50 users on a 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import BASE_DIR, BenchDatabase, free_port, issue_vouchers, machine, start_gunicorn

DATABASE = BenchDatabase("foodbank_bench_load")
PORT = free_port()
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
RECIPIENTS = 30
PASSWORD = "load-test-password-1"  # noqa: S105 - accounts of a throw-away database
#: Vouchers handed over per counter user per second at most (their think time is 2-4 s).
VOUCHERS_PER_COUNTER_SECOND = 0.5
#: Every rate limit out of the way: measured is the site, not its limits.
NO_LIMITS = {
    "FOODBANK_AUTH_RATE": "1000000/min",
    "FOODBANK_REGISTER_RATE": "1000000/min",
    "FOODBANK_REDEEM_RATE": "1000000/min",
}
#: Gunicorn and the worker, when tasks go through Redis to a worker.
TASKS_ON_WORKER = {"REDIS_URL": REDIS_URL, "FOODBANK_TASKS_IN_PROCESS": "false"}


def prepare_people(users: int, seconds: float) -> dict:
    """Demo data, accounts for every kind of user, and vouchers for the counters."""
    from rest_framework.authtoken.models import Token

    from donors.models import Donor
    from foodbank.accounts.models import User
    from foodbank.demo.services import seed_demo
    from points.models import Household
    from points.services.households import create_recipient_login

    seed_demo()
    # The counters' share of the users, each at most one voucher every two seconds, with time
    # to spare for starting them all.
    wanted = int(users * 3 / 11 * (seconds + 30) * VOUCHERS_PER_COUNTER_SECOND) + 50
    vouchers, (counter_token,) = issue_vouchers(wanted, 1)
    staff = User.objects.get(username="staff.phranakhon")
    recipients = []
    without_login = Household.objects.filter(account__isnull=True, left_on__isnull=True)
    for home in without_login.order_by("pk")[:RECIPIENTS]:
        username = f"recipient-{home.pk}"
        create_recipient_login(  # past the first sign-in: the load is on the pages behind it
            household=home,
            username=username,
            password=PASSWORD,
            by=staff,
            must_change_password=False,
        )
        recipients.append(username)
    for user in User.objects.filter(username__in=["admin", "staff.phranakhon"]):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return {
        "password": PASSWORD,
        "admin": "admin",
        "recipients": recipients,
        "staff_token": Token.objects.create(user=staff).key,
        "counter_token": counter_token,
        "donors": list(Donor.objects.values_list("pk", flat=True)),
        "vouchers": vouchers,
    }


def start_worker(workdir: Path) -> subprocess.Popen:
    """A Celery worker as the compose file runs it, once it is ready."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    log = workdir / "worker.log"
    # INFO, for the "ready." line that says the worker has started.
    options = "--concurrency 2 --loglevel INFO --without-gossip --without-mingle"
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "worker", "worker", *options.split()],
        cwd=BASE_DIR,
        env=os.environ | TASKS_ON_WORKER,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while worker.poll() is None and time.monotonic() < deadline:
        if "ready." in log.read_text():
            return worker
        time.sleep(0.2)
    worker.kill()
    raise SystemExit(f"the Celery worker did not start:\n{log.read_text()}")


def wait_for_tasks(timeout: float = 120) -> None:
    """Until the worker has taken and finished every task the run queued."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + timeout
    while client.llen("celery") or client.hlen("unacked"):
        if time.monotonic() > deadline:
            raise SystemExit("the worker did not finish the run's tasks")
        time.sleep(0.5)


def run_locust(data_file: Path, csv_prefix: Path, users: int, seconds: float) -> None:
    locust = shutil.which("locust", path=str(Path(sys.executable).parent))
    if locust is None:
        raise SystemExit("locust is needed: it is in the dev requirements")
    subprocess.run(  # noqa: S603
        [
            locust,
            "-f",
            str(BASE_DIR / "bench" / "load_users.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(users // 5, 1)),
            "--run-time",
            f"{int(seconds + users / max(users // 5, 1))}s",
            "--reset-stats",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(csv_prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=BASE_DIR,
        env={**os.environ, "LOAD_DATA": str(data_file)},
        check=False,
    )


def report(csv_prefix: Path) -> None:
    with Path(f"{csv_prefix}_stats.csv").open() as stats:
        rows = list(csv.DictReader(stats))
    print("| request | requests | per second | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        requests, failures = int(row["Request Count"]), int(row["Failure Count"])
        share = failures / requests if requests else 0.0
        print(
            f"| {name} | {requests:,} | {float(row['Requests/s']):.1f} | {row['50%']} "
            f"| {row['99%']} | {failures} ({share:.1%}) |"
        )
    with Path(f"{csv_prefix}_failures.csv").open() as failures:
        for row in csv.DictReader(failures):
            print(f"\nerror: {row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (gthread)")
    parser.add_argument(
        "--tasks-in-process", action="store_true", help="no worker: tasks run in the request"
    )
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    DATABASE.prepare_django()
    print("preparing accounts and vouchers ...", file=sys.stderr, flush=True)
    data = prepare_people(args.users, args.seconds)
    from django.db import connections
    from django.utils import timezone

    described = f"{timezone.localdate()}, {machine()}"
    connections.close_all()
    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    data_file = workdir / "data.json"
    data_file.write_text(json.dumps(data))
    worker = None if args.tasks_in_process else start_worker(workdir)
    server = None
    started = timezone.now()
    try:
        server = start_gunicorn(
            DATABASE.url,
            PORT,
            workers=args.workers,
            threads=args.threads,
            env=NO_LIMITS | ({} if worker is None else TASKS_ON_WORKER),
            # Longer than any user waits between requests: an idle connection closed by the
            # server just as the client reuses it would count as an error of the site.
            options=("--keep-alive", "15"),
        )
        run_locust(data_file, workdir / "load", args.users, args.seconds)
        if worker is not None:
            wait_for_tasks()
    finally:
        for process in (server, worker):
            if process is not None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
    try:
        tasks = "in the request" if worker is None else "on a Celery worker (2 processes)"
        print(
            f"{described}; {args.users} users for {args.seconds:.0f} s, gunicorn "
            f"{args.workers} workers x {args.threads} threads, tasks {tasks}\n"
        )
        report(workdir / "load")
        from donors.models import DropOff, DropOffStatus
        from foodbank.ledgers import check_ledgers

        ledgers = check_ledgers()
        print(f"\nledgers after the run: {'off' if ledgers.mismatched else 'hold'}")
        waiting = DropOff.objects.filter(
            status=DropOffStatus.RECEIVED, created_at__gte=started
        ).count()
        print(f"drop-offs logged in the run still waiting for their impact: {waiting}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            DATABASE.drop()


if __name__ == "__main__":
    main()
