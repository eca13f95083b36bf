"""Staff web pages of a district's store. Thin: forms in, services called, templates out."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from foodbank.accounts.decorators import role_required
from foodbank.accounts.models import Role, User
from foodbank.accounts.permissions import signed_in_user
from foodbank.districts.models import District
from foodbank.errors import ApplicationError
from foodbank.web.submit import submitted

from . import selectors
from .exports import movement_rows
from .forms import (
    ArrivalForm,
    CountForm,
    ReceiveForm,
    SortForm,
    TransferForm,
    TransferLineFormSet,
    WriteOffForm,
)
from .models import StockTakeStatus, TransferStatus
from .services import counts, stock, transfers

KEEPERS = (Role.ADMIN, Role.DISTRICT_STAFF)


def _store_of(request: HttpRequest) -> District:
    """Staff work in their district's store; admins name one with ``?district=CODE``.

    Forms post back to their own address, query string included, so an admin's action
    lands in the store they were looking at; without a district there is nothing to act on.
    """
    user = signed_in_user(request)
    if user.district is not None:
        return user.district
    code = request.GET.get("district")
    if not code:
        raise Http404(_("Choose a district's store first."))
    return get_object_or_404(District, code=code)


def _chosen_store(request: HttpRequest) -> District | None:
    """The store an admin chose with ``?district=CODE`` (404 for an unknown code), which
    narrows the city-wide lists; None for staff, whose lists are their district's already."""
    code = request.GET.get("district")
    if signed_in_user(request).district is not None or not code:
        return None
    return get_object_or_404(District, code=code)


def _with_store(url: str, request: HttpRequest) -> str:
    """``url`` keeping the store an admin chose."""
    code = request.GET.get("district")
    return f"{url}?{urlencode({'district': code})}" if code else url


@role_required(*KEEPERS, Role.COUNTER_STAFF)
def store(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.district is None and not request.GET.get("district"):
        first = District.objects.order_by("code").first()
        if first is None:
            raise Http404(_("No districts are loaded."))
        return redirect(f"{reverse('inventory:store')}?district={first.code}")
    district = _store_of(request)
    context: dict[str, Any] = {
        "district": district,
        "districts": District.objects.all() if user.role == Role.ADMIN else None,
        "rows": selectors.store_stock(district),
        "alerts": selectors.open_alerts(user).filter(district=district),
    }
    if user.role in KEEPERS:  # counter staff neither sort nor receive transfers
        context["to_sort"] = (
            selectors.lines_to_sort(user).filter(dropoff__district=district).count()
        )
        context["incoming"] = (
            selectors.transfers_visible_to(user)
            .filter(to_district=district, status=TransferStatus.IN_TRANSIT)
            .count()
        )
    return render(request, "inventory/store.html", context)


@role_required(*KEEPERS, Role.COUNTER_STAFF)
def item_lots(request: HttpRequest, item_id: int) -> HttpResponse:
    district = _store_of(request)
    lots = selectors.lots_visible_to(request.user).filter(
        district=district, item_id=item_id, on_hand__gt=0
    )
    return render(request, "inventory/lots.html", {"district": district, "lots": lots})


@role_required(*KEEPERS)
def receive(request: HttpRequest) -> HttpResponse:
    district, user = _store_of(request), signed_in_user(request)
    form = ReceiveForm(request.POST or None)
    if submitted(
        request, form, lambda: stock.receive_lot(district=district, by=user, **form.cleaned_data)
    ):
        messages.success(request, _("Received into the store."))
        return redirect("inventory:store")
    title = _("Receive stock")
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": title, "cancel_url": reverse("inventory:store")},
    )


@role_required(*KEEPERS)
def write_off(request: HttpRequest, pk: int) -> HttpResponse:
    lot = get_object_or_404(selectors.lots_visible_to(request.user), pk=pk)
    form = WriteOffForm(request.POST or None, initial={"quantity": lot.available.normalize()})
    user = signed_in_user(request)
    if submitted(request, form, lambda: stock.write_off(lot=lot, by=user, **form.cleaned_data)):
        messages.success(request, _("Written off."))
        return redirect("inventory:store")
    title = _("Write off %(item)s, expiry %(date)s") % {
        "item": lot.item.name,
        "date": lot.expiry_date or "—",
    }
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": title, "cancel_url": reverse("inventory:store")},
    )


@role_required(*KEEPERS)
def to_sort(request: HttpRequest) -> HttpResponse:
    """Staff see their district's lines; admins every district's, or one store's with
    ``?district=CODE`` (the store tabs keep the store an admin is looking at)."""
    lines = selectors.lines_to_sort(request.user)
    if (chosen := _chosen_store(request)) is not None:
        lines = lines.filter(dropoff__district=chosen)
    return render(request, "inventory/to_sort.html", {"lines": lines, "form": SortForm()})


@role_required(*KEEPERS)
def sort_line(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(selectors.lines_to_sort(request.user), pk=pk)
    form, user = SortForm(request.POST or None), signed_in_user(request)
    if submitted(
        request, form, lambda: stock.sort_donated_line(line=line, by=user, **form.cleaned_data)
    ):
        messages.success(request, _("Put on the shelf."))
        return redirect(_with_store(reverse("inventory:to-sort"), request))
    title = _("Sort: %(category)s, %(kg)s kg from %(donor)s") % {
        "category": line.category.name,
        "kg": line.weight_kg.normalize(),
        "donor": line.dropoff.donor,
    }
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": title,
            "cancel_url": _with_store(reverse("inventory:to-sort"), request),
        },
    )


@role_required(*KEEPERS)
def transfer_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.transfers_visible_to(request.user)
    if (chosen := _chosen_store(request)) is not None:
        visible = visible.filter(Q(from_district=chosen) | Q(to_district=chosen))
    return render(request, "inventory/transfers.html", {"transfers": visible[:100]})


@role_required(*KEEPERS)
def transfer_new(request: HttpRequest) -> HttpResponse:
    district, user = _store_of(request), signed_in_user(request)
    form = TransferForm(request.POST or None, from_district=district)
    lines = TransferLineFormSet(request.POST or None, prefix="lines")

    def send() -> None:
        chosen = [
            (line["item"], line["quantity"]) for line in lines.cleaned_data if line.get("item")
        ]
        transfers.send_transfer(from_district=district, lines=chosen, by=user, **form.cleaned_data)

    if lines.is_valid() and submitted(request, form, send):
        messages.success(request, _("Sent: the stock is in transit."))
        return redirect("inventory:transfers")
    return render(request, "inventory/transfer_form.html", {"form": form, "lines": lines})


@role_required(*KEEPERS)
def transfer_receive(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(selectors.transfers_visible_to(request.user), pk=pk)
    form, user = ArrivalForm(request.POST or None, transfer=transfer), signed_in_user(request)

    def confirm() -> None:
        transfers.receive_transfer(transfer=transfer, by=user, received=form.received())

    if transfer.status == TransferStatus.IN_TRANSIT and submitted(request, form, confirm):
        messages.success(request, _("Received; differences are recorded."))
        return redirect("inventory:transfers")
    rows = [(line, form[f"received-{line.pk}"]) for line in transfer.lines.select_related("item")]
    context = {"transfer": transfer, "form": form, "rows": rows}
    return render(request, "inventory/transfer_receive.html", context)


@role_required(*KEEPERS)
def count_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.stock_takes_visible_to(request.user)
    if (chosen := _chosen_store(request)) is not None:
        visible = visible.filter(district=chosen)
    return render(request, "inventory/counts.html", {"counts": visible[:50]})


@require_POST
@role_required(*KEEPERS)
def count_start(request: HttpRequest) -> HttpResponse:
    try:
        count = counts.start_stock_take(district=_store_of(request), by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("inventory:counts")
    return redirect("inventory:count", pk=count.pk)


@role_required(*KEEPERS)
def count_page(request: HttpRequest, pk: int) -> HttpResponse:
    count = get_object_or_404(selectors.stock_takes_visible_to(request.user), pk=pk)
    form = CountForm(request.POST or None, district=count.district)
    user = signed_in_user(request)

    def record() -> None:
        data = form.cleaned_data
        lot = data.get("lot") or counts.lot_for_barcode(count, data["barcode"])
        counts.count_lot(stock_take=count, lot=lot, quantity=data["quantity"], by=user)

    if count.status == StockTakeStatus.OPEN and submitted(request, form, record):
        messages.success(request, _("Counted."))
        return redirect("inventory:count", pk=count.pk)
    return render(request, "inventory/count.html", {"count": count, "form": form})


@require_POST
@role_required(*KEEPERS)
def count_close(request: HttpRequest, pk: int) -> HttpResponse:
    count = get_object_or_404(selectors.stock_takes_visible_to(request.user), pk=pk)
    try:
        counts.close_stock_take(stock_take=count, by=signed_in_user(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Closed: differences are now adjustments."))
    return redirect("inventory:count", pk=count.pk)


@role_required(*KEEPERS)
def movements_csv(request: HttpRequest) -> StreamingHttpResponse:
    user: User = signed_in_user(request)
    movements = selectors.movements_visible_to(user).order_by("created_at", "pk")
    response = StreamingHttpResponse(movement_rows(movements), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="movements.csv"'
    return response
