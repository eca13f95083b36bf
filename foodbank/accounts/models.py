from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user may do (DESIGN §1); a user has exactly one role."""

    ADMIN = "admin", _("Administrator")
    DISTRICT_STAFF = "district_staff", _("District staff")
    COUNTER_STAFF = "counter_staff", _("Counter staff")
    DONOR = "donor", _("Donor")
    RECIPIENT = "recipient", _("Recipient")


#: Roles that work for one district office and must name it.
STAFF_ROLES = frozenset({Role.DISTRICT_STAFF, Role.COUNTER_STAFF})
#: Roles that never belong to a district.
CITY_WIDE_ROLES = frozenset({Role.ADMIN, Role.DONOR})


class FoodbankUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: city admin, district or counter staff, donor or recipient."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(
        "districts.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("district"),
        help_text=_("The district office a staff member works for."),
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_(
            "Set when someone else chose the password (staff making or resetting a login): "
            "the person chooses their own before anything else."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[FoodbankUserManager] = FoodbankUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="%(app_label)s_%(class)s_role_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=sorted(STAFF_ROLES))
                | models.Q(district__isnull=False),
                name="%(app_label)s_%(class)s_staff_has_district",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=sorted(CITY_WIDE_ROLES))
                | models.Q(district__isnull=True),
                name="%(app_label)s_%(class)s_citywide_roles_have_no_district",
            ),
            # The Django admin bypasses district scoping: only the admin role may enter it.
            models.CheckConstraint(
                condition=models.Q(is_staff=False, is_superuser=False) | models.Q(role=Role.ADMIN),
                name="%(app_label)s_%(class)s_only_admins_are_staff",
            ),
        ]

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def clean(self) -> None:
        """Staff roles name their district; city-wide roles have none."""
        super().clean()
        if self.role in STAFF_ROLES and self.district_id is None:
            raise ValidationError({"district": _("Staff roles must belong to a district.")})
        if self.role in CITY_WIDE_ROLES and self.district_id is not None:
            raise ValidationError({"district": _("This role is city-wide and has no district.")})
