"""Repeated failed sign-ins lock a username from one address, and an address for everyone,
on the web, in the admin and for API tokens, until the cool-off has passed or an admin
clears it."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .factories import TEST_PASSWORD

HOME = {"REMOTE_ADDR": "198.51.100.10"}
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.99"}


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.FOODBANK_ADDRESS_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.FOODBANK_RATE_LIMITS = settings.FOODBANK_RATE_LIMITS | {"auth": "100/min"}


def sign_in(client, path, username, password, **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def fail(client, path, username, times, **extra):
    for _attempt in range(times):
        response = sign_in(client, path, username, "wrong-password", **extra)
        assert response.status_code == 200  # the form again, with its error


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_failures_lock_the_username_from_that_address_even_with_the_right_password(people, path):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    fail(client, path, "admin", 2, **HOME)
    locking = sign_in(client, path, "admin", "wrong-password", **HOME)
    assert locking.status_code == 429
    right = sign_in(client, path, "admin", TEST_PASSWORD, **HOME)
    assert right.status_code == 429
    text = right.content.decode()
    assert "Too many failed sign-ins. Signing in is locked for 15 minutes" in text
    assert right["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    # The same username from another address, and another username from this one, go on.
    assert sign_in(Client(), path, "admin", TEST_PASSWORD, **ELSEWHERE).status_code == 302
    assert sign_in(Client(), "/login/", "staff_a", TEST_PASSWORD, **HOME).status_code == 302


def test_an_address_with_many_failures_is_locked_for_every_username(people):
    client = Client()
    for username in ("a", "b", "c", "d"):
        fail(client, "/login/", username, 1, **HOME)
    locking = sign_in(client, "/login/", "e", "wrong", **HOME)
    assert locking.status_code == 429
    assert sign_in(Client(), "/login/", "staff_a", TEST_PASSWORD, **HOME).status_code == 429
    assert sign_in(Client(), "/login/", "staff_a", TEST_PASSWORD, **ELSEWHERE).status_code == 302


def test_the_lockout_ends_when_the_cool_off_has_passed(people):
    client = Client()
    fail(client, "/login/", "staff_a", 2, **HOME)
    assert sign_in(client, "/login/", "staff_a", "wrong", **HOME).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert sign_in(client, "/login/", "staff_a", TEST_PASSWORD, **HOME).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "/login/", "staff_a", TEST_PASSWORD, **HOME).status_code == 302


def test_api_tokens_are_refused_with_429_json_during_a_lockout(api, people):
    url = "/api/v1/auth/token/"
    for _attempt in range(2):
        answer = api.post(url, {"username": "staff_a", "password": "wrong"}, format="json", **HOME)
        assert answer.status_code == 400
    locked = api.post(url, {"username": "staff_a", "password": "wrong"}, format="json", **HOME)
    right = api.post(url, {"username": "staff_a", "password": TEST_PASSWORD}, format="json", **HOME)
    for answer in (locked, right):
        assert answer.status_code == 429
        assert answer.json()["code"] == "locked_out"
        assert answer["Retry-After"] == "900"
    assert "Signing in is locked for 15 minutes" in right.json()["message"]
    assert not Token.objects.exists()


def test_admins_see_and_clear_a_lockout(people):
    fail(Client(), "/login/", "staff_a", 2, **HOME)
    assert sign_in(Client(), "/login/", "staff_a", "wrong", **HOME).status_code == 429
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(people.admin)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "staff_a" in listing.content.decode()
    attempt = AccessAttempt.objects.get()
    cleared = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert cleared.status_code == 302
    assert sign_in(Client(), "/login/", "staff_a", TEST_PASSWORD, **HOME).status_code == 302


def test_other_roles_cannot_see_lockouts(people):
    client = Client()
    client.force_login(people.staff_a)
    assert client.get("/admin/axes/accessattempt/").status_code == 302  # to the admin sign-in


def test_a_password_checked_without_a_request_is_not_counted(people):
    from django.contrib.auth import authenticate

    assert authenticate(username="staff_a", password="wrong") is None
    assert authenticate(username="staff_a", password=TEST_PASSWORD) == people.staff_a
    assert Client().login(username="staff_a", password=TEST_PASSWORD)
    assert not AccessAttempt.objects.exists()
