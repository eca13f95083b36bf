"""WSGI entry point for gunicorn: ``gunicorn foodbank.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foodbank.settings.production")

application = get_wsgi_application()

# Import every view now rather than on each worker's first request, which would otherwise
# spend a second or more importing them while its first visitor waits.
get_resolver().url_patterns  # noqa: B018
