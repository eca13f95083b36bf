"""E-mailing receipts and statements to donors, and the record of what was sent.

``POST`` queues the e-mail (202) and answers with its record; ``GET`` lists the records.
Staff act within their district, donors for themselves; rows out of scope answer 404.
"""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from donors import selectors
from donors import selectors_receipts as reads
from donors.models import Donor, DropOff, ReceiptEmail, ReceiptKind
from donors.services import receipts
from foodbank.accounts.models import Role
from foodbank.accounts.permissions import allow_roles, signed_in_user
from foodbank.idempotency.api import respond_once

from . import serializers as s

SENDERS = (Role.ADMIN, Role.DISTRICT_STAFF, Role.DONOR)


class DropOffReceiptEmailView(generics.ListAPIView):
    """E-mail a drop-off's receipt to its donor, in the donor's language."""

    permission_classes = [allow_roles(*SENDERS)]
    serializer_class = s.ReceiptEmailOutput
    queryset = ReceiptEmail.objects.none()  # for the schema; get_queryset() scopes

    def _dropoff(self) -> DropOff:
        visible = selectors.dropoffs_visible_to(self.request.user)
        return generics.get_object_or_404(visible, pk=self.kwargs["pk"])

    def get_queryset(self) -> QuerySet[ReceiptEmail]:
        return reads.receipt_emails_visible_to(self.request.user).filter(dropoff=self._dropoff())

    @extend_schema(request=None, responses={202: s.ReceiptEmailOutput})
    def post(self, request: Request, pk: int) -> Response:
        dropoff = self._dropoff()

        def send() -> Response:
            record = receipts.email_receipt(dropoff=dropoff, by=signed_in_user(request))
            body = s.ReceiptEmailOutput(record, context={"request": request}).data
            return Response(body, status=status.HTTP_202_ACCEPTED)

        return respond_once(request, send)


class StatementEmailView(generics.ListAPIView):
    """E-mail a donor's yearly statement: admins, staff where the donor gave, the donor."""

    permission_classes = [allow_roles(*SENDERS)]
    serializer_class = s.ReceiptEmailOutput
    queryset = ReceiptEmail.objects.none()  # for the schema; get_queryset() scopes

    def _donor(self) -> Donor:
        year = self.kwargs["year"]
        if not 2000 <= year <= timezone.localdate().year:
            raise ValidationError({"year": [_("Give a year from 2000 to this year.")]})
        return generics.get_object_or_404(
            reads.donors_served_by(self.request.user), pk=self.kwargs["pk"]
        )

    def get_queryset(self) -> QuerySet[ReceiptEmail]:
        return reads.receipt_emails_visible_to(self.request.user).filter(
            donor=self._donor(), kind=ReceiptKind.STATEMENT, year=self.kwargs["year"]
        )

    @extend_schema(request=None, responses={202: s.ReceiptEmailOutput})
    def post(self, request: Request, pk: int, year: int) -> Response:
        donor = self._donor()

        def send() -> Response:
            record = receipts.email_statement(donor=donor, year=year, by=signed_in_user(request))
            body = s.ReceiptEmailOutput(record, context={"request": request}).data
            return Response(body, status=status.HTTP_202_ACCEPTED)

        return respond_once(request, send)
