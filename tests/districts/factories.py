from django.conf import settings

from foodbank.districts.models import District
from foodbank.districts.services import load_districts, read_district_file


def load_bundled_districts() -> dict[str, District]:
    """Load the bundled list through the service; returns districts by official code."""
    with open(settings.FOODBANK_DISTRICTS_FILE, "rb") as handle:
        load_districts(rows=read_district_file(handle.read()))
    return {district.code: district for district in District.objects.select_related("group")}
