from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictsConfig(AppConfig):
    name = "foodbank.districts"
    label = "districts"
    verbose_name = _("Districts")
