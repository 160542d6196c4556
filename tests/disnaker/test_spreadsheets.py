"""The spreadsheet kit's guards hold for every import: each malformed file gets the same answer from
the LPK graduate report import and from the company placement import.

Each case is built for both imports (their own sheets and columns) and fed to both; the problems
they answer (row, column, message) must be the same, and in Indonesian.
"""

import codecs
import datetime
import io
import zipfile
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disnaker.spreadsheets import Column, Layout, Sheet, read_upload
from disnaker.spreadsheets.reading import FileProblem, Limits, _table, decode_text
from lpk_registry import imports as lpk_imports
from placement import placement_import
from tests.factories import letters, make_nik
from tests.lpk_registry.test_import import GRADUATE_HEADER, _zip, graduate_rows, programme_rows_for, with_sheet_xml

NIK = "3672011204990001"  # a man's: 12-04-1999
FLOAT_NIK = "3.67201120499E+15"  # how Excel stores it once the cell is a number: the last digit is gone


@dataclass(frozen=True)
class Import:
    """How to build a valid file for one import, and how to parse it."""

    name: str
    header: list[str]
    sheet: str
    sheet_xml: str  # the worksheet holding the NIKs inside the XLSX
    module: object

    def rows(self, count: int = 3) -> list[list]:
        if self.name == "lpk":
            return graduate_rows(count)
        rows = []
        for i in range(count):
            sex = "P" if i % 2 else "L"
            nik = make_nik(sex=sex, birth_date=datetime.date(1990, 1, 1) + datetime.timedelta(days=i), serial=i + 1)
            rows.append([nik, f"Pekerja Nomor {letters(i)}", sex, "Operator", "05-01-2026", "PKWT", "2-4"])
        return rows

    def xlsx(self, rows=None, *, header=None) -> bytes:
        rows = self.rows() if rows is None else rows
        workbook = openpyxl.Workbook()
        if self.name == "lpk":
            workbook.active.title = lpk_imports.PROGRAMME_SHEET
            workbook.active.append([c.header for c in lpk_imports.PROGRAMME_COLUMNS])
            for line in programme_rows_for(rows):
                workbook.active.append(line)
            sheet = workbook.create_sheet(self.sheet)
        else:
            sheet = workbook.active
            sheet.title = self.sheet
        for row in [header or self.header, *rows]:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def csv(self, rows=None, *, delimiter=",", encoding="utf-8", header=None) -> bytes:
        rows = self.rows() if rows is None else rows
        lines = [delimiter.join(header or self.header)] + [delimiter.join(str(v) for v in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode(encoding)

    def parse(self, data: bytes, name: str):
        if self.name == "lpk":
            return lpk_imports.parse_report_file(SimpleUploadedFile(name, data))
        return placement_import.parse_placement_file(SimpleUploadedFile(name, data))


LPK = Import("lpk", GRADUATE_HEADER, "Lulusan", "xl/worksheets/sheet2.xml", lpk_imports)
PLACEMENT = Import("placement", list(placement_import.HEADERS), "Penempatan", "xl/worksheets/sheet1.xml",
                   placement_import)  # fmt: skip
IMPORTS = (LPK, PLACEMENT)

pytestmark = pytest.mark.django_db


def answer(result) -> list[tuple]:
    return [(e.row, e.column, e.message) for e in result.errors]


def same_answer(build) -> list[tuple]:
    """``build(imp)`` gives (data, file name) for each import; both answers are equal and returned."""
    answers = {imp.name: answer(imp.parse(*build(imp))) for imp in IMPORTS}
    assert answers["lpk"] == answers["placement"], answers
    return answers["lpk"]


def only_message(build) -> str:
    ((row, column, message),) = same_answer(build)
    assert row in (None, 1) and column == ""
    return message


def _zip_bomb(imp: Import) -> bytes:
    """A real XLSX with one more member that unpacks to 61 MB of zeros (it compresses to about 60 KB)."""
    source, buffer = zipfile.ZipFile(io.BytesIO(imp.xlsx())), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("xl/media/bomb.bin", bytes(61 * 1024 * 1024))
    return buffer.getvalue()


def _with_nik(imp: Import, nik) -> list[list]:
    rows = imp.rows(2)
    rows[0][:3] = [nik, "Budi", "L"]
    return rows


# --- Files refused as a whole: the same message from both imports ----------------------------

FILE_CASES = {
    "pdf renamed .xlsx": (
        lambda imp: (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "penempatan.xlsx"),
        "File ini dokumen PDF, bukan spreadsheet.",
    ),
    "text renamed .xlsx": (
        lambda imp: (imp.csv(), "data.xlsx"),
        "File ini bukan spreadsheet Excel, meskipun namanya berakhiran .xlsx.",
    ),
    "png": (lambda imp: (b"\x89PNG\r\n\x1a\n" + bytes(100), "foto.png"), "File ini bukan spreadsheet."),
    "old xls": (lambda imp: (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "data.xls"), "file Excel lama (.xls)"),
    "broken zip": (lambda imp: (b"PK\x03\x04 not really a zip", "data.xlsx"), "rusak dan tidak dapat dibuka"),
    "binary named .csv": (lambda imp: (b"\x00\x01\x02binary", "data.csv"), "File ini bukan spreadsheet."),
    "empty": (lambda imp: (b"", "data.xlsx"), "File kosong."),
    "headers only": (lambda imp: (imp.xlsx([]), "data.xlsx"), "File tidak berisi data"),
    "zip bomb": (lambda imp: (_zip_bomb(imp), "data.xlsx"), "Ukuran file lebih dari 5 MB."),
    "over five megabytes": (
        lambda imp: (imp.csv() + b"#" * lpk_imports.MAX_BYTES, "data.csv"),
        "Ukuran file lebih dari 5 MB.",
    ),
    "utf-8 with a broken byte": (
        lambda imp: (imp.csv([[*imp.rows(1)[0][:1], "Andi Pérez", *imp.rows(1)[0][2:]]]) + b"\xff\r\n", "data.csv"),
        "File CSV tidak dapat dibaca sebagai teks: baris 3 berisi karakter dengan pengodean yang berbeda",
    ),
    "byte that windows-1252 does not define": (
        lambda imp: (imp.csv().replace(b"Nomor B", b"Nomor \x81"), "data.csv"),
        "File CSV tidak dapat dibaca sebagai teks: baris 3",
    ),
    "csv field too long": (
        lambda imp: (imp.csv() + b'"' + b"x" * 200_000 + b'"\r\n', "data.csv"),
        "File CSV tidak dapat dibaca sebagai teks. Simpan ulang sebagai “CSV UTF-8”.",
    ),
    "opendocument": (
        lambda imp: (
            _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}),
            "data.xlsx",
        ),  # fmt: skip
        "OpenDocument",
    ),
    "workbook xml broken": (
        lambda imp: (_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "not xml <<"}), "data.xlsx"),
        "rusak dan tidak dapat dibuka",
    ),
    "sheet xml broken": (
        lambda imp: (with_sheet_xml(imp.xlsx(), "<sheetData>", "<sheetData><row r=", sheet=imp.sheet_xml), "a.xlsx"),
        "rusak dan tidak dapat dibuka",
    ),
    "word document": (
        lambda imp: (_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}), "data.xlsx"),
        "bukan spreadsheet Excel",
    ),
}


@pytest.mark.parametrize(("build", "expected"), FILE_CASES.values(), ids=FILE_CASES.keys())
def test_a_malformed_file_gets_the_same_message_from_both_imports(build, expected):
    assert expected in only_message(build)


def test_too_many_rows_gets_the_same_message_from_both_imports(monkeypatch):
    for imp in IMPORTS:  # the same rule, at a size a test builds quickly
        monkeypatch.setattr(imp.module, "MAX_ROWS", 20)
        assert imp.parse(imp.xlsx(imp.rows(20)), "data.xlsx").ok
    assert only_message(lambda imp: (imp.xlsx(imp.rows(21)), "data.xlsx")) == (
        "Sheet berisi lebih dari 20 baris data, melebihi batas untuk satu file."
    )


def test_the_row_limit_is_counted_while_the_rows_stream_in():
    """The reader stops at the first row over the limit: what follows is never read."""

    def rows():
        yield PLACEMENT.header
        for i in range(10**9):
            if i > 30:
                raise AssertionError("read past the limit")
            yield PLACEMENT.rows(1)[0]

    with pytest.raises(FileProblem, match="lebih dari 20 baris"):
        _table(placement_import.LAYOUT.sheets[0], rows(), Limits(rows=20))


def test_a_missing_header_row_gets_the_same_message_from_both_imports():
    message = only_message(lambda imp: (imp.csv(imp.rows(2)[1:], header=imp.rows(1)[0]), "data.csv"))
    assert message == "Baris pertama tidak berisi nama kolom templat. Letakkan data di bawah baris judul kolom templat."


def test_an_unknown_column_gets_the_same_message_from_both_imports():
    def build(imp):
        return imp.xlsx([[*row, "catatan"] for row in imp.rows(2)], header=[*imp.header, "Keterangan"]), "a.xlsx"

    assert only_message(build) == "Kolom tidak sesuai dengan templat. Tidak dikenal: Keterangan."


# --- Cells refused: the same row, column and message from both imports ----------------------


def test_a_formula_in_the_nik_is_refused_by_both_imports():
    assert same_answer(lambda imp: (imp.xlsx(_with_nik(imp, "=1+1")), "data.xlsx")) == [
        (2, "NIK", "Sel berisi rumus (=1+1): ketik nilainya langsung."),
    ]


def test_a_nik_excel_stored_as_a_float_is_refused_by_both_imports_naming_row_and_column():
    def build(imp):
        data = imp.xlsx(_with_nik(imp, int(NIK)))
        return with_sheet_xml(data, f"<v>{NIK}</v>", f"<v>{FLOAT_NIK}</v>", sheet=imp.sheet_xml), "data.xlsx"

    ((row, column, message),) = same_answer(build)
    assert (row, column) == (2, "NIK")
    assert message.startswith("Excel menghapus digit terakhir NIK ini (3672011204990000)")
    assert "Teks" in message


@pytest.mark.parametrize("shown", ["3.67201E+15", "3,67201E+15", "3.67201e+15"])
def test_a_nik_in_scientific_notation_in_a_csv_is_refused_by_both_imports(shown):
    def build(imp):
        return imp.csv(_with_nik(imp, shown), delimiter=";"), "data.csv"

    ((row, column, message),) = same_answer(build)
    assert (row, column) == (2, "NIK") and f"({shown})" in message


def test_the_placement_import_refused_the_float_nik_in_its_own_sheet():
    rows = _with_nik(PLACEMENT, int(NIK))
    data = with_sheet_xml(PLACEMENT.xlsx(rows), f"<v>{NIK}</v>", f"<v>{FLOAT_NIK}</v>", sheet=PLACEMENT.sheet_xml)
    result = PLACEMENT.parse(data, "penempatan.xlsx")
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Penempatan", 2, "NIK")]
    assert not result.ok


# --- Files that are right, whatever the program that saved them -----------------------------

GOOD_CSV = {
    "semicolons": lambda imp, rows: imp.csv(rows, delimiter=";"),
    "utf-8 with a bom": lambda imp, rows: imp.csv(rows, encoding="utf-8-sig"),
    "windows-1252 from excel": lambda imp, rows: imp.csv(rows, encoding="cp1252"),
    "utf-16 unicode text from excel": lambda imp, rows: codecs.BOM_UTF16_LE + imp.csv(rows, delimiter="\t",
                                                                                      encoding="utf-16-le"),
}  # fmt: skip


@pytest.mark.parametrize("build", GOOD_CSV.values(), ids=GOOD_CSV.keys())
@pytest.mark.parametrize("imp", IMPORTS, ids=lambda imp: imp.name)
def test_a_csv_is_read_whatever_its_delimiter_and_encoding_without_changing_a_letter(imp, build):
    rows = imp.rows(2)
    rows[1][1] = "Andi Pérez Ñoño"
    result = imp.parse(build(imp, rows), "data.csv")
    assert result.ok, result.errors
    names = [g.name for g in result.content.graduates] if imp.name == "lpk" else [r.name for r in result.rows]
    assert names[1] == "Andi Pérez Ñoño"
    assert result.kind == "csv"


def test_utf8_is_never_read_as_windows_1252():
    assert decode_text("Andi Pérez".encode()) == "Andi Pérez"
    with pytest.raises(FileProblem):
        decode_text("Andi Pérez\n".encode() + b"Budi \xe9\n")  # UTF-8 plus one Windows-1252 letter


# --- Header mapping --------------------------------------------------------------------------


def test_aliases_and_optional_columns_map_onto_the_declared_columns():
    sheet = Sheet("Data", (Column("nik", "NIK", aliases=("No KTP",)), Column("wage", "Upah", optional=True)))
    upload = read_upload(SimpleUploadedFile("a.csv", b"no. ktp\r\n3672011204990001\r\n"), Layout((sheet,), "Data"))
    assert upload.tables["Data"].rows == [(2, {"nik": "3672011204990001"})]


def test_a_placement_template_column_may_be_written_by_its_alias():
    header = ["Nomor KTP", "Nama Lengkap", "JK", "Posisi", "Tgl Mulai", "Status Kontrak"]
    result = PLACEMENT.parse(PLACEMENT.csv([row[:6] for row in PLACEMENT.rows(2)], header=header), "a.csv")
    assert result.ok, result.errors
    assert [r.wage_band for r in result.rows] == ["", ""]
