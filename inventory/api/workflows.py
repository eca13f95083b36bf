"""API views of the store's workflows: sorting donations, transfers, stock-takes, exports."""

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from foodbank.accounts.permissions import signed_in_user
from foodbank.accounts.scoping import acting_district
from foodbank.idempotency.api import respond_once

from .. import selectors
from ..exports import movement_rows
from ..services import counts, stock, transfers
from . import serializers as s
from .filters import MovementFilter
from .views import KEEPERS, created


class LineToSortListView(generics.ListAPIView):
    """Donated lines meant for the store that still need a catalogue item."""

    permission_classes = [KEEPERS]
    serializer_class = s.LineToSortOutput

    def get_queryset(self) -> QuerySet:
        return selectors.lines_to_sort(self.request.user)


class SortLineView(generics.GenericAPIView):
    """Put a donated line on the shelf as the catalogue item chosen."""

    permission_classes = [KEEPERS]
    serializer_class = s.SortInput  # what OPTIONS describes

    def get_queryset(self) -> QuerySet:
        return selectors.lines_to_sort(self.request.user)

    @extend_schema(request=s.SortInput, responses={201: s.LotOutput})
    def post(self, request: Request, pk: int) -> Response:
        line = generics.get_object_or_404(self.get_queryset(), pk=pk)
        given = s.SortInput(data=request.data)
        given.is_valid(raise_exception=True)
        lot = stock.sort_donated_line(line=line, by=signed_in_user(request), **given.validated_data)
        return created(s.LotOutput(lot).data)


class TransferListView(generics.ListAPIView):
    """Transfers a store sent or is to receive; sending takes the stock out at once."""

    permission_classes = [KEEPERS]
    serializer_class = s.TransferOutput
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet:
        return selectors.transfers_visible_to(self.request.user)

    @extend_schema(request=s.TransferInput, responses={201: s.TransferOutput})
    def post(self, request: Request) -> Response:
        given = s.TransferInput(data=request.data)
        given.is_valid(raise_exception=True)
        user, data = signed_in_user(request), given.validated_data

        def send() -> Response:
            transfer = transfers.send_transfer(
                from_district=acting_district(data.get("from_district"), user),
                to_district=data["to_district"],
                lines=[(line["item"], line["quantity"]) for line in data["lines"]],
                notes=data["notes"],
                by=user,
            )
            return created(s.TransferOutput(transfer).data)

        return respond_once(request, send)


class TransferDetailView(generics.RetrieveAPIView):
    permission_classes = [KEEPERS]
    serializer_class = s.TransferOutput

    def get_queryset(self) -> QuerySet:
        return selectors.transfers_visible_to(self.request.user)


class TransferReceiveView(TransferDetailView):
    """The receiving store confirms what arrived; lines left out arrived in full."""

    @extend_schema(request=s.TransferReceiveInput, responses=s.TransferOutput)
    def post(self, request: Request, pk: int) -> Response:
        transfer = self.get_object()
        given = s.TransferReceiveInput(data=request.data)
        given.is_valid(raise_exception=True)
        received = {
            line["id"]: line["received_quantity"] for line in given.validated_data.get("lines", [])
        }
        transfer = transfers.receive_transfer(
            transfer=transfer, by=signed_in_user(request), received=received
        )
        return Response(s.TransferOutput(self.get_queryset().get(pk=transfer.pk)).data)


class StockTakeListView(generics.ListAPIView):
    permission_classes = [KEEPERS]
    serializer_class = s.StockTakeOutput
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet:
        return selectors.stock_takes_visible_to(self.request.user)

    @extend_schema(request=s.StockTakeInput, responses={201: s.StockTakeOutput})
    def post(self, request: Request) -> Response:
        given = s.StockTakeInput(data=request.data)
        given.is_valid(raise_exception=True)
        user, data = signed_in_user(request), given.validated_data
        count = counts.start_stock_take(
            district=acting_district(data.get("district"), user), notes=data["notes"], by=user
        )
        return created(s.StockTakeOutput(count).data)


class StockTakeDetailView(generics.RetrieveAPIView):
    permission_classes = [KEEPERS]
    serializer_class = s.StockTakeOutput

    def get_queryset(self) -> QuerySet:
        return selectors.stock_takes_visible_to(self.request.user)


class CountLineView(StockTakeDetailView):
    """Enter a counted quantity for a lot, named or found by its item's barcode."""

    @extend_schema(request=s.CountLineInput, responses={201: s.CountLineOutput})
    def post(self, request: Request, pk: int) -> Response:
        count = self.get_object()
        given = s.CountLineInput(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        lot = data.get("lot") or counts.lot_for_barcode(count, data["barcode"])
        line = counts.count_lot(
            stock_take=count, lot=lot, quantity=data["quantity"], by=signed_in_user(request)
        )
        return created(s.CountLineOutput(line).data)


class StockTakeCloseView(StockTakeDetailView):
    """Close the count: every counted difference becomes an adjustment."""

    @extend_schema(request=None, responses=s.StockTakeOutput)
    def post(self, request: Request, pk: int) -> Response:
        count = counts.close_stock_take(stock_take=self.get_object(), by=signed_in_user(request))
        return Response(s.StockTakeOutput(self.get_queryset().get(pk=count.pk)).data)


class MovementExportView(generics.GenericAPIView):
    """The ledger as CSV, with the same filters as the movement list."""

    permission_classes = [KEEPERS]
    filterset_class = MovementFilter

    def get_queryset(self) -> QuerySet:
        return selectors.movements_visible_to(self.request.user)

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request: Request) -> StreamingHttpResponse:
        movements = self.filter_queryset(self.get_queryset()).order_by("created_at", "pk")
        response = StreamingHttpResponse(movement_rows(movements), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="movements.csv"'
        return response
