"""The embedded default: SQLite, tasks in-process, DEBUG on, a generated local secret.

Setting DATABASE_URL and REDIS_URL switches to PostgreSQL and a real Celery worker.
"""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env


def _local_secret_key() -> str:
    """A random key generated on first start and kept in var/, never committed."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
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
