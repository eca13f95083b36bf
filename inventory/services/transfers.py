"""Sending stock between district stores and confirming what arrived."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from foodbank.accounts.models import User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.districts.models import District
from foodbank.language import in_city_language

from ..errors import TransferAlreadyReceived
from ..lock_objects import lock_transfer, lock_usable_lots
from ..models import Item, LotSource, MovementKind, Transfer, TransferLine, TransferStatus
from .ledger import record_movement
from .stock import check_quantity, new_lot, take_fefo


@transaction.atomic
def send_transfer(
    *,
    from_district: District,
    to_district: District,
    lines: Sequence[tuple[Item, Decimal]],
    by: User,
    notes: str = "",
) -> Transfer:
    """Take stock out of one store (FEFO) and put it in transit to another, all or nothing."""
    ensure_can_act_in(by, from_district)
    if from_district == to_district:
        raise ValidationError({"to_district": [_("Choose another district's store.")]})
    if not lines:
        raise ValidationError({"lines": [_("Send at least one item.")]})
    for index, (_item, quantity) in enumerate(lines):
        check_quantity(quantity, f"lines.{index}.quantity")
    transfer = Transfer(
        from_district=from_district, to_district=to_district, notes=notes, sent_by=by
    )
    transfer.full_clean()
    transfer.save()
    usable = lock_usable_lots(from_district, [item for item, _quantity in lines])
    with in_city_language():
        reason = _("Transfer %(id)s to %(district)s") % {
            "id": transfer.pk,
            "district": to_district.name,
        }
    for item, quantity in lines:
        for lot, take in take_fefo(usable.get(item.pk, []), item, quantity):
            TransferLine.objects.create(
                transfer=transfer,
                from_lot=lot,
                item=item,
                expiry_date=lot.expiry_date,
                quantity=take,
            )
            record_movement(
                lot=lot,
                kind=MovementKind.TRANSFER_OUT,
                on_hand_change=-take,
                by=by,
                reason=reason,
                transfer=transfer,
            )
    return transfer


def _arrived(line: TransferLine, received: Mapping[int, Decimal]) -> Decimal:
    """What arrived of a line: all of it unless said otherwise, never more than was sent."""
    arrived = received.get(line.pk, line.quantity)
    field = f"lines.{line.pk}.received_quantity"
    check_quantity(arrived, field, zero=True)
    if arrived > line.quantity:
        message = _("More than the %(sent)s sent.") % {"sent": line.quantity.normalize()}
        raise ValidationError({field: [message]})
    return arrived


@transaction.atomic
def receive_transfer(
    *, transfer: Transfer, by: User, received: Mapping[int, Decimal] | None = None
) -> Transfer:
    """The receiving store confirms what arrived (by transfer line id; all of it by default).

    Each line enters as a new lot with its full sent quantity; a shortfall is then written
    as an adjustment naming the transfer, so the ledger shows what was lost on the way.
    """
    transfer = lock_transfer(transfer.pk)
    ensure_can_act_in(by, transfer.to_district)
    if transfer.status != TransferStatus.IN_TRANSIT:
        raise TransferAlreadyReceived()
    received = received or {}
    lines = list(transfer.lines.select_related("item"))
    unknown = set(received) - {line.pk for line in lines}
    if unknown:
        message = _("Not lines of this transfer: %(ids)s") % {"ids": sorted(unknown)}
        raise ValidationError({"lines": [message]})
    arrivals = [(line, _arrived(line, received)) for line in lines]
    with in_city_language():
        reason = _("Transfer %(id)s from %(district)s") % {
            "id": transfer.pk,
            "district": transfer.from_district.name,
        }
    for line, arrived in arrivals:
        lot = new_lot(
            district=transfer.to_district,
            item=line.item,
            expiry_date=line.expiry_date,
            source=LotSource.TRANSFER,
            transfer_line=line,
            created_by=by,
        )
        record_movement(
            lot=lot,
            kind=MovementKind.TRANSFER_IN,
            on_hand_change=line.quantity,
            by=by,
            reason=reason,
            transfer=transfer,
        )
        if arrived != line.quantity:
            with in_city_language():
                shortfall = _("%(reason)s: sent %(sent)s, arrived %(arrived)s") % {
                    "reason": reason,
                    "sent": line.quantity.normalize(),
                    "arrived": arrived.normalize(),
                }
            record_movement(
                lot=lot,
                kind=MovementKind.ADJUSTMENT,
                on_hand_change=arrived - line.quantity,
                by=by,
                reason=shortfall,
                transfer=transfer,
            )
        line.received_quantity = arrived
        line.save(update_fields=["received_quantity"])
    transfer.status = TransferStatus.RECEIVED
    transfer.received_by = by
    transfer.received_at = timezone.now()
    transfer.save(update_fields=["status", "received_by", "received_at"])
    return transfer
