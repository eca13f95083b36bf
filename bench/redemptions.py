"""Voucher redemptions through HTTP, against PostgreSQL, compared with pgbench.

    python bench/redemptions.py [--levels 8 32 64] [--seconds 20] [--keep]

Gunicorn serves the project (sync workers unless ``--worker-class`` says otherwise) on a
benchmark database. For each level, that many counters (threads, one counter account each)
redeem distinct vouchers as fast as they can for ``--seconds``: redemptions per second, p50
and p99 latency, errors. The vouchers were issued beforehand through the service, across many
items and households, as a district's morning of vouchers would be. In the same run,
``pgbench`` (built-in ``tpcb-like``) on the same database with the same number of clients
gives the ceiling for a transaction of that shape. The database is dropped at the end
unless ``--keep`` is given.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

from common import BenchDatabase, free_port, issue_vouchers, start_gunicorn

DATABASE = BenchDatabase("foodbank_bench_redeem")
BENCH_URL = DATABASE.url
PORT = free_port()
ITEMS = 40


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[8, 32, 64])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (gthread)")
    parser.add_argument(
        "--worker-class",
        default="sync",
        choices=["gthread", "sync"],
        help="sync (gunicorn's default, as in docker-compose.yml): one request at a time per "
        "process, a new connection for each; gthread: threads with kept-alive connections",
    )
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    DATABASE.prepare_django()
    per_level = [int(args.seconds * 400) for _level in args.levels]  # more than is redeemed
    print(f"issuing {sum(per_level)} vouchers ...", file=sys.stderr)
    tokens, keys = issue_vouchers(sum(per_level), max(args.levels), items=ITEMS)
    from django.db import connections

    connections.close_all()
    server = start_gunicorn(
        BENCH_URL,
        PORT,
        workers=args.workers,
        threads=args.threads,
        worker_class=args.worker_class,
        env={"FOODBANK_REDEEM_RATE": "1000000/min"},  # measured is redemption, not the limit
    )
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
            DATABASE.drop()

    print("| counters | redemptions/s | p50 ms | p99 ms | errors | pgbench tpcb-like tps | share |")
    print("|---|---|---|---|---|---|---|")
    for level, result, ceiling in rows:
        print(
            f"| {level} | {result['rate']:,.0f} | {result['p50']:.1f} | {result['p99']:.1f} "
            f"| {result['errors']} | {ceiling:,.0f} | {result['rate'] / ceiling:.0%} |"
        )


if __name__ == "__main__":
    main()
