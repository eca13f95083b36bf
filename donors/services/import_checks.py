"""Reading and checking a CSV file of drop-offs: each row checked, the good ones grouped.

Files have hundreds of thousands of rows but few distinct districts, categories, donors and
dates, so each distinct cell is checked once and remembered; a row costs a few dictionary
look-ups and one precompiled match of its weight. The checks and messages are the file
format's (see ``imports``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from itertools import islice
from operator import itemgetter
from typing import TypeVar

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from foodbank.districts.models import District

from ..models import Destination, DonorType, FoodCategory
from ..models.dropoffs import MAX_LINE_KG

#: The largest quantity a line's column holds (12 digits, 3 of them decimals).
MAX_QUANTITY = Decimal("999999999.999")

REQUIRED = ("received_on", "district", "donor", "category", "weight_kg")
OPTIONAL = ("donor_type", "destination", "expiry_date", "quantity", "unit", "dropoff_ref")
#: Undated rows (a date without a time) count as received at noon, local time.
NOON = time(12, 0)
#: How most weights are written, valid as they stand: more than 0 and less than 20,000 kg
#: (``MAX_LINE_KG``), at most 3 decimals, no sign, separator or leading zero. Other weights
#: are checked in full by ``_weight``.
PLAIN_WEIGHT = re.compile(
    r"(?:[1-9][0-9]{0,3}|1[0-9]{4})(?:\.[0-9]{1,3})?|0\.(?:[1-9][0-9]{0,2}|0[1-9][0-9]?|00[1-9])"
)


Parsed = TypeVar("Parsed", date, datetime)


class RowError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Received:
    """When a row's drop-off was received: the moment, its local day, both as COPY text."""

    at: datetime
    on: date
    copy_text: str


#: One good row: its drop-off's index in ``CheckedFile.dropoffs``, its line number there,
#: category id, weight and quantity (checked numbers as text), unit, expiry date (ISO) and
#: destination.
Line = tuple[int, int, int, str, str | None, str, str | None, str]


@dataclass(slots=True)
class CheckedFile:
    """A file's good rows grouped into drop-offs, and ``(line, problem)`` for the bad ones.

    ``dropoffs`` holds each drop-off's donor (folded name), district id and receipt, taken
    from its first good row; ``donors`` maps each folded name to the name and donor type of
    its last good row, and ``spellings`` holds every name as written.
    """

    dropoffs: list[tuple[str, int, Received]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    donors: dict[str, tuple[str, str]] = field(default_factory=dict)
    spellings: set[str] = field(default_factory=set)
    problems: list[tuple[int, str]] = field(default_factory=list)
    district_ids: set[int] = field(default_factory=set)
    category_ids: set[int] = field(default_factory=set)


class FileCheck:
    """Checks one file's records in order and groups the good ones into drop-offs.

    ``check`` may be called for a few records at a time, so that they can be written while
    the next ones are checked. Each cache maps a cell exactly as written to its checked
    value: a repeated cell costs one look-up; only a new one is stripped, parsed, checked.
    """

    def __init__(self, content: bytes, *, only_district_id: int | None = None) -> None:
        self.file = CheckedFile()
        self.only_district_id = only_district_id
        self.finished = False
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            self._refuse(_("the file is not UTF-8 text"))
            return
        if "\x00" in text:  # no text column, on PostgreSQL least of all, can hold one
            self._refuse(_("the file contains NUL characters, which no column can hold"))
            return
        self.reader = csv.reader(io.StringIO(text, newline=""))
        header = next(self.reader, None) or []
        missing = [column for column in REQUIRED if column not in header]
        if missing:
            self._refuse(_("missing column(s): %(c)s") % {"c": ", ".join(missing)})
            return
        # A column the header lacks, or a short row's missing cells, read the padding "".
        self.width = len(header)
        position = {name: index for index, name in enumerate(header)}
        self.pick = itemgetter(*(position.get(c, self.width) for c in REQUIRED + OPTIONAL))
        self.now = timezone.now()
        self.district_codes = dict(District.objects.values_list("code", "pk"))
        self.category_names: dict[str, int] = {}
        for pk, *names in FoodCategory.objects.values_list("pk", "slug", "name_th", "name_en"):
            for name in names:
                self.category_names[name.casefold()] = pk
        self.districts: dict[str, int] = {}
        self.categories: dict[str, int] = {}
        self.donors: dict[str, tuple[str, str]] = {}
        self.received: dict[str, Received] = {}
        self.expiries: dict[str, str] = {}
        self.destinations = {"": Destination.FORWARD.value} | {v: v for v in Destination.values}
        self.donor_types = {"": DonorType.OTHER.value} | {v: v for v in DonorType.values}
        self.groups: dict[str | tuple[date, int, str], int] = {}
        self.counts: list[int] = []

    def _refuse(self, problem: str) -> None:
        self.file.problems.append((1, problem))
        self.finished = True

    def check(self, records: int | None = None) -> bool:
        """Check the next ``records`` records (all by default); ``False`` once all are read.

        One loop with every cache in a local name: the per-row path is a few look-ups.
        """
        if self.finished:
            return False
        reader, file, seen = self.reader, self.file, 0
        width, pick, groups, counts = self.width, self.pick, self.groups, self.counts
        districts, categories, donors = self.districts, self.categories, self.donors
        destinations, donor_types = self.destinations, self.donor_types
        expiries, receipts, plain_weight = self.expiries, self.received, PLAIN_WEIGHT.fullmatch
        dropoffs, lines, problems = file.dropoffs, file.lines, file.problems
        donor_rows = file.donors
        for seen, record in enumerate(islice(reader, records), start=1):  # noqa: B007 - read after
            if len(record) == width:
                record.append("")
            elif record:
                record = record[:width] + [""] * (width + 1 - min(len(record), width))
            else:
                continue
            (received, district, donor, category, weight, donor_type, destination, expiry,
             quantity, unit, ref) = pick(record)  # fmt: skip
            try:
                district_id = districts.get(district) or self._district(district)
                category_id = categories.get(category) or self._category(category)
                folded, name = donors.get(donor) or self._donor(donor)
                if not plain_weight(weight):
                    weight = _weight(weight.strip())
                destination = destinations.get(destination) or self._destination(destination)
                donor_type = donor_types.get(donor_type) or self._donor_type(donor_type)
                expiry_date = (expiries.get(expiry) or self._expiry(expiry)) if expiry else None
                when = receipts.get(received) or self._received(received)
                checked_quantity = _quantity(quantity) if quantity else None
            except RowError as error:
                # The line the record ends on, as ``csv.DictReader`` counts.
                problems.append((reader.line_num, str(error)))
                continue
            donor_rows[folded] = (name, donor_type)
            if ref:
                ref = ref.strip()[:100]
            key = ref or (when.on, district_id, folded)
            index = groups.get(key)
            if index is None:
                index = groups[key] = len(dropoffs)
                dropoffs.append((folded, district_id, when))
                counts.append(number := 1)
            else:
                number = counts[index] = counts[index] + 1
            lines.append(
                (
                    index,
                    number,
                    category_id,
                    weight,
                    checked_quantity,
                    unit.strip()[:30] if unit else "",
                    expiry_date,
                    destination,
                )
            )
        if records is None or seen < records:
            self.finished = True
            if not file.lines and not file.problems:
                file.problems.append((1, _("the file has no rows")))
        return not self.finished

    def _district(self, cell: str) -> int:
        code = cell.strip()
        if (pk := self.district_codes.get(code)) is None:
            raise RowError(_("district: unknown code “%(v)s”") % {"v": code})
        if self.only_district_id is not None and pk != self.only_district_id:
            raise RowError(
                _("district: “%(v)s” is another district; you may import only your own")
                % {"v": code}
            )
        self.districts[cell] = pk
        self.file.district_ids.add(pk)
        return pk

    def _category(self, cell: str) -> int:
        value = cell.strip()
        if (pk := self.category_names.get(value.casefold())) is None:
            raise RowError(_("category: unknown “%(v)s”") % {"v": value})
        self.categories[cell] = pk
        self.file.category_ids.add(pk)
        return pk

    def _donor(self, cell: str) -> tuple[str, str]:
        name = cell.strip()[:200]
        if not name:
            raise RowError(_("donor: missing"))
        self.donors[cell] = known = (name.casefold(), name)
        self.file.spellings.add(name)
        return known

    def _destination(self, cell: str) -> str:
        if (value := self.destinations.get(cell.strip())) is None:
            raise RowError(_("destination: use forward or stock"))
        self.destinations[cell] = value
        return value

    def _donor_type(self, cell: str) -> str:
        value = cell.strip() or DonorType.OTHER.value
        if value not in self.donor_types:
            raise RowError(_("donor_type: unknown “%(v)s”") % {"v": value})
        self.donor_types[cell] = value
        return value

    def _expiry(self, cell: str) -> str | None:
        value = cell.strip()
        if not value:
            return None
        day = _parse(parse_date, value)
        if day is None:
            raise RowError(_("expiry_date: “%(v)s” is not a date") % {"v": value})
        self.expiries[cell] = iso = day.isoformat()
        return iso

    def _received(self, cell: str) -> Received:
        moment = _received_at(cell.strip(), self.now)
        day = timezone.localdate(moment)
        self.received[cell] = when = Received(
            moment, day, f"{moment.isoformat()}\t{day.isoformat()}"
        )
        return when


def _parse(parse: Callable[[str], Parsed | None], value: str) -> Parsed | None:
    """``parse_date`` or ``parse_datetime``; a well-formed day or time that does not exist
    (30 February, 25:00) reads as not a date rather than raising."""
    try:
        return parse(value)
    except ValueError:
        return None


def _received_at(value: str, now: datetime) -> datetime:
    moment = _parse(parse_datetime, value) if "T" in value or " " in value else None
    if moment is None:
        day = _parse(parse_date, value)
        if day is None:
            raise RowError(_("received_on: “%(v)s” is not a date (YYYY-MM-DD)") % {"v": value})
        moment = datetime.combine(day, NOON)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now:
        raise RowError(_("received_on: the date cannot be in the future"))
    return moment


def _weight(value: str) -> str:
    if not value:
        raise RowError(_("%(c)s: missing") % {"c": "weight_kg"})
    weight = _number(value, "weight_kg")
    if Decimal(weight) > MAX_LINE_KG:
        raise RowError(_("weight_kg: at most %(max)s kg per line") % {"max": MAX_LINE_KG})
    return weight


def _quantity(cell: str) -> str | None:
    value = cell.strip()
    if not value:
        return None
    quantity = _number(value, "quantity")
    if Decimal(quantity) > MAX_QUANTITY:
        raise RowError(_("quantity: at most %(max)s") % {"max": MAX_QUANTITY})
    return quantity


def _number(value: str, column: str) -> str:
    """A positive number with at most 3 decimals (thousands separators dropped), as text."""
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation as error:
        raise RowError(_("%(c)s: “%(v)s” is not a number") % {"c": column, "v": value}) from error
    if not number.is_finite() or number <= 0:
        raise RowError(_("%(c)s: must be more than 0") % {"c": column})
    if number.as_tuple().exponent < -3:  # type: ignore[operator]
        raise RowError(_("%(c)s: at most 3 decimal places (grams)") % {"c": column})
    return str(number)


def check_file(content: bytes) -> CheckedFile:
    """Check every row of a file and group the good ones into drop-offs."""
    check = FileCheck(content)
    check.check()
    return check.file
