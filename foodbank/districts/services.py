"""Loading a city's districts and district groups from its CSV list."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from foodbank.errors import ApplicationError

from .models import District, DistrictGroup

COLUMNS = ("code", "name_th", "name_en", "group_code", "group_name_th", "group_name_en")
CODE_PATTERN = re.compile(r"^[0-9A-Za-z-]{1,10}$")
GROUP_CODE_PATTERN = re.compile(r"^[a-z0-9_-]{1,40}$")
NAME_MAX_LENGTH = 120
M = TypeVar("M", bound=models.Model)


class DistrictFileError(ApplicationError):
    """The district list has errors; ``problems`` holds ``(line number, message)`` pairs."""

    code = "invalid_district_file"
    default_message = _("The district list has errors; nothing was loaded.")

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__(fields={"file": [f"line {line}: {message}" for line, message in problems]})


@dataclass(frozen=True)
class DistrictRow:
    line: int
    code: str
    name_th: str
    name_en: str
    group_code: str
    group_name_th: str
    group_name_en: str


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _row_problems(row: DistrictRow) -> list[str]:
    problems = []
    if not CODE_PATTERN.match(row.code):
        problems.append(f"code {row.code!r} must be 1-10 letters, digits or hyphens")
    if not GROUP_CODE_PATTERN.match(row.group_code):
        problems.append(
            f"group_code {row.group_code!r} must be 1-40 lowercase letters, digits, _ or -"
        )
    for column in ("name_th", "name_en", "group_name_th", "group_name_en"):
        value = getattr(row, column)
        if not value:
            problems.append(f"{column} is empty")
        elif not value.isprintable():
            problems.append(f"{column} has control characters")
        elif len(value) > NAME_MAX_LENGTH:
            problems.append(f"{column} is longer than {NAME_MAX_LENGTH} characters")
    return problems


def parse_district_rows(lines: Iterable[str]) -> list[DistrictRow]:
    """Read and check every row; raise DistrictFileError listing all problems by line."""
    reader = csv.DictReader(lines)
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise DistrictFileError([(1, f"missing column(s): {', '.join(missing)}")])

    rows: list[DistrictRow] = []
    problems: list[tuple[int, str]] = []
    seen_codes: dict[str, int] = {}
    group_names: dict[str, tuple[str, str, int]] = {}
    for record in reader:
        line = reader.line_num
        if None in record or any(record[column] is None for column in COLUMNS):
            problems.append((line, f"expected {len(COLUMNS)} columns"))
            continue
        row = DistrictRow(line, *(record[column].strip() for column in COLUMNS))
        problems += [(line, message) for message in _row_problems(row)]
        if row.code in seen_codes:
            problems.append((line, f"code {row.code} already given on line {seen_codes[row.code]}"))
        seen_codes.setdefault(row.code, line)
        names = (row.group_name_th, row.group_name_en, line)
        first = group_names.setdefault(row.group_code, names)
        if first[:2] != names[:2]:
            problems.append(
                (line, f"group {row.group_code} is named differently on line {first[2]}")
            )
        rows.append(row)
    if problems:
        raise DistrictFileError(problems)
    if not rows:
        raise DistrictFileError([(1, "the file lists no districts")])
    return rows


def read_district_file(content: bytes) -> list[DistrictRow]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DistrictFileError([(1, "the file is not UTF-8 text")]) from error
    return parse_district_rows(io.StringIO(text, newline=""))


def _save(
    model: type[M], lookup: dict[str, Any], values: dict[str, Any], label: str, result: LoadResult
) -> M:
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model._default_manager.create(**lookup, **values)
        result.created.append(label)
    elif any(getattr(instance, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(instance, name, value)
        instance.save()
        result.updated.append(label)
    else:
        result.unchanged.append(label)
    return instance


@transaction.atomic
def load_districts(*, rows: list[DistrictRow]) -> LoadResult:
    """Create or update the groups and districts in ``rows``; unchanged rows are not written.

    Districts missing from the list are kept: staff, stock and ledgers refer to them.
    """
    result = LoadResult()
    groups: dict[str, DistrictGroup] = {}
    for row in rows:
        if row.group_code not in groups:
            groups[row.group_code] = _save(
                DistrictGroup,
                {"code": row.group_code},
                {"name_th": row.group_name_th, "name_en": row.group_name_en},
                f"group {row.group_code}",
                result,
            )
        _save(
            District,
            {"code": row.code},
            {"name_th": row.name_th, "name_en": row.name_en, "group": groups[row.group_code]},
            f"district {row.code}",
            result,
        )
    return result
