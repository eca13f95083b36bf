import pytest

from tests.accounts.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_home_page_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_signing_in_shows_the_users_role_and_district(client, people):
    response = client.post(
        "/login/", {"username": "staff_a", "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    page = response.content.decode()
    assert "เจ้าหน้าที่เขต" in page  # "District staff" in Thai, the default language
    assert "พระนคร" in page


def test_wrong_password_shows_the_error_on_the_sign_in_page(client, people):
    response = client.post("/login/", {"username": "staff_a", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(client, people):
    client.force_login(people.donor)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_language_switch_turns_the_pages_english(client, people):
    client.force_login(people.counter_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Counter staff" in page
    assert "Phra Nakhon" in page


def test_admin_link_shows_only_for_admins(client, people):
    client.force_login(people.staff_a)
    assert "/admin/" not in client.get("/").content.decode()
    client.force_login(people.admin)
    assert "/admin/" in client.get("/").content.decode()


def test_admins_open_the_django_admin_and_staff_do_not(client, people):
    client.force_login(people.admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    client.force_login(people.staff_a)
    assert client.get("/admin/accounts/user/").status_code == 302
