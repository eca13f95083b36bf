"""The one link the other apps lack: which registered households a surplus distribution reached.

A distribution records a community and a head count; the people in it are mostly not
registered. When staff know that a registered household was among them, this row says so,
so that a household reached by surplus and helped from the store counts once city-wide.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DistributionHousehold(models.Model):
    """A registered household among the people a distribution of surplus reached."""

    distribution = models.ForeignKey(
        "donors.Distribution", on_delete=models.CASCADE, related_name="households_reached"
    )
    household = models.ForeignKey(
        "points.Household", on_delete=models.PROTECT, related_name="distributions_received"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["distribution", "pk"]
        verbose_name = _("household reached by a distribution")
        verbose_name_plural = _("households reached by distributions")
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "household"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.distribution_id} → {self.household_id}"
