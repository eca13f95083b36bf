"""The printable report of what is held on a household (PDPA right of access): for district
staff to hand to the household, and for the household's own recipient login."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from foodbank.accounts.decorators import role_required
from foodbank.accounts.models import Role
from foodbank.accounts.permissions import signed_in_user

from . import selectors
from .personal_data import personal_data_held
from .services import households
from .views import KEEPERS, household_in_scope


@role_required(*KEEPERS)
def household_data(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff read the whole record, so the reading is logged; it is logged before the report
    is built, so the report lists the reading that produced it."""
    household = household_in_scope(request, pk)
    households.record_access(
        household=household,
        user=signed_in_user(request),
        via="report",
        address=request.META.get("REMOTE_ADDR"),
    )
    context = {"report": personal_data_held(household), "for_staff": True}
    return render(request, "points/personal_data.html", context)


@role_required(Role.RECIPIENT)
def my_data(request: HttpRequest) -> HttpResponse:
    """A recipient's own report. Not written to the access log: the log accounts to the
    household for other people reading its record, and the household reading its own data
    discloses nothing to anyone. Logging it would only add a record of the household's own
    behaviour (more personal data to hold, PDPA section 22's minimisation) and crowd the
    list of readers the report shows it."""
    household = selectors.own_household(request.user)
    if household is None:
        raise Http404
    context = {"report": personal_data_held(household), "for_staff": False}
    return render(request, "points/personal_data.html", context)
