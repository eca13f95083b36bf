"""Row locks for the impact rollups: a district's row guards its rollup cells.

The locks are ``FOR NO KEY UPDATE``: holders take turns with each other, while rows that
point at a district (a drop-off logged, a voucher issued, an import's key checks) are
still written beside them.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from foodbank.districts.models import District


def _locked() -> QuerySet[District]:
    return District.objects.select_for_update(no_key=True).order_by("pk")


def lock_districts(district_ids: Iterable[int]) -> None:
    """Hold these districts' rows, in pk order, until the commit.

    Rollup writers of a district take turns: a slower rebuild cannot overwrite a newer one,
    and a donor's first day in a cell is counted into its month once.
    """
    list(_locked().filter(pk__in=set(district_ids)).values_list("pk", flat=True))


def lock_all_districts() -> None:
    """Hold every district's row, in pk order, until the commit: no rollup changes
    meanwhile, so a reader sees all the rollups in one state."""
    list(_locked().values_list("pk", flat=True))
