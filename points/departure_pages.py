"""Web pages for a household leaving the programme, coming back, and its data's erasure."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from foodbank.accounts.decorators import role_required
from foodbank.accounts.permissions import signed_in_user
from foodbank.errors import ApplicationError
from foodbank.web.submit import submitted

from .forms import DepartureForm, ErasureForm
from .models import LeavingReason
from .services import departures
from .views import household_in_scope


def _posted(request: HttpRequest):
    """The posted data, even when empty (an unticked box posts nothing)."""
    return request.POST if request.method == "POST" else None


def _form_page(request: HttpRequest, household, form, **context) -> HttpResponse:
    cancel_url = reverse("points:household", args=[household.pk])
    return render(
        request, "web/form_page.html", {"form": form, "cancel_url": cancel_url, **context}
    )


@role_required(*departures.KEEPERS)
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    household, user = household_in_scope(request, pk), signed_in_user(request)
    form = DepartureForm(_posted(request))
    act = lambda: departures.record_departure(  # noqa: E731
        household=household,
        by=user,
        reason=form.cleaned_data["leaving_reason"],
        left_on=form.cleaned_data["left_on"],
    )
    if submitted(request, form, act):
        if form.cleaned_data["leaving_reason"] == LeavingReason.ERASURE_REQUESTED:
            messages.success(request, _("The household has left; its personal data is erased."))
        else:
            messages.success(request, _("The household has left the programme."))
        return redirect("points:household", pk=household.pk)
    intro = _(
        "Uncollected vouchers are cancelled, with their points and goods given back; grants "
        "awaiting approval are withdrawn; the household card and login stop working. The "
        "personal data is erased %(days)d days after the day of leaving, or at once if the "
        "household asks for it."
    ) % {"days": departures.retention_days()}
    title = _("Household %(id)s leaves the programme") % {"id": household.pk}
    return _form_page(
        request, household, form, title=title, intro=intro, submit_label=_("Record leaving")
    )


@require_POST
@role_required(*departures.KEEPERS)
def come_back(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_in_scope(request, pk)
    try:
        departures.record_return(household=household, by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The household is back in the programme."))
    return redirect("points:household", pk=household.pk)


@role_required(*departures.KEEPERS)
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    household, user = household_in_scope(request, pk), signed_in_user(request)
    form = ErasureForm(_posted(request))
    if submitted(request, form, lambda: departures.erase_household(household=household, by=user)):
        messages.success(request, _("The household's personal data is erased."))
        return redirect("points:household", pk=household.pk)
    intro = _(
        "The name, national ID, phone, address and notes of the household, the notes of its "
        "assessments, the reasons written on its grants and points, and its login are erased "
        "for good. Its points, vouchers and member counts stay, without anyone's identity."
    )
    title = _("Erase the personal data of household %(id)s") % {"id": household.pk}
    return _form_page(
        request, household, form, title=title, intro=intro, submit_label=_("Erase for good")
    )
