"""Tasks take ids, call a service and are safe to run twice."""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired web sessions; the beat schedule runs this nightly."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
