"""Pages for impact methodologies: admins add versions; district staff read them.

There is no edit page: a change is a new version, so figures computed with an older one keep
saying how they were computed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from foodbank.accounts.decorators import role_required
from foodbank.accounts.models import Role
from foodbank.accounts.permissions import signed_in_user
from foodbank.web.submit import apply_errors

from . import selectors_methodologies as reads
from .forms import FactorFormSet, MethodologyForm
from .models import FoodCategory, Methodology
from .services import methodologies

READERS = (Role.ADMIN, Role.DISTRICT_STAFF)


@role_required(*READERS)
def methodology_list(request: HttpRequest) -> HttpResponse:
    context = {"methodologies": reads.methodologies_with_use(), "in_force": reads.in_force_today()}
    return render(request, "donors/methodology_list.html", context)


@role_required(*READERS)
def methodology_detail(request: HttpRequest, pk: int) -> HttpResponse:
    methodology = get_object_or_404(reads.methodologies_with_use(), pk=pk)
    context = {"methodology": methodology, "factors": reads.factor_table(methodology)}
    return render(request, "donors/methodology_detail.html", context)


def _starting_point(request: HttpRequest) -> tuple[dict, list[dict]]:
    """Initial values: a copy of ``?from=<id>`` (same name, so the next version), or blank."""
    categories = FoodCategory.objects.filter(is_active=True)
    base_pk = request.GET.get("from", "")
    base = Methodology.objects.filter(pk=base_pk).first() if base_pk.isdigit() else None
    if base is None:
        return {}, [{"category": category} for category in categories]
    own = {factor.category_id: factor for factor in base.factors.all()}
    initial = {
        "name": base.name,
        "meals_per_kg": base.meals_per_kg,
        "kgco2e_per_kg": base.kgco2e_per_kg,
        "source": base.source,
    }
    rows = [
        {"category": category}
        | (
            {
                "meals_per_kg": own[category.pk].meals_per_kg,
                "kgco2e_per_kg": own[category.pk].kgco2e_per_kg,
            }
            if category.pk in own
            else {}
        )
        for category in categories
    ]
    return initial, rows


@role_required(Role.ADMIN)
def methodology_new(request: HttpRequest) -> HttpResponse:
    initial, rows = _starting_point(request)
    form = MethodologyForm(request.POST or None, initial=initial)
    factors = FactorFormSet(request.POST or None, initial=rows, prefix="factors")
    names = {row["category"].slug: row["category"].name for row in rows}
    if request.method == "POST" and form.is_valid() and factors.is_valid():
        chosen = [
            methodologies.FactorInput(
                f.cleaned_data["category"],
                f.cleaned_data["meals_per_kg"],
                f.cleaned_data["kgco2e_per_kg"],
            )
            for f in factors.forms
            if f.overrides()
        ]
        try:
            made = methodologies.add_methodology_version(
                by=signed_in_user(request), factors=chosen, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(label)s added.") % {"label": made.label})
            return redirect("donors:methodology-detail", pk=made.pk)
    rows_shown = [(f, names.get(str(f["category"].value()), "")) for f in factors.forms]
    return render(
        request,
        "donors/methodology_form.html",
        {"form": form, "factors": factors, "rows": rows_shown},
    )
