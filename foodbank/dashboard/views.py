"""Pages: the impact dashboard, the period report and its exports, points against stock,
households a distribution reached, and the public open data."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from donors.models import Distribution, DropOffStatus, FoodCategory
from donors.selectors import ImpactFilter, impact_filter_for
from foodbank.accounts.decorators import role_required
from foodbank.accounts.models import Role, User
from foodbank.accounts.permissions import signed_in_user
from foodbank.accounts.scoping import scope_to_district
from foodbank.districts.models import District, DistrictGroup
from foodbank.web.submit import submitted

from . import charts, reports, selectors, services, spreadsheets
from .forms import MEASURES, DashboardFilterForm, HouseholdsReachedForm, OpenDataFilterForm
from .models import ExportFormat, ExportStatus, ReportExport
from .open_data import selectors as open_data

VIEWERS = (Role.ADMIN, Role.DISTRICT_STAFF)


@dataclass(frozen=True)
class Chosen:
    """What the filters chose: the form (with its errors), the filter and the query."""

    form: DashboardFilterForm
    where: ImpactFilter
    query: str
    measure: str

    @property
    def status(self) -> int:
        """400 when a filter was refused (the page names it and shows this year instead)."""
        return 400 if self.form.errors else 200


def _chosen(request: HttpRequest, user: User) -> Chosen:
    """The filters from the query; invalid ones show their errors and fall back to this
    year. District staff naming another district get 404 (``impact_filter_for``)."""
    form = DashboardFilterForm(request.GET or None, user=user)
    if not form.is_bound:
        form = DashboardFilterForm({}, user=user)
    codes = form.codes() if form.is_valid() else DashboardFilterForm.default_codes()
    if user.role != Role.ADMIN:
        codes["district"] = request.GET.get("district") or None
    try:
        where = impact_filter_for(user, **codes)
    except ValidationError:
        where = impact_filter_for(user, **DashboardFilterForm.default_codes())
    measure = (form.cleaned_data.get("measure") if form.is_valid() else None) or "kg"
    query = urlencode({key: value for key, value in request.GET.items() if value})
    return Chosen(form, where, query, measure)


def _bars(rows: list[selectors.Row], measure: str, *, by_name: bool = True) -> list[charts.Bar]:
    return [charts.Bar(row.name if by_name else row.key, getattr(row, measure)) for row in rows]


def _charts(board: selectors.Dashboard, measure: str) -> dict:
    unit = str(MEASURES[measure])
    return {
        "months": charts.columns(
            chart_id="chart-months",
            title=_("By month (%(unit)s)") % {"unit": unit},
            bars=_bars(board.months, measure, by_name=False),
            unit=unit,
        ),
        "weeks": charts.columns(
            chart_id="chart-weeks",
            title=_("By week (%(unit)s)") % {"unit": unit},
            bars=_bars(board.weeks, measure, by_name=False),
            unit=unit,
        ),
        "groups": charts.ranked_bars(
            chart_id="chart-groups",
            title=_("By district group (%(unit)s)") % {"unit": unit},
            bars=_bars(board.groups, measure),
            unit=unit,
        ),
        "categories": charts.ranked_bars(
            chart_id="chart-categories",
            title=_("By food category (%(unit)s)") % {"unit": unit},
            bars=_bars(board.categories, measure),
            unit=unit,
        ),
    }


@role_required(*VIEWERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    chosen = _chosen(request, user)
    board = selectors.dashboard(chosen.where)
    context = {
        "chosen": chosen,
        "board": board,
        "charts": _charts(board, chosen.measure),
        "measure_label": MEASURES[chosen.measure],
        "period": reports.period_label(chosen.where),
        "records": _records_query(chosen.where),
    }
    return render(request, "dashboard/dashboard.html", context, status=chosen.status)


@dataclass(frozen=True)
class RecordLinks:
    """Queries for the record lists behind each figure, in the lists' own filter names."""

    dropoffs: str
    distributions: str
    store: str

    def donor(self, donor_id: int) -> str:
        return f"{self.dropoffs}&donor={donor_id}"


def _records_query(where: ImpactFilter) -> RecordLinks:
    """The dashboard's period, place and category as each record list takes them."""
    period = {
        "date_from": where.date_from.isoformat() if where.date_from else None,
        "date_to": where.date_to.isoformat() if where.date_to else None,
    }
    place = {
        "district": District.objects.get(pk=where.district_id).code if where.district_id else None,
        "district_group": (
            DistrictGroup.objects.get(pk=where.group_id).code if where.group_id else None
        ),
    }
    category = {
        "category": FoodCategory.objects.get(pk=where.category_id).slug
        if where.category_id
        else None
    }

    def query(**parts: str | None) -> str:
        return urlencode({key: value for key, value in parts.items() if value})

    store_place = {"district": place["district"], "group": place["district_group"]}
    return RecordLinks(
        dropoffs=query(**period, **place, **category, status=DropOffStatus.PROCESSED),
        distributions=query(**period, **place, **category),
        store=query(**period, **store_place),
    )


@role_required(*VIEWERS)
def households_helped(request: HttpRequest) -> HttpResponse:
    """The households behind the dashboard's households helped, each once."""
    chosen = _chosen(request, signed_in_user(request))
    rows = selectors.households_helped_list(chosen.where)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"chosen": chosen, "page": page, "period": reports.period_label(chosen.where)}
    return render(request, "dashboard/households_helped.html", context, status=chosen.status)


@role_required(*VIEWERS)
def points_records(request: HttpRequest) -> HttpResponse:
    """The ledger entries behind points granted and the vouchers behind points redeemed."""
    chosen = _chosen(request, signed_in_user(request))
    grants = selectors.grant_entries(chosen.where).select_related("household__district")
    vouchers = selectors.redeemed_vouchers(chosen.where).select_related("district", "redemption")
    context = {
        "chosen": chosen,
        "period": reports.period_label(chosen.where),
        "grants": Paginator(grants.order_by("created_at", "pk"), 100).get_page(
            request.GET.get("grants_page")
        ),
        "vouchers": Paginator(vouchers.order_by("redemption__redeemed_at", "pk"), 100).get_page(
            request.GET.get("vouchers_page")
        ),
        "granted": selectors.points_granted(chosen.where),
        "redeemed": selectors.points_redeemed(chosen.where),
    }
    return render(request, "dashboard/points_records.html", context, status=chosen.status)


@role_required(*VIEWERS)
def report(request: HttpRequest) -> HttpResponse:
    """The period report, ready to print, in the city's wording (Thai or English)."""
    user = signed_in_user(request)
    chosen = _chosen(request, user)
    board = selectors.dashboard(chosen.where)
    language = "th" if (get_language() or "th").startswith("th") else "en"
    other = "en" if language == "th" else "th"
    context = {
        "chosen": chosen,
        "board": board,
        "period": reports.period_label(chosen.where),
        "impact_sentence": reports.impact_sentence(board, language),
        "store_sentence": reports.store_sentence(board, language),
        "other_language": other,
        "other_impact_sentence": reports.impact_sentence(board, other),
        "other_store_sentence": reports.store_sentence(board, other),
        "place": _place_name(chosen.where),
        "made_on": reports.calendar_date(timezone.localdate()),
    }
    return render(request, "dashboard/report.html", context, status=chosen.status)


def _place_name(where: ImpactFilter) -> str:
    if where.district_id is not None:
        return District.objects.get(pk=where.district_id).name
    if where.group_id is not None:
        return DistrictGroup.objects.get(pk=where.group_id).name
    return _("The whole city")


def _refused(form: Form) -> HttpResponse:
    """A download asked for with bad filters: 400 naming each field, and no figures."""
    lines = [f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()]
    return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")


def _file_name(where: ImpactFilter, extension: str) -> str:
    start = where.date_from.isoformat() if where.date_from else "start"
    end = where.date_to.isoformat() if where.date_to else "today"
    return f"impact-{start}-{end}.{extension}"


@role_required(*VIEWERS)
def report_csv(request: HttpRequest) -> HttpResponse:
    chosen = _chosen(request, signed_in_user(request))
    if chosen.form.errors:
        return _refused(chosen.form)
    tables = reports.report_tables(selectors.dashboard(chosen.where), chosen.where)
    response = HttpResponse(spreadsheets.as_csv(tables), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(chosen.where, "csv")}"'
    return response


@role_required(*VIEWERS)
def report_xlsx(request: HttpRequest) -> HttpResponse:
    chosen = _chosen(request, signed_in_user(request))
    if chosen.form.errors:
        return _refused(chosen.form)
    tables = reports.report_tables(selectors.dashboard(chosen.where), chosen.where)
    response = HttpResponse(spreadsheets.as_xlsx(tables), content_type=spreadsheets.XLSX_TYPE)
    name = _file_name(chosen.where, "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(*VIEWERS)
def stock_cover(request: HttpRequest) -> HttpResponse:
    """Households' unspent points against the stock that can meet them, per district."""
    cover = selectors.stock_cover(signed_in_user(request))
    return render(request, "dashboard/stock_cover.html", {"cover": cover})


@role_required(*VIEWERS)
def households_reached(request: HttpRequest, pk: int) -> HttpResponse:
    """Record which registered households were among the people a distribution reached."""
    user = signed_in_user(request)
    distribution = get_object_or_404(
        scope_to_district(Distribution.objects.select_related("district"), user), pk=pk
    )
    form = HouseholdsReachedForm(request.POST or None)

    def record() -> None:
        services.record_households_reached(
            distribution=distribution, national_ids=form.numbers(), by=user
        )

    if submitted(request, form, record):
        form = HouseholdsReachedForm()
    reached = distribution.households_reached.select_related("household__district")
    context = {"distribution": distribution, "form": form, "reached": reached}
    status = 400 if form.errors else 200
    return render(request, "dashboard/households_reached.html", context, status=status)


def _open_data_rows(request: HttpRequest) -> tuple[OpenDataFilterForm, list]:
    """The chosen months' rows; none when the period was refused (the form says why)."""
    form = OpenDataFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, []
    period = form.cleaned_data if form.is_bound else {}
    rows = open_data.open_data(date_from=period.get("date_from"), date_to=period.get("date_to"))
    return form, rows


def open_data_page(request: HttpRequest) -> HttpResponse:
    """Public: impact by district and month, no personal data, small counts suppressed."""
    form, rows = _open_data_rows(request)
    context = {
        "form": form,
        "rows": rows,
        "least": open_data.min_count(),
        "least_donors": open_data.min_donors(),
        "delay": open_data.delay_days(),
        "query": urlencode({key: value for key, value in request.GET.items() if value}),
    }
    return render(request, "dashboard/open_data.html", context, status=400 if form.errors else 200)


def _open_data_cells(row: open_data.OpenDataRow) -> list:
    """A row of the CSV: weights to two places without separators, suppressed cells empty."""
    weights = [getattr(row, name) for name in open_data.WEIGHTS]
    counts = [getattr(row, name) for name in open_data.COUNTS]
    return [
        row.month.strftime("%Y-%m"),
        row.district_code,
        row.district_th,
        row.district_en,
        row.group_code,
        *["" if kg is None else reports.two_places(kg).replace(",", "") for kg in weights],
        *["" if count is None else count for count in counts],
        row.published_on.isoformat(),
    ]


def open_data_csv(request: HttpRequest) -> HttpResponse:
    form, rows = _open_data_rows(request)
    if form.errors:
        return _refused(form)
    table = reports.Table(
        "open data",
        [
            "month",
            "district_code",
            "district_th",
            "district_en",
            "group",
            "kg",
            "meals",
            "kgco2e",
            *open_data.COUNTS,
            "published_on",
        ],
        [_open_data_cells(row) for row in rows],
    )
    body = spreadsheets.as_csv([table], titles=False)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="impact-by-district-and-month.csv"'
    return response


@require_POST
@role_required(*VIEWERS)
def export_new(request: HttpRequest) -> HttpResponse:
    """Ask for the report of the filters in the query as a file (``format``: csv or xlsx);
    its page shows the progress and then the download."""
    user = signed_in_user(request)
    chosen = _chosen(request, user)
    if chosen.form.errors:
        return _refused(chosen.form)
    try:
        export = services.request_report_export(
            by=user,
            codes=chosen.form.codes(),
            file_format=request.POST.get("format", ""),
            language=get_language() or "th",
        )
    except ValidationError as error:
        lines = [f"{name}: {' '.join(errors)}" for name, errors in error.message_dict.items()]
        return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")
    return redirect("dashboard:export", pk=export.pk)


def _own_export(request: HttpRequest, pk: int) -> ReportExport:
    """One's own export; anyone else's is a 404, as if it did not exist."""
    return get_object_or_404(ReportExport, pk=pk, requested_by=signed_in_user(request))


@role_required(*VIEWERS)
def export_page(request: HttpRequest, pk: int) -> HttpResponse:
    export = _own_export(request, pk)
    return render(request, "dashboard/export.html", {"export": export})


@role_required(*VIEWERS)
def export_status(request: HttpRequest, pk: int) -> JsonResponse:
    """How far the file is: polled by the export's page."""
    export = _own_export(request, pk)
    ready = export.status == ExportStatus.DONE
    return JsonResponse(
        {
            "status": export.status,
            "done": export.steps_done,
            "total": export.steps_total,
            "download": reverse("dashboard:export-download", args=[export.pk]) if ready else None,
            "error": export.error,
        }
    )


@role_required(*VIEWERS)
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = _own_export(request, pk)
    if export.status != ExportStatus.DONE or not export.file_name:
        raise Http404
    storage = services.export_storage()
    if not storage.exists(export.file_name):
        raise Http404
    started = export.filters.get("date_from") or "start"
    ended = export.filters.get("date_to") or "today"
    return FileResponse(
        storage.open(export.file_name, "rb"),
        as_attachment=True,
        filename=f"impact-{started}-{ended}.{export.file_format}",
        content_type=spreadsheets.XLSX_TYPE
        if export.file_format == ExportFormat.XLSX
        else "text/csv; charset=utf-8",
    )
