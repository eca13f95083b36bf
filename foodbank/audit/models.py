"""The audit trail: who changed what, when and from where."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """What was done, in the food bank's words."""

    POINTS_ENTRY = "points_entry", _("Points entry written")
    GRANT_REQUESTED = "grant_requested", _("Grant awaiting approval")
    GRANT_APPROVED = "grant_approved", _("Grant approved")
    GRANT_REJECTED = "grant_rejected", _("Grant rejected")
    STOCK_MOVEMENT = "stock_movement", _("Stock movement")
    VOUCHER_ISSUED = "voucher_issued", _("Voucher issued")
    VOUCHER_CANCELLED = "voucher_cancelled", _("Voucher cancelled")
    VOUCHER_EXPIRED = "voucher_expired", _("Voucher expired")
    VOUCHER_REDEEMED = "voucher_redeemed", _("Voucher handed over")
    HOUSEHOLD_REGISTERED = "household_registered", _("Household registered")
    HOUSEHOLD_CHANGED = "household_changed", _("Household details changed")
    ASSESSMENT_RECORDED = "assessment_recorded", _("Assessment recorded")
    HOUSEHOLD_LEFT = "household_left", _("Household left the programme")
    HOUSEHOLD_RETURNED = "household_returned", _("Household came back to the programme")
    HOUSEHOLD_ERASED = "household_erased", _("Household's personal data erased")
    RECIPIENT_LOGIN = "recipient_login", _("Recipient login created")
    RECIPIENT_PASSWORD_RESET = "recipient_password_reset", _("Recipient password reset")
    PASSWORD_CHANGED = "password_changed", _("Own password changed")
    HOUSEHOLD_CARD = "household_card", _("Household card issued")
    METHODOLOGY_ADDED = "methodology_added", _("Methodology version added")
    VOUCHER_LIMIT = "voucher_limit", _("Household limit set")
    DISTRICT_POLICY = "district_policy", _("District points policy set")
    NEED_BANDS = "need_bands", _("Need bands replaced")
    OPEN_DATA_REVISED = "open_data_revised", _("Open data month published again")
    ADMIN_ADDED = "admin_added", _("Added in the admin")
    ADMIN_CHANGED = "admin_changed", _("Changed in the admin")
    ADMIN_DELETED = "admin_deleted", _("Deleted in the admin")


class AuditEvent(models.Model):
    """One change, written in the same transaction as the change itself.

    ``actor`` is empty for scheduled work (expiry); ``address`` and ``user_agent`` come from
    the request the change was made in, if any. ``summary`` holds ids, kinds and amounts,
    never names, national IDs, phone numbers or addresses.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    user_agent = models.CharField(_("browser or client"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    target_type = models.CharField(_("record type"), max_length=60)
    target_id = models.BigIntegerField(_("record id"))
    district = models.ForeignKey(
        "districts.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_type} {self.target_id}"
