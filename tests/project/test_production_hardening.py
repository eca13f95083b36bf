"""Production settings pass Django's deploy check and send the security headers; the CSP
allows every inline script our templates carry, and nothing else inline."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from foodbank.web.csp import INLINE_HANDLERS, policy, source_hash

from .test_settings import PERSONAL_DATA, STRONG_SECRET

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "foodbank.settings.production",
    "DJANGO_SECRET_KEY": STRONG_SECRET,
    "DJANGO_ALLOWED_HOSTS": "foodbank.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://foodbank.example.org",
    "DATABASE_URL": "postgres://u@db:5432/foodbank",
    "REDIS_URL": "redis://r:6379/0",
    "EMAIL_URL": "smtp+tls://user:password@smtp.example.org:587",
    **PERSONAL_DATA,
}


def run_with_production(*command: str, **environment: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "FOODBANK_", "EMAIL_"))
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, *command],
        env=clean | PRODUCTION | environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_the_deploy_check_is_clean_with_production_settings():
    result = run_with_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_turning_hsts_for_subdomains_off_is_taken_as_decided():
    result = run_with_production(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        DJANGO_SECURE_HSTS_PRELOAD="false",
    )
    assert result.returncode == 0, result.stderr


HEADERS = """
import django
django.setup()
from django.conf import settings
from django.test import Client
# Static files named without collectstatic's manifest, which a test run does not build.
settings.STORAGES = settings.STORAGES | {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}
client = Client(HTTP_HOST="foodbank.example.org")
plain = client.get("/login/")
print(plain.status_code, plain["Location"])
page = client.get("/login/", secure=True)
print(page.status_code)
for name in ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy",
             "X-Frame-Options", "Cross-Origin-Opener-Policy", "Content-Security-Policy"):
    print(name, "=", page[name])
for cookie in page.cookies.values():
    print("cookie", cookie.key, bool(cookie["secure"]), bool(cookie["httponly"]))
"""


def test_production_answers_carry_the_security_headers():
    result = run_with_production("-c", HEADERS)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "301 https://foodbank.example.org/login/"
    assert lines[1] == "200"
    headers = dict(line.split(" = ", 1) for line in lines if " = " in line)
    assert headers == {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Content-Security-Policy": policy(),
    }
    assert "cookie csrftoken True False" in lines


def test_the_policy_allows_scripts_only_from_the_site_and_the_listed_handlers():
    directives = dict(part.split(" ", 1) for part in policy().split("; "))
    assert directives["script-src"].split() == [
        "'self'",
        "'unsafe-hashes'",
        *(source_hash(code) for code in INLINE_HANDLERS),
    ]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    # As `printf 'window.print()' | openssl dgst -sha256 -binary | base64` computes it.
    assert source_hash("window.print()") == "'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='"


TEMPLATE_DIRS = ["foodbank", "donors", "inventory", "points"]
HANDLER = re.compile(r"""\son[a-z]+="([^"]*)\"""")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")


def web_templates():
    for folder in TEMPLATE_DIRS:
        for path in sorted(Path(settings.BASE_DIR, folder).rglob("templates/**/*.html")):
            if "/email/" not in str(path):  # e-mails are not served by the site
                yield path


@pytest.mark.parametrize("path", list(web_templates()), ids=lambda p: str(p.name))
def test_every_inline_script_in_a_template_is_allowed_by_the_policy(path):
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text), f"{path}: an inline <script>; serve it from static/"
    for code in HANDLER.findall(text):
        assert code in INLINE_HANDLERS, f"{path}: the handler {code!r} is not in the CSP"
