"""The one export kit: CSV and XLSX downloads that spreadsheets open as data, never as formulas.

A cell such as ``=HYPERLINK("http://…")`` typed into a name field would run when someone opens
the export (CSV injection). Every text cell that starts like a formula gets a leading single
quote, so the spreadsheet shows it as text. Every value is first made plain (``plain``): lazy
translations, model instances and other objects become text, so openpyxl never meets a type it
cannot store and a download never fails on one odd cell.

Each download is declared once by name (``declare``) where it is served; the declarations are
what ``tests/disnaker/test_exports.py`` downloads, in every format, so a new export is tested by
being declared.
"""

import csv
import datetime
import decimal
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
DATE_FORMAT = "%d-%m-%Y"
DATETIME_FORMAT = "%d-%m-%Y %H.%M"
NUMBERS = (int, float, decimal.Decimal)


# --- Cells --------------------------------------------------------------------------------------


def plain(value):
    """Text, a number or a date: what both writers store. Aware datetimes become local and naive
    (Excel has no time zones); booleans read Ya/Tidak; anything else is its text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, NUMBERS):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    return str(value)


def safe_cell(value):
    """The value as a spreadsheet should store it: plain, and formula-like text quoted."""
    value = plain(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_cell(value) -> str | int | float | decimal.Decimal:
    value = safe_cell(value)
    if isinstance(value, datetime.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT)
    return value


def xlsx_cell(sheet, value):
    """A write-only cell; text is always stored as text (never a formula or an error code such as "#N/A")."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = safe_cell(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, datetime.datetime):
        cell.number_format = "DD-MM-YYYY HH:MM"
    elif isinstance(value, datetime.date):
        cell.number_format = "DD-MM-YYYY"
    return cell


def xlsx_text(sheet, row: int, column: int, value) -> None:
    """Writes one text cell of a normal (not write-only) sheet, styled sheets such as the summary's."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = sheet.cell(row=row, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", str(safe_cell(value))))
    cell.data_type = "s"


# --- Files --------------------------------------------------------------------------------------


def csv_text(*, header: Sequence, rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def xlsx_bytes(*, header: Sequence, rows: Iterable[Sequence], title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append([xlsx_cell(sheet, h) for h in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attachment(content: bytes | str, *, file_format: str, filename: str) -> HttpResponse:
    """A download that no shared computer keeps: exports carry personal data."""
    if file_format == "csv":
        content = "\ufeff" + content  # the byte-order mark makes Excel read the file as UTF-8
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Declared exports ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """A download staff or the public may take, in the formats it offers."""

    name: str
    formats: tuple[str, ...] = ("csv", "xlsx")
    personal: bool = False  # rows name people: every download is recorded in the read audit

    def format_of(self, request) -> str:
        """The format asked for (``?format=``), the first one by default; 404 for one not offered."""
        file_format = request.GET.get("format") or self.formats[0]
        if file_format not in self.formats:
            raise Http404
        return file_format

    def response(
        self, request, *, filename: str, header: Sequence, rows: Iterable[Sequence], title: str, people=None
    ) -> HttpResponse:
        """The table in the format asked for; ``filename`` without its extension.

        A personal export names the people in it (``people``: their ids), for the read audit.
        """
        if self.personal and people is None:
            raise ValueError(f"export {self.name} carries personal data: say whose (people=...)")
        file_format = self.format_of(request)
        counted = _Counted(rows)
        if file_format == "xlsx":
            content = xlsx_bytes(header=header, rows=counted, title=title)
        else:
            content = csv_text(header=header, rows=counted)
        if self.personal:
            from .readaudit import record_export

            record_export(request, export=str(title), rows=counted.count, people=people)  # as people read it
        return attachment(content, file_format=file_format, filename=filename)

    def download(self, content: bytes | str, *, filename: str) -> HttpResponse:
        """A file built elsewhere (a styled workbook, a long-format CSV) in the export's only format."""
        (file_format,) = self.formats
        return attachment(content, file_format=file_format, filename=filename)


class _Counted:
    """The rows, counted as the writer takes them."""

    def __init__(self, rows: Iterable[Sequence]):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


EXPORTS: dict[str, Export] = {}


def declare(name: str, *, formats: tuple[str, ...] = ("csv", "xlsx"), personal: bool = False) -> Export:
    """Declares (once, at import) a download; re-importing a module keeps the first declaration."""
    unknown = set(formats) - set(CONTENT_TYPES)
    if unknown:
        raise ValueError(f"export {name}: unknown formats {sorted(unknown)}")
    return EXPORTS.setdefault(name, Export(name=name, formats=tuple(formats), personal=personal))
