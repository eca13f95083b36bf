"""The embedded default: SQLite, tasks in-process, DEBUG on, a generated local secret.

Setting DATABASE_URL and REDIS_URL switches to PostgreSQL and a real Celery worker. A
developer's ``.env`` file beside ``manage.py`` is read here only, never by tests.
"""

import os
import secrets
from pathlib import Path

import environ

environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env", overwrite=False)

from .base import *  # noqa: E402, F403
from .base import VAR_DIR, env  # noqa: E402


def _local_secret_key() -> str:
    """A random key generated on first start and kept in var/, never committed."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _local_secret_key()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
