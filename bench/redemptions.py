"""Voucher redemptions through HTTP, against PostgreSQL, compared with pgbench.

    python bench/redemptions.py [--levels 8 32 64] [--seconds 20] [--repeat 3]
                                [--vouchers-per-second 1000] [--keep]

The vouchers are issued once, through the service, across many items and households, as a
district's morning of vouchers would be, and the database vacuumed, as autovacuum would have
done over that morning. Every run then starts from a fresh copy of that database, where
``pgbench`` (built-in ``tpcb-like``) with as many clients runs before and after the
counters, with a vacuum and a checkpoint between: the mean of the two is the ceiling for a
transaction of that shape. pgbench runs at two scales: as many branches as clients, as its
documentation advises, in the copy; and its default of one branch, in a database of its own
beside the copy. Gunicorn serves the copy (sync workers unless ``--worker-class`` says
otherwise), counting the redemption rate limit in Redis as in production
(``BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/12``, its counts forgotten before
each run). After a short warm-up, that many counters redeem distinct vouchers as fast as
they can for ``--seconds``. The counters are wrk's connections (``redemptions.lua``), a
client in C as pgbench's is, each request signed in as one of that many counter accounts in
turn. Afterwards the copy must hold the redemptions the counters were told of, and Redis a
count for each counter adding up to at least as many. Each level runs ``--repeat`` times,
since on a shared machine one run can be far from the next.

Per run: redemptions per second, p50 and p99 latency, errors, pgbench's rates, and the CPU
time each redemption took in gunicorn, in every ``postgres`` process on this machine and in
wrk (from Linux's ``/proc``). Needs ``wrk``, ``pgbench`` (Debian: ``wrk``, and the server
package of PostgreSQL 15 or later, which holds pgbench) and Redis. The database is dropped at
the end unless ``--keep`` is given.

Target at 32 counters: at least 300 redemptions/s and 20% of pgbench, p99 at most 120 ms.
Vouchers are issued for ``--vouchers-per-second`` (default 1,000) over the run and its
warm-up; a run that uses them all is marked and left out of the median.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import redis
from common import (
    BASE_DIR,
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
WRK_THREADS = 2  # as pgbench's -j
# As ``make bench`` names them, else as found on the PATH.
WRK = os.environ.get("WRK") or shutil.which("wrk")
PGBENCH = os.environ.get("PGBENCH") or shutil.which("pgbench")
# Gunicorn counts the redemption rate limit here, as in production.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


def run_level(tokens: list[str], keys: list[str], seconds: int) -> dict:
    """``len(keys)`` counters redeem from ``tokens`` for ``seconds``, driven by wrk.

    The counters are wrk's connections (``redemptions.lua``), not Python threads: a client
    in C, as pgbench's is, leaves the machine's cores to the server and measures its
    latency without waiting on a Python lock of its own."""
    threads = WRK_THREADS if len(keys) % WRK_THREADS == 0 else 1  # wrk splits them evenly
    with tempfile.TemporaryDirectory() as folder:
        files = {"FOODBANK_TOKENS": tokens, "FOODBANK_KEYS": keys}
        for name, lines in files.items():
            Path(folder, name).write_text("\n".join(lines) + "\n")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run(  # noqa: S603
            [
                WRK,
                *("--threads", str(threads), "--connections", str(len(keys))),
                *("--duration", f"{seconds}s", "--timeout", "30s"),
                *("--script", str(BASE_DIR / "bench" / "redemptions.lua")),
                f"http://127.0.0.1:{PORT}",
            ],
            env=os.environ
            | {name: str(Path(folder, name)) for name in files}
            | {"FOODBANK_THREADS": str(threads)},
            check=True,
            capture_output=True,
            text=True,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    counted = json.loads(result.stdout.strip().splitlines()[-1])
    ok = counted["answered"] - counted["refused"]
    return {
        "rate": ok / (counted["microseconds"] / 1e6),
        "p50": counted["p50"] / 1000,
        "p99": counted["p99"] / 1000,
        "ok": ok,
        "errors": counted["refused"] + counted["failed"],
        "ran_dry": counted["dry_threads"] > 0,
        "client_cpu": sum(after[:2]) - sum(before[:2]),
    }


def pgbench(clients: int, seconds: int, url: str) -> float:
    """pgbench's tpcb-like rate with ``clients`` clients on ``url`` (its tables made before),
    after a warm-up of its own, as the counters have."""
    for duration in (WARM_UP_SECONDS, seconds):
        result = subprocess.run(  # noqa: S603
            [PGBENCH, "-c", str(clients), "-j", "2", "-T", str(duration), "-b", "tpcb-like", url],
            check=True,
            capture_output=True,
            text=True,
        )
    # pgbench 14 and later print one rate; 13 and earlier also one including connecting.
    rate = re.search(r"tps = ([\d.]+) \((without|excluding)", result.stdout)
    if rate is None:
        raise SystemExit(f"pgbench's rate not found in its output:\n{result.stdout}")
    return float(rate.group(1))


def run_once(level: int, tokens: list[str], keys: list[str], args: argparse.Namespace) -> dict:
    """One run of ``level`` counters on a fresh copy of the database, with pgbench before and
    after it: the machine's speed drifts within minutes, so each ceiling is their mean.

    pgbench runs at two scales. As many branch rows as clients, in the copy, as its
    documentation advises: with fewer, it mostly measures their locks and its ceiling drops.
    And one branch, pgbench's default (``pgbench -i``), in a database of its own on the same
    server, since a database holds pgbench's tables at one scale. They run in turn, the
    order reversed after the counters, each from a settled cluster."""
    with contextlib.ExitStack() as made:
        copy = DATABASE.copy("run")
        made.callback(copy.drop)
        default = DATABASE.sibling("pgbench")
        made.callback(default.drop)
        scales = {"advised": (copy, level), "default": (default, 1)}
        for database, scale in scales.values():
            subprocess.run(  # noqa: S603
                [PGBENCH, "-i", "-q", "-s", str(scale), database.url],
                check=True,
                capture_output=True,
            )
            database.settle()
        before = _pgbench_in_turn(scales, level, args.seconds)
        result = redeem_on(copy, level, tokens, keys, args)
        copy.settle()
        after = _pgbench_in_turn(dict(reversed(scales.items())), level, args.seconds)
        result["pgbench"] = {name: (before[name], after[name]) for name in scales}
    if result["ran_dry"]:
        print(f"{level} counters used every voucher before the time was up", file=sys.stderr)
    return result


def _pgbench_in_turn(
    scales: dict[str, tuple[BenchDatabase, int]], clients: int, seconds: int
) -> dict[str, float]:
    """pgbench's rate in each database in turn, each followed by a vacuum and a checkpoint,
    so that neither the next pgbench nor the counters pay for its leftovers."""
    rates = {}
    for name, (database, _scale) in scales.items():
        rates[name] = pgbench(clients, seconds, database.url)
        database.settle()
    return rates


def redeem_on(
    copy: BenchDatabase, level: int, tokens: list[str], keys: list[str], args: argparse.Namespace
) -> dict:
    """Gunicorn on ``copy``, a warm-up, then the measured run with the CPU it took; then a
    check that the database holds the redemptions the counters were told of, and that Redis
    counted them."""
    _forget_limits()
    server = start_gunicorn(
        copy.url,
        PORT,
        workers=args.workers,
        threads=(args.threads or 8) if args.worker_class == "gthread" else 1,
        worker_class=args.worker_class,
        # The limit is counted in Redis as in production, set high enough never to refuse;
        # the counters' refusals are counted, not logged. Tasks (none here) run in-process.
        env={"REDIS_URL": REDIS_URL, "FOODBANK_REDEEM_RATE": "1000000/day", "LOG_LEVEL": "ERROR"},
    )
    warm_up = WARM_UP_SECONDS * args.vouchers_per_second
    try:
        # Every worker up and connected, its statements prepared; spends the last vouchers.
        warmed = run_level(tokens[len(tokens) - warm_up :], keys[:level], WARM_UP_SECONDS)
        if warmed["ran_dry"]:
            raise SystemExit(
                f"the warm-up at {level} counters used every voucher it had: "
                f"give a higher --vouchers-per-second ({warmed})"
            )
        if warmed["errors"]:
            raise SystemExit(f"the warm-up at {level} counters failed: {warmed}")
        measured = {"gunicorn": lambda: process_tree(server.pid)}
        if postgres_processes():  # not when PostgreSQL runs on another machine
            measured["postgres"] = postgres_processes
        before = {part: cpu_seconds(pids()) for part, pids in measured.items()}
        result = run_level(tokens[: len(tokens) - warm_up], keys[:level], args.seconds)
        used = {part: cpu_seconds(pids()) - before[part] for part, pids in measured.items()}
        used["client"] = result["client_cpu"]
    finally:
        server.send_signal(signal.SIGTERM)  # gunicorn ends the requests under way first
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    _check_redemptions(
        copy, told=warmed["ok"] + result["ok"], under_way=2 * level + result["errors"]
    )
    _check_limits_counted(level, told=warmed["ok"] + result["ok"])
    result["cpu_ms"] = {part: 1000 * cpu / max(result["ok"], 1) for part, cpu in used.items()}
    return result


def _check_redemptions(copy: BenchDatabase, *, told: int, under_way: int) -> None:
    """The copy holds one redemption for each success the counters heard of, and at most
    ``under_way`` more: requests still being answered when wrk stopped listening, or whose
    answer wrk never read."""
    import psycopg

    with psycopg.connect(copy.url) as connection:
        (held,) = connection.execute("SELECT count(*) FROM points_redemption").fetchone()
    if not told <= held <= told + under_way:
        raise SystemExit(f"the counters heard of {told} redemptions, the database holds {held}")


def _limits() -> contextlib.closing[redis.Redis]:
    """A connection to the Redis gunicorn counts the redemption limit in, closed after use."""
    return contextlib.closing(redis.Redis.from_url(REDIS_URL, socket_timeout=5))


def _redeem_counts() -> str:
    """The pattern of the redemption limit's keys (Django set up first)."""
    from foodbank.ratelimit import KEY_PREFIX

    return f"{KEY_PREFIX}redeem:*"


def _forget_limits() -> None:
    """Forget the counts of the redemption limit left by earlier runs, and nothing else."""
    with _limits() as limits:
        try:
            for key in limits.scan_iter(_redeem_counts()):
                limits.delete(key)
        except redis.RedisError as error:
            raise SystemExit(
                f"Redis is needed at {REDIS_URL} (BENCH_REDIS_URL): {error}"
            ) from error


def _check_limits_counted(level: int, *, told: int) -> None:
    """Redis counted the limit for each counter, and at least every redemption the counters
    heard of: a limiter that cannot reach Redis counts in its own process instead."""
    with _limits() as limits:
        counts = [int(limits.get(key) or 0) for key in limits.scan_iter(_redeem_counts())]
    if len(counts) != level or sum(counts) < told:
        raise SystemExit(
            f"Redis counted {sum(counts)} requests of {len(counts)} counters, not {told} of {level}"
        )


def row(level: int, run: str, result: dict) -> str:
    cpu = result["cpu_ms"]
    postgres = f"{cpu['postgres']:.1f}" if "postgres" in cpu else "–"
    shares = []
    for name in ("advised", "default"):
        before, after = result["pgbench"][name]
        ceiling = (before + after) / 2
        shares.append(
            f"{ceiling:,.0f} ({before:,.0f}, {after:,.0f}) | {result['rate'] / ceiling:.0%}"
        )
    return (
        f"| {level} | {run} | {result['rate']:,.0f} | {result['p50']:.1f} | {result['p99']:.1f} "
        f"| {result['errors']} | {' | '.join(shares)} "
        f"| {cpu['gunicorn']:.1f} | {postgres} | {cpu['client']:.2f} |"
    )


def _runs(program: str | None) -> bool:
    """Whether ``program`` is there and starts (Debian's pgbench wrapper is there without
    the server package that holds pgbench itself)."""
    try:
        done = subprocess.run([program, "--version"], capture_output=True, check=False)  # noqa: S603
    except (OSError, TypeError):  # not there, or not found on the PATH (None)
        return False
    return done.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[8, 32, 64])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="runs per level")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--threads", type=int, help="threads per gthread worker (default 8; not for sync)"
    )
    parser.add_argument(
        "--worker-class",
        default="sync",
        choices=["gthread", "sync"],
        help="sync (gunicorn's default, as in docker-compose.yml): one request at a time per "
        "process, a new connection for each; gthread: threads with kept-alive connections",
    )
    parser.add_argument(
        "--vouchers-per-second",
        type=int,
        default=1000,
        help="vouchers issued per second of run and warm-up: a run that uses them all is "
        "marked and left out of the median; a warm-up that does, stops the benchmark",
    )
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.repeat < 1 or args.seconds <= 0 or args.vouchers_per_second <= 0:
        parser.error("--repeat, --seconds and --vouchers-per-second must be positive")
    if args.worker_class == "sync" and args.threads not in (None, 1):
        parser.error("sync workers answer one request at a time: --threads is for gthread")
    if WRK is None or not _runs(PGBENCH):
        raise SystemExit(
            "wrk and pgbench are needed (Debian: wrk, and pgbench from PostgreSQL's server "
            "package, postgresql-15 or later; postgresql-client has only a wrapper)"
        )

    DATABASE.prepare_django()
    from django.utils import timezone

    described = f"{timezone.localdate()}, {machine()}"
    count = (args.seconds + WARM_UP_SECONDS) * args.vouchers_per_second
    rows, medians = [], []
    try:
        _forget_limits()  # and so Redis answers, before the vouchers take their minutes
        print(f"issuing {count} vouchers ...", file=sys.stderr)
        tokens, keys = issue_vouchers(count, max(args.levels), items=ITEMS)
        DATABASE.vacuum()
        for level in args.levels:
            runs = []
            for n in range(1, args.repeat + 1):
                runs.append(run_once(level, tokens, keys, args))
                rows.append(
                    row(level, f"{n}{' (ran dry)' if runs[-1]['ran_dry'] else ''}", runs[-1])
                )
                print(rows[-1], file=sys.stderr)  # kept should a later run fail
            whole = sorted((run for run in runs if not run["ran_dry"]), key=lambda run: run["rate"])
            if whole:
                medians.append(row(level, "median run", whole[(len(whole) - 1) // 2]))
    finally:
        if not args.keep:
            DATABASE.drop()

    print(
        f"{described}; gunicorn {args.worker_class}, {args.workers} workers, "
        "the redemption limit counted in Redis\n"
    )
    print(
        "| counters | run | redemptions/s | p50 ms | p99 ms | errors "
        "| pgbench tpcb-like tps, as many branches as clients: mean (before, after) | share "
        "| pgbench tps, one branch: mean (before, after) | share "
        "| CPU ms per redemption: gunicorn | PostgreSQL | client |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows if args.repeat == 1 else rows + medians))


if __name__ == "__main__":
    main()
