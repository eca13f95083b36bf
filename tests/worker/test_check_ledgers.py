from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from inventory.models import Lot
from points.models import Household
from points.services.ledger import grant_points
from tests.inventory.factories import lot, rice
from tests.points.factories import household
from worker.tasks import check_ledgers

pytestmark = pytest.mark.django_db


def test_the_ledger_check_finds_cached_sums_that_drifted_and_rebuilds_them(people):
    bags = lot(rice(people.admin), people.staff_a, "5")
    home = household(people.staff_a)
    grant_points(household=home, points=40, by=people.staff_a, reason="start")
    assert check_ledgers.delay().get() is True

    Lot.objects.filter(pk=bags.pk).update(on_hand=9)
    Household.objects.filter(pk=home.pk).update(balance=1)
    assert check_ledgers.delay().get() is False
    with pytest.raises(CommandError):
        call_command("check_ledgers", stdout=StringIO())

    out = StringIO()
    call_command("check_ledgers", "--rebuild", stdout=out)
    assert "rebuilt: 1" in out.getvalue()
    bags.refresh_from_db()
    home.refresh_from_db()
    assert (bags.on_hand, home.balance) == (5, 40)
    assert check_ledgers.delay().get() is True
