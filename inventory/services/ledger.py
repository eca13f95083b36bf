"""The one way stock changes: a movement written together with the lot's running sums."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from foodbank.accounts.models import User
from foodbank.audit.models import Action
from foodbank.audit.services import record

from ..errors import LotExpired, NotEnoughStock
from ..lock_objects import lock_lot_sums, lock_lots
from ..models import Lot, Movement, MovementKind, StockTake, Transfer

ZERO = Decimal("0")


def record_movement(
    *,
    lot: Lot,
    kind: str,
    on_hand_change: Decimal,
    by: User | None,
    reserved_change: Decimal = ZERO,
    reason: str = "",
    transfer: Transfer | None = None,
    stock_take: StockTake | None = None,
) -> Movement:
    """Append a movement and move ``lot``'s sums by the same amounts, or change nothing.

    The caller holds the lot's row lock; the lot's check constraints are the last line of
    defence (never below zero, never more reserved than on hand).
    """
    movement = Movement(
        lot=lot,
        kind=kind,
        on_hand_change=on_hand_change,
        reserved_change=reserved_change,
        reason=reason,
        transfer=transfer,
        stock_take=stock_take,
        created_by=by,
    )
    try:
        with transaction.atomic():
            Lot.objects.filter(pk=lot.pk).update(
                on_hand=F("on_hand") + on_hand_change,
                reserved=F("reserved") + reserved_change,
                updated_at=timezone.now(),
            )
            movement.save()
    except IntegrityError as error:
        raise NotEnoughStock(
            _("Lot %(lot)s has %(available)s available.")
            % {"lot": lot.pk, "available": lot.available},
            fields={"quantity": [_("More than the lot holds.")]},
        ) from error
    lot.on_hand += on_hand_change
    lot.reserved += reserved_change
    record(
        Action.STOCK_MOVEMENT,
        target=movement,
        by=by,
        district_id=lot.district_id,
        lot=lot.pk,
        item=lot.item_id,
        kind=kind,
        on_hand_change=on_hand_change,
        reserved_change=reserved_change,
    )
    return movement


def ledger_sums() -> dict[int, tuple[Decimal, Decimal]]:
    """Each lot's on-hand and reserved quantities as its movements add them up."""
    rows = Movement.objects.values("lot").annotate(
        on_hand=Sum("on_hand_change"), reserved=Sum("reserved_change")
    )
    return {row["lot"]: (row["on_hand"], row["reserved"]) for row in rows}


@transaction.atomic
def rebuild_lot_balances() -> int:
    """Set every lot's sums to the sums of its movements; returns how many were off."""
    lots = lock_lots(Lot.objects.all())
    sums = ledger_sums()
    fixed = 0
    for lot in lots:
        on_hand, reserved = sums.get(lot.pk, (ZERO, ZERO))
        if (lot.on_hand, lot.reserved) != (on_hand, reserved):
            Lot.objects.filter(pk=lot.pk).update(on_hand=on_hand, reserved=reserved)
            fixed += 1
    return fixed


def issue_reserved_lots(
    *, takes: list[tuple[int, Decimal]], by: User, reason: str = "", today: date
) -> None:
    """Hand out reserved stock of several lots (a voucher redeemed), at the very end of the
    caller's transaction.

    Counters whose vouchers share lots wait on each other's lot locks, so the locks are taken
    as late and held as briefly as possible: on PostgreSQL one statement locks the lots in
    primary-key order, moves their sums and writes the movements, and only the commit
    follows. If a lot has expired since it was reserved, or no longer holds the quantity, no
    lot moves and that lot is named.
    """
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    for lot_id, quantity in takes:
        wanted[lot_id] += quantity
    if not wanted:
        return
    if connection.vendor == "postgresql":
        if not _hand_out_in_one_statement(wanted, by=by, reason=reason, today=today):
            _refuse_hand_out(wanted, today=today)
        return
    _refuse(lock_lot_sums(wanted), wanted, today)
    _take_from_lots(wanted)
    Movement.objects.bulk_create(
        Movement(
            lot_id=lot_id,
            kind=MovementKind.ISSUE,
            on_hand_change=-quantity,
            reserved_change=-quantity,
            reason=reason,
            created_by=by,
        )
        for lot_id, quantity in wanted.items()
    )


def _refuse_hand_out(wanted: dict[int, Decimal], *, today: date) -> NoReturn:
    """A hand-out that moved nothing: name the first lot, expired or holding less."""
    _refuse(lock_lot_sums(wanted), wanted, today)
    raise NotEnoughStock()


def hand_out_parameters(*, by: User, reason: str, today: date) -> dict[str, Any]:
    """The parameters ``HAND_OUT_STEPS`` names."""
    return {
        "now": timezone.now(),
        "today": today,
        "kind": MovementKind.ISSUE.value,
        "reason": reason,
        "by": by.pk,
    }


def _refuse(
    lots: list[tuple[int, date | None, Decimal]], wanted: dict[int, Decimal], today: date
) -> None:
    """Raise for the first lot that has expired or holds less reserved than ``wanted``."""
    for lot_id, expiry_date, reserved in lots:
        if expiry_date is not None and expiry_date < today:
            raise LotExpired(fields={"lot": [str(LotExpired.default_message)]})
        if reserved < wanted[lot_id]:
            raise NotEnoughStock(_("Lot %(lot)s no longer holds this.") % {"lot": lot_id})


def _take_from_lots(taken: dict[int, Decimal]) -> None:
    """Lower the locked lots' on-hand and reserved sums by ``taken`` in one statement.

    Written as SQL because the ORM's equivalent (one CASE branch per lot) costs more to build
    than the redemption's other statements together; it runs on PostgreSQL and SQLite alike.
    """
    table = connection.ops.quote_name(Lot._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(taken))
    sql = (
        f"UPDATE {table} SET on_hand = on_hand - taken.column2, "  # noqa: S608
        f"reserved = reserved - taken.column2, updated_at = %s "
        f"FROM (VALUES {rows}) AS taken WHERE {table}.id = taken.column1"
    )
    values = [value for row in taken.items() for value in row]
    with connection.cursor() as cursor:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(sql, [now, *values])


#: The steps of a hand-out that follow a ``wanted (lot_id, quantity)`` CTE: lock the lots in
#: primary-key order; if every one still holds its quantity and has not expired (``ready``),
#: move them all and write their movements, else none; ``moved`` holds the ids of the lots
#: moved. Other statements (a voucher handed over at the counter) put their own ``wanted``
#: in front of them, and may make their own writes wait for ``ready``.
HAND_OUT_STEPS = """
locked AS (
    SELECT lot.id, lot.reserved, lot.expiry_date
    FROM inventory_lot AS lot JOIN wanted ON wanted.lot_id = lot.id
    ORDER BY lot.id FOR UPDATE OF lot
), ready AS (
    SELECT count(*) = (SELECT count(*) FROM wanted) AND coalesce(bool_and(
        locked.reserved >= wanted.quantity
        AND (locked.expiry_date IS NULL OR locked.expiry_date >= %(today)s)), true) AS ok
    FROM locked JOIN wanted ON wanted.lot_id = locked.id
), taken AS (
    UPDATE inventory_lot AS lot
    SET on_hand = lot.on_hand - wanted.quantity,
        reserved = lot.reserved - wanted.quantity,
        updated_at = %(now)s
    FROM locked JOIN wanted ON wanted.lot_id = locked.id
    WHERE lot.id = locked.id AND (SELECT ok FROM ready)
    RETURNING lot.id, wanted.quantity
), moved AS (
    INSERT INTO inventory_movement
        (lot_id, kind, on_hand_change, reserved_change, reason, created_by_id, created_at)
    SELECT taken.id, %(kind)s, -taken.quantity, -taken.quantity, %(reason)s, %(by)s, %(now)s
    FROM taken
    RETURNING lot_id
)
"""

HAND_OUT = f"""
WITH wanted AS (
    SELECT * FROM unnest(%(lots)s::bigint[], %(quantities)s::numeric[]) AS w(lot_id, quantity)
), {HAND_OUT_STEPS}
SELECT lot_id FROM moved
"""  # noqa: S608


def _hand_out_in_one_statement(
    wanted: dict[int, Decimal], *, by: User, reason: str, today: date
) -> bool:
    """PostgreSQL: lock, check, move and record every lot at once; whether they moved (all
    of ``wanted``, or none).

    The lots are locked only by ``locked``, in primary-key order, before any is updated.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            HAND_OUT,
            {
                "lots": list(wanted),
                "quantities": list(wanted.values()),
                **hand_out_parameters(by=by, reason=reason, today=today),
            },
        )
        return {lot_id for (lot_id,) in cursor.fetchall()} == set(wanted)
