"""Donor intake and impact accounting at scale, on PostgreSQL.

    python bench/impact.py [--import-lines 200000] [--summary-lines 10000000] [--keep]
                           [--only import compute summary] [--reuse]

1. Import: ``--import-lines`` CSV rows through ``run_import`` (lines/s). In the same run,
   the same rows COPYed by PostgreSQL alone: into copies of the drop-off tables with the
   same indexes, checks and foreign keys (what the schema allows, no Python), and into a
   bare table (the ceiling for loading them at all).
2. Computation: those drop-offs through ``compute_impact`` in batches of the size the tasks
   use, in one process, as one worker would (lines/s).
3. Summary: ``--summary-lines`` processed lines (generated in SQL, rollups rebuilt by
   ``refresh_rollups``, then vacuumed and checkpointed), then ``GET /api/v1/impact/summary/``
   city-wide for a year of whole months and for a period with partial months at both ends,
   against a direct aggregate over the lines (p50 and p99, milliseconds). The summary is
   checked against the direct aggregate before it is timed.

``--only`` runs the steps named (``--only import``: step 1 alone). The benchmark database
is dropped at the end unless ``--keep`` is given. ``--reuse`` runs on a database kept by an
earlier run (it is migrated, and kept again): computation starts by putting the imported
drop-offs back to received (their rollup cells rebuilt without them) when none is waiting,
and the summary reuses the generated lines when they are there.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import time
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from common import BenchDatabase, machine

DATABASE = BenchDatabase("foodbank_bench")


def make_csv(lines: int) -> bytes:
    from donors.models import FoodCategory
    from foodbank.districts.models import District

    rng = random.Random(2024)
    codes = list(District.objects.values_list("code", flat=True))
    slugs = list(FoodCategory.objects.values_list("slug", flat=True))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["received_on", "district", "donor", "category", "weight_kg", "dropoff_ref"])
    start = date(2023, 1, 1)
    for number in range(lines):
        writer.writerow(
            [
                (start + timedelta(days=rng.randrange(700))).isoformat(),
                rng.choice(codes),
                f"Donor {rng.randrange(2000)}",
                rng.choice(slugs),
                f"{rng.randrange(1, 500000) / 1000:.3f}",
                f"R{number // 3}",
            ]
        )
    return out.getvalue().encode()


def copy_into_copies_of_the_tables(dropoff_import_id: int) -> float:
    """Seconds PostgreSQL alone takes to write this import's rows into copies of the tables.

    The copies have the same indexes, checks and (deferred) foreign keys; the rows are the
    ones the import wrote, in the same COPY text format, committed in one transaction.
    """
    from django.db import connection, transaction

    from donors.services.imports import DROPOFF_COLUMNS, LINE_COLUMNS

    def export(sql: str) -> bytes:
        with connection.cursor() as cursor, cursor.cursor.copy(sql, [dropoff_import_id]) as out:
            return b"".join(bytes(chunk) for chunk in out)

    dropoffs = export(
        f"COPY (SELECT id, {DROPOFF_COLUMNS} FROM donors_dropoff WHERE imported_from_id = %s "
        "ORDER BY id) TO STDOUT"
    )
    lines = export(
        f"COPY (SELECT {LINE_COLUMNS} FROM donors_dropoffline l JOIN donors_dropoff d "
        "ON d.id = l.dropoff_id WHERE d.imported_from_id = %s ORDER BY l.id) TO STDOUT"
    )
    with connection.cursor() as cursor:
        for table in ("dropoff", "dropoffline"):
            cursor.execute(f"CREATE TABLE bench_{table} (LIKE donors_{table} INCLUDING ALL)")
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = %s::regclass",
                [f"donors_{table}"],
            )
            for (definition,) in cursor.fetchall():
                definition = definition.replace("donors_dropoff(id)", "bench_dropoff(id)")
                cursor.execute(f"ALTER TABLE bench_{table} ADD {definition}")
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY bench_dropoff (id, {DROPOFF_COLUMNS}) FROM STDIN") as copy:
            copy.write(dropoffs)
        with cursor.cursor.copy(f"COPY bench_dropoffline ({LINE_COLUMNS}) FROM STDIN") as copy:
            copy.write(lines)
    elapsed = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_dropoffline, bench_dropoff")
    return elapsed


def bench_import(lines: int) -> dict[str, float]:
    from django.db import connection

    from donors.services.imports import run_import, start_import
    from worker.celery import app

    # Measure the import alone: its compute tasks go to the (in-memory) queue, not run here.
    app.conf.task_always_eager = False
    content = make_csv(lines)
    started = start_import(file_name="bench.csv", content=content, by=None)
    began = time.perf_counter()
    run_import(dropoff_import_id=started.pk)
    ours = lines / (time.perf_counter() - began)
    schema = lines / copy_into_copies_of_the_tables(started.pk)

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE copy_target (received_on date, district text, donor text, "
            "category text, weight_kg numeric(12,3), dropoff_ref text)"
        )
        raw = cursor.connection
        began = time.perf_counter()
        with raw.cursor().copy("COPY copy_target FROM STDIN (FORMAT csv, HEADER true)") as copy:
            copy.write(content)
        ceiling = lines / (time.perf_counter() - began)
        cursor.execute("DROP TABLE copy_target")
    return {"import": ours, "schema": schema, "copy": ceiling}


def settle() -> None:
    """Vacuum and write out: a database in service has long been; without this, autovacuum
    and the checkpointer work through the new rows while requests are timed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")


def uncompute_imported() -> None:
    """Put the imported drop-offs back to received, as the import left them (``--reuse``)."""
    from django.db import connection

    from donors.services.rollups import refresh_rollups

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE donors_dropoff SET status = 'received', processed_at = NULL "
            "WHERE imported_from_id IS NOT NULL AND status = 'processed' "
            "RETURNING received_on, district_id"
        )
        cells = set(cursor.fetchall())
        cursor.execute(
            "UPDATE donors_dropoffline l SET methodology_id = NULL, meals = NULL, kgco2e = NULL, "
            "computed_at = NULL FROM donors_dropoff d WHERE d.id = l.dropoff_id "
            "AND d.imported_from_id IS NOT NULL AND d.status = 'received'"
        )
    refresh_rollups(cells=cells)
    settle()


def bench_compute(*, reuse: bool = False) -> tuple[float, int]:
    from donors.models import DropOff, DropOffLine
    from donors.services.impact import COMPUTE_BATCH, compute_impact, uncomputed_dropoff_ids

    if reuse and not DropOff.objects.filter(status="received").exists():
        uncompute_imported()
    total = DropOffLine.objects.filter(methodology__isnull=True).count()
    began = time.perf_counter()
    while pending := uncomputed_dropoff_ids(limit=COMPUTE_BATCH):
        compute_impact(dropoff_ids=pending)
    elapsed = time.perf_counter() - began
    assert not DropOff.objects.filter(status="received").exists()
    return total / elapsed, COMPUTE_BATCH


GENERATE_SQL = """
WITH ids AS (SELECT generate_series(1, %(dropoffs)s) AS n)
INSERT INTO donors_dropoff
  (donor_id, district_id, status, received_at, received_on, created_by_id, notes,
   processed_at, created_at, updated_at, imported_from_id)
SELECT %(donor)s, %(first_district)s + (n %% 50), 'processed',
       (DATE '2024-01-01' + (n %% 730)) + TIME '12:00',
       DATE '2024-01-01' + (n %% 730), %(user)s, '', now(), now(), now(), NULL
FROM ids;
INSERT INTO donors_dropoffline
  (dropoff_id, line_no, category_id, weight_kg, unit, destination, methodology_id, meals,
   kgco2e, computed_at)
SELECT d.id, l.n, %(first_category)s + ((d.id + l.n) %% 9), ((d.id * 7 + l.n) %% 50000) / 1000.0 + 0.5,
       '', 'forward', %(methodology)s,
       (((d.id * 7 + l.n) %% 50000) / 1000.0 + 0.5) * 4.2,
       (((d.id * 7 + l.n) %% 50000) / 1000.0 + 0.5) * 2.53, now()
FROM donors_dropoff d CROSS JOIN generate_series(1, %(per)s) AS l(n)
WHERE d.donor_id = %(donor)s;
"""

DIRECT_SQL = (
    "SELECT SUM(l.weight_kg), SUM(l.meals), SUM(l.kgco2e), COUNT(DISTINCT d.id), "
    "COUNT(DISTINCT d.donor_id) FROM donors_dropoffline l JOIN donors_dropoff d "
    "ON d.id = l.dropoff_id WHERE d.status = 'processed' "
    "AND d.received_on BETWEEN %s AND %s"
)
PERIODS = {"year": ("2024-01-01", "2024-12-31"), "partial": ("2024-01-15", "2024-12-20")}


def timed(work, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return times


def check_summary(client, period: tuple[str, str]) -> None:
    """The summary from the rollups equals the aggregate over the lines, rounded half-up."""
    from django.db import connection

    body = client.get(f"/api/v1/impact/summary/?from={period[0]}&to={period[1]}").json()
    with connection.cursor() as cursor:
        cursor.execute(DIRECT_SQL, period)
        kg, meals, kgco2e, dropoffs, donors = cursor.fetchone()
    cent = Decimal("0.01")
    expected = [value.quantize(cent, rounding=ROUND_HALF_UP) for value in (kg, meals, kgco2e)]
    assert [Decimal(body[key]) for key in ("kg", "meals", "kgco2e")] == expected, body
    assert (body["dropoffs"], body["donors"]) == (dropoffs, donors), body


def generate_summary_lines(lines: int) -> float:
    """Generate ``lines`` processed lines and rebuild their rollups; returns the rebuild's s."""
    from django.db import connection

    from donors.models import Donor, FoodCategory, Methodology
    from donors.services.rollups import refresh_rollups
    from foodbank.accounts.models import User
    from foodbank.districts.models import District

    admin = User.objects.get(username="bench-admin")
    donor = Donor.objects.create(name="Bench donor", kind="organisation", donor_type="other")
    per = 4
    parameters = {
        "dropoffs": lines // per,
        "per": per,
        "donor": donor.pk,
        "user": admin.pk,
        "first_district": District.objects.order_by("pk").first().pk,
        "first_category": FoodCategory.objects.order_by("pk").first().pk,
        "methodology": Methodology.objects.get().pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(GENERATE_SQL, parameters)
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT DISTINCT received_on, district_id FROM donors_dropoff WHERE donor_id = %s",
            [donor.pk],
        )
        cells = set(cursor.fetchall())
    began = time.perf_counter()
    refresh_rollups(cells=cells)
    rebuild = time.perf_counter() - began
    settle()
    return rebuild


def bench_summary(lines: int, rounds: int = 60) -> dict[str, float]:
    """Time the summary on ``lines`` generated lines (reused if a kept database has them)."""
    from django.db import connection
    from django.test import Client

    from donors.models import Donor
    from foodbank.accounts.models import User
    from foodbank.accounts.services import create_user

    admin = User.objects.filter(username="bench-admin").first() or create_user(
        username="bench-admin", role="admin", password="bench-pass-phrase-1"
    )
    results = {}
    if not Donor.objects.filter(name="Bench donor").exists():
        results["rebuild_s"] = generate_summary_lines(lines)
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    for name, period in PERIODS.items():
        check_summary(client, period)
        url = f"/api/v1/impact/summary/?from={period[0]}&to={period[1]}"
        ours = timed(lambda url=url: client.get(url), rounds)
        results[f"{name}_p50"] = statistics.median(ours)
        results[f"{name}_p99"] = sorted(ours)[int(len(ours) * 0.99) - 1]

    def direct() -> None:
        with connection.cursor() as cursor:
            cursor.execute(DIRECT_SQL, PERIODS["year"])
            cursor.fetchall()

    results["direct_p50"] = statistics.median(timed(direct, 5))
    results["top_donors_p50"] = bench_top_donors(rounds)
    return results


def bench_top_donors(rounds: int) -> float:
    """The dashboard's top 10 donors of one year (whole months) from the donor rollups, p50."""
    from donors.selectors import ImpactFilter, top_donors

    start, end = (date.fromisoformat(day) for day in PERIODS["year"])
    year = ImpactFilter(date_from=start, date_to=end)
    return statistics.median(timed(lambda: top_donors(year, limit=10), rounds))


STEPS = ["import", "compute", "summary"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--import-lines", type=int, default=200_000)
    parser.add_argument("--summary-lines", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--only", nargs="+", choices=STEPS, default=STEPS, help="run only these steps"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="run on the database kept by an earlier run"
    )
    args = parser.parse_args()
    DATABASE.prepare_django(fresh=not args.reuse)
    try:
        from django.utils import timezone

        print(f"{timezone.localdate()}, {machine()}\n", flush=True)
        print("| measure | result | target |\n|---|---|---|", flush=True)
        if "import" in args.only:
            imported = bench_import(args.import_lines)
            lines = f"{args.import_lines:,} lines"
            print(f"| CSV import ({lines}) | {imported['import']:,.0f} lines/s | ≥ 50,000 |")
            print(
                f"| same rows, COPY into copies of the tables "
                f"| {imported['schema']:,.0f} lines/s | |"
            )
            print(
                f"| same rows, COPY into a bare table | {imported['copy']:,.0f} lines/s | |",
                flush=True,
            )
        if "compute" in args.only:
            computed, batch = bench_compute(reuse=args.reuse)
            print(
                f"| impact computation, one process, batches of {batch:,} drop-offs "
                f"| {computed:,.0f} lines/s | ≥ 5,000 |",
                flush=True,
            )
        if "summary" in args.only:
            print_summary(args.summary_lines, bench_summary(args.summary_lines))
    finally:
        if not (args.keep or args.reuse):
            DATABASE.drop()


def print_summary(lines: int, summary: dict[str, float]) -> None:
    year, direct = summary["year_p50"], summary["direct_p50"]
    rebuild = summary.get("rebuild_s")
    took = "reused" if rebuild is None else f"{rebuild:.0f} s"
    print(f"| rollup rebuild of {lines:,} lines | {took} | |")
    print(f"| summary, one year (whole months), p50 | {year:.1f} ms | ≤ 50 ms |")
    print(f"| summary, one year, p99 | {summary['year_p99']:.1f} ms | |")
    print(f"| summary, partial months at both ends, p50 | {summary['partial_p50']:.1f} ms | |")
    print(f"| summary, partial months, p99 | {summary['partial_p99']:.1f} ms | |")
    print(
        f"| direct aggregate over the lines, one year, p50 | {direct:,.1f} ms "
        f"| ≥ 10× the summary ({direct / year:,.0f}×) |"
    )
    print(f"| top 10 donors, one year (whole months), p50 | {summary['top_donors_p50']:.1f} ms | |")


if __name__ == "__main__":
    main()
