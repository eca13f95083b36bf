"""The one write of the dashboard app: which registered households a distribution reached."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from donors.models import Distribution
from foodbank.accounts.models import User
from foodbank.accounts.scoping import ensure_can_act_in
from points.models import Household
from points.national_id import keyed_hash, mask, normalise

from .models import DistributionHousehold


@transaction.atomic
def record_households_reached(
    *, distribution: Distribution, national_ids: list[str], by: User
) -> list[DistributionHousehold]:
    """Record registered households among the people a distribution reached.

    Households are found by the head's national ID, city-wide (a household registered in
    another district may collect surplus here). All or nothing: one unknown or malformed
    number records none, and the error names its line with the number masked. Recording a
    household twice for the same distribution keeps the first record.
    """
    ensure_can_act_in(by, distribution.district)
    if not national_ids:
        raise ValidationError({"national_ids": [_("Give at least one national ID.")]})
    problems, households = [], []
    for number, text in enumerate(national_ids, start=1):
        try:
            digits = normalise(text)
        except ValidationError as error:
            problems.append(
                _("Line %(n)d: %(problem)s") % {"n": number, "problem": error.messages[0]}
            )
            continue
        household = Household.objects.filter(national_id_hash=keyed_hash(digits)).first()
        if household is None:
            problems.append(
                _("Line %(n)d: no household is registered with national ID %(id)s.")
                % {"n": number, "id": mask(digits)}
            )
        else:
            households.append(household)
    if problems:
        raise ValidationError({"national_ids": problems})
    return [
        DistributionHousehold.objects.get_or_create(
            distribution=distribution, household=household, defaults={"recorded_by": by}
        )[0]
        for household in dict.fromkeys(households)
    ]
