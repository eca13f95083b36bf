"""Report exports made by a task: progress, the file, scope, and the clean-up after a day."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from foodbank.dashboard import services
from foodbank.dashboard.models import ExportStatus, ReportExport
from tests.conftest import wait_until

from .factories import build_city

SECOND = timedelta(seconds=1)


@pytest.fixture(autouse=True)
def exports_dir(settings, tmp_path):
    settings.FOODBANK_EXPORTS_DIR = tmp_path / "exports"
    return settings.FOODBANK_EXPORTS_DIR


@pytest.fixture
def city(people):
    return build_city(people)


def _browser(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _ask(client: Client, city, file_format: str, capture, **query):
    params = "&".join(f"{key}={value}" for key, value in (city.query | query).items())
    with capture(execute=True):
        return client.post(f"/impact/exports/?{params}", {"format": file_format})


@pytest.mark.django_db
def test_an_xlsx_export_is_made_by_a_task_and_downloaded(city, django_capture_on_commit_callbacks):
    client = _browser(city.people.admin)
    response = _ask(client, city, "xlsx", django_capture_on_commit_callbacks)
    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/impact/exports/{export.pk}/"
    status = client.get(f"/impact/exports/{export.pk}/status/").json()
    assert status["status"] == "done"
    assert status["done"] == status["total"] == 8  # seven reads and the file
    assert status["download"] == f"/impact/exports/{export.pk}/download/"
    page = client.get(f"/impact/exports/{export.pk}/").content.decode()
    assert 'id="export-progress" max="8" value="8"' in page
    download = client.get(status["download"])
    assert download["Content-Disposition"].startswith("attachment; filename=")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert (book["Summary"]["A3"].value, book["Summary"]["B3"].value) == ("kg donated", 1259.57)
    assert book["Summary"]["B3"].number_format == "#,##0.00"


@pytest.mark.django_db
def test_a_csv_export_is_in_the_language_it_was_asked_in(city, django_capture_on_commit_callbacks):
    client = _browser(city.people.admin, "th")
    _ask(client, city, "csv", django_capture_on_commit_callbacks)
    export = ReportExport.objects.get()
    body = b"".join(client.get(f"/impact/exports/{export.pk}/download/").streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert ["1", "1001", "พระนคร", "Phra Nakhon", "1239.57", "5206.18", "3136.10"] in rows
    assert export.language == "th"


@pytest.mark.django_db
def test_the_export_follows_the_filters_and_the_staff_members_district(
    city, django_capture_on_commit_callbacks
):
    client = _browser(city.people.staff_b)
    _ask(client, city, "xlsx", django_capture_on_commit_callbacks)
    export = ReportExport.objects.get()
    body = b"".join(client.get(f"/impact/exports/{export.pk}/download/").streaming_content)
    summary = openpyxl.load_workbook(io.BytesIO(body))["Summary"]
    assert summary["B3"].value == 20  # only Bang Kapi's 20 kg


@pytest.mark.django_db
@pytest.mark.parametrize("part", ["", "status/", "download/"])
def test_no_one_else_may_see_or_fetch_an_export(city, part, django_capture_on_commit_callbacks):
    _ask(_browser(city.people.admin), city, "csv", django_capture_on_commit_callbacks)
    export = ReportExport.objects.get()
    for other in (city.people.staff_a, city.people.staff_b):
        assert _browser(other).get(f"/impact/exports/{export.pk}/{part}").status_code == 404
    assert (
        _browser(city.people.counter_a).get(f"/impact/exports/{export.pk}/{part}").status_code
        == 403
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "file_format", "status", "field"),
    [
        ({"district": "1001"}, "csv", 404, None),  # another district, for staff of 1006
        ({}, "pdf", 400, "format"),
        ({"date_from": "2025-05-01", "date_to": "2025-04-01"}, "csv", 400, "date_to"),
        ({"category": "no-such-food"}, "xlsx", 400, "category"),
    ],
)
def test_a_refused_export_names_the_field_and_makes_nothing(
    city, query, file_format, status, field, django_capture_on_commit_callbacks
):
    response = _ask(
        _browser(city.people.staff_b),
        city,
        file_format,
        django_capture_on_commit_callbacks,
        **query,
    )
    assert response.status_code == status
    if field:
        assert response.content.decode().startswith(f"{field}:")
    assert not ReportExport.objects.exists()


@pytest.mark.django_db
def test_exports_are_asked_for_with_post_only(city):
    assert _browser(city.people.admin).get("/impact/exports/").status_code == 405


@pytest.mark.django_db
def test_making_an_export_twice_changes_nothing(city, django_capture_on_commit_callbacks):
    _ask(_browser(city.people.admin), city, "csv", django_capture_on_commit_callbacks)
    export = ReportExport.objects.get()
    again = services.build_report_export(export_id=export.pk)
    assert (again.status, again.file_name, again.finished_at) == (
        ExportStatus.DONE,
        export.file_name,
        export.finished_at,
    )


@pytest.mark.django_db
def test_exports_are_removed_with_their_files_after_a_day(
    city, exports_dir, django_capture_on_commit_callbacks
):
    client = _browser(city.people.admin)
    _ask(client, city, "csv", django_capture_on_commit_callbacks)
    _ask(client, city, "xlsx", django_capture_on_commit_callbacks)
    old, new = ReportExport.objects.order_by("pk")
    ReportExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert (exports_dir / old.file_name).exists()
    assert services.remove_old_exports() == 1
    assert not (exports_dir / old.file_name).exists()
    assert (exports_dir / new.file_name).exists()
    assert list(ReportExport.objects.values_list("pk", flat=True)) == [new.pk]
    assert client.get(f"/impact/exports/{old.pk}/download/").status_code == 404


def _asked(city, language: str, *, ago: timedelta) -> ReportExport:
    """An export asked for ``ago``, whose task was never sent (the broker was down)."""
    export = services.request_report_export(
        by=city.people.admin, codes={}, file_format="csv", language=language
    )
    ReportExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - ago)
    return export


@pytest.mark.django_db
def test_an_export_whose_task_was_never_sent_is_made_by_the_sweep(
    city, django_capture_on_commit_callbacks
):
    lost = _asked(city, "en", ago=services.LOST_AFTER + SECOND)
    recent = _asked(city, "en", ago=timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_report_exports() == {"queued": 1, "failed": 0}
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert (lost.status, lost.steps_done, bool(lost.file_name)) == (ExportStatus.DONE, 8, True)
    assert recent.status == ExportStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):  # a made export is left alone
        assert services.sweep_report_exports() == {"queued": 0, "failed": 0}


@pytest.mark.django_db
def test_an_export_whose_worker_stopped_while_making_it_fails_in_its_language(settings, city):
    """Past the task's time limit no worker is still making it: it is failed, to be asked again."""
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + services.LOST_AFTER
    stopped = {lang: _asked(city, lang, ago=limit * 2) for lang in ("en", "th")}
    running = _asked(city, "en", ago=limit * 2)
    now = timezone.now()
    ReportExport.objects.update(status=ExportStatus.RUNNING, started_at=now - limit - SECOND)
    ReportExport.objects.filter(pk=running.pk).update(started_at=now - limit)
    assert services.sweep_report_exports(now=now) == {"queued": 0, "failed": 2}
    for language, export in stopped.items():
        export.refresh_from_db()
        assert (export.status, export.finished_at) == (ExportStatus.FAILED, now)
        expected = {
            "en": "The file could not be made: its work stopped. Ask for it again.",
            "th": "ไม่สามารถจัดทำไฟล์ได้ เนื่องจากการทำงานหยุดลงก่อนเสร็จ กรุณาขอใหม่อีกครั้ง",
        }[language]
        assert export.error == expected
    running.refresh_from_db()
    assert running.status == ExportStatus.RUNNING


@pytest.mark.django_db
def test_an_export_being_made_before_its_start_was_kept_is_failed_by_when_it_was_asked(
    settings, city
):
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + services.LOST_AFTER
    old, recent = _asked(city, "en", ago=limit + SECOND), _asked(city, "en", ago=limit - SECOND)
    ReportExport.objects.update(status=ExportStatus.RUNNING, started_at=None)
    assert services.sweep_report_exports() == {"queued": 0, "failed": 1}
    assert ReportExport.objects.get(pk=old.pk).status == ExportStatus.FAILED
    assert ReportExport.objects.get(pk=recent.pk).status == ExportStatus.RUNNING


@pytest.mark.django_db
def test_an_export_given_up_while_it_was_made_stays_failed_and_keeps_no_file(
    city, exports_dir, monkeypatch
):
    """The sweep fails it while its file is made (a worker slower than the time limit)."""
    export = _asked(city, "en", ago=timedelta(0))
    steps = services._report_steps

    def then_the_sweep(where):
        *first, (name, read) = steps(where)

        def read_then_sweep():
            read_so_far = read()
            services.sweep_report_exports(now=timezone.now() + timedelta(days=1))
            return read_so_far

        return [*first, (name, read_then_sweep)]

    monkeypatch.setattr(services, "_report_steps", then_the_sweep)
    made = services.build_report_export(export_id=export.pk)
    assert (made.status, made.file_name) == (ExportStatus.FAILED, "")
    assert not any(exports_dir.rglob("*.csv"))


@pytest.mark.worker
def test_a_real_worker_makes_the_export(people, celery_worker, exports_dir):
    build_city(people)
    with transaction.atomic():
        export = services.request_report_export(
            by=people.admin, codes={"date_from": None}, file_format="xlsx", language="en"
        )
    assert wait_until(
        lambda: ReportExport.objects.get(pk=export.pk).status == ExportStatus.DONE, timeout=60
    )
    made = ReportExport.objects.get(pk=export.pk)
    assert made.steps_done == made.steps_total == 8
    book = openpyxl.load_workbook(exports_dir / made.file_name)
    assert book["Summary"]["B3"].value == 1259.57


def test_web_and_worker_share_the_exports_folder_in_production():
    from pathlib import Path

    import yaml
    from django.conf import settings

    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    mounts = {name: compose["services"][name].get("volumes", []) for name in ("web", "worker")}
    assert all("exports:/app/var/exports" in volumes for volumes in mounts.values())
    assert "exports" in compose["volumes"]
