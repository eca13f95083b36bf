"""The audit trail page, for admins."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from foodbank.accounts.decorators import role_required
from foodbank.accounts.models import Role

from .models import Action
from .selectors import audit_events

PAGE_SIZE = 100


class AuditFilter(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("Any")), *Action.choices], required=False
    )
    actor = forms.CharField(label=_("Username"), max_length=150, required=False)
    target_type = forms.CharField(label=_("Record type"), max_length=60, required=False)
    target_id = forms.IntegerField(label=_("Record id"), min_value=1, required=False)
    district_code = forms.CharField(label=_("District code"), max_length=10, required=False)


@role_required(Role.ADMIN)
def audit_trail(request: HttpRequest) -> HttpResponse:
    form = AuditFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/trail.html", {"form": form, "page": None}, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    page = Paginator(audit_events(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/trail.html", {"form": form, "page": page})
