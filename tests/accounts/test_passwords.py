"""Passwords: everyone changes their own; a password someone else chose (staff making or
resetting a recipient's login, an admin creating a user) must be changed before anything
else, on the web and on the API; district staff give a recipient a new one."""

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from foodbank.accounts.models import User
from foodbank.accounts.services import change_own_password
from foodbank.audit.models import Action, AuditEvent
from points.errors import HouseholdLeft, NoLogin
from points.models import LeavingReason
from points.services.departures import record_departure
from points.services.households import create_recipient_login, reset_recipient_password
from tests.points.factories import household

from .factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-fresh-passphrase-of-mine"
PASSWORD_PAGE = "/account/password/"
ADDRESS = "198.51.100.7"


@pytest.fixture
def few_tries(settings):
    """Three wrong passwords lock a username from one address."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.FOODBANK_RATE_LIMITS = settings.FOODBANK_RATE_LIMITS | {"auth": "100/min"}


@pytest.fixture
def home(people):
    return household(people.staff_a, head_name="Pranee Sukjai")


@pytest.fixture
def first_login(people, home):
    """A recipient login as staff made it: the password is theirs, not yet the recipient's."""
    return create_recipient_login(
        household=home, username="pranee", password=TEST_PASSWORD, by=people.staff_a
    )


def signed_in(username: str, password: str = TEST_PASSWORD) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=username, password=password)
    return client


def change_form(old: str = TEST_PASSWORD, new: str = NEW_PASSWORD, again: str | None = None):
    return {"old_password": old, "new_password": new, "new_password_again": again or new}


# -- changing one's own password -----------------------------------------------------------


def test_a_changed_password_signs_in_revokes_tokens_and_is_in_the_trail(people):
    Token.objects.create(user=people.donor)

    change_own_password(user=people.donor, old_password=TEST_PASSWORD, new_password=NEW_PASSWORD)

    donor = User.objects.get(pk=people.donor.pk)
    assert donor.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(user=donor).exists()
    event = AuditEvent.objects.get(action=Action.PASSWORD_CHANGED)
    assert (event.actor, event.target_id, event.summary) == (donor, donor.pk, {})


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("not-my-password", NEW_PASSWORD, "old_password"),
        (TEST_PASSWORD, TEST_PASSWORD, "new_password"),
        (TEST_PASSWORD, "12345678", "new_password"),  # common and all digits
        (TEST_PASSWORD, "donor", "new_password"),  # short and the username
    ],
)
def test_a_refused_change_names_the_field_and_changes_nothing(people, old, new, field):
    Token.objects.create(user=people.donor)
    with pytest.raises(ValidationError) as refused:
        change_own_password(user=people.donor, old_password=old, new_password=new)
    assert list(refused.value.message_dict) == [field]
    assert User.objects.get(pk=people.donor.pk).check_password(TEST_PASSWORD)
    assert Token.objects.filter(user=people.donor).exists()
    assert not AuditEvent.objects.exists()


def test_the_password_page_changes_it_keeps_this_session_and_ends_the_others(people):
    here, elsewhere = signed_in("staff_a"), signed_in("staff_a")

    done = here.post(PASSWORD_PAGE, change_form())

    assert (done.status_code, done["Location"]) == (302, "/")
    assert here.get("/households/").status_code == 200
    assert elsewhere.get("/households/")["Location"].startswith("/login/")
    assert signed_in("staff_a", NEW_PASSWORD)


def test_the_password_page_shows_each_problem_next_to_its_field(people):
    client = signed_in("staff_a")
    wrong = client.post(PASSWORD_PAGE, change_form(old="not-my-password"))
    differ = client.post(PASSWORD_PAGE, change_form(again="another-passphrase-here"))
    with translation.override("en"):  # the form's own messages are translated when read
        assert wrong.context["form"].errors == {
            "old_password": ["The current password is not correct."]
        }
        assert differ.context["form"].errors == {
            "new_password_again": ["The two new passwords differ."]
        }
    assert User.objects.get(pk=people.staff_a.pk).check_password(TEST_PASSWORD)


def test_the_page_goes_on_only_to_a_page_of_this_site(people):
    client = signed_in("staff_a")
    away = client.post(f"{PASSWORD_PAGE}?next=https://evil.example/", change_form())
    assert away["Location"] == "/"


# -- a password someone else chose ---------------------------------------------------------


def test_a_first_sign_in_leads_to_the_password_page_before_anything_else(first_login):
    client = signed_in("pranee")

    sent = client.get("/me/")
    api = client.get("/api/v1/points/me/")

    assert sent["Location"] == f"{PASSWORD_PAGE}?next=%2Fme%2F"
    assert (api.status_code, api.json()["code"]) == (403, "password_change_required")
    page = client.get(sent["Location"]).content.decode()
    assert "Someone else chose your password" in page
    switched = client.post("/i18n/setlang/", {"language": "th", "next": "/me/"})
    assert switched["Location"] == "/me/"  # the language switch, not the password page

    done = client.post(sent["Location"], change_form())

    assert done["Location"] == "/me/"
    assert client.get("/me/").status_code == 200
    assert not User.objects.get(pk=first_login.pk).must_change_password


def test_someone_who_must_change_their_password_may_sign_out(first_login):
    client = signed_in("pranee")
    assert client.post("/logout/")["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_the_api_gives_no_token_until_the_password_is_changed(first_login):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    refused = api.post("/api/v1/auth/token/", {"username": "pranee", "password": TEST_PASSWORD})
    assert (refused.status_code, refused.json()["code"]) == (403, "password_change_required")
    assert not Token.objects.exists()

    wrong = api.post(
        "/api/v1/auth/password/",
        {"username": "pranee", "old_password": "guess", "new_password": NEW_PASSWORD},
    )
    weak = api.post(
        "/api/v1/auth/password/",
        {"username": "pranee", "old_password": TEST_PASSWORD, "new_password": "pranee"},
    )
    changed = api.post(
        "/api/v1/auth/password/",
        {"username": "pranee", "old_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert (wrong.status_code, list(wrong.json()["fields"])) == (400, ["old_password"])
    assert (weak.status_code, list(weak.json()["fields"])) == (400, ["new_password"])
    assert changed.status_code == 200
    me = APIClient(HTTP_AUTHORIZATION=f"Token {changed.json()['token']}").get("/api/v1/me/")
    assert (me.status_code, me.json()["must_change_password"]) == (200, False)


def test_a_token_made_for_someone_who_must_change_their_password_is_refused(first_login):
    key = Token.objects.create(user=first_login).key
    answer = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")
    assert (answer.status_code, answer.json()["code"]) == (403, "password_change_required")


def test_a_password_an_admin_chose_is_changed_at_first_sign_in(people):
    api = APIClient()
    api.force_authenticate(people.admin)
    chosen = api.post(
        "/api/v1/users/",
        {"username": "somchai", "role": "donor", "password": "an-admins-choice-1"},
    )
    none = api.post("/api/v1/users/", {"username": "narong", "role": "donor"})
    assert chosen.json()["must_change_password"] is True
    assert none.json()["must_change_password"] is False
    first = signed_in("somchai", "an-admins-choice-1").get("/dropoffs/")
    assert first["Location"].startswith(PASSWORD_PAGE)


def test_a_generated_password_of_the_command_is_changed_at_first_sign_in(people):
    call_command("create_user", "kanya", role="donor", stdout=StringIO(), stdin=StringIO())
    call_command(
        "create_user", "malee", role="donor", stdout=StringIO(), stdin=StringIO(NEW_PASSWORD)
    )
    assert User.objects.get(username="kanya").must_change_password
    assert not User.objects.get(username="malee").must_change_password


# -- staff give a recipient a new password -------------------------------------------------


def test_staff_give_a_locked_out_recipient_a_new_password(people, home, first_login, few_tries):
    change_own_password(user=first_login, old_password=TEST_PASSWORD, new_password=NEW_PASSWORD)
    token = Token.objects.create(user=first_login)
    session = signed_in("pranee", NEW_PASSWORD)
    phone = Client(REMOTE_ADDR=ADDRESS)
    for _guess in range(3):
        phone.post("/login/", {"username": "pranee", "password": "forgotten-it"})
    locked = phone.post("/login/", {"username": "pranee", "password": NEW_PASSWORD})
    assert locked.status_code == 429

    new = reset_recipient_password(household=home, by=people.staff_a)

    account = User.objects.get(pk=first_login.pk)
    assert new.username == "pranee"
    assert account.check_password(new.password)
    assert account.must_change_password
    assert not Token.objects.filter(pk=token.pk).exists()
    assert session.get("/me/")["Location"].startswith("/login/")
    signed = phone.post("/login/", {"username": "pranee", "password": new.password}, follow=True)
    assert signed.redirect_chain[-1][0].startswith(PASSWORD_PAGE)
    event = AuditEvent.objects.get(action=Action.RECIPIENT_PASSWORD_RESET)
    assert (event.actor, event.target_id, event.summary) == (
        people.staff_a,
        home.pk,
        {"account": account.pk},
    )
    assert new.password not in str(AuditEvent.objects.values_list("summary", flat=True))


def test_a_new_password_staff_type_follows_the_password_rules(people, home, first_login):
    with pytest.raises(ValidationError) as refused:
        reset_recipient_password(household=home, by=people.staff_a, password="1234")
    assert list(refused.value.message_dict) == ["password"]
    assert User.objects.get(pk=first_login.pk).check_password(TEST_PASSWORD)
    chosen = reset_recipient_password(household=home, by=people.staff_a, password=NEW_PASSWORD)
    assert chosen.password == NEW_PASSWORD


def test_no_new_password_without_a_login_or_after_leaving(people, home, first_login):
    other = household(people.staff_a, head_name="Somchai Meesuk")
    with pytest.raises(NoLogin):
        reset_recipient_password(household=other, by=people.staff_a)
    record_departure(household=home, reason=LeavingReason.MOVED, by=people.staff_a)
    with pytest.raises(HouseholdLeft):
        reset_recipient_password(household=home, by=people.staff_a)


def test_the_new_password_page_shows_it_once_and_is_not_kept(people, home, first_login):
    client = signed_in("staff_a")
    assert "/login/password/" in client.get(f"/households/{home.pk}/").content.decode()

    shown = client.post(f"/households/{home.pk}/login/password/", {"password": ""})

    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    password = shown.context["new"].password
    assert password in shown.content.decode()
    assert User.objects.get(pk=first_login.pk).check_password(password)


def test_the_api_answers_the_new_password_once_and_not_to_be_kept(api, people, home, first_login):
    url = f"/api/v1/households/{home.pk}/recipient-login/password/"
    answer = api.as_user(people.staff_a).post(url, {}, format="json")
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    assert answer.json()["username"] == "pranee"
    assert User.objects.get(pk=first_login.pk).check_password(answer.json()["password"])


@pytest.mark.parametrize(("who", "status"), [("staff_b", 404), ("counter_a", 403)])
def test_other_districts_and_counter_staff_cannot_reset_it(
    api, people, home, first_login, who, status
):
    user = getattr(people, who)
    page = Client()
    page.force_login(user)
    url = f"/households/{home.pk}/login/password/"
    assert page.post(url, {"password": ""}).status_code == status
    answer = api.as_user(user).post(f"/api/v1/households/{home.pk}/recipient-login/password/")
    assert answer.status_code == status
    assert User.objects.get(pk=first_login.pk).check_password(TEST_PASSWORD)


# -- guessing the current password ---------------------------------------------------------


def test_guesses_of_the_current_password_on_the_page_lock_it(people, few_tries):
    client = signed_in("staff_a")
    for _guess in range(3):
        client.post(PASSWORD_PAGE, change_form(old="a-guess"), REMOTE_ADDR=ADDRESS)
    right = client.post(PASSWORD_PAGE, change_form(), REMOTE_ADDR=ADDRESS)
    assert right.status_code == 429
    assert User.objects.get(pk=people.staff_a.pk).check_password(TEST_PASSWORD)


def test_guesses_on_the_api_lock_it_and_no_password_is_kept_in_the_attempts(first_login, few_tries):
    api = APIClient(REMOTE_ADDR=ADDRESS)
    guess = {"username": "pranee", "old_password": "nearly-my-pass", "new_password": NEW_PASSWORD}
    for _guess in range(3):
        api.post("/api/v1/auth/password/", guess)  # form-encoded, as axes keeps it
    right = api.post("/api/v1/auth/password/", guess | {"old_password": TEST_PASSWORD})
    assert right.status_code == 429
    kept = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "old_password" in kept
    assert "nearly-my-pass" not in kept
    assert NEW_PASSWORD not in kept


# -- the Django admin ----------------------------------------------------------------------


def test_a_password_set_in_the_django_admin_is_temporary(people):
    token = Token.objects.create(user=people.donor)
    client = Client()
    client.force_login(people.admin)
    url = f"/admin/accounts/user/{people.donor.pk}/password/"
    form = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    assert client.post(url, form).status_code == 302
    donor = User.objects.get(pk=people.donor.pk)
    assert donor.check_password(NEW_PASSWORD)
    assert donor.must_change_password
    assert not Token.objects.filter(pk=token.pk).exists()


def test_a_user_added_in_the_django_admin_with_a_password_changes_it_first(people):
    client = Client()
    client.force_login(people.admin)
    form = {
        "username": "narong",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "usable_password": "true",
        "role": "donor",
    }
    assert client.post("/admin/accounts/user/add/", form).status_code == 302
    assert User.objects.get(username="narong").must_change_password


def test_turning_password_sign_in_off_in_the_django_admin_stops_tokens(people):
    token = Token.objects.create(user=people.donor)
    client = Client()
    client.force_login(people.admin)
    url = f"/admin/accounts/user/{people.donor.pk}/password/"
    assert client.post(url, {"usable_password": "false", "unset-password": "1"}).status_code == 302
    assert not User.objects.get(pk=people.donor.pk).has_usable_password()
    assert not Token.objects.filter(pk=token.pk).exists()


@pytest.mark.parametrize("path", ["/admin/password_change/", "/admin/accounts/user/{pk}/password/"])
def test_an_admins_own_password_is_changed_on_the_sites_page(people, path):
    client = Client()
    client.force_login(people.admin)
    answer = client.get(path.format(pk=people.admin.pk))
    assert answer.status_code in (301, 302)
    assert answer["Location"] == PASSWORD_PAGE
