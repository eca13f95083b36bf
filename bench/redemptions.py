"""Voucher redemptions through HTTP, against PostgreSQL, compared with pgbench.

    python bench/redemptions.py [--levels 8 32 64] [--seconds 20] [--repeat 3] [--keep]

The vouchers are issued once, through the service, across many items and households, as a
district's morning of vouchers would be, and the database vacuumed, as autovacuum would have
done over that morning. Every run then starts from a fresh copy of that database. Gunicorn
serves the copy (sync workers unless ``--worker-class`` says otherwise); after a short
warm-up, that many counters (threads, one counter account each) redeem distinct vouchers as
fast as they can for ``--seconds``. Then ``pgbench`` (built-in ``tpcb-like``) with as many
clients on the same copy gives the ceiling for a transaction of that shape. Each level runs
``--repeat`` times, since on a shared machine one run can be far from the next.

Per run: redemptions per second, p50 and p99 latency, errors, pgbench's rate, and the CPU
time each redemption took in gunicorn, in every ``postgres`` process on this machine and in
this script's counters (from Linux's ``/proc``). The database is dropped at the end unless
``--keep`` is given.

Target at 32 counters: at least 300 redemptions/s and 20% of pgbench, p99 at most 120 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

from common import (
    BenchDatabase,
    cpu_seconds,
    free_port,
    issue_vouchers,
    machine,
    postgres_processes,
    process_tree,
    start_gunicorn,
)

DATABASE = BenchDatabase("foodbank_bench_redeem")
PORT = free_port()
ITEMS = 40
WARM_UP_SECONDS = 3
RATE_CAP = 600  # vouchers issued per second of run: a faster run ends early, and says so


def run_level(tokens: list[str], keys: list[str], seconds: float) -> dict:
    """``len(keys)`` counters redeem from ``tokens`` for ``seconds``, or until none is left."""
    lock, latencies, errors, ran_dry = threading.Lock(), [], [], threading.Event()
    stop_at = time.monotonic() + seconds
    pool = iter(tokens)

    def counter(key: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
        while time.monotonic() < stop_at:
            with lock:
                token = next(pool, None)
            if token is None:
                ran_dry.set()
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
        "ran_dry": ran_dry.is_set(),
    }


def pgbench(clients: int, seconds: int, url: str) -> float:
    command = shutil.which("pgbench")
    if command is None:
        raise SystemExit("pgbench is needed (Debian: postgresql-contrib or postgresql-client)")
    subprocess.run(  # noqa: S603
        [command, "-i", "-q", "-s", "4", url], check=True, capture_output=True
    )
    result = subprocess.run(  # noqa: S603
        [command, "-c", str(clients), "-j", "2", "-T", str(seconds), "-b", "tpcb-like", url],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(re.search(r"tps = ([\d.]+)", result.stdout).group(1))


def run_once(level: int, tokens: list[str], keys: list[str], args: argparse.Namespace) -> dict:
    """One run of ``level`` counters on a fresh copy of the database, with pgbench after."""
    copy = DATABASE.copy("run")
    try:
        result = redeem_on(copy, level, tokens, keys, args)
        result["pgbench"] = pgbench(level, max(int(args.seconds), 1), copy.url)
    finally:
        copy.drop()
    if result["ran_dry"]:
        print(f"{level} counters used every voucher before the time was up", file=sys.stderr)
    return result


def redeem_on(
    copy: BenchDatabase, level: int, tokens: list[str], keys: list[str], args: argparse.Namespace
) -> dict:
    """Gunicorn on ``copy``, a warm-up, then the measured run with the CPU it took."""
    server = start_gunicorn(
        copy.url,
        PORT,
        workers=args.workers,
        threads=args.threads if args.worker_class == "gthread" else 1,
        worker_class=args.worker_class,
        env={"FOODBANK_REDEEM_RATE": "1000000/min"},  # measured is redemption, not the limit
    )
    warm_up = WARM_UP_SECONDS * RATE_CAP
    try:
        # Every worker up and connected, its statements prepared; spends the last vouchers.
        run_level(tokens[len(tokens) - warm_up :], keys[:level], WARM_UP_SECONDS)
        measured = {"gunicorn": lambda: process_tree(server.pid)}
        if postgres_processes():  # not when PostgreSQL runs on another machine
            measured["postgres"] = postgres_processes
        before = {part: cpu_seconds(pids()) for part, pids in measured.items()}
        client_before = sum(os.times()[:2])
        result = run_level(tokens[: len(tokens) - warm_up], keys[:level], args.seconds)
        used = {part: cpu_seconds(pids()) - before[part] for part, pids in measured.items()}
        used["client"] = sum(os.times()[:2]) - client_before
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    result["cpu_ms"] = {part: 1000 * cpu / max(result["ok"], 1) for part, cpu in used.items()}
    return result


def row(level: int, run: str, result: dict) -> str:
    cpu = result["cpu_ms"]
    postgres = f"{cpu['postgres']:.1f}" if "postgres" in cpu else "–"
    share = result["rate"] / result["pgbench"]
    return (
        f"| {level} | {run} | {result['rate']:,.0f} | {result['p50']:.1f} | {result['p99']:.1f} "
        f"| {result['errors']} | {result['pgbench']:,.0f} | {share:.0%} "
        f"| {cpu['gunicorn']:.1f} | {postgres} | {cpu['client']:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[8, 32, 64])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="runs per level")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gthread worker")
    parser.add_argument(
        "--worker-class",
        default="sync",
        choices=["gthread", "sync"],
        help="sync (gunicorn's default, as in docker-compose.yml): one request at a time per "
        "process, a new connection for each; gthread: threads with kept-alive connections",
    )
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.repeat < 1 or args.seconds <= 0:
        parser.error("--repeat and --seconds must be positive")

    DATABASE.prepare_django()
    from django.utils import timezone

    described = f"{timezone.localdate()}, {machine()}"
    count = int((args.seconds + WARM_UP_SECONDS) * RATE_CAP)
    rows, medians = [], []
    try:
        print(f"issuing {count} vouchers ...", file=sys.stderr)
        tokens, keys = issue_vouchers(count, max(args.levels), items=ITEMS)
        DATABASE.vacuum()
        for level in args.levels:
            runs = [run_once(level, tokens, keys, args) for _ in range(args.repeat)]
            rows += [row(level, str(n), result) for n, result in enumerate(runs, 1)]
            middle = sorted(runs, key=lambda result: result["rate"])[(len(runs) - 1) // 2]
            medians.append(row(level, "median run", middle))
    finally:
        if not args.keep:
            DATABASE.drop()

    print(f"{described}; gunicorn {args.worker_class}, {args.workers} workers\n")
    print(
        "| counters | run | redemptions/s | p50 ms | p99 ms | errors | pgbench tpcb-like tps "
        "| share | CPU ms per redemption: gunicorn | PostgreSQL | client |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows if args.repeat == 1 else rows + medians))


if __name__ == "__main__":
    main()
