"""Thin API views of vouchers: choose and issue, QR codes, redeem at the counter, cancel."""

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foodbank.accounts.models import Role
from foodbank.accounts.permissions import allow_roles, signed_in_user
from foodbank.accounts.scoping import acting_district, ensure_can_act_in, scope_to_district
from foodbank.districts.models import District
from foodbank.idempotency.api import respond_once
from foodbank.ratelimit import RateThrottle

from .. import qr, selectors
from ..models import HouseholdLimit, SigningKey
from ..services import cards, limits, vouchers
from . import voucher_serializers as s
from .filters import VoucherFilter

CHOOSERS = [allow_roles(Role.ADMIN, Role.DISTRICT_STAFF, Role.COUNTER_STAFF, Role.RECIPIENT)]
COUNTERS = [allow_roles(Role.DISTRICT_STAFF, Role.COUNTER_STAFF)]


def _choices(lines: list[dict]) -> list[vouchers.Choice]:
    return [vouchers.Choice(line["item"], line["quantity"]) for line in lines]


class VoucherListView(generics.ListAPIView):
    """Vouchers in the user's scope; staff issue for a household, recipients for their own."""

    permission_classes = CHOOSERS
    serializer_class = s.VoucherOutput
    filterset_class = VoucherFilter

    def get_queryset(self) -> QuerySet:
        return selectors.vouchers_visible_to(self.request.user)

    @extend_schema(request=s.VoucherInput, responses={201: s.VoucherOutput})
    def post(self, request: Request) -> Response:
        given = s.VoucherInput(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        user = signed_in_user(request)
        if user.role == Role.RECIPIENT:
            household = selectors.own_household(user)
            if household is None:
                raise NotFound()
        elif "household" in given.validated_data:
            household = given.validated_data["household"]
        else:
            raise ValidationError({"household": [_("This field is required.")]})

        def issue() -> Response:
            voucher = vouchers.issue_voucher(
                household=household, choices=_choices(given.validated_data["lines"]), by=user
            )
            return Response(s.VoucherOutput(voucher).data, status=status.HTTP_201_CREATED)

        return respond_once(request, issue)


class VoucherDetailView(generics.RetrieveAPIView):
    permission_classes = CHOOSERS
    serializer_class = s.VoucherOutput

    def get_queryset(self) -> QuerySet:
        return selectors.vouchers_visible_to(self.request.user)


class VoucherQrView(generics.GenericAPIView):
    """The voucher's QR code: ``svg`` for screens, ``png`` for print."""

    permission_classes = CHOOSERS

    def get_queryset(self) -> QuerySet:
        return selectors.vouchers_visible_to(self.request.user)

    @extend_schema(responses={(200, "image/svg+xml"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request: Request, pk: int, kind: str = "svg") -> HttpResponse:
        voucher = self.get_object()
        if voucher.status != "issued":
            raise NotFound()
        token = vouchers.voucher_token(voucher)
        if kind == "png":
            return HttpResponse(qr.png(token), content_type="image/png")
        return HttpResponse(qr.svg(token), content_type="image/svg+xml")


class VoucherCancelView(VoucherDetailView):
    @extend_schema(request=None, responses=s.VoucherOutput)
    def post(self, request: Request, pk: int) -> Response:
        voucher = vouchers.cancel_voucher(voucher=self.get_object(), by=signed_in_user(request))
        return Response(s.VoucherOutput(voucher).data)


class RedeemView(APIView):
    """Hand over a voucher's goods: exactly once, only at its own district's counters."""

    permission_classes = COUNTERS
    throttle_classes, throttle_scope = [RateThrottle], "redeem"

    @extend_schema(request=s.ScannedCodeInput, responses=s.VoucherOutput)
    def post(self, request: Request) -> Response:
        given = s.ScannedCodeInput(data=request.data)
        given.is_valid(raise_exception=True)

        def redeem() -> Response:
            voucher = vouchers.redeem_voucher(by=signed_in_user(request), **given.validated_data)
            return Response(s.VoucherOutput(voucher).data)

        return respond_once(request, redeem)


class LookupView(APIView):
    """What a scanned voucher holds, for the counter to check before handing over."""

    permission_classes = COUNTERS

    @extend_schema(request=s.ScannedCodeInput, responses=s.VoucherOutput)
    def post(self, request: Request) -> Response:
        given = s.ScannedCodeInput(data=request.data)
        given.is_valid(raise_exception=True)
        voucher = vouchers.preview(token=given.validated_data["token"], by=signed_in_user(request))
        return Response(s.VoucherOutput(voucher).data)


class CheckoutView(APIView):
    """A walk-in: the household's card, the items picked, issued and handed over at once."""

    permission_classes = COUNTERS

    @extend_schema(request=s.CheckoutInput, responses={201: s.VoucherOutput})
    def post(self, request: Request) -> Response:
        given = s.CheckoutInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data

        def check_out() -> Response:
            voucher = vouchers.checkout(
                card=data["card"],
                choices=_choices(data["lines"]),
                counter=data["counter"],
                by=signed_in_user(request),
            )
            return Response(s.VoucherOutput(voucher).data, status=status.HTTP_201_CREATED)

        return respond_once(request, check_out)


class KeysView(generics.ListAPIView):
    """The public keys that verify voucher and card codes (anyone may read them)."""

    permission_classes = [AllowAny]
    serializer_class = s.KeyOutput
    queryset = SigningKey.objects.all()
    pagination_class = None

    @extend_schema(auth=[])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ShelfView(APIView):
    """The items a household may choose in a district's store, with points prices."""

    permission_classes = CHOOSERS

    @extend_schema(responses=s.ShelfRowOutput(many=True))
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        code = request.query_params.get("district")
        named = District.objects.filter(code=code).first() if code else None
        if user.role == Role.RECIPIENT:
            district = user.district
        else:
            district = acting_district(named, user)
            ensure_can_act_in(user, district)
        if district is None:
            raise NotFound()
        rows = [
            {"item": item, "points_price": price, "available": available}
            for item, price, available in selectors.shelf_for(district)
        ]
        return Response(s.ShelfRowOutput(rows, many=True).data)


class CardView(APIView):
    """Print a new household card; the previous one stops working at once."""

    permission_classes = [allow_roles(Role.ADMIN, Role.DISTRICT_STAFF)]

    @extend_schema(request=None, responses={201: s.CardOutput})
    def post(self, request: Request, pk: int) -> Response:
        household = generics.get_object_or_404(selectors.households_visible_to(request.user), pk=pk)
        card = cards.issue_card(household=household, by=signed_in_user(request))
        body = {"pk": card.pk, "issued_at": card.issued_at, "token": cards.card_token(card)}
        return Response(s.CardOutput(body).data, status=status.HTTP_201_CREATED)


class LimitListView(generics.ListAPIView):
    """Per-household limits of the district (two bags of rice a month); staff set them."""

    permission_classes = [allow_roles(Role.ADMIN, Role.DISTRICT_STAFF)]
    serializer_class = s.LimitOutput

    def get_queryset(self) -> QuerySet:
        limits = HouseholdLimit.objects.select_related("district", "item", "category")
        return scope_to_district(limits, self.request.user)

    @extend_schema(request=s.LimitInput, responses={201: s.LimitOutput})
    def post(self, request: Request) -> Response:
        given = s.LimitInput(data=request.data)
        given.is_valid(raise_exception=True)
        user = signed_in_user(request)
        district = acting_district(
            District.objects.filter(code=request.query_params.get("district", "")).first(), user
        )
        limit = limits.set_limit(district=district, by=user, **given.validated_data)
        return Response(s.LimitOutput(limit).data, status=status.HTTP_201_CREATED)
