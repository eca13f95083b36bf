from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from donors.models import DropOff
from foodbank.accounts.models import User
from inventory.models import AlertKind, Item, Lot, StockAlert
from inventory.selectors import ledger_mismatches
from points.models import Household, LeavingReason

pytestmark = pytest.mark.django_db


def test_the_demo_is_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_demo_seeds_accounts_surplus_and_stores_once(settings, districts):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    counts = (User.objects.count(), DropOff.objects.count(), Item.objects.count())
    lots = Lot.objects.count()
    call_command("seed_demo", stdout=StringIO())

    assert (User.objects.count(), DropOff.objects.count(), Item.objects.count()) == counts
    assert Lot.objects.count() == lots > 0
    assert Lot.objects.filter(district__code="1006").exists()
    assert set(StockAlert.objects.values_list("kind", flat=True)) == {
        AlertKind.EXPIRING,
        AlertKind.LOW_STOCK,
    }
    assert ledger_mismatches() == []
    recipient = User.objects.get(username="recipient.demo")
    assert recipient.household.balance > 0
    assert not recipient.must_change_password  # the demo's published password signs in
    assert Household.objects.count() == 4
    moved = Household.objects.get(left_on__isnull=False)
    assert (moved.leaving_reason, moved.erased_at) == (LeavingReason.MOVED, None)
    assert DropOff.objects.filter(donor__account__username="donor.demo").exists()
