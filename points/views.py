"""Web pages of households and points. Thin: forms in, services called, templates out."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from foodbank.accounts.decorators import role_required
from foodbank.accounts.models import Role
from foodbank.accounts.permissions import signed_in_user
from foodbank.accounts.scoping import acting_district, ensure_can_act_in
from foodbank.districts.models import District
from foodbank.errors import ApplicationError
from foodbank.web.submit import submitted

from . import selectors
from .forms import (
    AssessmentForm,
    CorrectionForm,
    GrantForm,
    HouseholdForm,
    PolicyForm,
    RecipientLoginForm,
    RecipientPasswordForm,
)
from .models import DistrictPolicy, GrantStatus, Household
from .services import assessments, departures, households, ledger, policies

KEEPERS = (Role.ADMIN, Role.DISTRICT_STAFF)
#: Vouchers listed on a household's page, newest first.
RECENT_VOUCHERS = 20


def household_in_scope(request: HttpRequest, pk: int) -> Household:
    """The household ``pk`` if the signed-in user may see it; 404 otherwise."""
    return get_object_or_404(selectors.households_visible_to(request.user), pk=pk)


@role_required(*KEEPERS)
def household_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    min_need = request.GET.get("min_need", "")
    standing = request.GET.get("standing", "in")
    standing = standing if standing in selectors.STANDINGS else "in"
    rows = selectors.households_visible_to(
        request.user,
        search=search,
        min_need=int(min_need) if min_need.isascii() and min_need.isdigit() else None,
        unassessed=bool(request.GET.get("unassessed")),
        standing=standing,
    ).order_by("head_name", "pk")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    pending = selectors.grants_visible_to(request.user).filter(status=GrantStatus.PENDING)
    standings = [(key, label) for key, (label, _filter) in selectors.STANDINGS.items()]
    context = {
        "page": page,
        "q": search,
        "pending": pending.count(),
        "standing": standing,
        "standings": standings,
    }
    return render(request, "points/household_list.html", context)


@role_required(*KEEPERS)
def household_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    # An admin's link may choose the district beforehand: ?district=CODE.
    initial = {"district": request.GET.get("district")}
    form = HouseholdForm(request.POST or None, initial=initial, user=user)
    made = {}

    def register() -> None:
        data = dict(form.cleaned_data)
        made["household"] = households.register_household(
            district=acting_district(data.pop("district", None), user),
            national_id_number=data.pop("national_id"),
            by=user,
            **data,
        )

    if submitted(request, form, register):
        messages.success(request, _("Household registered."))
        return redirect("points:household", pk=made["household"].pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": _("Register a household"),
            "cancel_url": reverse("points:households"),
        },
    )


@role_required(*KEEPERS)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_in_scope(request, pk)
    households.record_access(
        household=household,
        user=signed_in_user(request),
        via="web",
        address=request.META.get("REMOTE_ADDR"),
    )
    policy = policies.policy_for(household.district)
    latest = household.assessments.first()
    context = {
        "household": household,
        "latest": latest,
        "advice": policies.recommend(policy, household, latest),
        "statement": selectors.statement(household),
        "grants": household.grants.filter(status=GrantStatus.PENDING),
        "vouchers": selectors.vouchers_visible_to(request.user).filter(household=household)[
            :RECENT_VOUCHERS
        ],
        "erasure_due_on": departures.erasure_due_on(household),
    }
    return render(request, "points/household_detail.html", context)


@role_required(*KEEPERS)
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    household, user = household_in_scope(request, pk), signed_in_user(request)
    form = AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    act = lambda: assessments.record_assessment(  # noqa: E731
        household=household, by=user, **form.cleaned_data
    )
    if submitted(request, form, act):
        messages.success(request, _("Assessment recorded."))
        return redirect("points:household", pk=household.pk)
    title = _("Assess household %(id)s") % {"id": household.pk}
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": title, "cancel_url": reverse("points:households")},
    )


@role_required(*KEEPERS)
def grant(request: HttpRequest, pk: int) -> HttpResponse:
    household, user = household_in_scope(request, pk), signed_in_user(request)
    policy = policies.policy_for(household.district)
    advice = policies.recommend(policy, household, household.assessments.first())
    form = GrantForm(request.POST or None, initial={"points": advice.points or None})
    made = {}

    def award() -> None:
        made["grant"] = ledger.grant_points(household=household, by=user, **form.cleaned_data)

    if submitted(request, form, award):
        if made["grant"].status == GrantStatus.PENDING:
            messages.info(request, _("Above the threshold: another staff member must approve."))
        else:
            messages.success(request, _("Points granted."))
        return redirect("points:household", pk=household.pk)
    context = {"form": form, "household": household, "advice": advice, "policy": policy}
    return render(request, "points/grant.html", context)


@role_required(*KEEPERS)
def correct(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    household, user = household_in_scope(request, pk), signed_in_user(request)
    entry = get_object_or_404(household.entries, pk=entry_pk)
    form = CorrectionForm(request.POST or None)
    if submitted(
        request, form, lambda: ledger.correct_entry(entry=entry, by=user, **form.cleaned_data)
    ):
        messages.success(request, _("Correction recorded."))
        return redirect("points:household", pk=household.pk)
    title = _("Correct entry %(id)s (%(kind)s %(points)+d)") % {
        "id": entry.pk,
        "kind": entry.get_kind_display(),
        "points": entry.points,
    }
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": title, "cancel_url": reverse("points:households")},
    )


@sensitive_post_parameters()
@role_required(*KEEPERS)
def recipient_login(request: HttpRequest, pk: int) -> HttpResponse:
    household, user = household_in_scope(request, pk), signed_in_user(request)
    form = RecipientLoginForm(request.POST or None)
    act = lambda: households.create_recipient_login(  # noqa: E731
        household=household, by=user, **form.cleaned_data
    )
    if submitted(request, form, act):
        messages.success(request, _("Login created: give the household its username."))
        return redirect("points:household", pk=household.pk)
    title = _("A login for household %(id)s") % {"id": household.pk}
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": title, "cancel_url": reverse("points:households")},
    )


@sensitive_post_parameters()
@never_cache
@role_required(*KEEPERS)
def recipient_password(request: HttpRequest, pk: int) -> HttpResponse:
    """A new password for the household's login, shown once on the page that answers."""
    household, user = household_in_scope(request, pk), signed_in_user(request)
    form, made = RecipientPasswordForm(request.POST or None), []

    def reset() -> None:
        made.append(
            households.reset_recipient_password(household=household, by=user, **form.cleaned_data)
        )

    if submitted(request, form, reset):
        context = {"household": household, "new": made[0]}
        return render(request, "points/recipient_password.html", context)
    context = {
        "form": form,
        "title": _("A new password for household %(id)s") % {"id": household.pk},
        "intro": _(
            "For a recipient who forgot their password or is locked out. Their other "
            "sessions end, and they choose their own password when they next sign in."
        ),
        "cancel_url": reverse("points:household", args=[household.pk]),
    }
    return render(request, "web/form_page.html", context)


@role_required(*KEEPERS)
def approvals(request: HttpRequest) -> HttpResponse:
    pending = selectors.grants_visible_to(request.user).filter(status=GrantStatus.PENDING)
    return render(request, "points/approvals.html", {"grants": pending})


@require_POST
@role_required(*KEEPERS)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    chosen = get_object_or_404(selectors.grants_visible_to(request.user), pk=pk)
    decisions = {"approve": ledger.approve_grant, "reject": ledger.reject_grant}
    decision = decisions.get(request.POST.get("decision", ""))
    if decision is None:
        return HttpResponseBadRequest(_("Approve or reject."))
    try:
        decision(grant=chosen, by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("points:approvals")


@role_required(*KEEPERS)
def policy(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    code = request.GET.get("district")
    district = get_object_or_404(District, code=code) if code else user.district
    if district is None:
        first = District.objects.order_by("code").first()
        if first is None:
            raise Http404
        return redirect(f"{request.path}?district={first.code}")
    ensure_can_act_in(user, district)
    rules = policies.policy_for(district)
    own = DistrictPolicy.objects.filter(district=district).first()
    initial = {
        "percent": rules.percent,
        "validity_days": own.validity_days if own else None,
        "approval_threshold": own.approval_threshold if own else None,
    }
    form = PolicyForm(request.POST or None, initial=initial)
    act = lambda: policies.adjust_district_policy(  # noqa: E731
        district=district, by=user, **form.cleaned_data
    )
    if submitted(request, form, act):
        messages.success(request, _("Policy adjusted."))
        return redirect(request.get_full_path())
    context = {"district": district, "rules": rules, "form": form}
    return render(request, "points/policy.html", context)


@role_required(Role.RECIPIENT)
def my_points(request: HttpRequest) -> HttpResponse:
    household = selectors.own_household(request.user)
    if household is None:
        raise Http404
    context = {
        "household": household,
        "statement": selectors.statement(household),
        "vouchers": selectors.vouchers_visible_to(request.user)[:RECENT_VOUCHERS],
    }
    return render(request, "points/my_points.html", context)
