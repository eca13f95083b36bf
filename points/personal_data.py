"""What the platform holds about one household: the report a household may ask for under
Thailand's PDPA right of access (section 30).

Read-only, and built from a fixed number of queries whatever the household's history. The
national ID appears only masked (the encrypted copy is never decrypted), and no staff
member is named: those who assessed, granted, handed over or read the record appear, where
they appear at all, by role and district. Labels (kinds, statuses, district and item names)
are in the language active when the report is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import timezone

from .models import DIMENSIONS, Household, HouseholdAccess, Voucher, VoucherLine
from .selectors import statement
from .services.departures import erasure_due_on


@dataclass(frozen=True)
class HouseholdHeld:
    """The household's own record; the personal fields are empty once erased."""

    id: int
    district_code: str
    district_name: str
    registered_on: date
    name: str
    national_id_masked: str
    phone: str
    address: str
    members: int
    elderly: int
    children: int
    disabled: int
    bedridden: int
    vulnerability_notes: str
    recipient_login: str
    in_programme: bool
    left_on: date | None
    leaving_reason: str
    leaving_reason_label: str
    erasure_due_on: date | None
    erased_at: datetime | None

    @property
    def erased(self) -> bool:
        return self.erased_at is not None


@dataclass(frozen=True)
class AssessmentHeld:
    assessed_on: date
    income: int
    health: int
    education: int
    living_conditions: int
    public_services: int
    notes: str


@dataclass(frozen=True)
class GrantHeld:
    requested_on: date
    points: int
    recommended_points: int
    reason: str
    status: str
    status_label: str
    validity_days: int


@dataclass(frozen=True)
class EntryHeld:
    on: date
    kind: str
    kind_label: str
    points: int
    reason: str
    balance_after: int


@dataclass(frozen=True)
class VoucherLineHeld:
    item: str
    quantity: int


@dataclass(frozen=True)
class VoucherHeld:
    id: int
    issued_on: date
    status: str
    status_label: str
    points: int
    collect_by: date
    lines: tuple[VoucherLineHeld, ...]
    collected_at: datetime | None
    counter: str


@dataclass(frozen=True)
class CardHeld:
    issued_on: date
    revoked_on: date | None


@dataclass(frozen=True)
class ReadingHeld:
    """One reading of the full record: when, how, and the reader's role, never their name."""

    at: datetime
    via: str
    role: str
    role_label: str
    district: str


@dataclass(frozen=True)
class PersonalDataReport:
    produced_at: datetime
    household: HouseholdHeld
    assessments: tuple[AssessmentHeld, ...]
    grants: tuple[GrantHeld, ...]
    statement: tuple[EntryHeld, ...]
    vouchers: tuple[VoucherHeld, ...]
    cards: tuple[CardHeld, ...]
    readings: tuple[ReadingHeld, ...]


def _household(household: Household) -> HouseholdHeld:
    district = household.district
    account = household.account
    return HouseholdHeld(
        id=household.pk,
        district_code=district.code,
        district_name=district.name,
        registered_on=timezone.localdate(household.created_at),
        name=household.display_name,
        national_id_masked=household.national_id_masked,
        phone=household.phone,
        address=household.address,
        members=household.members,
        elderly=household.elderly,
        children=household.children,
        disabled=household.disabled,
        bedridden=household.bedridden,
        vulnerability_notes=household.vulnerability_notes,
        recipient_login=account.username if account is not None else "",
        in_programme=household.left_on is None,
        left_on=household.left_on,
        leaving_reason=household.leaving_reason,
        leaving_reason_label=household.get_leaving_reason_display(),
        erasure_due_on=erasure_due_on(household),
        erased_at=household.erased_at,
    )


def _assessments(household: Household) -> tuple[AssessmentHeld, ...]:
    return tuple(
        AssessmentHeld(
            assessed_on=row.assessed_on,
            notes=row.notes,
            **{name: getattr(row, name) for name in DIMENSIONS},
        )
        for row in household.assessments.all()
    )


def _grants(household: Household) -> tuple[GrantHeld, ...]:
    return tuple(
        GrantHeld(
            requested_on=timezone.localdate(grant.requested_at),
            points=grant.points,
            recommended_points=grant.recommended_points,
            reason=grant.reason,
            status=grant.status,
            status_label=grant.get_status_display(),
            validity_days=grant.validity_days,
        )
        for grant in household.grants.all()
    )


def _statement(household: Household) -> tuple[EntryHeld, ...]:
    return tuple(
        EntryHeld(
            on=timezone.localdate(entry.created_at),
            kind=entry.kind,
            kind_label=entry.get_kind_display(),
            points=entry.points,
            reason=entry.reason,
            balance_after=entry.balance_after,  # type: ignore[attr-defined]
        )
        for entry in statement(household)
    )


def _vouchers(household: Household) -> tuple[VoucherHeld, ...]:
    vouchers = (
        Voucher.objects.filter(household=household)
        .select_related("redemption")
        .prefetch_related(Prefetch("lines", VoucherLine.objects.select_related("item")))
    )
    held = []
    for voucher in vouchers:
        redemption = getattr(voucher, "redemption", None)
        held.append(
            VoucherHeld(
                id=voucher.pk,
                issued_on=timezone.localdate(voucher.created_at),
                status=voucher.status,
                status_label=voucher.get_status_display(),
                points=voucher.points,
                collect_by=voucher.expires_on,
                lines=tuple(
                    VoucherLineHeld(item=line.item.name, quantity=line.quantity)
                    for line in voucher.lines.all()
                ),
                collected_at=redemption.redeemed_at if redemption else None,
                counter=redemption.counter if redemption else "",
            )
        )
    return tuple(held)


def _cards(household: Household) -> tuple[CardHeld, ...]:
    return tuple(
        CardHeld(
            issued_on=timezone.localdate(card.issued_at),
            revoked_on=timezone.localdate(card.revoked_at) if card.revoked_at else None,
        )
        for card in household.cards.all()
    )


def _readings(household: Household) -> tuple[ReadingHeld, ...]:
    accesses = (
        HouseholdAccess.objects.filter(household=household)
        .select_related("user__district")
        .only(
            "accessed_at",
            "via",
            "user__role",
            "user__district__name_th",
            "user__district__name_en",
        )
    )
    return tuple(
        ReadingHeld(
            at=access.accessed_at,
            via=access.via,
            role=access.user.role,
            role_label=access.user.get_role_display(),
            district=access.user.district.name if access.user.district else "",
        )
        for access in accesses
    )


def personal_data_held(household: Household) -> PersonalDataReport:
    """Everything held about ``household``, each section newest first except the points
    statement, which runs oldest first so that each balance follows from the one before."""
    household = (
        Household.objects.select_related("district", "account")
        .defer("national_id_hash", "national_id_encrypted")
        .get(pk=household.pk)
    )
    return PersonalDataReport(
        produced_at=timezone.now(),
        household=_household(household),
        assessments=_assessments(household),
        grants=_grants(household),
        statement=_statement(household),
        vouchers=_vouchers(household),
        cards=_cards(household),
        readings=_readings(household),
    )
