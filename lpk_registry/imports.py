"""A graduate report read from a spreadsheet (the XLSX template, or a CSV of graduates), cell by cell.

``parse_report_file`` never saves anything: it answers the content and every problem found, each
with its sheet, row (spreadsheet numbering: the header is row 1), column and an Indonesian message.
The operator fixes the file and uploads it again; ``services.report_replace_content`` saves a file
without problems all at once.

The sheet names and column headers below are plain Indonesian constants, not gettext strings: they
are a file format that operators download, fill in and send back, so they must not change with the
interface language.
"""

import csv
import datetime
import io
import os
import re
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field

import openpyxl
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from disnaker.nik import check_person_matches_nik, normalize_nik
from disnaker.storage import private_storage

from .models import GraduateStatus, ReportGraduate, ReportProgrammeLine
from .services import GraduateRow, ProgrammeRow, ReportContent

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# An XLSX is a zip: 10,000 rows unpack to a few MB of XML, so more than this is a zip bomb.
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PROGRAMME_SHEET = "Program"
GRADUATE_SHEET = "Lulusan"


@dataclass(frozen=True)
class Column:
    key: str  # the attribute of ProgrammeRow / GraduateRow
    header: str  # as written in the template
    width: int = 16


PROGRAMME_COLUMNS = (
    Column("programme", "Program", 40),
    Column("vocation", "Kejuruan", 24),
    Column("enrolled_male", "Peserta Laki-laki"),
    Column("enrolled_female", "Peserta Perempuan"),
    Column("graduates_male", "Lulusan Laki-laki"),
    Column("graduates_female", "Lulusan Perempuan"),
)
GRADUATE_COLUMNS = (
    Column("nik", "NIK", 20),
    Column("name", "Nama", 30),
    Column("sex", "Jenis Kelamin (L/P)", 12),
    Column("programme", "Program", 36),
    Column("certified", "Bersertifikat (Y/T)", 12),
    Column("certificate_number", "Nomor Sertifikat", 24),
    Column("status", "Status", 20),
    Column("company", "Perusahaan / Usaha", 30),
)
READING_ORDER = {
    PROGRAMME_SHEET: [c.header for c in PROGRAMME_COLUMNS],
    GRADUATE_SHEET: [c.header for c in GRADUATE_COLUMNS],
}
PROGRAMME_BY_KEY = {c.key: c for c in PROGRAMME_COLUMNS}
GRADUATE_BY_KEY = {c.key: c for c in GRADUATE_COLUMNS}
STATUS_WORDS = {
    "bekerja": GraduateStatus.WORKING,
    "wirausaha": GraduateStatus.SELF_EMPLOYED,
    "belum bekerja": GraduateStatus.NOT_WORKING,
    "melanjutkan studi": GraduateStatus.STUDYING,
}
SEX_WORDS = {"l": "L", "laki-laki": "L", "laki laki": "L", "p": "P", "perempuan": "P", "wanita": "P"}
YES_WORDS = {"y", "ya", "yes", "true", "1"}
NO_WORDS = {"", "t", "tidak", "n", "no", "false", "0"}
NEEDS_COMPANY = {GraduateStatus.WORKING, GraduateStatus.SELF_EMPLOYED}

# The template's example rows: refused if they come back, so that they are never saved as data.
EXAMPLE_PROGRAMME = ("Contoh: Pengelasan SMAW 3G", "Pengelasan", 12, 4, 10, 3)
EXAMPLE_GRADUATE = ("3672015504990001", "Contoh: Siti Aminah", "P", "Contoh: Pengelasan SMAW 3G", "Y",
                    "BNSP-0000-CONTOH", "bekerja", "PT Contoh Baja")  # fmt: skip

SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?[eE][+]?\d+$")


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` is None for a problem with the whole file."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    content: ReportContent = field(default_factory=ReportContent)
    errors: list[RowError] = field(default_factory=list)
    kind: str = ""  # "xlsx" or "csv"
    programmes_derived: bool = False  # a CSV lists graduates only: programme lines are counted from them

    @property
    def ok(self) -> bool:
        return not self.errors


class FileProblem(Exception):
    """The file as a whole cannot be read: one message, no row."""

    def __init__(self, message: str, *, sheet: str = "", row: int | None = None):
        super().__init__(message)
        self.error = RowError(sheet, row, "", message)


@dataclass
class Table:
    """One sheet's data rows as {column key: raw cell value}, with their spreadsheet row numbers."""

    sheet: str
    rows: list[tuple[int, dict]]


# --- Reading the file -----------------------------------------------------------------------


def parse_report_file(uploaded_file) -> ImportResult:
    """The report content of an uploaded XLSX or CSV file, and every problem found in it."""
    result = ImportResult()
    try:
        data = _read_limited(uploaded_file)
        result.kind = _detect_kind(data, getattr(uploaded_file, "name", "") or "")
        if result.kind == "xlsx":
            _parse_xlsx(data, result)
        else:
            _parse_csv(data, result)
    except FileProblem as problem:
        result.errors = [problem.error]
        result.content = ReportContent()
    result.errors.sort(key=_reading_order)
    return result


def _reading_order(error: RowError) -> tuple:
    """Sheet by sheet, row by row, left to right: the order the operator corrects the file in."""
    headers = READING_ORDER.get(error.sheet, [])
    return (
        list(READING_ORDER).index(error.sheet) if error.sheet in READING_ORDER else -1,
        error.row or 0,
        headers.index(error.column) if error.column in headers else -1,
    )


def _read_limited(uploaded_file) -> bytes:
    """The file's bytes; the size is checked before reading where it is known, and while reading."""
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise FileProblem(_too_large_message())
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileProblem(_too_large_message())
    if not data:
        raise FileProblem(_("The file is empty."))
    return data


def _too_large_message() -> str:
    return _("The file is larger than %(limit)s MB. Split the report into smaller files.") % {
        "limit": MAX_BYTES // (1024 * 1024)
    }


def _detect_kind(data: bytes, name: str) -> str:
    """The kind, "xlsx" or "csv", by content: a renamed PDF or text file is refused whatever its name."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
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
    raise FileProblem(_("This file is not a spreadsheet. Upload the template (.xlsx) or a CSV."))


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except Exception:  # zipfile, zlib and OSError each have their ways of saying "broken"
        raise FileProblem(_damaged_message()) from None
    if b"opendocument" in mimetype:
        raise FileProblem(_("This is an OpenDocument spreadsheet (.ods). Save it as .xlsx and upload again."))
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise FileProblem(_("This file is not an Excel spreadsheet. Upload the template (.xlsx) or a CSV."))
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
        raise FileProblem(_too_large_message())
    return "xlsx"


def _damaged_message() -> str:
    return _("The spreadsheet is damaged and cannot be opened. Save it again as .xlsx.")


def _parse_xlsx(data: bytes, result: ImportResult) -> None:
    programmes, graduates = _read_workbook(data)
    _require_rows(programmes, graduates)
    result.content.programmes, known = _programme_rows(programmes, result.errors)
    result.content.graduates = _graduate_rows(graduates, result.errors, known_programmes=known)


def _read_workbook(data: bytes) -> tuple[Table, Table]:
    try:
        # data_only=False: a formula is read as its text ("=1+1"), never evaluated or taken from a cache.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            return (
                _sheet_table(workbook, PROGRAMME_SHEET, PROGRAMME_COLUMNS),
                _sheet_table(workbook, GRADUATE_SHEET, GRADUATE_COLUMNS),
            )
        finally:
            workbook.close()
    except FileProblem:
        raise
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, XML errors) for a broken file
        raise FileProblem(_damaged_message()) from None


def _sheet_table(workbook, sheet: str, columns) -> Table:
    worksheet = next((ws for ws in workbook.worksheets if ws.title.strip().lower() == sheet.lower()), None)
    if worksheet is None:
        raise FileProblem(
            _("The sheet “%(sheet)s” is missing. Use the template: it has the sheets “%(first)s” and “%(second)s”.")
            % {"sheet": sheet, "first": PROGRAMME_SHEET, "second": GRADUATE_SHEET}
        )
    worksheet.reset_dimensions()  # some programs write a wrong size: read every row there is
    return _table(sheet, worksheet.iter_rows(values_only=True), columns)


def _parse_csv(data: bytes, result: ImportResult) -> None:
    text = _decode(data)
    header = text.split("\n", 1)[0]  # the header is known: the delimiter is whichever splits it
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        graduates = _table(GRADUATE_SHEET, csv.reader(io.StringIO(text), delimiter=delimiter), GRADUATE_COLUMNS)
    except csv.Error:  # e.g. a field over the csv module's 128 KB limit
        raise FileProblem(_("The CSV file cannot be read as text. Save it again as “CSV UTF-8”.")) from None
    _require_rows(graduates)
    result.content.graduates = _graduate_rows(graduates, result.errors, known_programmes=None)
    result.content.programmes = _programmes_from_graduates(result.content.graduates)
    result.programmes_derived = True


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise FileProblem(_("This file is not a spreadsheet. Upload the template (.xlsx) or a CSV."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(_("The CSV file cannot be read as text. Save it again as “CSV UTF-8”."))


def _table(sheet: str, rows, columns) -> Table:
    """Maps the header (row 1) onto ``columns``; keeps the rows that hold anything."""
    rows = iter(rows)
    positions = _header_positions(sheet, next(rows, ()), columns)
    table = Table(sheet, [])
    for number, values in enumerate(rows, start=2):
        cells = {key: values[i] if i < len(values) else None for key, i in positions.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        if len(table.rows) == MAX_ROWS:
            raise FileProblem(
                _("The sheet has more than %(max)s rows of data; that is the limit for one file.")
                % {"max": number_format(MAX_ROWS, force_grouping=True)},
                sheet=sheet,
            )
        table.rows.append((number, cells))
    return table


def _normal_header(text) -> str:
    """``Jenis Kelamin (L/P)`` and ``jenis  kelamin`` are the same column."""
    text = re.sub(r"\(.*?\)", " ", str(text or "")).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _header_positions(sheet: str, header, columns) -> dict[str, int]:
    wanted = {_normal_header(c.header): c for c in columns}
    positions, unknown = {}, []
    for index, title in enumerate(header):
        name = _normal_header(title)
        if name in wanted and wanted[name].key not in positions:
            positions[wanted[name].key] = index
        elif name:
            unknown.append(str(title).strip())
    missing = [c.header for c in columns if c.key not in positions]
    if missing or unknown:
        message = _("The columns do not match the template.")
        if missing:
            message += " " + _("Missing: %(columns)s.") % {"columns": ", ".join(missing)}
        if unknown:
            message += " " + _("Not recognised: %(columns)s.") % {"columns": ", ".join(unknown)}
        raise FileProblem(message, sheet=sheet, row=1)
    return positions


def _require_rows(*tables: Table) -> None:
    if not any(table.rows for table in tables):
        raise FileProblem(_("The file has no data: fill in the rows below the header row."))


# --- Cells ----------------------------------------------------------------------------------


class CellError(Exception):
    pass


def _text(value) -> str:
    """A cell as text. A formula stays its own text (``=HYPERLINK(…)``): it is data, not code."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "T"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d-%m-%Y")
    if not isinstance(value, str | int | float):  # ArrayFormula and friends
        value = getattr(value, "text", None) or str(value)
    return " ".join(str(value).split())


def _is_formula(text: str) -> bool:
    return text.startswith("=")


def _formula_error(text: str) -> CellError:
    return CellError(_("The cell holds a formula (%(formula)s): type the value itself.") % {"formula": text[:60]})


def _required_text(value, max_length: int) -> str:
    text = _optional_text(value, max_length)
    if not text:
        raise CellError(_("This cell is required."))
    return text


def _optional_text(value, max_length: int) -> str:
    text = _text(value)
    if len(text) > max_length:
        raise CellError(_("At most %(max)s characters (this has %(count)s).") % {"max": max_length, "count": len(text)})
    return text


def _count(value) -> int:
    text = _text(value)
    if _is_formula(text):
        raise _formula_error(text)
    if not text:
        return 0
    if not text.isdigit():
        raise CellError(_("Write a whole number, 0 or more (found “%(value)s”).") % {"value": text[:30]})
    return int(text)


def _nik(value) -> str:
    """The NIK's 16 digits. Excel keeps 15 significant digits of a number: a NIK typed as a number
    arrives as a float whose last digit became 0, so such a float is refused rather than trusted."""
    if isinstance(value, float):
        if not value.is_integer() or value >= 2**53 or str(int(value)).endswith("0"):
            raise _digits_lost(f"{value:.0f}")
        value = int(value)
    text = _text(value).lstrip("'")
    if not text:
        raise CellError(_("This cell is required."))
    if _is_formula(text):
        raise _formula_error(text)
    if SCIENTIFIC.match(text):
        raise _digits_lost(text)
    return normalize_nik(text)


def _digits_lost(shown: str) -> CellError:
    return CellError(
        _(
            "Excel dropped the last digits of this NIK (%(value)s) because it was typed as a number. "
            "Format the NIK column as Text and type the NIK again."
        )
        % {"value": shown}
    )


def _sex(value) -> str:
    text = _text(value)
    sex = SEX_WORDS.get(text.lower())
    if sex is None:
        raise CellError(_("Write L (male) or P (female)."))
    return sex


def _certified(value) -> bool:
    text = _text(value).lower()
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise CellError(_("Write Y (certified) or T (not certified)."))


def _status(value) -> str:
    text = _text(value).lower()
    if text in STATUS_WORDS:
        return STATUS_WORDS[text]
    if text in GraduateStatus.values:
        return text
    raise CellError(
        _("Unknown status “%(value)s”: write one of %(choices)s.")
        % {"value": text[:40], "choices": ", ".join(STATUS_WORDS)}
    )


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# --- Rows -----------------------------------------------------------------------------------


class RowReader:
    """Reads one row's cells; each bad cell adds an error instead of stopping at the first."""

    def __init__(self, sheet: str, columns, number: int, cells: dict, errors: list[RowError]):
        self.sheet, self.columns, self.number, self.cells, self.errors = sheet, columns, number, cells, errors
        self.failed: set[str] = set()

    def read(self, key: str, reader, *args, default=None):
        try:
            return reader(self.cells[key], *args)
        except CellError as exc:
            self.error(key, str(exc))
            return default

    def error(self, key: str, message: str) -> None:
        self.failed.add(key)
        self.errors.append(RowError(self.sheet, self.number, self.columns[key].header, message))


def _programme_key(name: str) -> str:
    return " ".join(name.lower().split())


def _programme_rows(table: Table, errors: list[RowError]) -> tuple[list[ProgrammeRow], dict[str, str]]:
    """The programme lines, and the programme names they define (by their case-blind key)."""
    rows, seen = [], {}
    for number, cells in table.rows:
        row = RowReader(table.sheet, PROGRAMME_BY_KEY, number, cells, errors)
        line = ProgrammeRow(
            programme=row.read("programme", _required_text, _max_length(ReportProgrammeLine, "programme"), default=""),
            vocation=row.read("vocation", _optional_text, _max_length(ReportProgrammeLine, "vocation"), default=""),
            **{key: row.read(key, _count, default=0) for key in
               ("enrolled_male", "enrolled_female", "graduates_male", "graduates_female")},
        )  # fmt: skip
        _check_programme(row, line, seen)
        rows.append(line)
    return rows, {key: name for key, (name, _row) in seen.items()}


def _check_programme(row: RowReader, line: ProgrammeRow, seen: dict) -> None:
    for sex in ("male", "female"):
        graduates, enrolled = getattr(line, f"graduates_{sex}"), getattr(line, f"enrolled_{sex}")
        if graduates > enrolled:
            row.error(
                f"graduates_{sex}",
                _("More graduates than participants enrolled (%(graduates)s > %(enrolled)s).")
                % {"graduates": graduates, "enrolled": enrolled},
            )
    if not line.programme:
        return
    if line.programme == EXAMPLE_PROGRAMME[0]:
        row.error("programme", _("This is the example row of the template: delete it."))
    key = _programme_key(line.programme)
    if key in seen:
        row.error("programme", _("This programme is already in row %(row)s.") % {"row": seen[key][1]})
    else:
        seen[key] = (line.programme, row.number)


def _graduate_rows(table: Table, errors: list[RowError], *, known_programmes: dict | None) -> list[GraduateRow]:
    """The graduates; ``known_programmes`` (XLSX) are the names of the sheet Program."""
    rows, first_row_of_nik = [], {}
    for number, cells in table.rows:
        row = RowReader(table.sheet, GRADUATE_BY_KEY, number, cells, errors)
        graduate = GraduateRow(
            nik=row.read("nik", _nik, default=""),
            name=row.read("name", _required_text, _max_length(ReportGraduate, "name"), default=""),
            sex=row.read("sex", _sex, default=""),
            programme=row.read("programme", _required_text, _max_length(ReportGraduate, "programme"), default=""),
            certified=row.read("certified", _certified, default=False),
            certificate_number=row.read(
                "certificate_number", _optional_text, _max_length(ReportGraduate, "certificate_number"), default=""
            ),
            status=row.read("status", _status, default=""),
            company=row.read("company", _optional_text, _max_length(ReportGraduate, "company"), default=""),
        )
        _check_graduate(row, graduate, first_row_of_nik, known_programmes)
        rows.append(graduate)
    return rows


def _check_graduate(row: RowReader, graduate: GraduateRow, first_row_of_nik: dict, known_programmes) -> None:
    if "nik" not in row.failed:
        _check_nik(row, graduate, first_row_of_nik)
    if graduate.certified and not graduate.certificate_number:
        row.error("certificate_number", _("The certificate number is required for a certified graduate."))
    if graduate.status in NEEDS_COMPANY and not graduate.company:
        row.error("company", _("Write the company or business of a graduate who works or is self-employed."))
    if graduate.programme and known_programmes is not None:
        name = known_programmes.get(_programme_key(graduate.programme))
        if name is None:
            row.error(
                "programme",
                _("The programme “%(programme)s” is not in the sheet %(sheet)s.")
                % {"programme": graduate.programme[:60], "sheet": PROGRAMME_SHEET},
            )
        graduate.programme = name or graduate.programme  # the spelling of the sheet Program


def _check_nik(row: RowReader, graduate: GraduateRow, first_row_of_nik: dict) -> None:
    problems = check_person_matches_nik(nik=graduate.nik, sex=graduate.sex or None, birth_date=None)
    for key in ("nik", "sex"):
        if key in problems:
            row.error(key, problems[key].messages[0])
    if graduate.nik == EXAMPLE_GRADUATE[0]:
        row.error("nik", _("This is the example row of the template: delete it."))
    if graduate.nik in first_row_of_nik:
        row.error("nik", _("This NIK is already in row %(row)s.") % {"row": first_row_of_nik[graduate.nik]})
    else:
        first_row_of_nik[graduate.nik] = row.number


def _programmes_from_graduates(graduates: list[GraduateRow]) -> list[ProgrammeRow]:
    """A CSV has no programme lines: each programme's graduates by sex, all counted as enrolled."""
    names, counts = {}, Counter()
    for graduate in graduates:
        key = _programme_key(graduate.programme)
        names.setdefault(key, graduate.programme)
        graduate.programme = names[key]
        counts[key, graduate.sex] += 1
    return [
        ProgrammeRow(programme=name, enrolled_male=counts[key, "L"], enrolled_female=counts[key, "P"],
                     graduates_male=counts[key, "L"], graduates_female=counts[key, "P"])
        for key, name in names.items()
    ]  # fmt: skip


# --- The template ---------------------------------------------------------------------------


def build_template() -> bytes:
    """The XLSX template: sheets Program and Lulusan, an example row each, lists where Excel has them."""
    workbook = openpyxl.Workbook()
    programmes = workbook.active
    programmes.title = PROGRAMME_SHEET
    _template_sheet(programmes, PROGRAMME_COLUMNS, EXAMPLE_PROGRAMME)
    _validate(programmes, "C2:F10001", type="whole", operator="greaterThanOrEqual", formula1="0",
              error="Isi dengan bilangan bulat 0 atau lebih.")  # fmt: skip
    graduates = workbook.create_sheet(GRADUATE_SHEET)
    _template_sheet(graduates, GRADUATE_COLUMNS, EXAMPLE_GRADUATE)
    graduates.column_dimensions["A"].number_format = "@"  # Text: Excel would drop a NIK's 16th digit
    graduates["A2"].number_format = "@"
    last = MAX_ROWS + 1
    _validate(graduates, f"A2:A{last}", type="textLength", operator="equal", formula1="16",
              prompt="NIK 16 digit. Kolom ini berformat Teks.", error="NIK harus 16 digit.")  # fmt: skip
    _validate(graduates, f"C2:C{last}", type="list", formula1='"L,P"', error="Isi L atau P.")
    _validate(graduates, f"D2:D{last}", type="list", formula1=f"{PROGRAMME_SHEET}!$A$2:$A$1000",
              errorStyle="warning", error="Program ini belum ada di sheet Program.")  # fmt: skip
    _validate(graduates, f"E2:E{last}", type="list", formula1='"Y,T"', error="Isi Y atau T.")
    _validate(graduates, f"G2:G{last}", type="list", formula1='"' + ",".join(STATUS_WORDS) + '"',
              error="Pilih salah satu status dari daftar.")  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _template_sheet(worksheet, columns, example) -> None:
    worksheet.append([c.header for c in columns])
    worksheet.append(list(example))
    header_fill = PatternFill("solid", fgColor="0B4A80")
    for cell in worksheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
    for cell in worksheet[2]:
        cell.font = Font(italic=True, color="595959")
    for index, column in enumerate(columns, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    worksheet.freeze_panes = "A2"


def _validate(worksheet, cells: str, *, prompt: str = "", **options) -> None:
    validation = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=bool(prompt),
                                prompt=prompt or None, **options)  # fmt: skip
    validation.add(cells)
    worksheet.add_data_validation(validation)


# --- Uploads waiting for confirmation -------------------------------------------------------

UPLOAD_FOLDER = "lpk_uploads"


def upload_store(uploaded_file) -> str:
    """Keeps an uploaded file in private storage under a random name until it is confirmed."""
    extension = ".csv" if uploaded_file.name.lower().endswith(".csv") else ".xlsx"
    uploaded_file.seek(0)
    return private_storage().save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}{extension}", uploaded_file)


def upload_parse(name: str) -> ImportResult | None:
    """The stored upload parsed again, or None when it is gone."""
    storage = private_storage()
    if not name.startswith(f"{UPLOAD_FOLDER}/") or not storage.exists(name):
        return None
    with storage.open(name, "rb") as stored:
        return parse_report_file(stored)


def upload_discard(name: str) -> None:
    if name.startswith(f"{UPLOAD_FOLDER}/"):
        private_storage().delete(name)


def uploads_discard_stale(*, now: datetime.datetime | None = None, max_age=datetime.timedelta(days=1)) -> int:
    """Deletes uploads never confirmed (they hold NIKs); for a daily task. Returns how many."""
    now = now or timezone.now()
    storage = private_storage()
    if not storage.exists(UPLOAD_FOLDER):
        return 0
    stale = [
        f"{UPLOAD_FOLDER}/{name}"
        for name in storage.listdir(UPLOAD_FOLDER)[1]
        if now - storage.get_modified_time(f"{UPLOAD_FOLDER}/{name}") > max_age
    ]
    for name in stale:
        storage.delete(name)
    return len(stale)
