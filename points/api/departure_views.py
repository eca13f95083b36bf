"""A household leaving the programme, coming back, and its personal data's erasure."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foodbank.accounts.permissions import allow_roles, signed_in_user

from .. import selectors
from ..models import Household
from ..services import departures
from . import serializers as s


class _HouseholdAction(APIView):
    permission_classes = [allow_roles(*departures.KEEPERS)]

    def household(self, request: Request, pk: int) -> Household:
        visible: QuerySet[Household] = selectors.households_visible_to(request.user)
        return generics.get_object_or_404(visible, pk=pk)

    def answer(self, household: Household) -> Response:
        household.refresh_from_db()
        return Response(s.HouseholdOutput(household).data)


class LeaveView(_HouseholdAction):
    """The household leaves: its open vouchers are cancelled and given back, its pending
    grants withdrawn, its card and login stopped. ``erasure_requested`` erases its personal
    data at once; otherwise that happens after the retention period."""

    @extend_schema(request=s.DepartureInput, responses=s.HouseholdOutput)
    def post(self, request: Request, pk: int) -> Response:
        household = self.household(request, pk)
        given = s.DepartureInput(data=request.data)
        given.is_valid(raise_exception=True)
        departures.record_departure(
            household=household,
            by=signed_in_user(request),
            reason=given.validated_data["leaving_reason"],
            left_on=given.validated_data.get("left_on"),
        )
        return self.answer(household)


class ReturnView(_HouseholdAction):
    """A household that left comes back, unless its personal data has been erased."""

    @extend_schema(request=None, responses=s.HouseholdOutput)
    def post(self, request: Request, pk: int) -> Response:
        household = self.household(request, pk)
        departures.record_return(household=household, by=signed_in_user(request))
        return self.answer(household)


class EraseView(_HouseholdAction):
    """Erase now the personal data of a household that has left. It cannot be undone."""

    @extend_schema(request=None, responses=s.HouseholdOutput)
    def post(self, request: Request, pk: int) -> Response:
        household = self.household(request, pk)
        departures.erase_household(household=household, by=signed_in_user(request))
        return self.answer(household)
