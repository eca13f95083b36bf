"""Households registered by district staff, and who read their full records."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class LeavingReason(models.TextChoices):
    MOVED = "moved", _("Moved out of the district")
    NO_LONGER_IN_NEED = "no_longer_in_need", _("No longer in need")
    DIED = "died", _("Head of household died")
    WITHDREW = "withdrew", _("Asked to leave the programme")
    ERASURE_REQUESTED = "erasure_requested", _("Asked for their personal data to be erased")
    OTHER = "other", _("Other")


#: The personal fields an erasure empties (the national ID's three forms are handled apart).
PERSONAL_FIELDS = ("head_name", "phone", "address", "vulnerability_notes")


class Household(models.Model):
    """A vulnerable household in one district, with its points balance.

    The head's national ID is kept only as a masked string, a keyed hash (city-wide
    uniqueness) and an encrypted copy; it is never shown in full. ``balance`` is the sum of
    the household's points entries, kept with them in one transaction and held at zero or
    above by the database.

    A household that leaves the programme keeps its record until its personal data is
    erased (``erased_at``): on request, or once the retention period has passed. What
    remains after erasure is what the statistics and the ledgers need: district, member
    counts, points entries and vouchers.
    """

    district = models.ForeignKey(
        "districts.District", on_delete=models.PROTECT, related_name="households"
    )
    head_name = models.CharField(_("head of household"), max_length=200)
    national_id_masked = models.CharField(_("national ID"), max_length=17, editable=False)
    national_id_hash = models.CharField(max_length=64, unique=True, editable=False)
    national_id_encrypted = models.TextField(editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.TextField(_("address"))
    members = models.PositiveSmallIntegerField(_("members"))
    elderly = models.PositiveSmallIntegerField(_("elderly (60+)"), default=0)
    children = models.PositiveSmallIntegerField(_("children (under 18)"), default=0)
    disabled = models.PositiveSmallIntegerField(_("with a disability"), default=0)
    bedridden = models.PositiveSmallIntegerField(_("bedridden"), default=0)
    vulnerability_notes = models.TextField(_("vulnerability notes"), blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="household",
    )
    balance = models.IntegerField(_("points balance"), default=0, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    left_on = models.DateField(_("left the programme on"), null=True, blank=True)
    leaving_reason = models.CharField(
        _("reason for leaving"), max_length=20, choices=LeavingReason.choices, blank=True
    )
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["district", "head_name", "pk"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="%(app_label)s_%(class)s_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(members__gte=1), name="%(app_label)s_%(class)s_has_members"
            ),
            models.CheckConstraint(
                condition=Q(elderly__lte=F("members"))
                & Q(children__lte=F("members"))
                & Q(disabled__lte=F("members"))
                & Q(bedridden__lte=F("members")),
                name="%(app_label)s_%(class)s_groups_within_members",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, leaving_reason="", erased_at__isnull=True)
                | Q(left_on__isnull=False, leaving_reason__in=LeavingReason.values),
                name="%(app_label)s_%(class)s_left_with_a_reason_before_erasure",
            ),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True)
                | Q(
                    **dict.fromkeys(PERSONAL_FIELDS, ""),
                    national_id_masked="",
                    national_id_encrypted="",
                    national_id_hash__startswith="erased:",
                    account__isnull=True,
                ),
                name="%(app_label)s_%(class)s_erased_holds_no_personal_data",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Household')} {self.pk}"

    def clean(self) -> None:
        """Name the field at fault (the database constraint backs the same rule)."""
        problems = {
            name: [_("More than the household's %(n)d members.") % {"n": self.members}]
            for name in ("elderly", "children", "disabled", "bedridden")
            if self.members is not None and (getattr(self, name) or 0) > self.members
        }
        if problems:
            raise ValidationError(problems)

    @property
    def display_name(self) -> str:
        """The head's name, or a neutral label once it has been erased."""
        if self.erased_at is not None:
            return _("Household %(id)s (personal data erased)") % {"id": self.pk}
        return self.head_name

    @property
    def first_name(self) -> str:
        return self.head_name.split()[0] if self.head_name.strip() else ""

    @property
    def dependants(self) -> int:
        return self.elderly + self.children + self.disabled + self.bedridden


class HouseholdAccess(models.Model):
    """One reading of a household's full record: who, when, from where."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(_("via"), max_length=10)
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    accessed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-accessed_at", "-pk"]
        verbose_name = _("household record access")
        verbose_name_plural = _("household record accesses")

    def __str__(self) -> str:
        return f"{self.user} → {self.household} ({self.via})"
