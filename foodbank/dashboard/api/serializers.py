from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from donors.api.serializers import Figure, ImpactQuery
from donors.forms import within_calendar
from foodbank.districts.api.serializers import DistrictRefOutput

__all__ = ["ImpactQuery"]


class HouseholdsHelpedOutput(serializers.Serializer):
    from_store = serializers.IntegerField()
    by_surplus = serializers.IntegerField()
    once = serializers.IntegerField()


class FiguresOutput(serializers.Serializer):
    """Headline figures; store figures are null when a food category is chosen."""

    kg = Figure()
    meals = Figure()
    kgco2e = Figure()
    dropoffs = serializers.IntegerField()
    donors = serializers.IntegerField()
    people_reached = serializers.IntegerField()
    households = HouseholdsHelpedOutput(allow_null=True)
    points_granted = serializers.IntegerField(allow_null=True)
    points_redeemed = serializers.IntegerField(allow_null=True)
    methodology = serializers.CharField()


class RowOutput(serializers.Serializer):
    key = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    kg = Figure()
    meals = Figure()
    kgco2e = Figure()


class RankedRowOutput(RowOutput):
    rank = serializers.IntegerField()


class ReportOutput(serializers.Serializer):
    """The period report's sentences in the city's wording."""

    th = serializers.CharField()
    en = serializers.CharField()


class TopDonorOutput(serializers.Serializer):
    """A donor among those who gave the most kg; ``kind`` is organisation or person."""

    donor = serializers.IntegerField(source="donor_id")
    name = serializers.CharField()
    kind = serializers.CharField()
    kg = Figure()
    meals = Figure()
    kgco2e = Figure()
    dropoffs = serializers.IntegerField()


class DashboardOutput(serializers.Serializer):
    figures = FiguresOutput()
    report = ReportOutput()
    months = RowOutput(many=True)
    weeks = RowOutput(many=True)
    groups = RowOutput(many=True)
    districts = RankedRowOutput(many=True)
    categories = RowOutput(many=True)
    top_donors = TopDonorOutput(many=True)


class StockCoverRowOutput(serializers.Serializer):
    district = DistrictRefOutput()
    outstanding_points = serializers.IntegerField()
    stock_points = serializers.IntegerField()
    difference = serializers.IntegerField()
    cover_percent = serializers.IntegerField(allow_null=True)


class SuggestedTransferOutput(serializers.Serializer):
    from_district = DistrictRefOutput()
    to_district = DistrictRefOutput()
    points = serializers.IntegerField()
    same_group = serializers.BooleanField()


class StockCoverOutput(serializers.Serializer):
    districts = StockCoverRowOutput(many=True)
    transfers = SuggestedTransferOutput(many=True)


class OpenDataQuery(serializers.Serializer):
    """``?from=&to=``: the months these days fall in."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": serializers.DateField(
                required=False, source="date_from", validators=[within_calendar]
            ),
            "to": serializers.DateField(
                required=False, source="date_to", validators=[within_calendar]
            ),
        }


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "example": "2025-03"})
class MonthField(serializers.DateField):
    """A month as ``YYYY-MM`` (the first day of it, without the day)."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class OpenDataRowOutput(serializers.Serializer):
    """One district in one month. Counts below the publication threshold, and weights that
    would tell what a donor who may not be named gave, are null and named in ``suppressed``."""

    month = MonthField()
    district_code = serializers.CharField()
    district_th = serializers.CharField()
    district_en = serializers.CharField()
    group_code = serializers.CharField()
    kg = Figure(allow_null=True)
    meals = Figure(allow_null=True)
    kgco2e = Figure(allow_null=True)
    dropoffs = serializers.IntegerField(allow_null=True)
    donors = serializers.IntegerField(allow_null=True)
    people_reached = serializers.IntegerField(allow_null=True)
    households_helped = serializers.IntegerField(allow_null=True)
    suppressed = serializers.ListField(child=serializers.CharField())
    published_on = serializers.DateField(help_text="the day the month was published or revised")


class HouseholdsReachedInput(serializers.Serializer):
    national_ids = serializers.ListField(
        child=serializers.CharField(max_length=20), min_length=1, max_length=500
    )


class HouseholdReachedOutput(serializers.Serializer):
    household = serializers.IntegerField(source="household_id")
    national_id_masked = serializers.CharField(source="household.national_id_masked")
    district = serializers.CharField(source="household.district.code")
    recorded_at = serializers.DateTimeField(source="created_at")
