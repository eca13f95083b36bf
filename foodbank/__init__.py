"""The Food Bank project: settings, URLs and the shared core (districts, users, roles)."""

from worker.celery import app as celery_app

__all__ = ["celery_app"]
