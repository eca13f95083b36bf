"""Limits on uploaded files: their size, before the body is read, and what they hold.

Django keeps an upload above ``FILE_UPLOAD_MAX_MEMORY_SIZE`` in a temporary file, but sets
no limit of its own on a file's size; ``FOODBANK_UPLOAD_MAX_BYTES`` is that limit. Pages that
take files check the request's declared length before reading it, and each form checks the
file it got (a client may not declare the length honestly).
"""

from __future__ import annotations

import codecs

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _

SNIFF_BYTES = 8192
#: The first bytes of files that are often sent by mistake for a CSV export.
NOT_TEXT = {
    b"PK\x03\x04": "XLSX/ZIP",
    b"\xd0\xcf\x11\xe0": "XLS",
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"MZ": "EXE",
    b"\x7fELF": "ELF",
}


def max_megabytes() -> int:
    return settings.FOODBANK_UPLOAD_MAX_BYTES // (1024 * 1024)


def too_large_message() -> str:
    return _("The file is larger than %(mb)d MB; use the command line.") % {"mb": max_megabytes()}


def declared_too_large(request: HttpRequest) -> bool:
    """Whether the request says it is larger than an upload may be (read nothing yet)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.FOODBANK_UPLOAD_MAX_BYTES


def check_csv(upload: UploadedFile) -> UploadedFile:
    """A .csv file within the size limit whose first bytes are UTF-8 text with a comma."""
    if (upload.size or 0) > settings.FOODBANK_UPLOAD_MAX_BYTES:
        raise ValidationError(too_large_message())
    if not (upload.name or "").lower().endswith(".csv"):
        raise ValidationError(_("Choose a .csv file."))
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    for magic, kind in NOT_TEXT.items():
        if head.startswith(magic):
            raise ValidationError(
                _("This is a %(kind)s file, not CSV text: export it as CSV (UTF-8).")
                % {"kind": kind}
            )
    try:
        # A character cut at the end of the sample is not an error: final=False.
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise ValidationError(_("The file is not UTF-8 text: export it as CSV (UTF-8)."))
    if "," not in text.partition("\n")[0]:
        raise ValidationError(_("The first line is not a CSV header (column names with commas)."))
    return upload
