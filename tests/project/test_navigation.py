"""The header shows each role only the pages that admit it."""

import pytest
from django.urls import reverse

from donors.services.donors import register_donor_with_account
from foodbank.accounts.models import Role
from foodbank.web.navigation import LINKS, links_for
from tests.accounts.factories import TEST_PASSWORD
from tests.points.factories import household, recipient_login

ROLES = [Role.ADMIN, Role.DISTRICT_STAFF, Role.COUNTER_STAFF, Role.DONOR, Role.RECIPIENT]


def _user_of(role, people):
    if role == Role.RECIPIENT:
        home = household(people.staff_a)
        return recipient_login(
            household=home, username="pranee", password=TEST_PASSWORD, by=people.staff_a
        )
    if role == Role.DONOR:
        return register_donor_with_account(
            username="noodles",
            password=TEST_PASSWORD,
            name="Noodle Shop",
            kind="organisation",
            donor_type="restaurant",
        ).account
    return {
        Role.ADMIN: people.admin,
        Role.DISTRICT_STAFF: people.staff_a,
        Role.COUNTER_STAFF: people.counter_a,
    }[role]


@pytest.mark.parametrize("role", ROLES)
def test_every_link_in_a_roles_header_opens_for_that_role(client, people, role):
    user = _user_of(role, people)
    client.force_login(user)
    links = links_for(role)
    assert links, f"{role} has no pages"
    for link in links:
        response = client.get(link.url, follow=True)
        assert response.status_code == 200, f"{role} was refused {link.url}"
        assert f'href="{link.url}"' in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_a_roles_header_leaves_out_the_pages_that_would_refuse_it(client, people, role):
    client.force_login(_user_of(role, people))
    shown = {link.url for link in links_for(role)}
    page = client.get("/").content.decode()
    nav = page.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    for link in LINKS:
        url = reverse(link.url_name)
        if url in shown:
            assert f'href="{url}"' in nav
            continue
        assert f'href="{url}"' not in nav
        response = client.get(url)
        refused = response.status_code in (403, 404) or (
            response.status_code == 302 and response["Location"].startswith("/admin/login/")
        )
        assert refused, f"{role} is shown no {url} yet opens it"


def test_the_current_page_is_marked_in_the_header(client, people):
    client.force_login(people.staff_a)
    page = client.get("/dropoffs/new/").content.decode()
    assert '<a href="/dropoffs/new/" aria-current="page">' in page
    assert '<a href="/dropoffs/" aria-current="page">' not in page
    page = client.get("/store/to-sort/").content.decode()
    assert '<a href="/store/" aria-current="page">' in page


def test_visitors_see_no_main_navigation(client, db):
    page = client.get("/login/").content.decode()
    assert 'class="main-nav"' not in page
