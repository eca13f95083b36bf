"""Thin API views of households and points, scoped by role and district."""

from django.db.models import QuerySet
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.filters import SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foodbank.accounts.models import Role
from foodbank.accounts.permissions import allow_roles, signed_in_user
from foodbank.accounts.scoping import acting_district, ensure_can_act_in
from foodbank.districts.models import District
from foodbank.idempotency.api import respond_once
from foodbank.web.caching import NOT_STORED

from .. import selectors
from ..models import Household
from ..services import assessments, households, ledger, policies
from . import serializers as s
from .filters import AssessmentFilter, EntryFilter, GrantFilter

KEEPERS = [allow_roles(Role.ADMIN, Role.DISTRICT_STAFF)]


def created(body) -> Response:
    return Response(body, status=status.HTTP_201_CREATED)


class HouseholdFilter(filters.FilterSet):
    min_need = filters.NumberFilter(field_name="latest_need_score", lookup_expr="gte")
    max_need = filters.NumberFilter(field_name="latest_need_score", lookup_expr="lte")
    assessed = filters.BooleanFilter(
        field_name="latest_assessed_on", lookup_expr="isnull", exclude=True
    )
    has_points = filters.BooleanFilter(method="filter_has_points")
    district = filters.CharFilter(field_name="district__code")
    standing = filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _q) in selectors.STANDINGS.items()],
        method="filter_standing",
    )

    class Meta:
        model = Household
        fields = ["min_need", "max_need", "assessed", "has_points", "district", "standing"]

    def filter_has_points(self, queryset, name, value):
        return queryset.filter(balance__gt=0) if value else queryset.filter(balance=0)

    def filter_standing(self, queryset, name, value):
        return queryset.filter(selectors.STANDINGS[value][1])


class HouseholdListView(generics.ListAPIView):
    """The district's households with their latest assessment and balance."""

    permission_classes = KEEPERS
    serializer_class = s.HouseholdListOutput
    filter_backends = [filters.DjangoFilterBackend, SearchFilter]
    filterset_class = HouseholdFilter
    search_fields = ["head_name"]

    def get_queryset(self) -> QuerySet:
        return selectors.households_visible_to(self.request.user).order_by("head_name", "pk")

    @extend_schema(request=s.HouseholdInput, responses={201: s.HouseholdOutput})
    def post(self, request: Request) -> Response:
        given = s.HouseholdInput(data=request.data)
        given.is_valid(raise_exception=True)
        user, data = signed_in_user(request), dict(given.validated_data)

        def register() -> Response:
            household = households.register_household(
                district=acting_district(data.pop("district", None), user),
                national_id_number=data.pop("national_id"),
                by=user,
                **data,
            )
            return created(s.HouseholdOutput(household).data)

        return respond_once(request, register)


class HouseholdDetailView(generics.RetrieveAPIView):
    """A household's full record; every reading is written to the access log."""

    permission_classes = KEEPERS
    serializer_class = s.HouseholdOutput

    def get_queryset(self) -> QuerySet:
        return selectors.households_visible_to(self.request.user)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        household = self.get_object()
        households.record_access(
            household=household,
            user=signed_in_user(request),
            via="api",
            address=request.META.get("REMOTE_ADDR"),
        )
        return Response(self.get_serializer(household).data)

    @extend_schema(request=s.HouseholdUpdate, responses=s.HouseholdOutput)
    def patch(self, request: Request, pk: int) -> Response:
        household, user = self.get_object(), signed_in_user(request)
        given = s.HouseholdUpdate(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        household = households.update_household(
            household=household, by=user, **given.validated_data
        )
        households.record_access(
            household=household, user=user, via="api", address=request.META.get("REMOTE_ADDR")
        )
        return Response(s.HouseholdOutput(household).data)


class StatementView(generics.ListAPIView):
    """Every points entry of the household with the balance after it."""

    permission_classes = KEEPERS
    serializer_class = s.StatementLineOutput
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        household = generics.get_object_or_404(
            selectors.households_visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        return selectors.statement(household)


class RecommendationView(APIView):
    permission_classes = KEEPERS

    @extend_schema(responses=s.RecommendationOutput)
    def get(self, request: Request, pk: int) -> Response:
        household = generics.get_object_or_404(selectors.households_visible_to(request.user), pk=pk)
        policy = policies.policy_for(household.district)
        advice = policies.recommend(policy, household, household.assessments.first())
        body = advice.__dict__ | {
            "percent": policy.percent,
            "approval_threshold": policy.approval_threshold,
            "validity_days": policy.validity_days,
        }
        return Response(s.RecommendationOutput(body).data)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class RecipientLoginView(APIView):
    permission_classes = KEEPERS

    @extend_schema(request=s.RecipientLoginInput, responses={201: s.HouseholdOutput})
    def post(self, request: Request, pk: int) -> Response:
        household = generics.get_object_or_404(selectors.households_visible_to(request.user), pk=pk)
        given = s.RecipientLoginInput(data=request.data)
        given.is_valid(raise_exception=True)
        user = signed_in_user(request)
        households.create_recipient_login(household=household, by=user, **given.validated_data)
        household.refresh_from_db()
        households.record_access(
            household=household, user=user, via="api", address=request.META.get("REMOTE_ADDR")
        )
        return created(s.HouseholdOutput(household).data)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class RecipientPasswordView(APIView):
    """A new password for the household's login (a recipient who forgot theirs, or is
    locked out): shown once in the answer, to be changed at the next sign-in."""

    permission_classes = KEEPERS

    @extend_schema(request=s.RecipientPasswordInput, responses={200: s.RecipientPasswordOutput})
    def post(self, request: Request, pk: int) -> Response:
        household = generics.get_object_or_404(selectors.households_visible_to(request.user), pk=pk)
        given = s.RecipientPasswordInput(data=request.data)
        given.is_valid(raise_exception=True)
        new = households.reset_recipient_password(
            household=household, by=signed_in_user(request), **given.validated_data
        )
        return Response(s.RecipientPasswordOutput(new._asdict()).data, headers=NOT_STORED)


class AssessmentListView(generics.ListAPIView):
    permission_classes = KEEPERS
    serializer_class = s.AssessmentOutput
    filterset_class = AssessmentFilter

    def get_queryset(self) -> QuerySet:
        return selectors.assessments_visible_to(self.request.user)

    @extend_schema(request=s.AssessmentInput, responses={201: s.AssessmentOutput})
    def post(self, request: Request) -> Response:
        given = s.AssessmentInput(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data, user = dict(given.validated_data), signed_in_user(request)
        household = data.pop("household")
        assessment = assessments.record_assessment(household=household, by=user, **data)
        return created(s.AssessmentOutput(assessment).data)


class GrantListView(generics.ListAPIView):
    """Grants of the district; pending ones wait for a second staff member."""

    permission_classes = KEEPERS
    serializer_class = s.GrantOutput
    filterset_class = GrantFilter

    def get_queryset(self) -> QuerySet:
        return selectors.grants_visible_to(self.request.user)

    @extend_schema(request=s.GrantInput, responses={201: s.GrantOutput})
    def post(self, request: Request) -> Response:
        given = s.GrantInput(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data, user = dict(given.validated_data), signed_in_user(request)
        household = data.pop("household")
        return respond_once(
            request,
            lambda: created(
                s.GrantOutput(ledger.grant_points(household=household, by=user, **data)).data
            ),
        )


class GrantDecisionView(generics.GenericAPIView):
    permission_classes = KEEPERS
    serializer_class = s.GrantOutput
    decide = staticmethod(ledger.approve_grant)

    def get_queryset(self) -> QuerySet:
        return selectors.grants_visible_to(self.request.user)

    @extend_schema(request=None, responses=s.GrantOutput)
    def post(self, request: Request, pk: int) -> Response:
        grant = self.decide(grant=self.get_object(), by=signed_in_user(request))
        return Response(s.GrantOutput(grant).data)


class GrantRejectView(GrantDecisionView):
    decide = staticmethod(ledger.reject_grant)


class EntryListView(generics.ListAPIView):
    permission_classes = KEEPERS
    serializer_class = s.EntryOutput
    filterset_class = EntryFilter

    def get_queryset(self) -> QuerySet:
        return selectors.entries_visible_to(self.request.user)


class CorrectionView(APIView):
    permission_classes = KEEPERS

    @extend_schema(request=s.CorrectionInput, responses={201: s.EntryOutput})
    def post(self, request: Request) -> Response:
        given = s.CorrectionInput(data=request.data)
        given.is_valid(raise_exception=True)
        data, user = dict(given.validated_data), signed_in_user(request)
        entry = generics.get_object_or_404(selectors.entries_visible_to(user), pk=data["entry"].pk)
        fix = ledger.correct_entry(
            entry=entry, points=data["points"], reason=data["reason"], by=user
        )
        return created(s.EntryOutput(fix).data)


def _policy_body(district: District) -> dict:
    policy = policies.policy_for(district)
    bands = [{"min_score": least, "points": points} for least, points in policy.bands]
    return policy.__dict__ | {"district": district.code, "bands": bands}


class PolicyView(APIView):
    """The rules in force in a district, as a table; district staff adjust them within limits."""

    permission_classes = KEEPERS

    @extend_schema(
        parameters=[OpenApiParameter("district", str, description="district code (admins)")],
        responses=s.PolicyOutput,
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        code = request.query_params.get("district")
        named = District.objects.filter(code=code).first() if code else None
        if code and named is None:
            raise NotFound()
        district = acting_district(named, user)
        ensure_can_act_in(user, district)
        return Response(s.PolicyOutput(_policy_body(district)).data)

    @extend_schema(request=s.PolicyInput, responses=s.PolicyOutput)
    def put(self, request: Request) -> Response:
        given = s.PolicyInput(data=request.data)
        given.is_valid(raise_exception=True)
        data, user = dict(given.validated_data), signed_in_user(request)
        district = acting_district(data.pop("district", None), user)
        policies.adjust_district_policy(district=district, by=user, **data)
        return Response(s.PolicyOutput(_policy_body(district)).data)


class MyPointsView(APIView):
    """A recipient's own balance and statement."""

    permission_classes = [allow_roles(Role.RECIPIENT)]

    @extend_schema(responses=s.MyPointsOutput)
    def get(self, request: Request) -> Response:
        household = selectors.own_household(request.user)
        if household is None:
            raise NotFound()
        body = {
            "first_name": household.first_name,
            "district": household.district.name,
            "balance": household.balance,
            "statement": selectors.statement(household),
        }
        return Response(s.MyPointsOutput(body).data)
