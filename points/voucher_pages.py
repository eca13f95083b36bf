"""Web pages of vouchers: choosing items, showing and printing the voucher, the counter."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from foodbank.accounts.decorators import role_required
from foodbank.accounts.models import Role
from foodbank.accounts.permissions import signed_in_user
from foodbank.errors import ApplicationError
from foodbank.ratelimit import rate_limited

from . import qr, selectors
from .models import Household, VoucherStatus
from .services import cards, vouchers
from .views import household_in_scope

CHOOSERS = (Role.ADMIN, Role.DISTRICT_STAFF, Role.COUNTER_STAFF, Role.RECIPIENT)
COUNTERS = (Role.DISTRICT_STAFF, Role.COUNTER_STAFF)


def _choices(request: HttpRequest, shelf: list) -> list[vouchers.Choice]:
    """The quantities typed next to each item of the shelf (``qty-<item id>``)."""
    chosen = []
    for item, _price, _available in shelf:
        typed = request.POST.get(f"qty-{item.pk}", "").strip() or "0"
        if not typed.isdigit():
            raise ValidationError({"lines": [_("Give whole numbers only.")]})
        if int(typed) > 0:
            chosen.append(vouchers.Choice(item, int(typed)))
    return chosen


def _choose(request: HttpRequest, household: Household, *, walk_in: str = "") -> HttpResponse:
    shelf = selectors.shelf_for(household.district)
    if request.method == "POST":
        user = signed_in_user(request)
        try:
            choices = _choices(request, shelf)
            if walk_in:
                voucher = vouchers.checkout(card=walk_in, choices=choices, by=user)
                messages.success(request, _("Handed over."))
                return redirect("points:counter")
            voucher = vouchers.issue_voucher(household=household, choices=choices, by=user)
        except (ValidationError, ApplicationError) as error:
            messages.error(request, _message(error))
        else:
            return redirect("points:voucher", pk=voucher.pk)
    context = {"household": household, "shelf": shelf, "walk_in": walk_in}
    return render(request, "points/choose.html", context)


def _message(error: ValidationError | ApplicationError) -> str:
    if isinstance(error, ApplicationError):
        return error.message
    return " ".join(error.messages)


@role_required(Role.RECIPIENT)
def choose_mine(request: HttpRequest) -> HttpResponse:
    household = selectors.own_household(request.user)
    if household is None:
        raise Http404
    return _choose(request, household)


@role_required(Role.ADMIN, Role.DISTRICT_STAFF, Role.COUNTER_STAFF)
def choose_for(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_in_scope(request, pk)
    return _choose(request, household)


@role_required(*CHOOSERS)
def voucher_page(request: HttpRequest, pk: int) -> HttpResponse:
    voucher = get_object_or_404(selectors.vouchers_visible_to(request.user), pk=pk)
    token = vouchers.voucher_token(voucher) if voucher.status == VoucherStatus.ISSUED else ""
    context = {"voucher": voucher, "token": token, "qr": qr.svg(token) if token else ""}
    template = "points/voucher_print.html" if request.GET.get("print") else "points/voucher.html"
    return render(request, template, context)


@require_POST
@role_required(*CHOOSERS)
def voucher_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    voucher = get_object_or_404(selectors.vouchers_visible_to(request.user), pk=pk)
    try:
        vouchers.cancel_voucher(voucher=voucher, by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Cancelled: the points are back."))
    return redirect("points:voucher", pk=voucher.pk)


@role_required(*COUNTERS)
def counter(request: HttpRequest) -> HttpResponse:
    """Scan (camera or USB scanner) or type a code; a voucher shows its items to confirm, a
    household card opens the walk-in checkout."""
    code = request.POST.get("code", "").strip()
    context: dict = {"code": code}
    if request.method == "POST" and code:
        user = signed_in_user(request)
        try:
            context["voucher"] = vouchers.preview(token=code, by=user)
        except ApplicationError as error:
            try:
                household = cards.household_for_card(code, by=user)
            except ApplicationError:
                messages.error(request, error.message)
            else:
                shelf = selectors.shelf_for(household.district)
                walk_in = {"household": household, "shelf": shelf, "walk_in": code}
                return render(request, "points/choose.html", walk_in)
    return render(request, "points/counter.html", context)


@require_POST
@role_required(*COUNTERS)
@rate_limited("redeem")
def counter_redeem(request: HttpRequest) -> HttpResponse:
    try:
        voucher = vouchers.redeem_voucher(
            token=request.POST.get("code", ""),
            by=signed_in_user(request),
            counter=request.POST.get("counter", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Handed over to %(name)s.") % {"name": voucher.household.first_name}
        )
    return redirect("points:counter")


@role_required(*COUNTERS)
def counter_checkout(request: HttpRequest) -> HttpResponse:
    """The walk-in basket posts here with the card's code."""
    code = request.POST.get("card", "")
    try:
        household = cards.household_for_card(code, by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("points:counter")
    return _choose(request, household, walk_in=code)


@role_required(Role.ADMIN, Role.DISTRICT_STAFF)
def household_card(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_in_scope(request, pk)
    if request.method == "POST":
        cards.issue_card(household=household, by=signed_in_user(request))
        messages.success(request, _("A new card: any older card no longer works."))
    card = household.cards.filter(revoked_at__isnull=True).first()
    token = cards.card_token(card) if card else ""
    context = {"household": household, "card": card, "qr": qr.svg(token) if token else ""}
    return render(request, "points/card.html", context)
