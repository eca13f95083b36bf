"""Points policies: the recommendation they give, and districts adjusting them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from foodbank.accounts.models import Role, User
from foodbank.accounts.scoping import ensure_can_act_in
from foodbank.audit.models import Action
from foodbank.audit.services import record
from foodbank.districts.models import District

from ..errors import AdminOnly, PolicyOutsideLimits
from ..models import Assessment, CityPolicy, DistrictPolicy, Household, NeedBand


@dataclass(frozen=True)
class Policy:
    """The rules in force in one district: the city's, scaled by the district's percent."""

    bands: tuple[tuple[int, int], ...]
    points_per_member: int
    points_per_dependant: int
    max_award: int
    percent: int
    validity_days: int
    approval_threshold: int


@dataclass(frozen=True)
class Recommendation:
    points: int
    need_score: int
    band_points: int
    member_points: int
    dependant_points: int
    capped: bool


def policy_for(district: District) -> Policy:
    city = CityPolicy.objects.get(pk=1)
    own = DistrictPolicy.objects.filter(district=district).first()
    percent = own.percent if own else 100
    validity = (own and own.validity_days) or city.validity_days
    threshold = own.approval_threshold if own and own.approval_threshold is not None else None
    return Policy(  # a district's values held within the city's current limits
        bands=tuple(NeedBand.objects.values_list("min_score", "points")),
        points_per_member=city.points_per_member,
        points_per_dependant=city.points_per_dependant,
        max_award=city.max_award,
        percent=min(max(percent, city.min_district_percent), city.max_district_percent),
        validity_days=min(max(validity, city.min_validity_days), city.max_validity_days),
        approval_threshold=min(
            threshold if threshold is not None else city.approval_threshold,
            city.approval_threshold,
        ),
    )


def recommend(
    policy: Policy, household: Household, assessment: Assessment | None
) -> Recommendation:
    """The award the policy recommends: a pure function of its inputs.

    Nothing for a household never assessed or scoring no need; otherwise the base points of
    the need score's band plus points per member and per dependant, capped, then scaled by
    the district's percent (rounded half-up).
    """
    if assessment is None:
        return Recommendation(0, 0, 0, 0, 0, capped=False)
    score = assessment.need_score
    bands = [(least, points) for least, points in policy.bands if least <= score]
    base = max(bands)[1] if bands else 0  # the band the score falls in
    if base == 0:
        return Recommendation(0, score, 0, 0, 0, capped=False)
    members = policy.points_per_member * household.members
    dependants = policy.points_per_dependant * household.dependants
    total = Decimal(base + members + dependants) * policy.percent / 100
    scaled = int(total.quantize(Decimal(1), ROUND_HALF_UP))
    return Recommendation(
        min(scaled, policy.max_award), score, base, members, dependants, scaled > policy.max_award
    )


def _within(value: int, low: int, high: int, field: str) -> None:
    if not low <= value <= high:
        message = _("Choose between %(low)d and %(high)d.") % {"low": low, "high": high}
        raise PolicyOutsideLimits(message, fields={field: [message]})


@transaction.atomic
def adjust_district_policy(
    *,
    district: District,
    by: User,
    percent: int,
    validity_days: int | None = None,
    approval_threshold: int | None = None,
) -> DistrictPolicy:
    """A district scales the city's awards and sets its validity, within the city's limits."""
    ensure_can_act_in(by, district)
    city = CityPolicy.objects.get(pk=1)
    _within(percent, city.min_district_percent, city.max_district_percent, "percent")
    if validity_days is not None:
        _within(validity_days, city.min_validity_days, city.max_validity_days, "validity_days")
    if approval_threshold is not None:
        _within(approval_threshold, 0, city.approval_threshold, "approval_threshold")
    policy, _created = DistrictPolicy.objects.update_or_create(
        district=district,
        defaults={
            "percent": percent,
            "validity_days": validity_days,
            "approval_threshold": approval_threshold,
            "updated_by": by,
        },
    )
    record(
        Action.DISTRICT_POLICY,
        target=policy,
        by=by,
        district_id=district.pk,
        percent=percent,
        validity_days=validity_days,
        approval_threshold=approval_threshold,
    )
    return policy


@transaction.atomic
def set_need_bands(*, bands: list[tuple[int, int]], by: User) -> None:
    """Admins replace the city's need bands (from score → base points)."""
    if by.role != Role.ADMIN:
        raise AdminOnly()
    for least, _points in bands:
        _within(least, 0, 20, "bands")
    NeedBand.objects.all().delete()
    NeedBand.objects.bulk_create(NeedBand(min_score=s, points=p) for s, p in bands)
    city = CityPolicy.objects.get(pk=1)
    record(Action.NEED_BANDS, target=city, by=by, bands=[list(band) for band in bands])
