from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The impact dashboard, period reports and the city's open data, read from the rollups."""

    name = "foodbank.dashboard"
    label = "dashboard"
    verbose_name = _("Impact dashboard")
