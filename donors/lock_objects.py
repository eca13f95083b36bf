"""Row locks for the impact rollups: a district's row guards its rollup cells."""

from collections.abc import Iterable

from foodbank.districts.models import District


def lock_districts(district_ids: Iterable[int] | None = None) -> None:
    """Hold these districts' rows (all of them when ``None``), in pk order, until the commit.

    Rollup writers of a district take turns: a slower rebuild cannot overwrite a newer one,
    and a donor's first day in a cell is counted into its month once. A reader that holds
    every district sees all the rollups in one state.
    """
    districts = District.objects.select_for_update().order_by("pk")
    if district_ids is not None:
        districts = districts.filter(pk__in=set(district_ids))
    list(districts.values_list("pk", flat=True))
