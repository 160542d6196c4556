"""A list of placed workers read from a spreadsheet (the XLSX template, or a CSV), row by row.

The file is read by the core's spreadsheet kit (``disnaker.spreadsheets``), which holds every guard;
this module declares the list's columns and turns its rows into ``PlacementRow``s.
``parse_placement_file`` saves nothing: it answers the rows and every problem found, each with its
sheet, row (the header is row 1), column and an Indonesian message. A file without problems is
saved all at once by ``services.placement_report_many`` once the company confirms its preview.

The sheet names and column headers are plain Indonesian constants, not gettext strings: they are a
file format.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from disnaker import spreadsheets
from disnaker.spreadsheets import CellError, Column, Layout, Limits, RowError, Sheet, cells, row_readers

from .models import Placement, WageBand, WorkType
from .services import PlacementRow

MAX_BYTES = spreadsheets.MAX_BYTES
# Each row is saved through placement_report (a person, a card, a vacancy seat): a longer list in parts.
MAX_ROWS = 2000
MAX_UNZIPPED_BYTES = spreadsheets.MAX_UNZIPPED_BYTES

PLACEMENT_SHEET = "Penempatan"
NOTES_SHEET = "Petunjuk"
COLUMNS = (
    Column("nik", "NIK", 20, text=True, aliases=("No KTP", "Nomor KTP")),
    Column("name", "Nama", 30, aliases=("Nama Lengkap", "Nama Pekerja")),
    Column("sex", "Jenis Kelamin (L/P)", 12, aliases=("JK", "L/P")),
    Column("position", "Jabatan", 24, aliases=("Posisi",)),
    Column("start_date", "Tanggal Mulai", 16, aliases=("Tgl Mulai", "Mulai Bekerja")),
    Column("contract_type", "Jenis Kontrak", 16, aliases=("Status Kontrak",)),
    Column("wage_band", "Kisaran Upah", 14, aliases=("Upah",), optional=True),
)
HEADERS = tuple(c.header for c in COLUMNS)
CONTRACT_WORDS = {
    "pkwtt": WorkType.PERMANENT, "tetap": WorkType.PERMANENT, "pkwt": WorkType.CONTRACT,
    "kontrak": WorkType.CONTRACT, "harian": WorkType.DAILY, "borongan": WorkType.DAILY,
    "paruh waktu": WorkType.PART_TIME, "magang": WorkType.INTERNSHIP,
    **{value: value for value in WorkType.values},
}  # fmt: skip
WAGE_WORDS = {"": "", "<2": "lt2", "2-4": "2to4", "4-6": "4to6", ">6": "gt6", **{v: v for v in WageBand.values}}
# The template's example row: refused if it comes back, so that it is never reported as a worker.
EXAMPLE = ("3672015504990001", "Siti Aminah", "P", "Operator Produksi", "05-01-2026", "PKWT", "2-4")
NOTES = (
    ("NIK", "16 digit sesuai KTP. Kolom ini berformat Teks: ketik NIK lengkap; NIK yang diketik sebagai angka "
            "kehilangan digit terakhirnya di Excel dan akan ditolak."),
    ("Nama", "Nama pekerja sesuai KTP."),
    ("Jenis Kelamin (L/P)", "L (laki-laki) atau P (perempuan); harus sesuai dengan NIK."),
    ("Jabatan", "Jabatan atau posisi pekerja."),
    ("Tanggal Mulai", "Tanggal mulai bekerja, HH-BB-TTTT, misalnya 05-01-2026."),
    ("Jenis Kontrak", "PKWT, PKWTT, harian, paruh waktu atau magang."),
    ("Kisaran Upah", "Boleh kosong; atau <2, 2-4, 4-6, >6 (juta rupiah per bulan)."),
    ("", "Hapus baris contoh (abu-abu) di sheet Penempatan. Satu baris untuk satu pekerja. Tidak ada yang "
         "disimpan sebelum Anda memeriksa pratinjau dan menekan Simpan."),
)  # fmt: skip

LAYOUT = Layout(sheets=(Sheet(PLACEMENT_SHEET, COLUMNS, EXAMPLE),), csv_sheet=PLACEMENT_SHEET)
PENDING = spreadsheets.PendingUpload(session_key="placement_upload", folder="placement_uploads")


@dataclass
class ImportResult:
    rows: list[PlacementRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    kind: str = ""  # "xlsx" or "csv"

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def parse_placement_file(uploaded_file, *, check_start_date=None) -> ImportResult:
    """The workers of an uploaded XLSX or CSV file, and every problem found in it.

    ``check_start_date(date)`` raises ``ValidationError`` for a start date the company may not report.
    """
    limits = Limits(bytes=MAX_BYTES, rows=MAX_ROWS, unzipped_bytes=MAX_UNZIPPED_BYTES)
    parsed = spreadsheets.parse(
        uploaded_file, LAYOUT, lambda upload, errors: _rows(upload, errors, check_start_date), limits=limits
    )
    return ImportResult(rows=parsed.data or [], errors=parsed.errors, kind=parsed.kind)


def _start_date(value, check_start_date):
    start_date = cells.date(value)
    if check_start_date is not None:
        try:
            check_start_date(start_date)
        except ValidationError as error:
            raise CellError(" ".join(error.messages)) from None
    return start_date


def _field(name: str):
    return Placement._meta.get_field(name)


def _rows(upload: spreadsheets.Upload, errors: list[RowError], check_start_date) -> list[PlacementRow]:
    rows, first_row_of_nik = [], {}
    for row in row_readers(upload.tables[PLACEMENT_SHEET], errors):
        before = len(errors)
        placement = PlacementRow(
            row=row.number,
            nik=row.read("nik", cells.nik, default=""),
            name=row.read("name", cells.field_text, _field("name"), default=""),
            position=row.read("position", cells.field_text, _field("position"), default=""),
            start_date=row.read("start_date", _start_date, check_start_date),
            contract_type=row.read("contract_type", cells.choice, CONTRACT_WORDS,
                                   _("Write PKWT, PKWTT, harian, paruh waktu or magang."), default=""),
            wage_band=row.read("wage_band", cells.choice, WAGE_WORDS,
                               _("Leave empty, or write <2, 2-4, 4-6 or >6 (million rupiah)."), default=""),
        )  # fmt: skip
        row.check_nik(nik=placement.nik, sex=row.read("sex", cells.sex, default=""), seen=first_row_of_nik)
        if len(errors) == before:
            rows.append(placement)
    return rows


def build_template() -> bytes:
    """The XLSX template: the sheet Penempatan with an example row, lists where Excel has them, and
    the sheet Petunjuk explaining each column."""
    workbook = spreadsheets.template_workbook(LAYOUT)
    sheet, last = workbook[PLACEMENT_SHEET], MAX_ROWS + 1
    validate = spreadsheets.add_validation
    validate(sheet, f"A2:A{last}", type="textLength", operator="equal", formula1="16",
             prompt="NIK 16 digit. Kolom ini berformat Teks.", error="NIK harus 16 digit.")  # fmt: skip
    validate(sheet, f"C2:C{last}", type="list", formula1='"L,P"', error="Isi L atau P.")
    validate(sheet, f"F2:F{last}", type="list", formula1='"PKWT,PKWTT,harian,paruh waktu,magang"',
             error="Pilih salah satu jenis kontrak dari daftar.")  # fmt: skip
    validate(sheet, f"G2:G{last}", type="list", formula1='"<2,2-4,4-6,>6"', error="Kosongkan, atau pilih dari daftar.")
    spreadsheets.add_notes_sheet(workbook, NOTES_SHEET, ("Kolom", "Cara mengisi"), NOTES)
    return spreadsheets.workbook_bytes(workbook)
