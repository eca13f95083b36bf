"""Every operation of ``/api/schema/``, fed generated input by Schemathesis.

Whatever is sent, the API answers without a server error, and every answer it documents
matches the schema. The calls go through the WSGI application with an API token, as an admin
and as district staff of district A, in the permission matrix's city (so generated ids may
name real records). The SQLite pass runs them once; the PostgreSQL pass runs the
``*_on_postgresql`` variants.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, response_schema_conformance]
#: Bounded so the SQLite pass stays short; derandomized so a failure in CI reproduces.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the PostgreSQL pass runs the *_on_postgresql variant"
)


@pytest.fixture
def in_the_tests_transaction() -> Iterator[None]:
    """Django closes the connection when a request finishes, which would end the transaction
    the test rolls back; its test client switches that off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _call(case, user) -> None:
    """Signed in by token, fetched for each call: one operation revokes it."""
    token, _created = Token.objects.get_or_create(user=user)
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=CHECKS)


@sqlite_only
@schema.parametrize()
@FUZZ
def test_any_input_as_admin_gets_a_documented_answer(case, world, in_the_tests_transaction):
    _call(case, world.users["admin"])


@sqlite_only
@schema.parametrize()
@FUZZ
def test_any_input_as_district_staff_gets_a_documented_answer(
    case, world, in_the_tests_transaction
):
    _call(case, world.users["staff_a"])


@pytest.mark.postgres
@schema.parametrize()
@FUZZ
def test_any_input_as_admin_gets_a_documented_answer_on_postgresql(
    case, world, in_the_tests_transaction
):
    _call(case, world.users["admin"])


@pytest.mark.postgres
@schema.parametrize()
@FUZZ
def test_any_input_as_district_staff_gets_a_documented_answer_on_postgresql(
    case, world, in_the_tests_transaction
):
    _call(case, world.users["staff_a"])
