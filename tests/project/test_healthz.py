import pytest
from django.db import OperationalError, connection


@pytest.mark.django_db
def test_embedded_default_is_healthy_without_redis_or_worker(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "not_used"
    assert body["checks"]["worker"]["status"] == "not_used"


@pytest.mark.django_db
def test_unreachable_redis_answers_503_naming_it(client, settings, tasks_through_broker):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"]["status"] == "down"
    assert checks["worker"]["status"] == "down"
    assert checks["database"]["status"] == "ok"


@pytest.mark.worker
def test_a_running_worker_is_reported_up(client, celery_worker):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["worker"] == {"status": "ok"}
    assert response.json()["checks"]["redis"]["status"] == "ok"


@pytest.mark.worker
@pytest.mark.django_db
def test_redis_without_a_worker_answers_503(client, tasks_through_broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["status"] == "down"
    assert response.json()["checks"]["redis"]["status"] == "ok"


@pytest.mark.django_db
def test_unreachable_database_answers_503_naming_it(client, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "status": "down",
        "error": "OperationalError",
    }


@pytest.mark.django_db
def test_web_health_checks_only_the_database(client, settings, tasks_through_broker):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz/web")
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database"}
