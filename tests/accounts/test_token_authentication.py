"""API tokens: the user is loaded by hand, and must come out as the ORM would load it."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from foodbank.accounts.authentication import user_for_token
from foodbank.accounts.models import User

pytestmark = pytest.mark.django_db
USERS = "/api/v1/users/"


def client_with(key: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")


def test_the_token_user_has_every_field_the_orm_would_give(people):
    people.staff_a.last_login = timezone.now()
    people.staff_a.save()
    key = Token.objects.create(user=people.staff_a).key
    loaded, expected = user_for_token(key), User.objects.get(pk=people.staff_a.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
    assert loaded._state.adding is False
    assert loaded.district.code == people.district_a.code


def test_a_token_signs_the_request_in_as_its_user(people):
    key = Token.objects.create(user=people.staff_a).key
    answer = client_with(key).get(USERS)
    assert answer.status_code == 200
    assert {row["username"] for row in answer.json()["results"]} == {
        "staff_a",
        "counter_a",
        "recipient_a",
    }


def test_an_unknown_token_is_refused_with_401():
    answer = client_with("0" * 40).get(USERS)
    assert answer.status_code == 401
    assert user_for_token("0" * 40) is None


def test_the_token_of_a_deactivated_user_is_refused(people):
    key = Token.objects.create(user=people.counter_a).key
    User.objects.filter(pk=people.counter_a.pk).update(is_active=False)
    answer = client_with(key).get(USERS)
    assert answer.status_code == 401
    assert "inactive" in answer.json()["message"]
