"""List filters naming a household: only one the user may name, so that another district's
answers as a household that does not exist (400), never as an empty list."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django_filters import rest_framework as filters

from ..models import Assessment, Grant, Household, PointsEntry, Voucher
from ..selectors import households_in_reach


def _households(request: HttpRequest | None) -> QuerySet[Household]:
    return households_in_reach(getattr(request, "user", None))


class ByHousehold(filters.FilterSet):
    household = filters.ModelChoiceFilter(queryset=_households)


class AssessmentFilter(ByHousehold):
    class Meta:
        model = Assessment
        fields = ["household"]


class GrantFilter(ByHousehold):
    class Meta:
        model = Grant
        fields = ["household", "status"]


class EntryFilter(ByHousehold):
    class Meta:
        model = PointsEntry
        fields = ["household", "kind"]


class VoucherFilter(ByHousehold):
    class Meta:
        model = Voucher
        fields = ["status", "household"]
