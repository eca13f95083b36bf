"""Assessments of a household's need on the five dimensions of the family passbook."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .households import Household

#: The five dimensions, each scored 0 (no need) to 4 (most need).
DIMENSIONS = ("income", "health", "education", "living_conditions", "public_services")
MAX_SCORE = 4


def _score(label: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, help_text=_("0 = no need … 4 = most need"))


class Assessment(models.Model):
    """A dated assessment; the latest one is the household's current standing."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    income = _score(_("income"))
    health = _score(_("health"))
    education = _score(_("education"))
    living_conditions = _score(_("living conditions"))
    public_services = _score(_("access to public services"))
    notes = models.TextField(_("notes"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-created_at", "-pk"]
        get_latest_by = ["assessed_on", "created_at", "pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__lte": MAX_SCORE for name in DIMENSIONS}),
                name="%(app_label)s_%(class)s_scores_0_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.assessed_on}"

    @property
    def need_score(self) -> int:
        """The sum of the five scores, 0 to 20."""
        return sum(getattr(self, name) for name in DIMENSIONS)
