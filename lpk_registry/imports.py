"""A graduate report read from a spreadsheet (the XLSX template, or a CSV of graduates), cell by cell.

The file is read by the core's spreadsheet kit (``disnaker.spreadsheets``), which holds every guard;
this module declares the report's sheets and columns and turns their rows into ``ReportContent``.
``parse_report_file`` never saves anything: it answers the content and every problem found, each
with its sheet, row (spreadsheet numbering: the header is row 1), column and an Indonesian message.
The operator fixes the file and uploads it again; ``services.report_replace_content`` saves a file
without problems all at once.

The sheet names and column headers below are plain Indonesian constants, not gettext strings: they
are a file format that operators download, fill in and send back, so they must not change with the
interface language.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from disnaker import spreadsheets
from disnaker.spreadsheets import Column, Layout, Limits, RowError, RowReader, Sheet, cells, row_readers

from .models import GraduateStatus, ReportGraduate, ReportProgrammeLine
from .services import GraduateRow, ProgrammeRow, ReportContent

MAX_BYTES = spreadsheets.MAX_BYTES
MAX_ROWS = spreadsheets.MAX_ROWS
MAX_UNZIPPED_BYTES = spreadsheets.MAX_UNZIPPED_BYTES
XLSX_CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE

PROGRAMME_SHEET = "Program"
GRADUATE_SHEET = "Lulusan"

PROGRAMME_COLUMNS = (
    Column("programme", "Program", 40, aliases=("Nama Program", "Program Pelatihan")),
    Column("vocation", "Kejuruan", 24),
    Column("enrolled_male", "Peserta Laki-laki"),
    Column("enrolled_female", "Peserta Perempuan"),
    Column("graduates_male", "Lulusan Laki-laki"),
    Column("graduates_female", "Lulusan Perempuan"),
)
GRADUATE_COLUMNS = (
    Column("nik", "NIK", 20, text=True),
    Column("name", "Nama", 30, aliases=("Nama Lengkap",)),
    Column("sex", "Jenis Kelamin (L/P)", 12, aliases=("JK", "L/P")),
    Column("programme", "Program", 36, aliases=("Nama Program", "Program Pelatihan")),
    Column("certified", "Bersertifikat (Y/T)", 12, aliases=("Sertifikat",)),
    Column("certificate_number", "Nomor Sertifikat", 24, aliases=("No Sertifikat",)),
    Column("status", "Status", 20),
    Column("company", "Perusahaan / Usaha", 30, aliases=("Perusahaan", "Tempat Kerja")),
)
STATUS_WORDS = {
    "bekerja": GraduateStatus.WORKING,
    "wirausaha": GraduateStatus.SELF_EMPLOYED,
    "belum bekerja": GraduateStatus.NOT_WORKING,
    "melanjutkan studi": GraduateStatus.STUDYING,
}
YES_WORDS = {"y", "ya", "yes", "true", "1"}
NO_WORDS = {"", "t", "tidak", "n", "no", "false", "0"}
NEEDS_COMPANY = {GraduateStatus.WORKING, GraduateStatus.SELF_EMPLOYED}

# The template's example rows: refused if they come back, so that they are never saved as data.
EXAMPLE_PROGRAMME = ("Contoh: Pengelasan SMAW 3G", "Pengelasan", 12, 4, 10, 3)
EXAMPLE_GRADUATE = ("3672015504990001", "Siti Aminah", "P", "Contoh: Pengelasan SMAW 3G", "Y",
                    "BNSP-0000-CONTOH", "bekerja", "PT Contoh Baja")  # fmt: skip

LAYOUT = Layout(
    sheets=(
        Sheet(PROGRAMME_SHEET, PROGRAMME_COLUMNS, EXAMPLE_PROGRAMME),
        Sheet(GRADUATE_SHEET, GRADUATE_COLUMNS, EXAMPLE_GRADUATE),
    ),
    csv_sheet=GRADUATE_SHEET,  # a CSV lists graduates only: programme lines are counted from them
)

UPLOAD_FOLDER = "lpk_uploads"
PENDING = spreadsheets.PendingUpload(session_key="lpk_report_upload", folder=UPLOAD_FOLDER)
upload_store = PENDING.store
uploads_discard_stale = PENDING.discard_stale


@dataclass
class ImportResult:
    content: ReportContent = field(default_factory=ReportContent)
    errors: list[RowError] = field(default_factory=list)
    kind: str = ""  # "xlsx" or "csv"
    programmes_derived: bool = False  # a CSV lists graduates only: programme lines are counted from them

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_report_file(uploaded_file) -> ImportResult:
    """The report content of an uploaded XLSX or CSV file, and every problem found in it."""
    limits = Limits(bytes=MAX_BYTES, rows=MAX_ROWS, unzipped_bytes=MAX_UNZIPPED_BYTES)
    parsed = spreadsheets.parse(uploaded_file, LAYOUT, _report_content, limits=limits)
    return ImportResult(
        content=parsed.data or ReportContent(), errors=parsed.errors, kind=parsed.kind,
        programmes_derived=parsed.kind == "csv",
    )  # fmt: skip


def _report_content(upload: spreadsheets.Upload, errors: list[RowError]) -> ReportContent:
    content = ReportContent()
    if upload.kind == "csv":
        content.graduates = _graduate_rows(upload.tables[GRADUATE_SHEET], errors, known_programmes=None)
        content.programmes = _programmes_from_graduates(content.graduates)
    else:
        content.programmes, known = _programme_rows(upload.tables[PROGRAMME_SHEET], errors)
        content.graduates = _graduate_rows(upload.tables[GRADUATE_SHEET], errors, known_programmes=known)
    return content


# --- Cells ----------------------------------------------------------------------------------


def _certified(value) -> bool:
    words = dict.fromkeys(YES_WORDS, True) | dict.fromkeys(NO_WORDS, False)
    return cells.choice(value, words, _("Write Y (certified) or T (not certified)."))


def _status(value) -> str:
    return cells.choice(
        value,
        STATUS_WORDS | {value: value for value in GraduateStatus.values},
        _("Unknown status “%(value)s”: write one of %(choices)s."),
        choices=", ".join(STATUS_WORDS),
    )


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _field(model, name: str):
    return model._meta.get_field(name)


# --- Rows -----------------------------------------------------------------------------------


def _programme_key(name: str) -> str:
    return " ".join(name.lower().split())


def _programme_rows(table: spreadsheets.Table, errors: list[RowError]) -> tuple[list[ProgrammeRow], dict[str, str]]:
    """The programme lines, and the programme names they define (by their case-blind key)."""
    rows, seen, names = [], {}, {}
    for row in row_readers(table, errors):
        line = ProgrammeRow(
            programme=row.read("programme", cells.field_text, _field(ReportProgrammeLine, "programme"), default=""),
            vocation=row.read("vocation", cells.field_text, _field(ReportProgrammeLine, "vocation"), default=""),
            **{key: row.read(key, cells.count, default=0) for key in
               ("enrolled_male", "enrolled_female", "graduates_male", "graduates_female")},
        )  # fmt: skip
        _check_programme(row, line, seen, names)
        rows.append(line)
    return rows, names


def _check_programme(row: RowReader, line: ProgrammeRow, seen: dict, names: dict) -> None:
    for sex in ("male", "female"):
        graduates, enrolled = getattr(line, f"graduates_{sex}"), getattr(line, f"enrolled_{sex}")
        if graduates > enrolled:
            row.error(
                f"graduates_{sex}",
                _("More graduates than participants enrolled (%(graduates)s > %(enrolled)s).")
                % {"graduates": graduates, "enrolled": enrolled},
            )
    if line.programme:
        key = _programme_key(line.programme)
        names.setdefault(key, line.programme)
        row.once("programme", key, seen, _("This programme is already in row %(row)s."))


def _graduate_rows(table: spreadsheets.Table, errors: list[RowError], *, known_programmes: dict | None):
    """The graduates; ``known_programmes`` (XLSX) are the names of the sheet Program."""
    rows, first_row_of_nik = [], {}
    for row in row_readers(table, errors):
        graduate = GraduateRow(
            nik=row.read("nik", cells.nik, default=""),
            name=row.read("name", cells.field_text, _field(ReportGraduate, "name"), default=""),
            sex=row.read("sex", cells.sex, default=""),
            programme=row.read("programme", cells.field_text, _field(ReportGraduate, "programme"), default=""),
            certified=row.read("certified", _certified, default=False),
            certificate_number=row.read("certificate_number", cells.optional_text,
                                        _max_length(ReportGraduate, "certificate_number"), default=""),
            status=row.read("status", _status, default=""),
            company=row.read("company", cells.field_text, _field(ReportGraduate, "company"), default=""),
        )  # fmt: skip
        _check_graduate(row, graduate, first_row_of_nik, known_programmes)
        rows.append(graduate)
    return rows


def _check_graduate(row: RowReader, graduate: GraduateRow, first_row_of_nik: dict, known_programmes) -> None:
    row.check_nik(nik=graduate.nik, sex=graduate.sex, seen=first_row_of_nik)
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
    workbook = spreadsheets.template_workbook(LAYOUT)
    programmes, graduates = workbook[PROGRAMME_SHEET], workbook[GRADUATE_SHEET]
    validate = spreadsheets.add_validation
    validate(programmes, "C2:F10001", type="whole", operator="greaterThanOrEqual", formula1="0",
             error="Isi dengan bilangan bulat 0 atau lebih.")  # fmt: skip
    last = MAX_ROWS + 1
    validate(graduates, f"A2:A{last}", type="textLength", operator="equal", formula1="16",
             prompt="NIK 16 digit. Kolom ini berformat Teks.", error="NIK harus 16 digit.")  # fmt: skip
    validate(graduates, f"C2:C{last}", type="list", formula1='"L,P"', error="Isi L atau P.")
    validate(graduates, f"D2:D{last}", type="list", formula1=f"{PROGRAMME_SHEET}!$A$2:$A$1000",
             errorStyle="warning", error="Program ini belum ada di sheet Program.")  # fmt: skip
    validate(graduates, f"E2:E{last}", type="list", formula1='"Y,T"', error="Isi Y atau T.")
    validate(graduates, f"G2:G{last}", type="list", formula1='"' + ",".join(STATUS_WORDS) + '"',
             error="Pilih salah satu status dari daftar.")  # fmt: skip
    return spreadsheets.workbook_bytes(workbook)
