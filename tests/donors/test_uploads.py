"""Uploaded files are limited in size (before the body is read, and again by the form) and
must be CSV text; a refused file answers 400 naming the field and imports nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from donors.models import DropOffImport

CSV = b"received_on,district,donor,category,weight_kg\n2024-05-01,1001,Market,bakery,2\n"


@pytest.fixture
def staff(people):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people.staff_a)
    return client


def refused(response, words):
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert any(words in error for error in errors), errors
    assert not DropOffImport.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("may.xlsx", CSV, "Choose a .csv file"),
        ("may.csv", b"PK\x03\x04" + b"\x00" * 60, "This is a XLSX/ZIP file"),
        ("may.csv", b"%PDF-1.7\n", "This is a PDF file"),
        ("may.csv", b"\x89PNG\r\n\x1a\n", "This is a PNG file"),
        ("may.csv", "received_on,district\n".encode("utf-16"), "not UTF-8 text"),
        ("may.csv", b"received_on,district\n\x00\x00\x00", "not UTF-8 text"),
        ("may.csv", "วันที่รับ,เขต\n".encode("cp874"), "not UTF-8 text"),
        ("may.csv", b"just some words\nand more\n", "not a CSV header"),
    ],
)
def test_a_file_that_is_not_csv_text_is_refused_naming_the_field(staff, name, content, words):
    response = staff.post("/imports/", {"file": SimpleUploadedFile(name, content, "text/csv")})
    refused(response, words)


def test_a_utf8_csv_with_thai_and_a_byte_order_mark_is_taken(staff):
    thai = "\ufeffreceived_on,district,donor,category,weight_kg\n2024-05-01,1001,ตลาด,bakery,2\n"
    response = staff.post(
        "/imports/", {"file": SimpleUploadedFile("may.csv", thai.encode(), "text/csv")}
    )
    assert response.status_code == 302
    assert DropOffImport.objects.count() == 1


def test_a_file_above_the_limit_is_refused_by_the_form(settings):
    """Whatever length the request declared, the form checks the file it got."""
    from donors.forms import ImportForm

    settings.FOODBANK_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    upload = SimpleUploadedFile("may.csv", CSV + b"x" * (2 * 1024 * 1024), "text/csv")
    form = ImportForm(data={}, files={"file": upload})
    with translation.override("en"):
        assert form.errors["file"] == ["The file is larger than 2 MB; use the command line."]


def test_a_request_declaring_more_than_the_limit_is_refused_before_it_is_read(staff, settings):
    settings.FOODBANK_UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("may.csv", CSV + b"x" * (1024 * 1024), "text/csv")
    response = staff.post("/imports/", {"file": big})
    refused(response, "The file is larger than 1 MB")
