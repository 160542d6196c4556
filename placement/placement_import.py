"""A list of placed workers read from a spreadsheet (XLSX or CSV), row by row.

``parse_placement_file`` saves nothing: it answers the rows and every problem found, each with
its row number (the header is row 1) and an Indonesian message. A file without problems is saved
all at once by ``services.placement_report_many``.

The column headers are plain Indonesian constants, not gettext strings: they are a file format.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from disnaker.nik import check_person_matches_nik, normalize_nik, parse_nik

from .models import WageBand, WorkType
from .services import PlacementRow

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
HEADERS = ("NIK", "Nama", "Jenis Kelamin (L/P)", "Jabatan", "Tanggal Mulai", "Jenis Kontrak", "Kisaran Upah")
KEYS = ("nik", "name", "sex", "position", "start_date", "contract_type", "wage_band")
REQUIRED = ("nik", "name", "sex", "position", "start_date", "contract_type")
SEX_WORDS = {"l": "L", "laki-laki": "L", "p": "P", "perempuan": "P"}
CONTRACT_WORDS = {
    "pkwtt": WorkType.PERMANENT, "tetap": WorkType.PERMANENT, "pkwt": WorkType.CONTRACT,
    "kontrak": WorkType.CONTRACT, "harian": WorkType.DAILY, "borongan": WorkType.DAILY,
    "paruh waktu": WorkType.PART_TIME, "magang": WorkType.INTERNSHIP,
    **{value: value for value in WorkType.values},
}  # fmt: skip
WAGE_WORDS = {"": "", "<2": "lt2", "2-4": "2to4", "4-6": "4to6", ">6": "gt6", **{v: v for v in WageBand.values}}
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the whole file
    column: str
    message: str


@dataclass
class ImportResult:
    rows: list[PlacementRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def template_csv() -> str:
    return ",".join(HEADERS) + "\n"


def parse_placement_file(uploaded_file, *, check_start_date=None) -> ImportResult:
    result = ImportResult()
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return ImportResult(errors=[RowError(None, "", _("The file is larger than 2 MB. Split it."))])
    try:
        table = _read_xlsx(data) if data.startswith(b"PK\x03\x04") else _read_csv(data)
    except ValueError as problem:
        return ImportResult(errors=[RowError(None, "", str(problem))])
    if not table:
        return ImportResult(errors=[RowError(None, "", _("The file has no rows of workers."))])
    if len(table) > MAX_ROWS:
        return ImportResult(errors=[RowError(None, "", _("At most %(n)s rows per file.") % {"n": MAX_ROWS})])
    seen = {}
    for number, cells in table:
        row = _parse_row(number, cells, result.errors, check_start_date)
        if row is None:
            continue
        if row.nik in seen:
            result.errors.append(
                RowError(number, "NIK", _("This NIK is already in row %(row)s.") % {"row": seen[row.nik]})
            )
        seen[row.nik] = number
        result.rows.append(row)
    return result


def _header_map(header) -> list[str | None]:
    names = [str(h or "").strip().lower() for h in header]
    wanted = {h.lower(): key for h, key in zip(HEADERS, KEYS, strict=True)}
    keys = [wanted.get(name) for name in names]
    missing = [h for h, key in zip(HEADERS, KEYS, strict=True) if key in REQUIRED and key not in keys]
    if missing:
        raise ValueError(
            _("The first row must hold the column names; missing: %(cols)s.") % {"cols": ", ".join(missing)}
        )
    return keys


def _table(rows) -> list[tuple[int, dict]]:
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        return []
    keys = _header_map(header)
    table = []
    for number, values in enumerate(rows, start=2):
        cells = {key: value for key, value in zip(keys, values, strict=False) if key}
        if any(str(v or "").strip() for v in cells.values()):
            table.append((number, cells))
    return table


def _read_csv(data: bytes) -> list[tuple[int, dict]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    dialect = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return _table(csv.reader(io.StringIO(text), delimiter=dialect))


def _read_xlsx(data: bytes) -> list[tuple[int, dict]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            return _table(workbook.worksheets[0].iter_rows(values_only=True))
        finally:
            workbook.close()
    except ValueError:
        raise
    except Exception:  # openpyxl raises many kinds for a broken file
        raise ValueError(_("The spreadsheet is damaged and cannot be opened. Save it again as .xlsx.")) from None


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip()


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(_text(value), fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("Write the date as DD-MM-YYYY, for example 02-01-2026."))


def _parse_row(number: int, cells: dict, errors: list[RowError], check_start_date) -> PlacementRow | None:
    before = len(errors)

    def fail(key, message):
        errors.append(RowError(number, HEADERS[KEYS.index(key)], str(message)))

    values = {key: _text(cells.get(key)) for key in KEYS}
    for key in REQUIRED:
        if not values[key]:
            fail(key, _("This cell is empty."))
    nik = normalize_nik(values["nik"])
    if values["nik"]:
        try:
            parse_nik(nik)
        except ValidationError as error:
            fail("nik", " ".join(error.messages))
    sex = SEX_WORDS.get(values["sex"].lower())
    if values["sex"] and sex is None:
        fail("sex", _("Write L (men) or P (women)."))
    if sex and len(errors) == before:
        for message in check_person_matches_nik(nik=nik, sex=sex, birth_date=None).values():
            fail("sex", " ".join(message.messages))
    start_date = None
    if values["start_date"]:
        try:
            start_date = _date(cells.get("start_date"))
            if check_start_date:
                check_start_date(start_date)
        except ValidationError as error:
            fail("start_date", " ".join(error.messages))
    contract = CONTRACT_WORDS.get(values["contract_type"].lower())
    if values["contract_type"] and contract is None:
        fail("contract_type", _("Write PKWT, PKWTT, harian, paruh waktu or magang."))
    wage = WAGE_WORDS.get(values["wage_band"].lower())
    if wage is None:
        fail("wage_band", _("Leave empty, or write <2, 2-4, 4-6 or >6 (million rupiah)."))
    if len(errors) > before:
        return None
    return PlacementRow(
        row=number, nik=nik, name=values["name"], position=values["position"], start_date=start_date,
        contract_type=contract, wage_band=wage,
    )  # fmt: skip
