"""A database that cannot be reached answers 503 with Retry-After, on the API and the pages.

The full path (gunicorn against a PostgreSQL that restarts) is in tests/faults; these check
the answer's shape, in English and in Thai.
"""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from django.utils import translation

from foodbank.errors import api_exception_handler
from foodbank.web.middleware import ApplicationErrorPage


@pytest.mark.parametrize("error", [OperationalError("server closed"), InterfaceError("gone")])
def test_the_api_answers_503_json_asking_to_retry(error):
    with translation.override("en"):
        response = api_exception_handler(error, {})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.data["code"] == "unavailable"
    assert "try again" in response.data["message"]


@pytest.mark.django_db
def test_a_page_answers_503_without_touching_the_database(django_assert_num_queries):
    request = RequestFactory().get("/store/")
    middleware = ApplicationErrorPage(lambda request: None)
    with translation.override("th"), django_assert_num_queries(0):
        response = middleware.process_exception(request, OperationalError("server closed"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert 'lang="th"' in response.content.decode()


def test_other_errors_are_left_to_django():
    request = RequestFactory().get("/store/")
    assert (
        ApplicationErrorPage(lambda request: None).process_exception(request, ValueError("a bug"))
        is None
    )
