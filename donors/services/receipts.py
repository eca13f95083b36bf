"""E-mailing receipts and yearly statements to donors, in the donor's language.

Asking to send writes a ``ReceiptEmail`` record (who asked, to which address) and queues the
``send_receipt_email`` task after the commit; the task renders and sends it, and marks the
record sent. A task delivered twice sends once: the record is locked and its status checked.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from foodbank.accounts.models import Role, User
from foodbank.accounts.scoping import OutsideDistrict, ensure_can_act_in
from worker.enqueue import enqueue_after_commit

from .. import selectors_receipts as reads
from ..errors import NoEmailAddress, NotYourDonor, ReceiptNotReady
from ..models import Donor, DropOff, DropOffStatus, EmailStatus, ReceiptEmail, ReceiptKind

logger = logging.getLogger(__name__)

SEND_RECEIPT_EMAIL = "worker.tasks.send_receipt_email"
#: Drop-offs processed this long ago or less still get their automatic receipt from the sweep.
AUTOMATIC_WINDOW = timedelta(days=3)
#: A record still queued after this long lost its task; the sweep queues it again.
LOST_AFTER = timedelta(minutes=15)


def _ensure_may_send(by: User, donor: Donor) -> None:
    if by.role == Role.DONOR and donor.account_id != by.pk:
        raise NotYourDonor(_("Donors may send only their own receipts."))
    if by.role not in (Role.ADMIN, Role.DISTRICT_STAFF, Role.DONOR):
        raise OutsideDistrict()


def _queue(
    *,
    kind: str,
    donor: Donor,
    by: User | None,
    dropoff: DropOff | None = None,
    year: int | None = None,
) -> ReceiptEmail:
    if not donor.email:
        raise NoEmailAddress()
    record = ReceiptEmail(
        kind=kind,
        donor=donor,
        dropoff=dropoff,
        year=year,
        to_address=donor.email,
        language=donor.language,
        automatic=by is None,
        requested_by=by,
    )
    record.full_clean()
    record.save()
    enqueue_after_commit(SEND_RECEIPT_EMAIL, record.pk)
    return record


@transaction.atomic
def email_receipt(*, dropoff: DropOff, by: User) -> ReceiptEmail:
    """Send a drop-off's receipt to its donor: by staff of its district, or by the donor."""
    dropoff = DropOff.objects.select_related("donor", "district").get(pk=dropoff.pk)
    _ensure_may_send(by, dropoff.donor)
    if by.role == Role.DISTRICT_STAFF:
        ensure_can_act_in(by, dropoff.district)
    if dropoff.status != DropOffStatus.PROCESSED:
        raise ReceiptNotReady()
    return _queue(kind=ReceiptKind.RECEIPT, donor=dropoff.donor, dropoff=dropoff, by=by)


@transaction.atomic
def email_statement(*, donor: Donor, year: int, by: User) -> ReceiptEmail:
    """Send a donor's statement of ``year``: by admins, staff where the donor gave, the donor."""
    _ensure_may_send(by, donor)
    if by.role == Role.DISTRICT_STAFF and not reads.donors_served_by(by).filter(pk=donor.pk):
        raise OutsideDistrict()
    if year > timezone.localdate().year:
        raise ValidationError({"year": [_("The year cannot be in the future.")]})
    return _queue(kind=ReceiptKind.STATEMENT, donor=donor, year=year, by=by)


def queue_automatic_receipts(*, dropoff_ids: Iterable[int]) -> int:
    """Queue the receipt of each processed drop-off whose donor opted in, once per drop-off.

    Imported history is left out (nobody wants years of receipts at once). Returns how many
    were queued; a second call for the same drop-offs queues none.
    """
    due = (
        DropOff.objects.filter(
            pk__in=list(dropoff_ids),
            status=DropOffStatus.PROCESSED,
            imported_from__isnull=True,
            donor__email_receipts=True,
        )
        .exclude(donor__email="")
        .exclude(receipt_emails__automatic=True)
        .select_related("donor")
    )
    queued = 0
    for dropoff in due:
        try:
            with transaction.atomic():
                _queue(kind=ReceiptKind.RECEIPT, donor=dropoff.donor, dropoff=dropoff, by=None)
        except IntegrityError:
            continue  # another task queued it first: one automatic receipt per drop-off
        queued += 1
    return queued


def sweep_receipt_emails(*, limit: int = 1000) -> int:
    """Queue what a lost task never did: recent automatic receipts and records left queued."""
    now = timezone.now()
    recent = DropOff.objects.filter(processed_at__gte=now - AUTOMATIC_WINDOW).values_list(
        "pk", flat=True
    )
    queued = queue_automatic_receipts(dropoff_ids=recent[:limit])
    stale = ReceiptEmail.objects.filter(
        status=EmailStatus.QUEUED,
        created_at__lt=now - LOST_AFTER,
        created_at__gte=now - AUTOMATIC_WINDOW,
    ).values_list("pk", flat=True)[:limit]
    for pk in stale:
        enqueue_after_commit(SEND_RECEIPT_EMAIL, pk)
    return queued + len(stale)


def render_email(record: ReceiptEmail) -> EmailMultiAlternatives:
    """The e-mail of a record, in the record's language: a plain-text body and an HTML part."""
    donor = record.donor
    context: dict = {"donor": donor, "record": record}
    if record.kind == ReceiptKind.RECEIPT:
        assert record.dropoff_id is not None  # noqa: S101 (the database's check says so)
        dropoff = (
            DropOff.objects.select_related("district", "received_by")
            .prefetch_related("lines__category", "lines__methodology")
            .get(pk=record.dropoff_id)
        )
        context |= {"dropoff": dropoff, "totals": reads.receipt_totals(dropoff)}
        template = "donors/email/receipt"
    else:
        assert record.year is not None  # noqa: S101
        context |= {
            "year": record.year,
            "months": reads.statement_months(donor, record.year),
            "totals": reads.statement_totals(donor, record.year),
        }
        template = "donors/email/statement"
    with translation.override(record.language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[record.to_address],
    )
    message.attach_alternative(html, "text/html")
    return message


@transaction.atomic
def send_receipt_email(*, receipt_email_id: int) -> ReceiptEmail:
    """Send a queued record's e-mail and mark it sent; a sent or failed record is left alone.

    Connection problems raise, so the task is retried; an address the server refuses is
    recorded as not sent, with the server's answer.
    """
    record = (
        ReceiptEmail.objects.select_for_update().select_related("donor").get(pk=receipt_email_id)
    )
    if record.status != EmailStatus.QUEUED:
        return record
    try:
        render_email(record).send()
    except smtplib.SMTPRecipientsRefused as refused:
        record.status = EmailStatus.FAILED
        record.problem = _server_answers(refused)[:1000]
        logger.warning("Receipt e-mail %s refused: %s", record.pk, record.problem)
    else:
        record.status = EmailStatus.SENT
        record.sent_at = timezone.now()
    record.save(update_fields=["status", "sent_at", "problem", "updated_at"])
    return record


def _server_answers(refused: smtplib.SMTPRecipientsRefused) -> str:
    """The mail server's codes and replies, without the addresses (kept on the record)."""
    answers = []
    for code, reply in refused.recipients.values():
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        answers.append(f"{code} {text}")
    return "; ".join(answers)
