from io import StringIO

import pytest
from django.contrib import auth
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import translation

from foodbank.accounts.models import Role, User
from foodbank.accounts.services import assign_role, create_user

from .factories import TEST_PASSWORD


def authenticate(**credentials):
    """Signing in as the login page does: with a request (the lockout needs its address)."""
    return auth.authenticate(RequestFactory().post("/login/"), **credentials)


class Stdin(StringIO):
    def __init__(self, text: str, *, tty: bool = False):
        super().__init__(text)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_staff_user_belongs_to_the_given_district(districts):
    user = create_user(
        username="somchai",
        role=Role.DISTRICT_STAFF,
        district=districts["1001"],
        password=TEST_PASSWORD,
    )
    assert (user.role, user.district.code) == ("district_staff", "1001")
    assert not user.is_staff
    assert authenticate(username="somchai", password=TEST_PASSWORD) == user


def test_admin_role_gets_the_django_admin(db):
    user = create_user(username="root", role=Role.ADMIN, password=TEST_PASSWORD)
    assert user.is_staff
    assert user.is_superuser


@pytest.mark.parametrize("role", [Role.DISTRICT_STAFF, Role.COUNTER_STAFF])
def test_staff_role_without_district_is_refused(db, role):
    with pytest.raises(ValidationError) as refused:
        create_user(username="x", role=role, password=TEST_PASSWORD)
    assert "district" in refused.value.message_dict
    assert not User.objects.exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.DONOR])
def test_city_wide_role_with_district_is_refused(districts, role):
    with pytest.raises(ValidationError) as refused:
        create_user(username="x", role=role, district=districts["1001"], password=TEST_PASSWORD)
    assert "district" in refused.value.message_dict


def test_weak_password_is_refused_naming_the_field(db):
    with pytest.raises(ValidationError) as refused:
        create_user(username="x", role=Role.DONOR, password="1234")
    assert "password" in refused.value.message_dict
    assert not User.objects.exists()


def test_user_without_password_cannot_sign_in(db):
    user = create_user(username="nopass", role=Role.DONOR)
    assert not user.has_usable_password()


def test_database_refuses_staff_without_district_even_bypassing_the_service(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="raw", role=Role.COUNTER_STAFF)


def test_database_refuses_an_unknown_role(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="raw", role="superhero")


def test_createsuperuser_makes_an_admin(db):
    user = User.objects.create_superuser("boss", "boss@example.org", TEST_PASSWORD)
    assert user.role == Role.ADMIN


def test_command_reads_the_password_from_stdin(districts):
    out = StringIO()
    call_command(
        "create_user",
        "malee",
        role="counter_staff",
        district="1001",
        stdin=Stdin(f"{TEST_PASSWORD}\n"),
        stdout=out,
    )
    assert "Created malee (เจ้าหน้าที่จุดบริการ) in district 1001" in out.getvalue()
    assert "Password" not in out.getvalue()
    assert authenticate(username="malee", password=TEST_PASSWORD) is not None


def test_command_generates_and_prints_a_password_when_none_is_piped(db):
    out = StringIO()
    call_command("create_user", "narong", role="donor", stdin=Stdin("", tty=True), stdout=out)
    printed = out.getvalue().split("Password: ")[1].strip()
    assert len(printed) >= 16
    assert authenticate(username="narong", password=printed) is not None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"role": "counter_staff"}, "district: Staff roles must belong to a district."),
        ({"role": "counter_staff", "district": "9999"}, "No district with code 9999"),
        ({"role": "admin", "district": "1001"}, "district: This role is city-wide"),
    ],
)
def test_command_refuses_bad_arguments_and_creates_nothing(districts, arguments, message):
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("create_user", "someone", stdin=Stdin("", tty=True), **arguments)
    assert not User.objects.filter(username="someone").exists()


def test_command_refuses_an_unknown_role(db):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("create_user", "someone", "--role", "chef")


def test_command_refuses_a_taken_username_in_the_active_language(districts, make_user):
    make_user(username="taken")
    with pytest.raises(CommandError, match="username: ชื่อผู้ใช้นั้นได้ถูกใช้ไปแล้ว"):
        call_command("create_user", "taken", role="donor", stdin=Stdin("", tty=True))
    with translation.override("en"), pytest.raises(CommandError, match="username already exists"):
        call_command("create_user", "taken", role="donor", stdin=Stdin("", tty=True))
    assert User.objects.filter(username="taken").count() == 1


def test_database_refuses_django_admin_access_for_other_roles(districts):
    user = create_user(
        username="x", role=Role.DISTRICT_STAFF, district=districts["1001"], password=TEST_PASSWORD
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_staff=True)


def test_demoting_an_admin_takes_away_the_django_admin(db):
    user = create_user(username="boss", role=Role.ADMIN, password=TEST_PASSWORD)
    assign_role(user=user, role=Role.DONOR)
    user.refresh_from_db()
    assert (user.role, user.is_staff, user.is_superuser) == ("donor", False, False)


def test_admin_page_changes_a_role_keeping_the_rules(client, districts):
    admin = create_user(username="boss", role=Role.ADMIN, password=TEST_PASSWORD)
    other = create_user(username="kanya", role=Role.ADMIN, password=TEST_PASSWORD)
    client.force_login(admin)
    url = f"/admin/accounts/user/{other.pk}/change/"
    form = {
        "username": "kanya",
        "role": "district_staff",
        "district": districts["1006"].pk,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    refused = client.post(url, form | {"district": ""})
    assert refused.status_code == 200
    assert "เจ้าหน้าที่ต้องสังกัดเขต" in refused.content.decode()
    assert client.post(url, form).status_code == 302
    other.refresh_from_db()
    assert (other.role, other.district.code, other.is_staff) == ("district_staff", "1006", False)
