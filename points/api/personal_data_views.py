"""The report of what is held on a household (PDPA right of access), for staff and for the
household's own recipient login. Thin: scope, log the staff reading, build, serialise."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foodbank.accounts.models import Role
from foodbank.accounts.permissions import allow_roles, signed_in_user

from .. import selectors
from ..personal_data import personal_data_held
from ..services import households
from .personal_data_serializers import PersonalDataOutput
from .views import KEEPERS


class HouseholdDataView(APIView):
    """Everything held about a household of the reader's scope, to hand to the household.
    Each reading is written to the household's access log (``via="report"``)."""

    permission_classes = KEEPERS

    @extend_schema(responses=PersonalDataOutput)
    def get(self, request: Request, pk: int) -> Response:
        household = generics.get_object_or_404(selectors.households_visible_to(request.user), pk=pk)
        households.record_access(
            household=household,
            user=signed_in_user(request),
            via="report",
            address=request.META.get("REMOTE_ADDR"),
        )
        return Response(PersonalDataOutput(personal_data_held(household)).data)


class MyDataView(APIView):
    """Everything held about the signed-in recipient's own household. Not written to the
    access log, which accounts for others reading the record (see
    ``points.personal_data_pages.my_data``)."""

    permission_classes = [allow_roles(Role.RECIPIENT)]

    @extend_schema(responses=PersonalDataOutput)
    def get(self, request: Request) -> Response:
        household = selectors.own_household(request.user)
        if household is None:
            raise NotFound()
        return Response(PersonalDataOutput(personal_data_held(household)).data)
