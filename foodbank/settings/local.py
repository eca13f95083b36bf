"""The embedded default: SQLite, tasks in-process, DEBUG on, a generated local secret.

Setting DATABASE_URL and REDIS_URL switches to PostgreSQL and a real Celery worker. A
developer's ``.env`` file beside ``manage.py`` is read here only, never by tests.
"""

import os
import secrets
from pathlib import Path

import environ
from cryptography.fernet import Fernet

environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env", overwrite=False)

from .base import *  # noqa: E402, F403
from .base import VAR_DIR, env  # noqa: E402


def _local_key(name: str, make=lambda: secrets.token_urlsafe(50)) -> str:
    """A random key generated on first start and kept in var/, never committed."""
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(make())
    return path.read_text().strip()


DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _local_key("secret_key")
PERSONAL_DATA_KEYS = env.list("FOODBANK_PERSONAL_DATA_KEYS", default=[]) or [
    _local_key("personal_data_key", lambda: Fernet.generate_key().decode())
]
NATIONAL_ID_HASH_KEY = env.str("FOODBANK_NATIONAL_ID_HASH_KEY", default="") or _local_key(
    "national_id_hash_key"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
