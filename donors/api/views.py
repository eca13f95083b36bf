"""Thin API views: parse, call a service or selector, answer."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from donors import selectors
from donors.models import Distribution, Donor, DropOff, FoodCategory, Methodology
from donors.services import distributions, donors, dropoffs, methodologies
from foodbank.accounts.models import Role
from foodbank.accounts.permissions import allow_roles, signed_in_user
from foodbank.accounts.scoping import acting_district, scope_to_district
from foodbank.idempotency.api import respond_once
from foodbank.ratelimit import RateThrottle

from . import serializers as s

STAFF = (Role.ADMIN, Role.DISTRICT_STAFF)


class FoodCategoryListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.FoodCategoryOutput
    queryset = FoodCategory.objects.filter(is_active=True)
    pagination_class = None


class DonorListView(generics.ListAPIView):
    """Staff find and register donors; donors are city-wide, as they give in any district."""

    permission_classes = [allow_roles(*STAFF)]
    serializer_class = s.DonorOutput
    queryset = Donor.objects.all()
    filterset_fields = ["donor_type"]

    def get_queryset(self) -> QuerySet[Donor]:
        search = self.request.query_params.get("search", "").strip()
        return Donor.objects.filter(name__icontains=search) if search else Donor.objects.all()

    @extend_schema(request=s.DonorInput, responses={201: s.DonorOutput})
    def post(self, request: Request) -> Response:
        given = s.DonorInput(data=request.data)
        given.is_valid(raise_exception=True)

        def register() -> Response:
            donor = donors.register_donor(
                registered_by=signed_in_user(request), **given.validated_data
            )
            return Response(s.DonorOutput(donor).data, status=status.HTTP_201_CREATED)

        return respond_once(request, register)


class DonorDetailView(generics.RetrieveAPIView):
    permission_classes = [allow_roles(*STAFF)]
    serializer_class = s.DonorOutput
    queryset = Donor.objects.all()


@method_decorator(sensitive_post_parameters(), name="dispatch")
class DonorRegistrationView(APIView):
    """A donor signs up: a donor account and the donor record, answered with an API token."""

    permission_classes = [AllowAny]
    throttle_classes = [RateThrottle]
    throttle_scope = "register"

    @extend_schema(request=s.DonorRegistrationInput, responses={201: s.DonorOutput}, auth=[])
    def post(self, request: Request) -> Response:
        given = s.DonorRegistrationInput(data=request.data)
        given.is_valid(raise_exception=True)
        donor = donors.register_donor_with_account(**given.validated_data)
        return Response(s.DonorOutput(donor).data, status=status.HTTP_201_CREATED)


class MyDonorView(APIView):
    permission_classes = [allow_roles(Role.DONOR)]

    @extend_schema(responses=s.DonorOutput)
    def get(self, request: Request) -> Response:
        return Response(s.DonorOutput(donors.donor_of(signed_in_user(request))).data)


class DropOffListView(generics.ListAPIView):
    """Staff log received drop-offs; donors announce theirs and see only their own."""

    permission_classes = [allow_roles(*STAFF, Role.DONOR)]
    serializer_class = s.DropOffOutput
    filterset_fields = ["status", "received_on"]

    def get_queryset(self) -> QuerySet[DropOff]:
        return selectors.dropoffs_visible_to(self.request.user).prefetch_related(
            "lines__category", "lines__methodology"
        )

    @extend_schema(request=s.DropOffInput, responses={201: s.DropOffOutput})
    def post(self, request: Request) -> Response:
        given = s.DropOffInput(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        return respond_once(request, lambda: self._create(request, given.validated_data))

    def _create(self, request: Request, data: dict) -> Response:
        user = signed_in_user(request)
        lines = [dropoffs.LineInput(**line) for line in data["lines"]]
        if user.role == Role.DONOR:
            dropoff = dropoffs.announce_dropoff(
                donor=donors.donor_of(user),
                district=data["district"],
                lines=lines,
                by=user,
                expected_on=data.get("expected_on"),
                notes=data["notes"],
            )
        else:
            dropoff = dropoffs.log_dropoff(
                donor=data["donor"],
                district=acting_district(data.get("district"), user),
                received_at=data.get("received_at") or timezone.now(),
                lines=lines,
                by=user,
                notes=data["notes"],
            )
        return Response(s.DropOffOutput(dropoff).data, status=status.HTTP_201_CREATED)


class DropOffDetailView(generics.RetrieveAPIView):
    permission_classes = [allow_roles(*STAFF, Role.DONOR)]
    serializer_class = s.DropOffOutput

    def get_queryset(self) -> QuerySet[DropOff]:
        return selectors.dropoffs_visible_to(self.request.user).prefetch_related(
            "lines__category", "lines__methodology"
        )


class DropOffReceiveView(APIView):
    """Staff confirm an announced drop-off, with the weights actually received."""

    permission_classes = [allow_roles(*STAFF)]

    @extend_schema(request=s.ReceiveInput, responses={200: s.DropOffOutput})
    def post(self, request: Request, pk: int) -> Response:
        dropoff = generics.get_object_or_404(
            scope_to_district(DropOff.objects.all(), request.user), pk=pk
        )
        given = s.ReceiveInput(data=request.data)
        given.is_valid(raise_exception=True)
        lines = given.validated_data.get("lines")
        dropoff = dropoffs.receive_dropoff(
            dropoff=dropoff,
            received_at=given.validated_data.get("received_at") or timezone.now(),
            by=signed_in_user(request),
            lines=[dropoffs.LineInput(**line) for line in lines] if lines else None,
        )
        return Response(s.DropOffOutput(dropoff).data)


class DistributionListView(generics.ListAPIView):
    permission_classes = [allow_roles(*STAFF)]
    serializer_class = s.DistributionOutput
    filterset_fields = ["distributed_on"]

    def get_queryset(self) -> QuerySet[Distribution]:
        return scope_to_district(
            Distribution.objects.select_related("district").prefetch_related("lines__category"),
            self.request.user,
        )

    @extend_schema(request=s.DistributionInput, responses={201: s.DistributionOutput})
    def post(self, request: Request) -> Response:
        given = s.DistributionInput(data=request.data)
        given.is_valid(raise_exception=True)
        data, user = given.validated_data, signed_in_user(request)

        def record() -> Response:
            distribution = distributions.record_distribution(
                district=acting_district(data.pop("district", None), user),
                lines=[(line["category"], line["weight_kg"]) for line in data.pop("lines")],
                by=user,
                **data,
            )
            return Response(s.DistributionOutput(distribution).data, status=status.HTTP_201_CREATED)

        return respond_once(request, record)


class MethodologyListView(generics.ListAPIView):
    """Everyone signed in may see how figures are computed; only admins add versions."""

    permission_classes = [allow_roles(Role.ADMIN) | allow_roles(*Role.values, read_only=True)]
    serializer_class = s.MethodologyOutput
    queryset = Methodology.objects.select_related("created_by").prefetch_related(
        "factors__category"
    )

    @extend_schema(request=s.MethodologyInput, responses={201: s.MethodologyOutput})
    def post(self, request: Request) -> Response:
        given = s.MethodologyInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        factors = [
            methodologies.FactorInput(f["category"], f["meals_per_kg"], f["kgco2e_per_kg"])
            for f in data.pop("factors")
        ]
        methodology = methodologies.add_methodology_version(
            factors=factors, by=signed_in_user(request), **data
        )
        return Response(s.MethodologyOutput(methodology).data, status=status.HTTP_201_CREATED)
