from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    """A Thai and an English name; ``name`` picks the one for the active language."""

    name_th = models.CharField(_("name (Thai)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_th if (get_language() or "th").startswith("th") else self.name_en


class DistrictGroup(BilingualName):
    """A group of district offices (Bangkok has six), used for reporting."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district group")
        verbose_name_plural = _("district groups")


class District(BilingualName):
    """A district office: runs one store and its counters; staff belong to one district."""

    code = models.CharField(_("official code"), max_length=10, unique=True)
    group = models.ForeignKey(
        DistrictGroup, on_delete=models.PROTECT, related_name="districts", verbose_name=_("group")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(code=""), name="%(app_label)s_%(class)s_code_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
