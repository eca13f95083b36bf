"""The check every fault test ends with: the ledgers hold, and nothing was done twice.

``ledger_problems()`` lists what is wrong (an empty list when all is well):

- every lot's on-hand and reserved quantities equal the sums of its movements, and every
  household's balance the sum of its points entries (``foodbank.ledgers.check_ledgers``);
- every drop-off was computed once: the daily and monthly rollups hold exactly the kg, lines
  and drop-offs of the processed drop-offs, and no received drop-off has computed lines;
- every voucher was handed over at most once: a redeemed voucher has its one redemption and
  no refund, a cancelled or expired one exactly one refund, and the stock issued against
  reservations equals what the redeemed vouchers had reserved, lot by lot.

Run as a module (``python -m tests.faults.ledgers``) it checks the database that
``DATABASE_URL`` names, for a database that a test cannot reach through its own connection
(a restored backup, a private cluster).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, Q, Sum

HOLD = "ledgers hold"
MISMATCH = 3
EXPECTED_REFUNDS = {"issued": 0, "redeemed": 0, "cancelled": 1, "expired": 1}


def _ledger_sums() -> list[str]:
    from foodbank.ledgers import check_ledgers

    report = check_ledgers()
    problems = []
    if report.lots:
        problems.append(f"lots whose balances differ from their movements: {report.lots}")
    if report.households:
        problems.append(f"balances that differ from their entries: {report.households}")
    return problems


def _impact_once() -> list[str]:
    from donors.models import (
        DropOff,
        DropOffDaily,
        DropOffLine,
        DropOffStatus,
        ImpactDaily,
        ImpactMonthly,
    )

    problems = []
    lines = DropOffLine.objects.filter(dropoff__status=DropOffStatus.PROCESSED)
    expected = lines.aggregate(kg=Sum("weight_kg"), lines=Count("pk"))
    for rollup in (ImpactDaily, ImpactMonthly):
        kept = rollup.objects.aggregate(kg=Sum("kg"), lines=Sum("line_count"))
        if (kept["kg"] or Decimal(0), kept["lines"] or 0) != (
            expected["kg"] or Decimal(0),
            expected["lines"],
        ):
            problems.append(f"{rollup.__name__} holds {kept}, the processed lines {expected}")
    processed = Counter(
        DropOff.objects.filter(status=DropOffStatus.PROCESSED).values_list("district_id", flat=True)
    )
    counted = Counter()
    for district, count in DropOffDaily.objects.values_list("district_id", "dropoff_count"):
        counted[district] += count
    if +counted != +processed:
        problems.append(f"drop-offs counted by district {dict(counted)}, processed {processed}")
    early = DropOffLine.objects.filter(
        ~Q(dropoff__status=DropOffStatus.PROCESSED), methodology__isnull=False
    ).count()
    if early:
        problems.append(f"{early} lines computed on drop-offs not processed")
    return problems


def _vouchers_once() -> list[str]:
    from inventory.models import Movement, MovementKind
    from points.models import EntryKind, PointsEntry, Voucher, VoucherAllocation

    problems = []
    refunds = Counter(
        PointsEntry.objects.filter(kind=EntryKind.VOUCHER_REFUND).values_list(
            "refers_to__voucher", flat=True
        )
    )
    for pk, status, redeemed in Voucher.objects.values_list("pk", "status", "redemption"):
        if (status == "redeemed") != (redeemed is not None):
            problems.append(f"voucher {pk} is {status} with redemption {redeemed}")
        if refunds[pk] != EXPECTED_REFUNDS[status]:
            problems.append(f"voucher {pk} is {status} with {refunds[pk]} refunds")
    reserved: dict[int, Decimal] = defaultdict(Decimal)
    for lot, quantity in VoucherAllocation.objects.filter(
        line__voucher__status="redeemed"
    ).values_list("lot_id", "quantity"):
        reserved[lot] += quantity
    issued: dict[int, Decimal] = defaultdict(Decimal)
    for lot, change in (
        Movement.objects.filter(kind=MovementKind.ISSUE)
        .exclude(reserved_change=0)
        .values_list("lot_id", "on_hand_change")
    ):
        issued[lot] -= change
    if {k: v for k, v in issued.items() if v} != {k: v for k, v in reserved.items() if v}:
        problems.append(f"issued from reservations {dict(issued)}, redeemed {dict(reserved)}")
    return problems


def ledger_problems() -> list[str]:
    """What is wrong with the ledgers of the database in use; empty when they hold."""
    return _ledger_sums() + _impact_once() + _vouchers_once()


def assert_ledgers_hold() -> None:
    problems = ledger_problems()
    assert not problems, "\n".join(problems)


def ledger_problems_at(url: str) -> list[str]:
    """``ledger_problems()`` of the database at ``url``, checked by a process of its own."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "foodbank.settings.test"}
    env.pop("REDIS_URL", None)
    checked = subprocess.run(
        [sys.executable, "-m", "tests.faults.ledgers"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if checked.returncode not in (0, MISMATCH):
        raise RuntimeError(checked.stderr)
    return [line for line in checked.stdout.splitlines() if line != HOLD]


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foodbank.settings.test")
    import django

    django.setup()
    found = ledger_problems()
    print("\n".join(found) or HOLD)
    sys.exit(MISMATCH if found else 0)
