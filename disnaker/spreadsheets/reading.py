"""An uploaded CSV or XLSX file read into tables of raw cells, with every guard an upload needs.

The guards hold for every import because they live here: the size is capped before and while
reading, an XLSX's unpacked size is capped (a zip bomb), rows are counted while they stream in,
a file is recognised by its content whatever its name, a CSV's delimiter and encoding are detected
without ever replacing a character, and the header row is mapped onto the declared columns.
Problems with the file as a whole raise ``FileProblem``; problems of a cell are the import's.
"""

import codecs
import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# An XLSX is a zip: 10,000 rows unpack to a few MB of XML, so more than this is a zip bomb.
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_DELIMITERS = (",", ";", "\t")  # comma first: it wins a tie
# A well-formed UTF-8 sequence of two to four bytes: text holding one is UTF-8, whatever else it holds.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class Column:
    key: str  # the name the import reads the cell by
    header: str  # as written in the template
    width: int = 16
    aliases: tuple[str, ...] = ()  # other headers people write for the same column
    optional: bool = False  # may be left out of the header row
    text: bool = False  # formatted as Text in the template (a NIK typed as a number loses digits)


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    example: tuple = ()  # the template's example row, recognised by its first cell

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


@dataclass(frozen=True)
class Layout:
    """The sheets a file holds, in reading order; a CSV holds one of them."""

    sheets: tuple[Sheet, ...]
    csv_sheet: str

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)

    def reading_order(self, error: "RowError") -> tuple:
        """Sheet by sheet, row by row, left to right: the order the file is corrected in."""
        names = [s.name for s in self.sheets]
        headers = self.sheet(error.sheet).headers if error.sheet in names else []
        return (
            names.index(error.sheet) if error.sheet in names else -1,
            error.row or 0,
            headers.index(error.column) if error.column in headers else -1,
        )


@dataclass(frozen=True)
class Limits:
    bytes: int = MAX_BYTES
    rows: int = MAX_ROWS
    unzipped_bytes: int = MAX_UNZIPPED_BYTES


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` is None for a problem with the whole file."""

    sheet: str
    row: int | None
    column: str
    message: str


class FileProblem(Exception):
    """The file as a whole cannot be read: one message, no row."""

    def __init__(self, message: str, *, sheet: str = "", row: int | None = None):
        super().__init__(message)
        self.error = RowError(sheet, row, "", message)


@dataclass
class Table:
    """One sheet's data rows as {column key: raw cell value}, with their spreadsheet row numbers."""

    sheet: Sheet
    rows: list[tuple[int, dict]] = field(default_factory=list)


@dataclass
class Upload:
    kind: str  # "xlsx" or "csv"
    tables: dict[str, Table]  # by sheet name; a CSV has its one sheet only


def read_upload(uploaded_file, layout: Layout, limits: Limits = Limits()) -> Upload:  # noqa: B008 - frozen
    """The file's tables; raises ``FileProblem`` when the file as a whole cannot be used."""
    data = _read_limited(uploaded_file, limits)
    kind = _detect_kind(data, getattr(uploaded_file, "name", "") or "", limits)
    if kind == "xlsx":
        tables = _read_workbook(data, layout, limits)
    else:
        tables = {layout.csv_sheet: _read_csv(data, layout.sheet(layout.csv_sheet), limits)}
    if not any(table.rows for table in tables.values()):
        raise FileProblem(_("The file has no data: fill in the rows below the header row."))
    return Upload(kind, tables)


def _read_limited(uploaded_file, limits: Limits) -> bytes:
    """The file's bytes; the size is checked before reading where it is known, and while reading."""
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limits.bytes:
        raise FileProblem(too_large_message(limits))
    uploaded_file.seek(0)
    data = uploaded_file.read(limits.bytes + 1)
    if len(data) > limits.bytes:
        raise FileProblem(too_large_message(limits))
    if not data:
        raise FileProblem(_("The file is empty."))
    return data


def too_large_message(limits: Limits) -> str:
    return _("The file is larger than %(limit)s MB. Split the report into smaller files.") % {
        "limit": limits.bytes // (1024 * 1024)
    }


def not_a_spreadsheet_message() -> str:
    return _("This file is not a spreadsheet. Upload the template (.xlsx) or a CSV.")


def _detect_kind(data: bytes, name: str, limits: Limits) -> str:
    """The kind, "xlsx" or "csv", by content: a renamed PDF or text file is refused whatever its name."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, limits)
    if data.startswith(b"%PDF"):
        raise FileProblem(_("This file is a PDF document, not a spreadsheet. Upload the template (.xlsx) or a CSV."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(_("This is an old Excel file (.xls). Open it in Excel and save it as .xlsx."))
    if os.path.splitext(name)[1].lower() == ".csv":
        return "csv"
    if name.lower().endswith(".xlsx"):
        raise FileProblem(
            _("This file is not an Excel spreadsheet, although its name ends in .xlsx. Fill in the template.")
        )
    raise FileProblem(not_a_spreadsheet_message())


def _zip_kind(data: bytes, limits: Limits) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except Exception:  # zipfile, zlib and OSError each have their ways of saying "broken"
        raise FileProblem(damaged_message()) from None
    if b"opendocument" in mimetype:
        raise FileProblem(_("This is an OpenDocument spreadsheet (.ods). Save it as .xlsx and upload again."))
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise FileProblem(_("This file is not an Excel spreadsheet. Upload the template (.xlsx) or a CSV."))
    # The sizes the zip declares; zipfile refuses to unpack more than declared, so they are a true cap.
    if sum(info.file_size for info in infos) > limits.unzipped_bytes:
        raise FileProblem(too_large_message(limits))
    return "xlsx"


def damaged_message() -> str:
    return _("The spreadsheet is damaged and cannot be opened. Save it again as .xlsx.")


# --- XLSX -----------------------------------------------------------------------------------


def _read_workbook(data: bytes, layout: Layout, limits: Limits) -> dict[str, Table]:
    try:
        # data_only=False: a formula is read as its text ("=1+1"), never evaluated or taken from a cache.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            return {sheet.name: _sheet_table(workbook, sheet, layout, limits) for sheet in layout.sheets}
        finally:
            workbook.close()
    except FileProblem:
        raise
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, XML errors) for a broken file
        raise FileProblem(damaged_message()) from None


def _sheet_table(workbook, sheet: Sheet, layout: Layout, limits: Limits) -> Table:
    worksheet = next((ws for ws in workbook.worksheets if ws.title.strip().lower() == sheet.name.lower()), None)
    if worksheet is None and len(layout.sheets) == 1:
        worksheet = workbook.worksheets[0]  # one sheet is wanted: whatever its tab is called
    if worksheet is None:
        raise FileProblem(
            _("The sheet “%(sheet)s” is missing. Use the template: it has the sheets %(sheets)s.")
            % {"sheet": sheet.name, "sheets": ", ".join(f"“{s.name}”" for s in layout.sheets)}
        )
    worksheet.reset_dimensions()  # some programs write a wrong size: read every row there is
    return _table(sheet, worksheet.iter_rows(values_only=True), limits)


# --- CSV ------------------------------------------------------------------------------------


def _read_csv(data: bytes, sheet: Sheet, limits: Limits) -> Table:
    text = decode_text(data)
    header = text.split("\n", 1)[0]  # the header is known: the delimiter is whichever splits it most
    delimiter = max(CSV_DELIMITERS, key=header.count)
    try:
        return _table(sheet, csv.reader(io.StringIO(text), delimiter=delimiter), limits)
    except csv.Error:  # e.g. a field over the csv module's 128 KB limit
        raise FileProblem(_("The CSV file cannot be read as text. Save it again as “CSV UTF-8”.")) from None


def decode_text(data: bytes) -> str:
    """The text of a CSV, or ``FileProblem``: a character is never replaced or guessed into another.

    A byte order mark says the encoding. Without one the file is UTF-8 when it decodes as UTF-8, and
    Windows-1252 (what Excel's "CSV (Comma delimited)" writes on Indonesian Windows) when it holds no
    UTF-8 at all; a UTF-8 file with a broken byte is refused, since Windows-1252 would turn its other
    letters into "Ã©".
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _decode_strict(data, encoding)
    if b"\x00" in data:
        raise FileProblem(not_a_spreadsheet_message())
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if UTF8_SEQUENCE.search(data):
            raise _undecodable(data, error.start) from None
    return _decode_strict(data, "cp1252")


def _decode_strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _undecodable(data, error.start) from None


def _undecodable(data: bytes, position: int) -> FileProblem:
    return FileProblem(
        _(
            "The CSV file cannot be read as text: row %(row)s holds a character in another encoding "
            "than the rest of the file. Save it again as “CSV UTF-8”."
        )
        % {"row": data[:position].count(b"\n") + 1}
    )


# --- Header and rows ------------------------------------------------------------------------


def _table(sheet: Sheet, rows, limits: Limits) -> Table:
    """Maps the header (row 1) onto the sheet's columns; keeps the rows that hold anything.

    The rows are counted as they stream in: a file is refused at its first row over the limit,
    before the rest is read.
    """
    rows = iter(rows)
    positions = _header_positions(sheet, next(rows, ()) or ())
    table = Table(sheet)
    for number, values in enumerate(rows, start=2):
        cells = {key: values[i] if i < len(values) else None for key, i in positions.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        if len(table.rows) == limits.rows:
            raise FileProblem(
                _("The sheet has more than %(max)s rows of data; that is the limit for one file.")
                % {"max": number_format(limits.rows, force_grouping=True)},
                sheet=sheet.name,
            )
        table.rows.append((number, cells))
    return table


def normal_header(text) -> str:
    """``Jenis Kelamin (L/P)`` and ``jenis  kelamin`` are the same column."""
    text = re.sub(r"\(.*?\)", " ", str(text or "")).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _header_positions(sheet: Sheet, header) -> dict[str, int]:
    wanted = {normal_header(name): c for c in sheet.columns for name in (c.header, *c.aliases)}
    positions, unknown = {}, []
    for index, title in enumerate(header):
        name = normal_header(title)
        if name in wanted and wanted[name].key not in positions:
            positions[wanted[name].key] = index
        elif name:
            unknown.append(str(title).strip())
    if not positions:
        raise FileProblem(
            _("The first row does not hold the template's column names. Put the data below the template's header row."),
            sheet=sheet.name,
            row=1,
        )
    missing = [c.header for c in sheet.columns if c.key not in positions and not c.optional]
    if missing or unknown:
        message = _("The columns do not match the template.")
        if missing:
            message += " " + _("Missing: %(columns)s.") % {"columns": ", ".join(missing)}
        if unknown:
            message += " " + _("Not recognised: %(columns)s.") % {"columns": ", ".join(unknown)}
        raise FileProblem(message, sheet=sheet.name, row=1)
    return positions
