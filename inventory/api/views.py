"""Thin API views of the stores: parse, call a service or selector, answer."""

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.filters import SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foodbank.accounts.models import Role
from foodbank.accounts.permissions import allow_roles, signed_in_user
from foodbank.accounts.scoping import acting_district, ensure_can_act_in, scope_to_district
from foodbank.idempotency.api import respond_once

from .. import selectors
from ..models import DistrictPrice, Item, MinimumLevel
from ..services import catalogue, stock
from . import serializers as s
from .filters import LotFilter, MovementFilter

#: Who may read a store (counter staff look up stock) and who may change it.
READERS = allow_roles(Role.ADMIN, Role.DISTRICT_STAFF, Role.COUNTER_STAFF)
KEEPERS = allow_roles(Role.ADMIN, Role.DISTRICT_STAFF)
READ_OR_KEEP = [KEEPERS | allow_roles(Role.COUNTER_STAFF, read_only=True)]


def created(body) -> Response:
    return Response(body, status=status.HTTP_201_CREATED)


class ItemListView(generics.ListAPIView):
    """The city-wide catalogue. Admins add items; district staff propose them for approval."""

    permission_classes = READ_OR_KEEP
    serializer_class = s.ItemOutput
    queryset = Item.objects.select_related("category")
    filter_backends = [DjangoFilterBackend, SearchFilter]
    filterset_fields = ["kind", "category__slug", "is_approved", "is_active", "barcode"]
    search_fields = ["name_th", "name_en", "barcode"]

    @extend_schema(request=s.ItemInput, responses={201: s.ItemOutput})
    def post(self, request: Request) -> Response:
        given = s.ItemInput(data=request.data)
        given.is_valid(raise_exception=True)
        item = catalogue.add_item(by=signed_in_user(request), **given.validated_data)
        return created(s.ItemOutput(item).data)


class ItemDetailView(generics.RetrieveAPIView):
    permission_classes = [
        allow_roles(Role.ADMIN)
        | allow_roles(Role.DISTRICT_STAFF, Role.COUNTER_STAFF, read_only=True)
    ]
    serializer_class = s.ItemOutput
    queryset = Item.objects.select_related("category")

    @extend_schema(request=s.ItemUpdate, responses=s.ItemOutput)
    def patch(self, request: Request, pk: int) -> Response:
        given = s.ItemUpdate(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        item = catalogue.update_item(
            item=self.get_object(), by=signed_in_user(request), **given.validated_data
        )
        return Response(s.ItemOutput(item).data)


class ItemApproveView(APIView):
    permission_classes = [allow_roles(Role.ADMIN)]

    @extend_schema(request=None, responses=s.ItemOutput)
    def post(self, request: Request, pk: int) -> Response:
        item = generics.get_object_or_404(Item, pk=pk)
        item = catalogue.approve_item(item=item, by=signed_in_user(request))
        return Response(s.ItemOutput(item).data)


class DistrictPriceListView(generics.ListAPIView):
    """A district's own points prices; the catalogue price applies elsewhere."""

    permission_classes = READ_OR_KEEP
    serializer_class = s.DistrictPriceOutput
    filterset_fields = ["item"]

    def get_queryset(self) -> QuerySet:
        prices = DistrictPrice.objects.select_related("district", "item")
        return scope_to_district(prices, self.request.user)

    @extend_schema(request=s.DistrictPriceInput, responses={201: s.DistrictPriceOutput})
    def post(self, request: Request) -> Response:
        given = s.DistrictPriceInput(data=request.data)
        given.is_valid(raise_exception=True)
        user, data = signed_in_user(request), given.validated_data
        price = catalogue.set_district_price(
            district=acting_district(data.get("district"), user),
            item=data["item"],
            points_price=data["points_price"],
            by=user,
        )
        return created(s.DistrictPriceOutput(price).data)


class MinimumLevelListView(generics.ListAPIView):
    """Below these quantities the store is flagged as running low."""

    permission_classes = READ_OR_KEEP
    serializer_class = s.MinimumLevelOutput
    filterset_fields = ["item"]

    def get_queryset(self) -> QuerySet:
        levels = MinimumLevel.objects.select_related("district", "item")
        return scope_to_district(levels, self.request.user)

    @extend_schema(request=s.MinimumLevelInput, responses={201: s.MinimumLevelOutput})
    def post(self, request: Request) -> Response:
        given = s.MinimumLevelInput(data=request.data)
        given.is_valid(raise_exception=True)
        user, data = signed_in_user(request), given.validated_data
        level = catalogue.set_minimum_level(
            district=acting_district(data.get("district"), user),
            item=data["item"],
            quantity=data["quantity"],
            by=user,
        )
        return created(s.MinimumLevelOutput(level).data)


class StockView(generics.ListAPIView):
    """On hand, reserved and available by item in one store (``?district=CODE`` for admins)."""

    permission_classes = [READERS]
    serializer_class = s.StockRowOutput
    filter_backends: list = []

    def get_queryset(self) -> QuerySet:
        user = signed_in_user(self.request)
        given = s.StockQuery(data=self.request.query_params)
        given.is_valid(raise_exception=True)
        district = acting_district(given.validated_data.get("district"), user)
        ensure_can_act_in(user, district)
        return selectors.store_stock(district)


class LotListView(generics.ListAPIView):
    """Lots of the stores in the user's scope; staff receive purchased goods as new lots."""

    permission_classes = READ_OR_KEEP
    serializer_class = s.LotOutput
    filterset_class = LotFilter

    def get_queryset(self) -> QuerySet:
        return selectors.lots_visible_to(self.request.user)

    @extend_schema(request=s.LotInput, responses={201: s.LotOutput})
    def post(self, request: Request) -> Response:
        given = s.LotInput(data=request.data)
        given.is_valid(raise_exception=True)
        user, data = signed_in_user(request), given.validated_data

        def receive() -> Response:
            lot = stock.receive_lot(
                district=acting_district(data.pop("district", None), user), by=user, **data
            )
            return created(s.LotOutput(lot).data)

        return respond_once(request, receive)


class LotDetailView(generics.RetrieveAPIView):
    permission_classes = [READERS]
    serializer_class = s.LotOutput

    def get_queryset(self) -> QuerySet:
        return selectors.lots_visible_to(self.request.user)


class LotIssueView(LotDetailView):
    """Hand out stock from one named lot (never an expired one)."""

    permission_classes = [KEEPERS]

    @extend_schema(request=s.QuantityInput, responses={201: s.MovementOutput})
    def post(self, request: Request, pk: int) -> Response:
        lot, user = self.get_object(), signed_in_user(request)
        given = s.QuantityInput(data=request.data)
        given.is_valid(raise_exception=True)
        return respond_once(
            request,
            lambda: created(
                s.MovementOutput(
                    stock.issue_from_lot(lot=lot, by=user, **given.validated_data)
                ).data
            ),
        )


class LotWriteOffView(LotDetailView):
    """Spoiled or damaged goods leave the store, with the reason."""

    permission_classes = [KEEPERS]

    @extend_schema(request=s.WriteOffInput, responses={201: s.MovementOutput})
    def post(self, request: Request, pk: int) -> Response:
        lot, user = self.get_object(), signed_in_user(request)
        given = s.WriteOffInput(data=request.data)
        given.is_valid(raise_exception=True)
        return respond_once(
            request,
            lambda: created(
                s.MovementOutput(stock.write_off(lot=lot, by=user, **given.validated_data)).data
            ),
        )


class IssueView(APIView):
    """Hand out an item from a store, earliest expiry first."""

    permission_classes = [KEEPERS]

    @extend_schema(request=s.IssueInput, responses={201: s.MovementOutput(many=True)})
    def post(self, request: Request) -> Response:
        given = s.IssueInput(data=request.data)
        given.is_valid(raise_exception=True)
        user, data = signed_in_user(request), given.validated_data

        def issue() -> Response:
            taken = stock.issue_fefo(
                district=acting_district(data.pop("district", None), user), by=user, **data
            )
            return created(s.MovementOutput([a.movement for a in taken], many=True).data)

        return respond_once(request, issue)


class MovementListView(generics.ListAPIView):
    """The ledger of the stores in the user's scope, newest first."""

    permission_classes = [KEEPERS]
    serializer_class = s.MovementOutput
    filterset_class = MovementFilter

    def get_queryset(self) -> QuerySet:
        return selectors.movements_visible_to(self.request.user)


class AlertListView(generics.ListAPIView):
    """Open near-expiry and low-stock alerts of the stores in the user's scope."""

    permission_classes = [READERS]
    serializer_class = s.AlertOutput
    filterset_fields = ["kind", "item"]

    def get_queryset(self) -> QuerySet:
        return selectors.open_alerts(self.request.user)
