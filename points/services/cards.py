"""Household cards: a signed member code, no personal data; a new card revokes the old."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from foodbank.accounts.models import STAFF_ROLES, User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.audit.models import Action
from foodbank.audit.services import record

from .. import tokens
from ..errors import CardRevoked, WrongDistrict
from ..lock_objects import lock_household
from ..models import Household, HouseholdCard
from .households import ensure_in_programme
from .keys import sign, signing_key, verified


@transaction.atomic
def issue_card(*, household: Household, by: User) -> HouseholdCard:
    """Print a (new) card; any card issued before stops working at once."""
    ensure_can_act_in(by, household.district)
    household = lock_household(household.pk)
    ensure_in_programme(household)
    household.cards.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    card = HouseholdCard.objects.create(household=household, key=signing_key(), issued_by=by)
    record(
        Action.HOUSEHOLD_CARD,
        target=household,
        by=by,
        district_id=household.district_id,
        card=card.pk,
    )
    return card


def card_token(card: HouseholdCard) -> str:
    claims = tokens.CardClaims(
        kid=card.key.kid,
        card_id=card.pk,
        household_id=card.household_id,
        district_code=card.household.district.code,
    )
    return sign(card.key, tokens.card_payload(claims))


def household_for_card(token: str, *, by: User) -> Household:
    """The household of a scanned card, if the card is current and of the counter's district."""
    kind, payload = verified(token)
    if kind != tokens.CARD:
        raise tokens.InvalidToken(_("This is a voucher, not a household card."))
    claims = tokens.read_card(payload)
    card = (
        HouseholdCard.objects.select_related("household__district")
        .filter(pk=claims.card_id, household_id=claims.household_id)
        .first()
    )
    if card is None:
        raise tokens.InvalidToken()
    if card.revoked_at is not None:
        raise CardRevoked()
    if by.role not in STAFF_ROLES or by.district_id != card.household.district_id:
        raise WrongDistrict()
    return card.household
