"""Impact figures: totals and breakdowns from the rollups, within the viewer's scope."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from donors import selectors
from foodbank.accounts.models import Role
from foodbank.accounts.permissions import allow_roles, signed_in_user

from . import serializers as s

FILTERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day (local calendar)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, included"),
    OpenApiParameter("district", str, description="official district code, e.g. 1001"),
    OpenApiParameter("group", str, description="district group code, e.g. central"),
    OpenApiParameter("category", str, description="food category slug, e.g. bakery"),
]


def _filter(request: Request) -> selectors.ImpactFilter:
    query = s.ImpactQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return selectors.impact_filter_for(signed_in_user(request), **query.validated_data)


class ImpactSummaryView(APIView):
    """Totals for a period: admins city-wide, district staff their district, donors their own."""

    permission_classes = [allow_roles(Role.ADMIN, Role.DISTRICT_STAFF, Role.DONOR)]

    @extend_schema(parameters=FILTERS, responses=s.ImpactSummaryOutput)
    def get(self, request: Request) -> Response:
        where, user = _filter(request), signed_in_user(request)
        if user.role == Role.DONOR:
            summary = selectors.donor_impact_summary(user, where)
        else:
            summary = selectors.impact_summary(where)
        body = summary.__dict__ | {"methodology": ", ".join(summary.methodologies)}
        return Response(s.ImpactSummaryOutput(body).data)


class ImpactBreakdownView(APIView):
    """Totals by district, group, category or month, for charts and ranked tables."""

    permission_classes = [allow_roles(Role.ADMIN, Role.DISTRICT_STAFF)]

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=list(selectors.BREAKDOWNS), required=True),
            *FILTERS,
        ],
        responses=s.ImpactBreakdownRow(many=True),
    )
    def get(self, request: Request) -> Response:
        by = request.query_params.get("by", "")
        if by not in selectors.BREAKDOWNS:
            choices = ", ".join(selectors.BREAKDOWNS)
            raise ValidationError({"by": [_("Choose one of: %(choices)s.") % {"choices": choices}]})
        rows = selectors.impact_breakdown(_filter(request), by=by)
        return Response(s.ImpactBreakdownRow(rows, many=True).data)
