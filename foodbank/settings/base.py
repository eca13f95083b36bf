"""Settings shared by every environment, read from environment variables."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "foodbank.districts",
    "foodbank.accounts",
    "foodbank.idempotency",
    "foodbank.web",
    "foodbank.demo",
    "donors",
    "inventory",
    "points",
    "foodbank.dashboard",
    "foodbank.audit",
    "worker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "foodbank.web.csp.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "foodbank.web.middleware.RefuseNulCharacters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "foodbank.accounts.middleware.PasswordChangeRequiredMiddleware",
    "foodbank.audit.context.AuditOriginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "foodbank.web.middleware.ApplicationErrorPage",
    # Last, so that it sees the sign-in views' answers and turns a lockout into a 429 page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy header (foodbank/web/csp.py): set in production, off elsewhere.
CONTENT_SECURITY_POLICY = ""

ROOT_URLCONF = "foodbank.urls"
WSGI_APPLICATION = "foodbank.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "foodbank.web.navigation.main_nav",
            ],
        },
    },
]

# Database: PostgreSQL in production; a SQLite file when DATABASE_URL is unset.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'foodbank.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"].get("ENGINE") == "django.db.backends.postgresql":
    # Django's queries bind on the client and are never prepared; this lets the few that
    # ask (foodbank.db.prepared: token users, the counter's hand-over) be prepared.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Only progress bars use it: a Redis that hangs delays a page by a quarter second.
            "OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
        }
    }

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "foodbank.accounts.lockout.LockoutBackend",  # refuses locked-out sign-ins, then the next checks
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout (foodbank/accounts/lockout.py): per username from one address, and per
# address for every username, with a cool-off after which failures no longer count.
AXES_HANDLER = "foodbank.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("FOODBANK_LOGIN_FAILURE_LIMIT", default=5)
FOODBANK_ADDRESS_FAILURE_LIMIT = env.int("FOODBANK_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("FOODBANK_LOGIN_COOLOFF_MINUTES", default=15))
AXES_CLIENT_IP_CALLABLE = "foodbank.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "foodbank.accounts.lockout.lockout_response"
# A success does not wipe the failures: it would also wipe the address's count for others.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False  # log lockouts without the user agent; usernames and addresses masked
# Failed sign-ins keep the request's form, masked for these fields (axes' own list, replaced
# here, is the first two): a mistyped password is often nearly the right one.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "password",
    "old_password",
    "new_password",
    "new_password_again",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and calendar: Thai first for Bangkok; days are the city's local days.
LANGUAGE_CODE = env.str("FOODBANK_LANGUAGE", default="th")
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "foodbank" / "locale"]
TIME_ZONE = env.str("FOODBANK_TIME_ZONE", default="Asia/Bangkok")
USE_I18N = True
USE_TZ = True

# Uploads (foodbank/uploads.py): request bodies without files up to 2.5 MB, files above
# 2.5 MB kept in temporary files, and no file larger than FOODBANK_UPLOAD_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 5
FOODBANK_UPLOAD_MAX_BYTES = env.int("FOODBANK_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
#: Where report exports built in the background wait for their download (a day at most);
#: web and worker processes must share it.
FOODBANK_EXPORTS_DIR = env.path("FOODBANK_EXPORTS_DIR", default=VAR_DIR / "exports")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "foodbank.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "foodbank.errors.api_exception_handler",
}

# Rate limits (foodbank/ratelimit.py): counted in Redis when REDIS_URL is set, per signed-in
# account or else per client address. A request over its limit is answered 429.
FOODBANK_RATE_LIMITS = {
    "auth": env.str("FOODBANK_AUTH_RATE", default="10/min"),  # token requests per address
    "register": env.str("FOODBANK_REGISTER_RATE", default="20/hour"),  # donor sign-ups
    "redeem": env.str("FOODBANK_REDEEM_RATE", default="120/min"),  # redemptions per account
}
# How many proxies in front of the site append to X-Forwarded-For (1 behind one TLS proxy);
# client addresses for rate limits, lockouts and the audit trail are read through them.
FOODBANK_TRUSTED_PROXIES = env.int("FOODBANK_TRUSTED_PROXIES", default=0)

SPECTACULAR_SETTINGS = {
    "TITLE": "Food Bank API",
    "DESCRIPTION": (
        "Surplus rescue and district food bank stores: drop-offs, stock, household points "
        "and QR vouchers. Every error is JSON with `code`, `message` and `fields`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DonorKindEnum": "donors.models.DonorKind",
        "ItemKindEnum": "inventory.models.ItemKind",
        "MovementKindEnum": "inventory.models.MovementKind",
        "AlertKindEnum": "inventory.models.AlertKind",
        "EntryKindEnum": "points.models.EntryKind",
    },
}

# E-mail (receipts and statements to donors): EMAIL_URL such as smtp+tls://user:pass@host:587;
# without it e-mails are written to the console log, not sent.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Food Bank <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Celery: Redis broker, JSON only, late acknowledgement; see worker/celery.py.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task whose worker died unacknowledged is redelivered after this many seconds.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # A Redis that hangs (stuck, or gone without closing the connection) fails a send within
    # seconds instead of holding the web request until gunicorn kills its worker.
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
}
# One more try on a fresh connection (Redis restarted), not Celery's three: a send that
# fails is left to the sweeps (worker/enqueue.py).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The sweeps that find work a lost task never did (broker down when it was queued, worker
# killed before Redis redelivers it): how often each runs, in seconds. A drop-off's impact
# is computed at most this long after both the broker and a worker are back.
FOODBANK_IMPACT_SWEEP_SECONDS = env.int("FOODBANK_IMPACT_SWEEP_SECONDS", default=60)
FOODBANK_RECEIPT_SWEEP_SECONDS = env.int("FOODBANK_RECEIPT_SWEEP_SECONDS", default=300)

# The district list bundled with the project, loaded by `manage.py load_districts`.
FOODBANK_DISTRICTS_FILE = env.path(
    "FOODBANK_DISTRICTS_FILE",
    default=BASE_DIR / "foodbank" / "districts" / "data" / "bangkok_districts.csv",
)

# Personal data: national IDs are stored encrypted (Fernet keys, newest first, so old keys
# still decrypt after a rotation) beside a keyed hash for the city-wide uniqueness check.
# Production must set both; local and test settings provide their own.
PERSONAL_DATA_KEYS = env.list("FOODBANK_PERSONAL_DATA_KEYS", default=[])
NATIONAL_ID_HASH_KEY = env.str("FOODBANK_NATIONAL_ID_HASH_KEY", default="")

# Vouchers: days a recipient has to collect the goods once a voucher is issued.
VOUCHER_VALID_DAYS = env.int("VOUCHER_VALID_DAYS", default=14)

# Households: the personal data of a household that has left the programme is erased this
# many days after the day it left (it asks for erasure sooner by its reason for leaving).
FOODBANK_HOUSEHOLD_RETENTION_DAYS = env.int("FOODBANK_HOUSEHOLD_RETENTION_DAYS", default=365)
if FOODBANK_HOUSEHOLD_RETENTION_DAYS < 1:  # 0 would erase every household that left, at once
    raise ImproperlyConfigured("FOODBANK_HOUSEHOLD_RETENTION_DAYS must be at least 1.")

# Stores: lots expiring within this many days are flagged on the store page.
INVENTORY_EXPIRY_ALERT_DAYS = env.int("INVENTORY_EXPIRY_ALERT_DAYS", default=7)

# Open data: counts below the first are withheld; so are the weights of a district's month
# given by fewer donors than the second, or where all but the two largest donors gave less
# than the third's percentage of the largest's, unless all of them may be named in publicity.
# A month is published this many days after it ends, and its figures are then fixed.
FOODBANK_OPEN_DATA_MIN_COUNT = env.int("FOODBANK_OPEN_DATA_MIN_COUNT", default=5)
FOODBANK_OPEN_DATA_MIN_DONORS = env.int("FOODBANK_OPEN_DATA_MIN_DONORS", default=3)
FOODBANK_OPEN_DATA_DOMINANCE_PERCENT = env.int("FOODBANK_OPEN_DATA_DOMINANCE_PERCENT", default=10)
FOODBANK_OPEN_DATA_DELAY_DAYS = env.int("FOODBANK_OPEN_DATA_DELAY_DAYS", default=7)

# LOG_LEVEL holds for Django's own loggers too: Django gives "django" a level and a console
# handler of its own (INFO, when DEBUG is on); here it has LOG_LEVEL and the root's handler,
# and so do its children (runserver's request lines, SQL when DEBUG is on and LOG_LEVEL is).
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
