"""PostgreSQL: a voucher handed over at the counter in one statement.

A redemption is the counter's busiest moment, and counters whose vouchers share lots wait on
each other's lot locks. Here one statement locks the voucher (only if it is still open,
unexpired and of the counter's district), hands out the reserved lots as any hand-out does
(`HAND_OUT_STEPS`: lots locked in primary-key order, all moved or none), and only if they
all moved records the redemption, marks the voucher redeemed and writes the audit trail's
event (as `foodbank.audit.services.record` would); then it reads back what the counter
shows. Run outside a transaction, the statement is its own: the locks go when it ends,
without waiting for the web worker to send a commit.
A voucher it cannot hand over comes back as ``None``; the caller then finds out why.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from foodbank.accounts.models import User
from foodbank.audit.context import current_origin
from foodbank.audit.models import Action
from foodbank.db.prepared import fetch_one
from foodbank.db.rows import give_prefetched, loaded
from foodbank.districts.models import District
from inventory.models import Item
from inventory.services.ledger import HAND_OUT_STEPS, hand_out_parameters

from ..models import Household, Redemption, Voucher, VoucherLine, VoucherStatus
from ..tokens import VoucherClaims

HAND_OVER = f"""
WITH voucher AS (
    SELECT v.id, v.household_id, v.points, v.expires_on, v.created_at, h.head_name, d.code
    FROM points_voucher AS v
    JOIN points_household AS h ON h.id = v.household_id
    JOIN districts_district AS d ON d.id = v.district_id
    WHERE v.id = %(voucher)s AND v.household_id = %(household)s AND v.district_id = %(district)s
      AND v.status = %(issued)s AND v.expires_on >= %(today)s
    FOR UPDATE OF v
), wanted AS (
    SELECT a.lot_id, sum(a.quantity) AS quantity
    FROM voucher
    JOIN points_voucherline AS l ON l.voucher_id = voucher.id
    JOIN points_voucherallocation AS a ON a.line_id = l.id
    GROUP BY a.lot_id
), {HAND_OUT_STEPS}, redeemed AS (
    INSERT INTO points_redemption (voucher_id, redeemed_by_id, counter, redeemed_at)
    SELECT id, %(by)s, %(counter)s, %(now)s FROM voucher WHERE (SELECT ok FROM ready)
    RETURNING id, voucher_id
), closed AS (
    UPDATE points_voucher AS v SET status = %(redeemed)s
    FROM redeemed WHERE v.id = redeemed.voucher_id
), audited AS (
    INSERT INTO audit_auditevent
        (at, actor_id, address, user_agent, action, target_type, target_id, district_id, summary)
    SELECT %(now)s, %(by)s, %(address)s::inet, %(user_agent)s, %(audited_as)s, %(target_type)s,
        voucher.id, %(district)s, jsonb_build_object(
            'household', voucher.household_id, 'points', voucher.points, 'counter', %(counter)s)
    FROM redeemed JOIN voucher ON voucher.id = redeemed.voucher_id
)
SELECT voucher.*,
    (SELECT id FROM redeemed),
    (SELECT json_agg(json_build_array(l.id, l.quantity, l.points_each,
                                      i.id, i.name_th, i.name_en, i.unit) ORDER BY l.id)
     FROM points_voucherline AS l JOIN inventory_item AS i ON i.id = l.item_id
     WHERE l.voucher_id = voucher.id)
FROM voucher
"""  # noqa: S608


def hand_over_at_once(
    claims: VoucherClaims, *, by: User, counter: str, today: date
) -> Voucher | None:
    """Hand over the voucher ``claims`` names, or return ``None`` if it is not open here or
    one of its lots can no longer give (and then nothing has changed).

    The voucher comes back as the counter's answer needs it (household, district,
    redemption and lines with their items), without another query. Outside a transaction the
    hand-over stands once the statement returns: should the answer then fail, a retry hears
    when and by whom the voucher was collected.
    """
    district_id = by.district_id
    if district_id is None:
        return None
    now = timezone.now()
    reason = str(Voucher(pk=claims.voucher_id))
    origin = current_origin()
    row = fetch_one(
        HAND_OVER,
        {
            "voucher": claims.voucher_id,
            "household": claims.household_id,
            "district": district_id,
            "issued": VoucherStatus.ISSUED.value,
            "redeemed": VoucherStatus.REDEEMED.value,
            "counter": counter,
            **hand_out_parameters(by=by, reason=reason, today=today),
            "now": now,
            "address": origin.address if origin else None,
            "user_agent": origin.user_agent if origin else "",
            "audited_as": Action.VOUCHER_REDEEMED.value,
            "target_type": Voucher._meta.label_lower,
        },
    )
    if row is None:  # not open here
        return None
    pk, household_id, points, expires_on, created_at, head_name, code, redemption_id, lines = row
    if redemption_id is None:  # a lot could not give, so nothing was changed
        return None
    voucher = loaded(
        Voucher,
        id=pk,
        household_id=household_id,
        district_id=district_id,
        status=VoucherStatus.REDEEMED.value,
        points=points,
        expires_on=expires_on,
        created_at=created_at,
    )
    voucher.household = loaded(
        Household, id=household_id, district_id=district_id, head_name=head_name
    )
    voucher.district = loaded(District, id=district_id, code=code)
    voucher.redemption = loaded(
        Redemption,
        id=redemption_id,
        voucher_id=pk,
        redeemed_by_id=by.pk,
        counter=counter,
        redeemed_at=now,
    )
    give_prefetched(voucher, "lines", [_line(voucher, *values) for values in lines or []])
    return voucher


def _line(
    voucher: Voucher,
    pk: int,
    quantity: int,
    points_each: int,
    item_pk: int,
    name_th: str,
    name_en: str,
    unit: str,
) -> VoucherLine:
    line = loaded(
        VoucherLine,
        id=pk,
        voucher_id=voucher.pk,
        item_id=item_pk,
        quantity=quantity,
        points_each=points_each,
    )
    line.item = loaded(Item, id=item_pk, name_th=name_th, name_en=name_en, unit=unit)
    return line
