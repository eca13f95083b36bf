"""Tasks take ids, call a service and are safe to run twice."""

import logging
from importlib import import_module

from celery import shared_task
from django.conf import settings

from donors.services import impact, imports, receipts
from foodbank import ledgers
from foodbank.dashboard import services as dashboard
from foodbank.dashboard.open_data import services as open_data
from foodbank.idempotency.services import purge_expired_keys
from inventory.services import alerts
from points.services import departures, vouchers
from points.services import ledger as points_ledger

from .celery import FoodbankTask

logger = logging.getLogger(__name__)

#: Drop-offs one sweep computes at most; the next sweep takes the rest.
SWEEP_LIMIT = 20_000
SWEEP_BATCH = impact.COMPUTE_BATCH


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired web sessions; the beat schedule runs this nightly."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task
def compute_impact(dropoff_ids: list[int]) -> int:
    """Compute meals and kgCO2e for received drop-offs; returns the lines computed.

    Donors who opted in then get their receipts, which need the computed figures.
    """
    computed = impact.compute_impact(dropoff_ids=dropoff_ids)
    receipts.queue_automatic_receipts(dropoff_ids=dropoff_ids)
    return computed


@shared_task
def sweep_impact() -> int:
    """Compute drop-offs a lost task never did (broker down, worker killed); every minute."""
    pending = impact.uncomputed_dropoff_ids(limit=SWEEP_LIMIT)
    return sum(
        impact.compute_impact(dropoff_ids=pending[start : start + SWEEP_BATCH])
        for start in range(0, len(pending), SWEEP_BATCH)
    )


@shared_task(autoretry_for=(*FoodbankTask.autoretry_for, OSError))
def send_receipt_email(receipt_email_id: int) -> str:
    """E-mail a queued receipt or statement (SMTP trouble is retried); returns its status."""
    return receipts.send_receipt_email(receipt_email_id=receipt_email_id).status


@shared_task
def sweep_receipt_emails() -> int:
    """Queue receipts a lost task never sent; every five minutes. Returns how many."""
    return receipts.sweep_receipt_emails()


@shared_task
def purge_idempotency_keys() -> int:
    """Forget Idempotency-Keys past their 24-hour lifetime."""
    return purge_expired_keys()


@shared_task
def import_dropoffs(dropoff_import_id: int) -> int:
    """Check and write an uploaded CSV of drop-offs; returns the lines imported."""
    return imports.run_import(dropoff_import_id=dropoff_import_id).imported_lines


@shared_task
def sweep_imports() -> dict[str, int]:
    """Queue imports whose task was never sent or was lost, and give up the ones whose runs
    keep stopping; every five minutes."""
    return imports.sweep_waiting_imports()


@shared_task
def flag_stock_alerts() -> int:
    """Raise and resolve near-expiry and low-stock alerts; returns the alerts newly raised."""
    return alerts.flag_expiring_lots() + alerts.flag_low_stock()


@shared_task
def expire_points() -> int:
    """Write expiry entries for points past their validity; nightly. Returns points expired."""
    return points_ledger.expire_points()


@shared_task
def check_ledgers() -> bool:
    """Log an error if a lot or a balance differs from its ledger; nightly."""
    report = ledgers.check_ledgers()
    if report.mismatched:
        logger.error("Ledger mismatch: %s", "; ".join(report.lines()))
    return not report.mismatched


@shared_task
def expire_vouchers() -> int:
    """Give back the points and stock of vouchers not collected in time; nightly."""
    return vouchers.expire_vouchers()


@shared_task
def erase_departed_households() -> int:
    """Erase the personal data of households that left longer ago than the retention
    period; nightly."""
    return departures.erase_due_households()


@shared_task
def build_report_export(export_id: int) -> str:
    """Make a period report's file for its download page; returns the export's status."""
    return dashboard.build_report_export(export_id=export_id).status


@shared_task
def sweep_report_exports() -> dict[str, int]:
    """Queue exports whose task was never sent or was lost, and fail the ones whose worker
    stopped while making them; every five minutes."""
    return dashboard.sweep_report_exports()


@shared_task
def publish_open_data() -> list[str]:
    """Publish the months of open data that are due; hourly. Returns them as YYYY-MM."""
    return [f"{month:%Y-%m}" for month in open_data.publish_due_months()]


@shared_task
def remove_old_exports() -> int:
    """Remove report exports and their files a day after they were asked for; hourly."""
    return dashboard.remove_old_exports()
