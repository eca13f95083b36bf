"""Row locks for the points ledger: a household's row guards its balance and entries."""

from .models import Grant, Household


def lock_household(pk: int) -> Household:
    return Household.objects.select_for_update(of=("self",)).get(pk=pk)


def lock_grant(pk: int) -> Grant:
    return Grant.objects.select_for_update(of=("self",)).get(pk=pk)
