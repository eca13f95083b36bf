"""Logging, announcing and receiving drop-offs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from foodbank.accounts.models import Role, User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.districts.models import District
from foodbank.errors import ApplicationError
from inventory.services.stock import sort_donated_line
from worker.enqueue import enqueue_after_commit

from ..errors import AlreadyReceived, NotYourDonor
from ..models import Destination, Donor, DropOff, DropOffLine, DropOffStatus, FoodCategory

if TYPE_CHECKING:
    from inventory.models import Item

#: Clocks of phones and scales drift; a receipt this far ahead of the server is still "now".
CLOCK_SKEW = timedelta(minutes=5)
MAX_LINES = 200
COMPUTE_IMPACT = "worker.tasks.compute_impact"


@dataclass(frozen=True)
class LineInput:
    category: FoodCategory
    weight_kg: Decimal
    destination: str
    quantity: Decimal | None = None
    unit: str = ""
    expiry_date: date | None = None
    #: For a ``stock`` line, the catalogue item it goes on the shelf as (else sorted later).
    item: Item | None = None

    def row_fields(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "item"}


def _build_lines(dropoff: DropOff, lines: Sequence[LineInput]) -> list[DropOffLine]:
    """Validate every line, naming the line and field of each problem (``lines.2.weight_kg``)."""
    if not lines:
        raise ValidationError({"lines": [_("A drop-off needs at least one line.")]})
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": [_("At most %(n)d lines.") % {"n": MAX_LINES}]})
    built, problems = [], {}
    for index, line in enumerate(lines):
        row = DropOffLine(dropoff=dropoff, line_no=index + 1, **line.row_fields())
        try:
            row.full_clean(exclude=["dropoff", "methodology", "meals", "kgco2e"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                problems[f"lines.{index}.{field}"] = messages
        if line.item is not None and line.destination != Destination.STOCK:
            problems[f"lines.{index}.item"] = [_("Only lines kept in the store name an item.")]
        built.append(row)
    if problems:
        raise ValidationError(problems)
    return built


def _stock_lines(built: list[DropOffLine], lines: Sequence[LineInput], *, by: User) -> None:
    """Lines kept in the store with an item chosen become lots; the others wait to be sorted."""
    problems = {}
    for index, (row, line) in enumerate(zip(built, lines, strict=True)):
        if line.item is None:
            continue
        try:
            sort_donated_line(line=row, item=line.item, by=by)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                problems[f"lines.{index}.{field}"] = messages
        except ApplicationError as error:
            problems[f"lines.{index}.item"] = [error.message]
    if problems:
        raise ValidationError(problems)


def _check_received_at(received_at: datetime) -> None:
    if timezone.is_naive(received_at):
        raise ValidationError({"received_at": [_("Give the time with its time zone.")]})
    if received_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"received_at": [_("The time received cannot be in the future.")]})


def _receive(dropoff: DropOff, *, received_at: datetime, by: User) -> None:
    dropoff.status = DropOffStatus.RECEIVED
    dropoff.received_at = received_at
    dropoff.received_on = timezone.localdate(received_at)
    dropoff.received_by = by


@transaction.atomic
def log_dropoff(
    *,
    donor: Donor,
    district: District,
    received_at: datetime,
    lines: Sequence[LineInput],
    by: User,
    notes: str = "",
) -> DropOff:
    """Staff record food received at their district office; its impact is computed after."""
    ensure_can_act_in(by, district)
    _check_received_at(received_at)
    dropoff = DropOff(donor=donor, district=district, notes=notes, created_by=by)
    _receive(dropoff, received_at=received_at, by=by)
    built = _build_lines(dropoff, lines)
    dropoff.full_clean()
    dropoff.save()
    DropOffLine.objects.bulk_create(built)
    _stock_lines(built, lines, by=by)
    enqueue_after_commit(COMPUTE_IMPACT, [dropoff.pk])
    return dropoff


@transaction.atomic
def announce_dropoff(
    *,
    donor: Donor,
    district: District,
    lines: Sequence[LineInput],
    by: User,
    expected_on: date | None = None,
    notes: str = "",
) -> DropOff:
    """A donor (or staff for them) says food is coming; staff confirm it on receipt."""
    if by.role == Role.DONOR:
        if donor.account_id != by.pk:
            raise NotYourDonor()
    else:
        ensure_can_act_in(by, district)
    if expected_on is not None and expected_on < timezone.localdate():
        raise ValidationError({"expected_on": [_("The expected date cannot be in the past.")]})
    dropoff = DropOff(
        donor=donor, district=district, expected_on=expected_on, notes=notes, created_by=by
    )
    built = _build_lines(dropoff, lines)
    dropoff.full_clean()
    dropoff.save()
    DropOffLine.objects.bulk_create(built)
    return dropoff


@transaction.atomic
def receive_dropoff(
    *,
    dropoff: DropOff,
    received_at: datetime,
    by: User,
    lines: Sequence[LineInput] | None = None,
) -> DropOff:
    """Confirm an announced drop-off, with the weights actually received if they differ."""
    dropoff = DropOff.objects.select_for_update().get(pk=dropoff.pk)
    ensure_can_act_in(by, dropoff.district)
    if dropoff.status != DropOffStatus.ANNOUNCED:
        raise AlreadyReceived()
    _check_received_at(received_at)
    _receive(dropoff, received_at=received_at, by=by)
    if lines is not None:
        built = _build_lines(dropoff, lines)
        dropoff.lines.all().delete()
        DropOffLine.objects.bulk_create(built)
    dropoff.save()
    if lines is not None:
        _stock_lines(built, lines, by=by)
    enqueue_after_commit(COMPUTE_IMPACT, [dropoff.pk])
    return dropoff
