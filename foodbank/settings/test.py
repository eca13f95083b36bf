"""Test settings: SQLite unless DATABASE_URL is set; tasks eager unless a test starts a worker."""

from .base import *  # noqa: F403
from .base import CELERY_BROKER_TRANSPORT_OPTIONS, REDIS_URL, env

SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"  # noqa: S105
DEBUG = False
PERSONAL_DATA_KEYS = ["0KJlUj2s7Z6q4mKc0cHq1l2mJxQyq8vW3y4b5n6m7o8="]
NATIONAL_ID_HASH_KEY = "test-only-national-id-hash-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests run tasks in-process by default; the `celery_worker` fixture switches to Redis, and the
# mixed-load benchmark's gunicorn sends them to its worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("FOODBANK_TASKS_IN_PROCESS", default=True)
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_BROKER_TRANSPORT_OPTIONS = CELERY_BROKER_TRANSPORT_OPTIONS | {"visibility_timeout": 30}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Serve static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
