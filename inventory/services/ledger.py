"""The one way stock changes: a movement written together with the lot's running sums."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from foodbank.accounts.models import User

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
    """Hand out reserved stock of several lots (a voucher redeemed) in three statements.

    The lots are locked in primary-key order only now, at the end of the transaction, so
    that counters whose vouchers share lots wait on each other for as short a time as
    possible; a lot that has expired since it was reserved is refused. One UPDATE moves
    every lot's sums and one INSERT writes the movements.
    """
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    for lot_id, quantity in takes:
        wanted[lot_id] += quantity
    for lot_id, expiry_date, reserved in lock_lot_sums(wanted):
        if expiry_date is not None and expiry_date < today:
            raise LotExpired(fields={"lot": [str(LotExpired.default_message)]})
        if reserved < wanted[lot_id]:
            raise NotEnoughStock(_("Lot %(lot)s no longer holds this.") % {"lot": lot_id})
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
        for lot_id, quantity in takes
    )


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
