"""Donor intake and impact accounting at scale, on PostgreSQL.

    python bench/impact.py [--import-lines 200000] [--summary-lines 10000000]

1. Import: ``--import-lines`` CSV rows through ``run_import`` (lines/s), and in the same run
   a plain ``COPY`` of the same rows into a bare table: the ceiling for loading them.
2. Computation: those drop-offs through ``compute_impact`` in task-sized batches, in one
   process, as one worker would (lines/s).
3. Summary: ``--summary-lines`` processed lines (generated in SQL, rollups rebuilt by
   ``refresh_rollups``), then ``GET /api/v1/impact/summary/`` for a year, city-wide, against
   a direct aggregate over the lines (p50 and p99, milliseconds).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCH_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/foodbank_bench"
)


def prepare_django() -> None:
    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "foodbank.settings.test"
    os.environ.pop("REDIS_URL", None)
    import psycopg

    admin_url = BENCH_URL.rsplit("/", 1)[0] + "/postgres"
    name = BENCH_URL.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_districts", verbosity=0, stdout=io.StringIO())


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
    return {"import": ours, "copy": ceiling}


def bench_compute() -> float:
    from donors.models import DropOff, DropOffLine
    from donors.services.impact import compute_impact, uncomputed_dropoff_ids

    total = DropOffLine.objects.filter(methodology__isnull=True).count()
    began = time.perf_counter()
    while pending := uncomputed_dropoff_ids(limit=500):
        compute_impact(dropoff_ids=pending)
    elapsed = time.perf_counter() - began
    assert not DropOff.objects.filter(status="received").exists()
    return total / elapsed


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


def bench_summary(lines: int, rounds: int = 60) -> dict[str, float]:
    from django.db import connection
    from django.test import Client

    from donors.models import Donor, FoodCategory, Methodology
    from donors.services.impact import refresh_rollups
    from foodbank.accounts.services import create_user
    from foodbank.districts.models import District

    admin = create_user(username="bench-admin", role="admin", password="bench-pass-phrase-1")
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
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT received_on, district_id FROM donors_dropoff WHERE donor_id = %s",
            [donor.pk],
        )
        cells = set(cursor.fetchall())
    refresh_rollups(cells=cells)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    url = "/api/v1/impact/summary/?from=2024-01-01&to=2024-12-31"
    assert client.get(url).status_code == 200
    ours = []
    for _ in range(rounds):
        began = time.perf_counter()
        client.get(url)
        ours.append((time.perf_counter() - began) * 1000)
    direct = []
    for _ in range(5):
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT SUM(l.weight_kg), SUM(l.meals), SUM(l.kgco2e), COUNT(DISTINCT d.id), "
                "COUNT(DISTINCT d.donor_id) FROM donors_dropoffline l JOIN donors_dropoff d "
                "ON d.id = l.dropoff_id WHERE d.status = 'processed' "
                "AND d.received_on BETWEEN '2024-01-01' AND '2024-12-31'"
            )
            cursor.fetchall()
        direct.append((time.perf_counter() - began) * 1000)
    return {
        "p50": statistics.median(ours),
        "p99": sorted(ours)[int(len(ours) * 0.99) - 1],
        "direct_p50": statistics.median(direct),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--import-lines", type=int, default=200_000)
    parser.add_argument("--summary-lines", type=int, default=10_000_000)
    args = parser.parse_args()
    prepare_django()
    print("| measure | result | target |\n|---|---|---|", flush=True)
    imported = bench_import(args.import_lines)
    print(
        f"| CSV import ({args.import_lines:,} lines) | {imported['import']:,.0f} lines/s | ≥ 50,000 |"
    )
    print(
        f"| plain COPY of the same rows | {imported['copy']:,.0f} lines/s | (ceiling) |", flush=True
    )
    computed = bench_compute()
    print(f"| impact computation, one process | {computed:,.0f} lines/s | ≥ 5,000 |", flush=True)
    summary = bench_summary(args.summary_lines)
    print(f"| summary p50 ({args.summary_lines:,} lines) | {summary['p50']:.1f} ms | ≤ 50 ms |")
    print(f"| summary p99 | {summary['p99']:.1f} ms | |")
    print(f"| direct aggregate p50 | {summary['direct_p50']:.1f} ms | ≥ 10× the summary |")


if __name__ == "__main__":
    main()
