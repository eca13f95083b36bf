"""Deployment checks of surplus rescue (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

CONSOLE = "django.core.mail.backends.console.EmailBackend"


@register("email", deploy=True)
def receipts_are_really_sent(app_configs, **kwargs) -> list[CheckMessage]:
    """Without EMAIL_URL, receipts "sent" to donors only reach the log."""
    if settings.EMAIL_BACKEND != CONSOLE:
        return []
    return [
        Warning(
            "E-mails to donors are written to the console, not sent.",
            hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587.",
            id="donors.W001",
        )
    ]
