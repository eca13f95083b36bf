"""``/healthz``: can the site reach its database, Redis and a Celery worker?

Answers 200 when every part in use is up and 503 when one is down, with one entry per part.
In the embedded default, Redis is not used and tasks run in-process. ``/healthz/web`` checks
only what a web process needs (the database), for the container's health check.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from worker.celery import app as celery_app

OK, DOWN, NOT_USED = "ok", "down", "not_used"
PROBE_TIMEOUT_SECONDS = 1.0


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return {"status": DOWN, "error": error.__class__.__name__}
    return {"status": OK, "vendor": connection.vendor}


def check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"status": NOT_USED}
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as error:
        return {"status": DOWN, "error": error.__class__.__name__}
    finally:
        client.close()
    return {"status": OK}


def check_worker(redis_status: str) -> dict:
    if celery_app.conf.task_always_eager:
        return {"status": NOT_USED, "detail": "tasks run in-process"}
    if redis_status != OK:
        return {"status": DOWN, "error": "broker unreachable"}
    try:
        replies = celery_app.control.ping(timeout=PROBE_TIMEOUT_SECONDS, limit=1)
    except Exception as error:  # any broker failure means "down"
        return {"status": DOWN, "error": error.__class__.__name__}
    if not replies:
        return {"status": DOWN, "error": "no worker answered"}
    return {"status": OK}


def _answer(checks: dict[str, dict]) -> JsonResponse:
    healthy = all(check["status"] != DOWN for check in checks.values())
    return JsonResponse(
        {"status": OK if healthy else DOWN, "checks": checks}, status=200 if healthy else 503
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database(), "redis": check_redis()}
    checks["worker"] = check_worker(checks["redis"]["status"])
    return _answer(checks)


@never_cache
@require_GET
def healthz_web(request: HttpRequest) -> JsonResponse:
    """Can this web process serve pages? A broker or worker outage only delays numbers."""
    return _answer({"database": check_database()})
