import pytest
from rest_framework.authtoken.models import Token

from foodbank.accounts.models import User

from .factories import TEST_PASSWORD

USERS = "/api/v1/users/"


def usernames(response) -> set[str]:
    return {row["username"] for row in response.json()["results"]}


def test_admin_lists_every_user_in_the_city(api, people):
    response = api.as_user(people.admin).get(USERS)
    assert response.status_code == 200
    assert usernames(response) == set(User.objects.values_list("username", flat=True))


def test_district_staff_see_only_their_own_districts_team(api, people):
    response = api.as_user(people.staff_a).get(USERS)
    assert response.status_code == 200
    assert usernames(response) == {"staff_a", "counter_a", "recipient_a"}


def test_district_staff_get_404_for_a_user_of_another_district(api, people):
    client = api.as_user(people.staff_a)
    assert client.get(f"{USERS}{people.counter_a.pk}/").status_code == 200
    response = client.get(f"{USERS}{people.counter_b.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("who", ["donor", "recipient_a", "counter_a"])
def test_other_roles_are_refused_the_user_list(api, people, who):
    response = api.as_user(getattr(people, who)).get(USERS)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_anonymous_requests_must_authenticate(api, people):
    response = api.as_user(None).get(USERS)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_admin_creates_a_counter_staff_user(api, people):
    response = api.as_user(people.admin).post(
        USERS,
        {
            "username": "new.counter",
            "role": "counter_staff",
            "district": "1006",
            "password": TEST_PASSWORD,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["district"]["code"] == "1006"
    assert User.objects.get(username="new.counter").district == people.district_b


def test_district_staff_may_not_create_users(api, people):
    response = api.as_user(people.staff_a).post(
        USERS, {"username": "x", "role": "counter_staff", "district": "1001"}, format="json"
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "x", "role": "counter_staff"}, "district"),
        ({"username": "x", "role": "chef"}, "role"),
        ({"username": "x", "role": "counter_staff", "district": "9999"}, "district"),
        ({"username": "x", "role": "donor", "password": "123"}, "password"),
        ({"username": "staff_a", "role": "donor"}, "username"),
    ],
)
def test_bad_user_input_names_the_field_and_creates_nothing(api, people, payload, field):
    before = User.objects.count()
    response = api.as_user(people.admin).post(USERS, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"], body
    assert User.objects.count() == before


def test_token_is_issued_for_valid_credentials_and_works(api, people):
    response = api.post(
        "/api/v1/auth/token/", {"username": "staff_a", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json()["user"]["role"] == "district_staff"
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["username"] == "staff_a"


def test_wrong_password_gets_no_token(api, people):
    response = api.post(
        "/api/v1/auth/token/", {"username": "staff_a", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert "password" in response.json()["fields"]
    assert not Token.objects.exists()


def test_deleting_the_token_signs_the_client_out(api, people):
    token = Token.objects.create(user=people.donor)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert api.get("/api/v1/me/").status_code == 401


def test_me_describes_the_signed_in_user(api, people):
    body = api.as_user(people.counter_b).get("/api/v1/me/").json()
    assert body["role"] == "counter_staff"
    assert body["district"] == {"code": "1006", "name_th": "บางกะปิ", "name_en": "Bang Kapi"}


def test_errors_speak_thai_by_default(people):
    from rest_framework.test import APIClient

    response = APIClient().get(USERS)
    assert response.status_code == 401
    assert response.json()["message"] == "ไม่พบข้อมูลการเข้าสู่ระบบ"


def test_token_requests_are_rate_limited(api, people, settings):
    for _attempt in range(10):
        api.post("/api/v1/auth/token/", {"username": "staff_a", "password": "x"}, format="json")
    response = api.post(
        "/api/v1/auth/token/", {"username": "staff_a", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert not Token.objects.exists()
