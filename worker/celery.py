"""The Celery app. Run a worker with ``celery -A worker worker`` and the schedule with ``beat``.

Every task inherits ``FoodbankTask``: acknowledged late (a task whose worker dies is
redelivered), rejected back to the queue when the worker is lost, retried with exponential
backoff on connection errors, and bounded by time limits from the settings.
"""

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.schedules import crontab
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

# Like the WSGI entry point: production unless told otherwise (local: foodbank.settings.local).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foodbank.settings.production")


class FoodbankTask(DjangoTask):
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (OperationalError, InterfaceError, BrokerError, ConnectionError)
    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 10


app = Celery("foodbank", task_cls=FoodbankTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["worker"])

#: Each task sent after a commit (``worker.enqueue``), and the scheduled sweep that does its
#: work when the send failed or the task was lost.
SWEPT_BY = {
    "worker.tasks.compute_impact": "sweep-impact",
    "worker.tasks.send_receipt_email": "sweep-receipt-emails",
    "worker.tasks.import_dropoffs": "sweep-imports",
    "worker.tasks.build_report_export": "sweep-report-exports",
}

app.conf.beat_schedule = {
    "clear-expired-sessions": {
        "task": "worker.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    "sweep-impact": {
        "task": "worker.tasks.sweep_impact",
        "schedule": float(settings.FOODBANK_IMPACT_SWEEP_SECONDS),
        "options": {"expires": settings.FOODBANK_IMPACT_SWEEP_SECONDS * 0.9},
    },
    "sweep-receipt-emails": {
        "task": "worker.tasks.sweep_receipt_emails",
        "schedule": float(settings.FOODBANK_RECEIPT_SWEEP_SECONDS),
        "options": {"expires": settings.FOODBANK_RECEIPT_SWEEP_SECONDS * 0.9},
    },
    "sweep-imports": {
        "task": "worker.tasks.sweep_imports",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 270},
    },
    "sweep-report-exports": {
        "task": "worker.tasks.sweep_report_exports",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 270},
    },
    "flag-stock-alerts": {
        "task": "worker.tasks.flag_stock_alerts",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 600},
    },
    "expire-points": {
        "task": "worker.tasks.expire_points",
        "schedule": crontab(hour=0, minute=20),
    },
    "expire-vouchers": {
        "task": "worker.tasks.expire_vouchers",
        "schedule": crontab(hour=0, minute=5),
    },
    "erase-departed-households": {
        "task": "worker.tasks.erase_departed_households",
        "schedule": crontab(hour=2, minute=35),
    },
    "check-ledgers": {
        "task": "worker.tasks.check_ledgers",
        "schedule": crontab(hour=4, minute=10),
    },
    "remove-old-exports": {
        "task": "worker.tasks.remove_old_exports",
        "schedule": crontab(minute=23),
    },
    "publish-open-data": {
        "task": "worker.tasks.publish_open_data",
        "schedule": crontab(minute=53),
    },
    "purge-idempotency-keys": {
        "task": "worker.tasks.purge_idempotency_keys",
        "schedule": crontab(minute=41),
    },
}
