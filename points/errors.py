"""Broken rules of households and points, answered by the API's one exception handler."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from foodbank.errors import ApplicationError, Conflict


class AlreadyRegistered(Conflict):
    code = "household_already_registered"
    default_message = _("This national ID is already registered.")


class InsufficientPoints(Conflict):
    code = "insufficient_points"
    default_message = _("Not enough points.")


class GrantAlreadyDecided(Conflict):
    code = "grant_already_decided"
    default_message = _("This grant has already been decided.")


class SecondApproverNeeded(ApplicationError):
    code = "second_approver_needed"
    status_code = status.HTTP_403_FORBIDDEN
    default_message = _("Another staff member must approve this grant.")


class AlreadyRefunded(Conflict):
    code = "already_refunded"
    default_message = _("This voucher debit has already been refunded.")


class PolicyOutsideLimits(ApplicationError):
    code = "policy_outside_limits"
    default_message = _("Outside the limits the city has set.")


class AdminOnly(ApplicationError):
    code = "admin_only"
    status_code = status.HTTP_403_FORBIDDEN
    default_message = _("Only administrators may do this.")


class HasLogin(Conflict):
    code = "household_has_login"
    default_message = _("This household already has a recipient login.")


class NoLogin(Conflict):
    code = "household_has_no_login"
    default_message = _("This household has no recipient login.")


class AlreadyRedeemed(Conflict):
    code = "already_redeemed"
    default_message = _("This voucher has already been collected.")


class VoucherClosed(Conflict):
    code = "voucher_closed"
    default_message = _("This voucher was cancelled or has expired.")


class WrongDistrict(ApplicationError):
    code = "wrong_district"
    status_code = status.HTTP_403_FORBIDDEN
    default_message = _("This code belongs to another district's office.")


class LimitReached(Conflict):
    code = "limit_reached"
    default_message = _("A household limit would be passed.")


class CardRevoked(Conflict):
    code = "card_revoked"
    default_message = _("This household card was replaced and no longer works.")


class NotYourHousehold(ApplicationError):
    code = "not_your_household"
    status_code = status.HTTP_403_FORBIDDEN
    default_message = _("You may only act for your own household.")


class HouseholdLeft(Conflict):
    code = "household_left"
    default_message = _("This household has left the programme.")


class HouseholdStillIn(Conflict):
    code = "household_still_in"
    default_message = _("This household has not left the programme.")


class HouseholdErased(Conflict):
    code = "household_erased"
    default_message = _("This household's personal data has been erased.")
