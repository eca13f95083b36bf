"""Web pages of surplus rescue. Thin: forms in, services called, templates out."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from foodbank import uploads
from foodbank.accounts.decorators import role_required
from foodbank.accounts.models import Role
from foodbank.accounts.permissions import signed_in_user
from foodbank.accounts.scoping import scope_to_district
from foodbank.errors import ApplicationError
from foodbank.ratelimit import rate_limited
from worker.enqueue import enqueue_after_commit

from . import selectors
from . import selectors_receipts as receipts_read
from .forms import (
    AnnounceForm,
    DonorForm,
    DonorSignupForm,
    DropOffFilterForm,
    DropOffForm,
    ImportForm,
    LineFormSet,
    StaffLineFormSet,
    apply_service_errors,
    filled_lines,
)
from .models import Donor, DropOff, DropOffStatus, ReceiptKind
from .services import donors, dropoffs, imports, receipts

STAFF = (Role.ADMIN, Role.DISTRICT_STAFF)


@role_required(*STAFF, Role.DONOR)
def dropoff_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filters = DropOffFilterForm(request.GET or None, user=user)
    where = selectors.DropOffFilter()
    if filters.is_valid():
        where = selectors.DropOffFilter(**filters.cleaned_data)
    visible = (
        selectors.dropoffs_matching(selectors.dropoffs_visible_to(user), where)
        .annotate(total_kg=Sum("lines__weight_kg"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(visible, 25).get_page(request.GET.get("page"))
    if user.role == Role.DONOR:
        summary = selectors.donor_impact_summary(user, selectors.ImpactFilter())
    else:
        summary = selectors.impact_summary(selectors.impact_filter_for(user))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "summary": summary,
        "year": timezone.localdate().year,
        "filters": filters,
        "filtered": filters.is_bound,
        "query": query.urlencode(),
    }
    status = 400 if filters.errors else 200
    return render(request, "donors/dropoff_list.html", context, status=status)


def _lines_and_form(request: HttpRequest, form_class, formset=LineFormSet, **options):
    if request.method == "POST":
        return form_class(request.POST, **options), formset(request.POST, prefix="lines")
    return form_class(**options), formset(prefix="lines")


def _save_with_lines(request, form, lines, save) -> DropOff | None:
    """Call ``save(lines)`` when the forms are valid; errors go next to their fields."""
    if request.method != "POST" or not (form.is_valid() and lines.is_valid()):
        return None
    try:
        return save([line.line() for line in filled_lines(lines)])
    except ValidationError as error:
        apply_service_errors(error, form, lines)
    except ApplicationError as error:
        form.add_error(None, error.message)
    return None


@role_required(*STAFF)
def dropoff_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    initial = {"received_at": now, "donor": request.GET.get("donor")}
    form, lines = _lines_and_form(
        request, DropOffForm, StaffLineFormSet, user=user, initial=initial
    )
    dropoff = _save_with_lines(
        request,
        form,
        lines,
        lambda rows: dropoffs.log_dropoff(
            donor=form.cleaned_data["donor"],
            district=form.office(user),
            received_at=form.cleaned_data["received_at"],
            lines=rows,
            by=user,
            notes=form.cleaned_data["notes"],
        ),
    )
    if dropoff:
        messages.success(request, _("Drop-off #%(n)d saved.") % {"n": dropoff.pk})
        return redirect("donors:dropoff-detail", pk=dropoff.pk)
    return render(
        request,
        "donors/dropoff_form.html",
        {"form": form, "lines": lines, "title": _("Log a drop-off")},
    )


@role_required(Role.DONOR)
def dropoff_announce(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    donor = donors.donor_of(user)
    form, lines = _lines_and_form(request, AnnounceForm)
    dropoff = _save_with_lines(
        request,
        form,
        lines,
        lambda rows: dropoffs.announce_dropoff(
            donor=donor,
            district=form.cleaned_data["district"],
            lines=rows,
            by=user,
            expected_on=form.cleaned_data["expected_on"],
            notes=form.cleaned_data["notes"],
        ),
    )
    if dropoff:
        messages.success(request, _("Thank you! The district office expects your food."))
        return redirect("donors:dropoff-detail", pk=dropoff.pk)
    return render(
        request,
        "donors/dropoff_form.html",
        {"form": form, "lines": lines, "title": _("Announce a drop-off")},
    )


def _visible_dropoff(request: HttpRequest, pk: int) -> DropOff:
    user = signed_in_user(request)
    return get_object_or_404(
        selectors.dropoffs_visible_to(user).prefetch_related(
            "lines__category", "lines__methodology"
        ),
        pk=pk,
    )


@role_required(*STAFF, Role.DONOR)
def dropoff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    dropoff = _visible_dropoff(request, pk)
    can_receive = user.role in STAFF and dropoff.status == DropOffStatus.ANNOUNCED
    return render(
        request, "donors/dropoff_detail.html", {"dropoff": dropoff, "can_receive": can_receive}
    )


@require_POST
@role_required(*STAFF)
def dropoff_receive(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    dropoff = get_object_or_404(scope_to_district(DropOff.objects.all(), user), pk=pk)
    try:
        dropoffs.receive_dropoff(dropoff=dropoff, received_at=timezone.now(), by=user)
        messages.success(request, _("Drop-off received."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("donors:dropoff-detail", pk=pk)


def _receipt_page(
    request: HttpRequest, dropoff: DropOff, *, refused: str = "", status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "dropoff": dropoff,
        "totals": receipts_read.receipt_totals(dropoff),
        "emails": receipts_read.receipt_emails_visible_to(user).filter(dropoff=dropoff),
        "can_email": dropoff.status == DropOffStatus.PROCESSED,
        "refused": refused,
    }
    return render(request, "donors/receipt.html", context, status=status)


@role_required(*STAFF, Role.DONOR)
def dropoff_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    return _receipt_page(request, _visible_dropoff(request, pk))


@require_POST
@role_required(*STAFF, Role.DONOR)
def dropoff_receipt_email(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the receipt to the donor's e-mail; refused on the receipt page, with the reason."""
    dropoff = _visible_dropoff(request, pk)
    try:
        record = receipts.email_receipt(dropoff=dropoff, by=signed_in_user(request))
    except ApplicationError as error:
        return _receipt_page(request, dropoff, refused=error.message, status=error.status_code)
    messages.success(
        request, _("The receipt is being sent to %(address)s.") % {"address": record.to_address}
    )
    return redirect("donors:dropoff-receipt", pk=pk)


#: The first year a statement can be asked for (as through the API).
FIRST_STATEMENT_YEAR = 2000


def _statement_donor(request: HttpRequest, pk: int, year: int) -> Donor:
    """The donor of a statement the user may read; 404 for a donor out of their scope (another
    donor, or one who never gave in a staff member's district) or a year with no statement."""
    if not FIRST_STATEMENT_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return get_object_or_404(receipts_read.donors_served_by(signed_in_user(request)), pk=pk)


def _statement_page(
    request: HttpRequest, donor: Donor, year: int, *, refused: str = "", status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "donor": donor,
        "year": year,
        "lines": receipts_read.statement_lines(donor, year),
        "totals": receipts_read.statement_totals(donor, year),
        "today": timezone.localdate(),
        "emails": receipts_read.receipt_emails_visible_to(user).filter(
            donor=donor, kind=ReceiptKind.STATEMENT, year=year
        ),
        "can_email": receipts_read.donors_served_by(user).filter(pk=donor.pk).exists(),
        "refused": refused,
    }
    return render(request, "donors/statement.html", context, status=status)


@role_required(*STAFF, Role.DONOR)
def donor_statement(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    return _statement_page(request, _statement_donor(request, pk, year), year)


@require_POST
@role_required(*STAFF, Role.DONOR)
def donor_statement_email(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    user = signed_in_user(request)
    donor = _statement_donor(request, pk, year)
    try:
        record = receipts.email_statement(donor=donor, year=year, by=user)
    except ApplicationError as error:
        return _statement_page(
            request, donor, year, refused=error.message, status=error.status_code
        )
    except ValidationError as error:
        return _statement_page(request, donor, year, refused=" ".join(error.messages), status=400)
    messages.success(
        request,
        _("The statement is being sent to %(address)s.") % {"address": record.to_address},
    )
    return redirect("donors:statement", pk=pk, year=year)


@role_required(*STAFF)
def donor_new(request: HttpRequest) -> HttpResponse:
    form = DonorForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        try:
            donor = donors.register_donor(
                registered_by=signed_in_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Donor %(name)s registered.") % {"name": donor.name})
            return redirect(f"{reverse('donors:dropoff-new')}?donor={donor.pk}")
    return render(request, "donors/donor_form.html", {"form": form})


def _show_errors(form: Form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


@sensitive_post_parameters()
@rate_limited("register")
def donor_signup(request: HttpRequest) -> HttpResponse:
    form = DonorSignupForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        details = dict(form.cleaned_data)
        try:
            donor = donors.register_donor_with_account(
                username=details.pop("username"), password=details.pop("password"), **details
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            login(request, donor.account, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! You can now announce drop-offs."))
            return redirect("donors:dropoff-list")
    return render(request, "donors/signup.html", {"form": form})


@role_required(*STAFF)
def import_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    recent = selectors.imports_visible_to(user)[:10]
    if request.method == "POST" and uploads.declared_too_large(request):
        form = ImportForm(data={})  # the body is not read
        form.errors["file"] = form.error_class([uploads.too_large_message()])
        context = {"form": form, "recent": recent}
        return render(request, "donors/import_form.html", context, status=400)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            started = imports.start_import(
                file_name=upload.name,
                content=upload.read(),
                by=user,
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            )
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            enqueue_after_commit(imports.IMPORT_DROPOFFS, started.pk)
            return redirect("donors:import-detail", pk=started.pk)
    context = {"form": form, "recent": recent}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "donors/import_form.html", context, status=status)


@role_required(*STAFF)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dropoff_import = get_object_or_404(selectors.imports_visible_to(request.user), pk=pk)
    progress = imports.progress_of(dropoff_import)
    if request.GET.get("format") == "json":
        return JsonResponse({"status": dropoff_import.status, **progress})
    return render(
        request, "donors/import_detail.html", {"import": dropoff_import, "progress": progress}
    )
