from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonorsConfig(AppConfig):
    name = "donors"
    verbose_name = _("Donors")

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the deployment checks)
