"""Production: every secret from the environment, DEBUG off, secure transport.

Importing this module fails with ImproperlyConfigured when DJANGO_SECRET_KEY is missing,
weak or a known placeholder, or when DJANGO_DEBUG is on.
"""

from cryptography.fernet import Fernet, MultiFernet
from django.core.exceptions import ImproperlyConfigured

from foodbank.web.csp import policy

from .base import *  # noqa: F403
from .base import env

PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret", "django-insecure"}
MIN_SECRET_LENGTH = 50

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if (
    SECRET_KEY.strip().lower() in PLACEHOLDER_SECRETS
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < MIN_SECRET_LENGTH
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} "
        "characters in production."
    )

DEBUG = env.bool("DJANGO_DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")

for required in (
    "DATABASE_URL",
    "REDIS_URL",
    "FOODBANK_PERSONAL_DATA_KEYS",
    "FOODBANK_NATIONAL_ID_HASH_KEY",
):
    if not env.str(required, default=""):
        raise ImproperlyConfigured(f"{required} must be set in production.")

try:
    MultiFernet([Fernet(key) for key in env.list("FOODBANK_PERSONAL_DATA_KEYS")])
except ValueError as error:
    raise ImproperlyConfigured(
        "FOODBANK_PERSONAL_DATA_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)."
    ) from error

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
# On by default: the preload header only asks; the domain joins browsers' lists only when its
# owner submits it. A deployment sharing its domain with plain-HTTP hosts turns them off, and
# the deploy check then takes that as decided.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = policy()
