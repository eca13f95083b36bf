"""Recording assessments of a household's need."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from foodbank.accounts.models import User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.audit.models import Action
from foodbank.audit.services import record

from ..lock_objects import lock_household
from ..models import Assessment, Household
from .households import ensure_in_programme


@transaction.atomic
def record_assessment(
    *,
    household: Household,
    assessed_on: date,
    by: User,
    income: int,
    health: int,
    education: int,
    living_conditions: int,
    public_services: int,
    notes: str = "",
) -> Assessment:
    """A dated assessment by a staff member; it becomes the household's current standing."""
    ensure_can_act_in(by, household.district)
    ensure_in_programme(lock_household(household.pk))
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": [_("An assessment cannot be dated ahead.")]})
    assessment = Assessment(
        household=household,
        assessed_on=assessed_on,
        income=income,
        health=health,
        education=education,
        living_conditions=living_conditions,
        public_services=public_services,
        notes=notes,
        assessed_by=by,
    )
    assessment.full_clean()
    assessment.save()
    # Which household and when, not the scores: they describe its health and means.
    record(
        Action.ASSESSMENT_RECORDED,
        target=assessment,
        by=by,
        district_id=household.district_id,
        household=household.pk,
        assessed_on=assessed_on,
    )
    return assessment
