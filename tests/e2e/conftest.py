"""End-to-end tests: Debian's Chromium, driven by Playwright, against a live server.

Each test signs its user in by handing the browser a session cookie, then goes through the
pages alone. Without Chromium the tests are skipped, except with CI=true, where they fail.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
QUIET_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def playwright(live_server) -> Iterator:
    """Playwright for one test, started once its database is set up (started any earlier,
    it keeps transactional tests from restoring the migrations' seed data)."""
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        reason = f"needs Chromium at {CHROMIUM} (make test installs Debian's chromium)"
        if IN_CI:
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running
        # The test's ORM calls made within Playwright's sync API get a connection of their
        # own (it switches greenlets, and Django keeps connections per context). Left open,
        # it outlives the test and keeps the PostgreSQL test database from being dropped.
        connections.close_all()


@pytest.fixture
def launch(playwright):
    """``launch(*args)`` starts Chromium with extra switches; closed after the test."""
    started = []

    def start(*extra: str, locale: str = "en-GB", mobile: bool = False):
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*QUIET_CHROMIUM, *extra]
        )
        started.append(browser)
        viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 800}
        return browser.new_context(locale=locale, viewport=viewport)

    yield start
    for browser in started:
        browser.close()


@pytest.fixture
def sign_in(live_server):
    """``sign_in(context, user)``: the browser context carries ``user``'s session."""

    def add_session(context, user) -> None:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        # The backend that signs people in (the lockout backend before it only refuses).
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "url": live_server.url,
                }
            ]
        )

    return add_session


@pytest.fixture
def person(playwright, live_server):
    """``person(locale=..., phone=...)``: a new browser tab for one person on the journey,
    each with its own cookies, all in one Chromium closed after the test."""
    from .journey import Walk

    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_CHROMIUM)

    def arrive(*, locale: str = "th-TH", phone: bool = False) -> Walk:
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
        context = browser.new_context(
            locale=locale, viewport=viewport, is_mobile=phone, has_touch=phone
        )
        context.set_default_timeout(15_000)
        return Walk(context.new_page(), live_server.url, phone=phone)

    yield arrive
    browser.close()
