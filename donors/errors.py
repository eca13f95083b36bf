"""Broken rules of surplus rescue, answered by the API's one exception handler."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from foodbank.errors import ApplicationError, Conflict


class AlreadyReceived(Conflict):
    code = "dropoff_already_received"
    default_message = _("This drop-off has already been received.")


class NoMethodologyInForce(ApplicationError):
    code = "no_methodology_in_force"
    default_message = _("No impact methodology is in force on this date.")


class NotYourDonor(ApplicationError):
    code = "not_your_donor"
    status_code = status.HTTP_403_FORBIDDEN
    default_message = _("Donors may announce drop-offs only for themselves.")


class DuplicateImport(Conflict):
    code = "duplicate_import"
    default_message = _("This file has already been imported.")


class NoEmailAddress(ApplicationError):
    """Refused before anything is queued: a receipt needs an address to go to."""

    code = "donor_has_no_email"
    default_message = _("The donor has no e-mail address; add one to the donor first.")

    def __init__(self) -> None:
        super().__init__(fields={"email": [str(self.default_message)]})


class ReceiptNotReady(Conflict):
    code = "receipt_not_ready"
    default_message = _("The receipt is ready once the drop-off's meals and kgCO2e are computed.")

    def __init__(self) -> None:
        super().__init__(fields={"status": [str(self.default_message)]})
