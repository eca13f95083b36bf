"""Broken rules of the district stores, answered by the API's one exception handler."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from foodbank.errors import ApplicationError, Conflict


class NotEnoughStock(Conflict):
    code = "not_enough_stock"
    default_message = _("Not enough stock available.")


class LotExpired(Conflict):
    code = "lot_expired"
    default_message = _("This lot has expired and cannot be issued; write it off instead.")


class ItemNotStockable(ApplicationError):
    code = "item_not_stockable"
    default_message = _("This item is not approved for the store yet.")


class AlreadySorted(Conflict):
    code = "line_already_sorted"
    default_message = _("This donated line is already in the store.")


class TransferAlreadyReceived(Conflict):
    code = "transfer_already_received"
    default_message = _("This transfer has already been received.")


class StockTakeAlreadyOpen(Conflict):
    code = "stock_take_already_open"
    default_message = _("A stock-take of this store is already open.")


class StockTakeClosed(Conflict):
    code = "stock_take_closed"
    default_message = _("This stock-take is closed.")


class AdminOnly(ApplicationError):
    code = "admin_only"
    status_code = status.HTTP_403_FORBIDDEN
    default_message = _("Only administrators may do this.")
