"""Reads behind receipts and yearly statements, on the page and by e-mail, and who may see them.

Kept apart from ``selectors.py`` (impact figures from the rollups): a receipt sums one
drop-off's own lines, and a statement one donor's lines of one year.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from foodbank.accounts.models import Role, User

from .models import Donor, DropOff, DropOffLine, DropOffStatus, ReceiptEmail, ReceiptKind


class Totals(TypedDict):
    kg: Decimal | None
    meals: Decimal | None
    kgco2e: Decimal | None


def receipt_totals(dropoff: DropOff) -> Totals:
    """Unrounded sums of one drop-off's lines (rounded only when shown)."""
    return dropoff.lines.aggregate(kg=Sum("weight_kg"), meals=Sum("meals"), kgco2e=Sum("kgco2e"))  # type: ignore[return-value]


def statement_lines(donor: Donor, year: int) -> QuerySet[DropOffLine]:
    """A donor's computed lines received in ``year`` (the city's calendar), in any district."""
    return (
        DropOffLine.objects.filter(
            dropoff__donor=donor,
            dropoff__status=DropOffStatus.PROCESSED,
            dropoff__received_on__year=year,
        )
        .select_related("dropoff__district", "category")
        .order_by("dropoff__received_on", "dropoff_id", "line_no")
    )


def statement_totals(donor: Donor, year: int) -> Totals:
    return statement_lines(donor, year).aggregate(  # type: ignore[return-value]
        kg=Sum("weight_kg"), meals=Sum("meals"), kgco2e=Sum("kgco2e")
    )


def statement_months(donor: Donor, year: int) -> list[dict]:
    """One row per month with food: kg, meals, kgCO2e and drop-offs (for the e-mail)."""
    rows = (
        statement_lines(donor, year)
        .annotate(month=TruncMonth("dropoff__received_on"))
        .values("month")
        .annotate(
            kg=Sum("weight_kg"),
            meals=Sum("meals"),
            kgco2e=Sum("kgco2e"),
            dropoffs=Count("dropoff", distinct=True),
        )
        .order_by("month")
    )
    return [dict(row) for row in rows]


def donors_served_by(user: User | AnonymousUser) -> QuerySet[Donor]:
    """Donors whose statements a user may send: all for admins, those who gave in the
    district for district staff, one's own for a donor, none for anyone else."""
    if not isinstance(user, User) or not user.is_active:
        return Donor.objects.none()
    if user.role == Role.ADMIN:
        return Donor.objects.all()
    if user.role == Role.DONOR:
        return Donor.objects.filter(account=user)
    if user.role == Role.DISTRICT_STAFF and user.district_id is not None:
        gave_here = DropOff.objects.filter(donor=OuterRef("pk"), district_id=user.district_id)
        return Donor.objects.filter(Exists(gave_here))
    return Donor.objects.none()


def receipt_emails_visible_to(user: User | AnonymousUser) -> QuerySet[ReceiptEmail]:
    """The record of e-mailed receipts and statements, within what the user may see."""
    emails = ReceiptEmail.objects.select_related("requested_by", "dropoff")
    if not isinstance(user, User) or not user.is_active:
        return emails.none()
    if user.role == Role.ADMIN:
        return emails
    if user.role == Role.DONOR:
        return emails.filter(donor__account=user)
    if user.role == Role.DISTRICT_STAFF and user.district_id is not None:
        return emails.filter(
            Q(kind=ReceiptKind.RECEIPT, dropoff__district_id=user.district_id)
            | Q(kind=ReceiptKind.STATEMENT, donor__in=donors_served_by(user))
        )
    return emails.none()
