"""No Docker engine runs in CI, so the compose file is checked by reading it."""

import importlib
import importlib.util
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.conf import settings
from django.core.management import get_commands

COMPOSE = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["migrate", "web", "worker", "beat"]


def module_exists(dotted: str) -> bool:
    return importlib.util.find_spec(dotted) is not None


def test_compose_has_the_production_services_with_health_checks():
    assert {"web", "worker", "beat", "db", "redis"} <= set(SERVICES)
    for name in ["web", "worker", "beat", "db", "redis"]:
        assert "test" in SERVICES[name]["healthcheck"], name
    assert SERVICES["db"]["image"].startswith("postgres:16")
    assert SERVICES["redis"]["image"].startswith("redis:7")


def test_database_keeps_its_data_in_a_named_volume():
    volume = SERVICES["db"]["volumes"][0].split(":")[0]
    assert volume in COMPOSE["volumes"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_are_built_from_the_dockerfile_with_existing_settings(name):
    service = SERVICES[name]
    assert service["build"] == "."
    assert (Path(settings.BASE_DIR) / "Dockerfile").is_file()
    assert module_exists(service["environment"]["DJANGO_SETTINGS_MODULE"])
    assert "${DJANGO_SECRET_KEY:?" in service["environment"]["DJANGO_SECRET_KEY"]


def test_web_command_names_a_wsgi_application_that_exists():
    command = SERVICES["web"]["command"]
    assert command[0] == "gunicorn"
    module, attribute = command[1].split(":")
    assert hasattr(importlib.import_module(module), attribute)


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_commands_name_the_celery_app(name):
    command = SERVICES[name]["command"]
    assert command[:2] == ["celery", "-A"]
    assert command[3] == name
    assert isinstance(importlib.import_module(f"{command[2]}.celery").app, Celery)


def test_migrate_command_runs_management_commands_that_exist():
    script = SERVICES["migrate"]["command"][-1]
    commands = [part.split()[2] for part in script.split("&&")]
    assert commands == ["migrate", "load_districts"]
    assert set(commands) <= set(get_commands())
