"""Dashboard figures for admins (city-wide) and district staff (their district), the
stock cover, households a distribution reached, and the public open data."""

from dataclasses import asdict

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from donors.api.impact import FILTERS
from donors.models import Distribution
from donors.selectors import ImpactFilter, impact_filter_for
from foodbank.accounts.models import Role
from foodbank.accounts.permissions import allow_roles, signed_in_user
from foodbank.accounts.scoping import scope_to_district

from .. import reports, selectors, services
from ..open_data import selectors as open_data
from . import serializers as s

VIEWERS = allow_roles(Role.ADMIN, Role.DISTRICT_STAFF)


def _filter(request: Request) -> ImpactFilter:
    query = s.ImpactQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return impact_filter_for(signed_in_user(request), **query.validated_data)


def _figures(figures: selectors.DashboardFigures) -> dict:
    impact = figures.impact
    return {
        "kg": impact.kg,
        "meals": impact.meals,
        "kgco2e": impact.kgco2e,
        "dropoffs": impact.dropoffs,
        "donors": impact.donors,
        "people_reached": impact.people_reached or 0,
        "households": asdict(figures.households) if figures.households else None,
        "points_granted": figures.points_granted,
        "points_redeemed": figures.points_redeemed,
        "methodology": ", ".join(impact.methodologies),
    }


class DashboardView(APIView):
    """Headline figures, the report's sentences, and the series behind every chart."""

    permission_classes = [VIEWERS]

    @extend_schema(parameters=FILTERS, responses=s.DashboardOutput)
    def get(self, request: Request) -> Response:
        board = selectors.dashboard(_filter(request))
        body = {
            "figures": _figures(board.figures),
            "report": {
                "th": " ".join(
                    (reports.impact_sentence(board, "th"), reports.store_sentence(board, "th"))
                ),
                "en": " ".join(
                    (reports.impact_sentence(board, "en"), reports.store_sentence(board, "en"))
                ),
            },
            "months": board.months,
            "weeks": board.weeks,
            "groups": board.groups,
            "districts": board.districts,
            "categories": board.categories,
            "top_donors": board.donors,
        }
        return Response(s.DashboardOutput(body).data)


class StockCoverView(APIView):
    """Unspent points against stock per district, with suggested transfers."""

    permission_classes = [VIEWERS]

    @extend_schema(responses=s.StockCoverOutput)
    def get(self, request: Request) -> Response:
        cover = selectors.stock_cover(signed_in_user(request))
        return Response(s.StockCoverOutput(cover).data)


class HouseholdsReachedView(APIView):
    """Registered households among the people a distribution reached (by national ID)."""

    permission_classes = [VIEWERS]

    def _distribution(self, request: Request, pk: int) -> Distribution:
        visible = scope_to_district(Distribution.objects.all(), signed_in_user(request))
        return get_object_or_404(visible, pk=pk)

    @extend_schema(responses=s.HouseholdReachedOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        reached = self._distribution(request, pk).households_reached.select_related(
            "household__district"
        )
        return Response(s.HouseholdReachedOutput(reached, many=True).data)

    @extend_schema(
        request=s.HouseholdsReachedInput, responses={201: s.HouseholdReachedOutput(many=True)}
    )
    def post(self, request: Request, pk: int) -> Response:
        distribution = self._distribution(request, pk)
        given = s.HouseholdsReachedInput(data=request.data)
        given.is_valid(raise_exception=True)
        reached = services.record_households_reached(
            distribution=distribution,
            national_ids=given.validated_data["national_ids"],
            by=signed_in_user(request),
        )
        return Response(
            s.HouseholdReachedOutput(reached, many=True).data, status=status.HTTP_201_CREATED
        )


class OpenDataPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class OpenDataView(APIView):
    """Public, no sign-in: impact by district and month, for the months published. A month
    is published some days after it ends (``FOODBANK_OPEN_DATA_DELAY_DAYS``) and then does not
    change unless an administrator revises it (``published_on`` says when). Totals only;
    counts of drop-offs, donors, people and households below their threshold, and the kg,
    meals and kgCO2e that would tell what a donor who may not be named gave (too few donors,
    or one or two giving nearly all), are null and named in ``suppressed``."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    pagination_class = OpenDataPagination  # for the schema: the answer is a page of rows

    @extend_schema(
        auth=[],
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="first month (any day)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last month (any day)"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=s.OpenDataRowOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        query = s.OpenDataQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = open_data.open_data(**query.validated_data)
        pages = self.pagination_class()
        page = pages.paginate_queryset(rows, request, view=self)
        return pages.get_paginated_response(s.OpenDataRowOutput(page, many=True).data)
