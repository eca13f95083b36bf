"""Households registered by district staff, and who read their full records."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Household(models.Model):
    """A vulnerable household in one district, with its points balance.

    The head's national ID is kept only as a masked string, a keyed hash (city-wide
    uniqueness) and an encrypted copy; it is never shown in full. ``balance`` is the sum of
    the household's points entries, kept with them in one transaction and held at zero or
    above by the database.
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
