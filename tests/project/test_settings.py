"""Settings modules imported in a fresh interpreter, as a deployment would."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

STRONG_SECRET = "k3J9-p0Qz_x7vB2mN8cL4rT6yW1eA5sD9fG3hJ7kL2zX4cV6bN8mQ0wE2rT4yU6iO"
PERSONAL_DATA = {
    "FOODBANK_PERSONAL_DATA_KEYS": "0KJlUj2s7Z6q4mKc0cHq1l2mJxQyq8vW3y4b5n6m7o8=",
    "FOODBANK_NATIONAL_ID_HASH_KEY": "Zq8vW3y4b5n6m7o8-hash-key-for-the-settings-test",
}


def import_settings(module: str, **environment: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "FOODBANK_"))
    }
    code = (
        f"import importlib; s = importlib.import_module('{module}'); "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**env, **environment},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_embedded_default_is_sqlite_debug_and_in_process_tasks():
    result = import_settings("foodbank.settings.local")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3", "True"]


def test_database_and_redis_urls_switch_to_postgresql_and_a_worker():
    result = import_settings(
        "foodbank.settings.local",
        DATABASE_URL="postgres://u@db:5432/foodbank",
        REDIS_URL="redis://redis:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.postgresql", "False"]


@pytest.mark.parametrize(
    "environment",
    [
        {},
        {"DJANGO_SECRET_KEY": "change-me"},
        {"DJANGO_SECRET_KEY": "django-insecure-" + "x" * 50},
        {"DJANGO_SECRET_KEY": "short-but-random-9a8s7d6f"},
        {"DJANGO_SECRET_KEY": "a" * 60},
        {"DJANGO_SECRET_KEY": STRONG_SECRET, "DJANGO_DEBUG": "true"},
        {"DJANGO_SECRET_KEY": STRONG_SECRET, "DATABASE_URL": "", "REDIS_URL": ""},
        {"DJANGO_SECRET_KEY": STRONG_SECRET, "REDIS_URL": ""},
        {"DJANGO_SECRET_KEY": STRONG_SECRET, "DATABASE_URL": ""},
        {"DJANGO_SECRET_KEY": STRONG_SECRET, "FOODBANK_PERSONAL_DATA_KEYS": ""},
        {"DJANGO_SECRET_KEY": STRONG_SECRET, "FOODBANK_PERSONAL_DATA_KEYS": "not-a-key"},
        {"DJANGO_SECRET_KEY": STRONG_SECRET, "FOODBANK_NATIONAL_ID_HASH_KEY": ""},
    ],
)
def test_production_refuses_a_default_secret_debug_or_missing_services(environment):
    services = {
        "DATABASE_URL": "postgres://u@db:5432/foodbank",
        "REDIS_URL": "redis://r:6379/0",
        **PERSONAL_DATA,
    }
    result = import_settings("foodbank.settings.production", **(services | environment))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_starts_with_a_strong_secret_and_debug_off():
    result = import_settings(
        "foodbank.settings.production",
        DJANGO_SECRET_KEY=STRONG_SECRET,
        DATABASE_URL="postgres://u@db:5432/foodbank",
        REDIS_URL="redis://redis:6379/0",
        **PERSONAL_DATA,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.postgresql", "False"]


def test_wsgi_entry_point_defaults_to_production_settings():
    result = subprocess.run(
        [sys.executable, "-c", "import foodbank.wsgi"],
        env={k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("level", "shown", "hidden"),
    [("ERROR", ["error"], ["warning", "info"]), ("INFO", ["error", "warning", "info"], [])],
)
def test_log_level_holds_for_djangos_own_loggers_too(level, shown, hidden):
    code = (
        "import django, logging; django.setup(); "
        "[getattr(logging.getLogger(name), kind)(f'{name} {kind}') "
        " for name in ('django.request', 'foodbank') for kind in ('error', 'warning', 'info')]"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOG_LEVEL"))}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=env | {"DJANGO_SETTINGS_MODULE": "foodbank.settings.local", "LOG_LEVEL": level},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ("django.request", "foodbank"):
        for kind in shown:
            assert result.stderr.count(f"{name} {kind}") == 1  # once: no handler of Django's
        for kind in hidden:
            assert f"{name} {kind}" not in result.stderr
