"""Who may open a donor's yearly statement page, and years no statement can have."""

import pytest
from django.test import TestCase
from django.utils import timezone

from donors.models import ReceiptEmail

from .factories import DonorFactory, line, received


@pytest.fixture
def gave_in_a(people):
    """A donor with an address who gave food in district A (1001) only."""
    donor = DonorFactory(email="kitchen@example.org")
    received(donor=donor, by=people.staff_a, lines=[line("bakery", "12.5")])
    return donor


def _year() -> int:
    return timezone.localdate().year


def test_staff_of_the_district_where_the_donor_gave_read_the_statement(client, people, gave_in_a):
    client.force_login(people.staff_a)
    assert client.get(f"/donors/{gave_in_a.pk}/statement/{_year()}/").status_code == 200


def test_staff_of_another_district_do_not_find_a_donors_statement(client, people, gave_in_a):
    client.force_login(people.staff_b)
    response = client.get(f"/donors/{gave_in_a.pk}/statement/{_year()}/")
    assert response.status_code == 404
    assert "12.500" not in response.content.decode()


@pytest.mark.parametrize("year", [0, 1999, 99999, 10**12])
def test_a_statement_of_a_year_no_statement_can_have_is_not_found(client, people, gave_in_a, year):
    client.force_login(people.staff_a)
    assert client.get(f"/donors/{gave_in_a.pk}/statement/{year}/").status_code == 404


@pytest.mark.parametrize("year", [0, 1999, 99999])
def test_e_mailing_a_statement_of_such_a_year_sends_nothing(client, people, gave_in_a, year):
    client.force_login(people.staff_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/donors/{gave_in_a.pk}/statement/{year}/email/")
    assert response.status_code == 404
    assert not ReceiptEmail.objects.exists()
