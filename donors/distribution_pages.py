"""Pages for distributions: record surplus passed on to people, and list a district's."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from foodbank.accounts.decorators import role_required
from foodbank.accounts.models import Role
from foodbank.accounts.permissions import signed_in_user
from foodbank.accounts.scoping import acting_district
from foodbank.errors import ApplicationError
from foodbank.web.submit import apply_errors

from . import selectors_distributions as reads
from .forms import DistributionFilterForm, DistributionForm, DistributionLineFormSet
from .models import Distribution
from .services import distributions

STAFF = (Role.ADMIN, Role.DISTRICT_STAFF)


@role_required(*STAFF)
def distribution_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filters = DistributionFilterForm(request.GET or None, user=user)
    where = reads.DistributionFilter()
    if filters.is_valid():
        where = reads.DistributionFilter(**filters.cleaned_data)
    rows = reads.distributions_visible_to(user, where)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "totals": reads.distribution_totals(rows),
        "query": query.urlencode(),
    }
    return render(request, "donors/distribution_list.html", context)


def _record(request: HttpRequest, form: DistributionForm, lines) -> Distribution | None:
    if request.method != "POST" or not (form.is_valid() and lines.is_valid()):
        return None
    user, data = signed_in_user(request), form.cleaned_data
    filled = [line.cleaned_data for line in lines.forms if line.has_changed() and line.cleaned_data]
    try:
        return distributions.record_distribution(
            district=acting_district(data.get("district"), user),
            distributed_on=data["distributed_on"],
            recipient_group=data["recipient_group"],
            people_reached=data["people_reached"],
            notes=data["notes"],
            lines=[(line["category"], line["weight_kg"]) for line in filled],
            by=user,
        )
    except (ValidationError, ApplicationError) as error:
        apply_errors(form, error)
    return None


@role_required(*STAFF)
def distribution_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    initial = {"distributed_on": timezone.localdate()}
    if request.method == "POST":
        form = DistributionForm(request.POST, user=user)
        lines = DistributionLineFormSet(request.POST, prefix="lines")
    else:
        form = DistributionForm(user=user, initial=initial)
        lines = DistributionLineFormSet(prefix="lines")
    distribution = _record(request, form, lines)
    if distribution:
        messages.success(
            request,
            _("Recorded: %(people)d people reached by %(group)s.")
            % {"people": distribution.people_reached, "group": distribution.recipient_group},
        )
        return redirect("donors:distribution-list")
    return render(
        request,
        "donors/distribution_form.html",
        {"form": form, "lines": lines, "title": _("Record a distribution")},
    )
