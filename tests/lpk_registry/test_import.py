"""Reading a graduate report from an uploaded spreadsheet or CSV: every problem named by row and column.

The files are built in memory with openpyxl, as an operator's Excel would save them. Messages are
checked in Indonesian, the language operators read them in.
"""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from disnaker.models import Person
from lpk_registry import imports, services
from lpk_registry.imports import RowError, build_template, parse_report_file, upload_store, uploads_discard_stale
from lpk_registry.models import ReportGraduate
from tests.factories import GraduateReportFactory, PersonFactory, letters, make_nik

# The file format, written out: a change to the template's headers must show up here.
PROGRAMME_HEADER = ["Program", "Kejuruan", "Peserta Laki-laki", "Peserta Perempuan", "Lulusan Laki-laki",
                    "Lulusan Perempuan"]  # fmt: skip
GRADUATE_HEADER = ["NIK", "Nama", "Jenis Kelamin (L/P)", "Program", "Bersertifikat (Y/T)", "Nomor Sertifikat",
                   "Status", "Perusahaan / Usaha"]  # fmt: skip
WELDING = "Pengelasan SMAW 3G"
BORN = datetime.date(1980, 1, 1)
STATUSES = [("bekerja", "PT Krakatau Steel"), ("wirausaha", "Bengkel Las Mandiri"), ("belum bekerja", ""),
            ("melanjutkan studi", "")]  # fmt: skip


pytestmark = pytest.mark.django_db


# --- Building files -------------------------------------------------------------------------


def graduate_rows(count: int, *, programme: str = WELDING, start: int = 0) -> list[list]:
    """``count`` valid rows of the sheet Lulusan, each with its own NIK."""
    rows = []
    for i in range(start, start + count):
        sex = "P" if i % 3 == 0 else "L"
        status, company = STATUSES[i % 4]
        certified = i % 2 == 0
        rows.append([
            make_nik(sex=sex, birth_date=BORN + datetime.timedelta(days=i), serial=1 + i % 9000),
            f"Lulusan Nomor {letters(i)}", sex, programme, "Y" if certified else "T",
            f"BNSP-{i:06d}" if certified else "", status, company,
        ])  # fmt: skip
    return rows


def programme_rows_for(graduates: list[list], *, vocation: str = "Pengelasan") -> list[list]:
    """A Program line per programme of ``graduates``, its graduates exactly those listed, one dropout each."""
    lines = {}
    for row in graduates:
        line = lines.setdefault(row[3], [row[3], vocation, 1, 1, 0, 0])
        line[4 if row[2] == "L" else 5] += 1
        line[2 if row[2] == "L" else 3] += 1
    return list(lines.values())


def xlsx(programmes=None, graduates=None, *, programme_header=PROGRAMME_HEADER, graduate_header=GRADUATE_HEADER,
         sheets=("Program", "Lulusan")) -> bytes:  # fmt: skip
    """An XLSX with the sheets Program and Lulusan holding these rows under these headers."""
    graduates = graduate_rows(3) if graduates is None else graduates
    programmes = programme_rows_for(graduates) if programmes is None else programmes
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in zip(sheets, (programme_header, graduate_header), (programmes, graduates), strict=False):
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(rows, *, delimiter=",", encoding="utf-8-sig", header=GRADUATE_HEADER) -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(data: bytes, name: str = "laporan.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def with_sheet_xml(data: bytes, old: str, new: str, sheet: str = "xl/worksheets/sheet2.xml") -> bytes:
    """The same XLSX with text replaced in a sheet's XML: how Excel itself writes some values."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == sheet:
                assert old.encode() in content
                content = content.replace(old.encode(), new.encode())
            target.writestr(info, content)
    return buffer.getvalue()


def parse(data: bytes, name: str = "laporan.xlsx"):
    return parse_report_file(upload(data, name))


def where(error: RowError) -> tuple:
    return error.sheet, error.row, error.column


def only_error(result) -> RowError:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


# --- Files that are right -------------------------------------------------------------------


def test_a_filled_in_template_gives_the_report_content():
    rows = graduate_rows(4)
    result = parse(xlsx(graduates=rows))
    assert result.ok and result.kind == "xlsx" and not result.programmes_derived
    first, second = result.content.graduates[:2]
    assert (first.nik, first.name, first.sex, first.programme) == (rows[0][0], "Lulusan Nomor A", "P", WELDING)
    assert (first.certified, first.certificate_number, first.status, first.company) == (
        True, "BNSP-000000", "working", "PT Krakatau Steel",
    )  # fmt: skip
    assert (second.certified, second.status) == (False, "self_employed")
    assert [g.status for g in result.content.graduates[2:]] == ["not_working", "studying"]
    (line,) = result.content.programmes
    assert (line.programme, line.vocation, line.enrolled_male, line.enrolled_female) == (WELDING, "Pengelasan", 3, 3)
    assert (line.graduates_male, line.graduates_female) == (2, 2)


def test_headers_may_differ_in_case_spacing_and_hints_and_columns_in_order():
    header = ["nik", "NAMA", "Jenis  kelamin", "program", "Bersertifikat", "Nomor sertifikat", "status",
              "Perusahaan/Usaha"]  # fmt: skip
    order = [1, 0, 2, 3, 4, 5, 6, 7]
    rows = graduate_rows(2)
    result = parse(xlsx(graduates=[[r[i] for i in order] for r in rows], graduate_header=[header[i] for i in order]))
    assert result.ok, result.errors
    assert [g.nik for g in result.content.graduates] == [r[0] for r in rows]


def test_programme_names_match_whatever_their_case_and_keep_the_spelling_of_the_sheet_program():
    rows = graduate_rows(2, programme="pengelasan  smaw 3g")
    result = parse(xlsx(programmes=[[WELDING, "", 2, 2, 1, 1]], graduates=rows))
    assert result.ok, result.errors
    assert {g.programme for g in result.content.graduates} == {WELDING}


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    rows = graduate_rows(3)
    rows[2][2] = "X"
    blank = [[None] * 8, ["", " ", None, "", "", "", "", ""]]
    result = parse(xlsx(programmes=programme_rows_for(graduate_rows(3)), graduates=[rows[0], *blank, rows[1], rows[2]]))
    assert where(only_error(result)) == ("Lulusan", 6, "Jenis Kelamin (L/P)")
    assert len(result.content.graduates) == 3


def test_five_thousand_rows_are_read_and_saved_linking_people_by_nik():
    rows = graduate_rows(5000)
    known = [
        PersonFactory(nik=rows[i][0], sex=rows[i][2], birth_date=BORN + datetime.timedelta(days=i), name="Nama KTP")
        for i in (0, 1234, 4999)
    ]
    people_before = Person.objects.count()
    result = parse(xlsx(graduates=rows))
    assert result.ok, result.errors[:3]
    report = GraduateReportFactory()
    services.report_replace_content(report=report, content=result.content, actor=None)
    assert ReportGraduate.objects.filter(report=report).count() == 5000
    assert Person.objects.count() == people_before + 5000 - 3  # the known people are reused, not duplicated
    for person in known:
        graduate = ReportGraduate.objects.get(report=report, nik=person.nik)
        assert graduate.person_id == person.pk and graduate.name.startswith("Lulusan Nomor")
        assert Person.objects.get(pk=person.pk).name == "Nama KTP"
    assert ReportGraduate.objects.filter(report=report, person__nik=rows[2500][0]).exists()


def test_one_bad_row_in_five_thousand_is_named_by_row_and_column():
    rows = graduate_rows(5000)
    rows[3210][0] = rows[3210][0][:15]  # a digit short
    result = parse(xlsx(graduates=rows))
    assert only_error(result) == RowError("Lulusan", 3212, "NIK", "NIK harus terdiri dari tepat 16 digit angka.")


# --- Row by row -----------------------------------------------------------------------------


def _graduate_error(change, *, programmes=None):
    rows = graduate_rows(3)
    change(rows[1])
    result = parse(xlsx(programmes=programmes or programme_rows_for(graduate_rows(3)), graduates=rows))
    error = only_error(result)
    assert (error.sheet, error.row) == ("Lulusan", 3)
    return error


def _set(index, value):
    def change(row):
        row[index] = value

    return change


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        (_set(0, "367201120499"), "NIK", "tepat 16 digit"),
        (_set(0, "9972011204990001"), "NIK", "bukan kode provinsi"),
        (_set(0, ""), "NIK", "wajib diisi"),
        (_set(1, ""), "Nama", "wajib diisi"),
        (_set(1, "N" * 151), "Nama", "paling banyak 150 karakter"),
        (_set(2, "Pria"), "Jenis Kelamin (L/P)", "L (laki-laki) atau P (perempuan)"),
        (_set(4, "mungkin"), "Bersertifikat (Y/T)", "Y (bersertifikat) atau T"),
        (_set(6, "magang"), "Status", "Status “magang” tidak dikenal"),
        (_set(3, "Tata Rias"), "Program", "Program “Tata Rias” tidak ada di sheet Program"),
    ],
)
def test_a_bad_cell_is_named_with_a_clear_message(change, column, message):
    error = _graduate_error(change)
    assert error.column == column
    assert message.lower() in error.message.lower()


def test_sex_must_match_the_nik():
    error = _graduate_error(_set(2, "P"))  # row 3 is a man's NIK
    assert error.column == "Jenis Kelamin (L/P)"
    assert "tidak sesuai dengan NIK" in error.message


def test_a_working_or_self_employed_graduate_needs_the_company():
    rows = graduate_rows(2)
    rows[0][7] = rows[1][7] = ""
    result = parse(xlsx(graduates=rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "Perusahaan / Usaha"), (3, "Perusahaan / Usaha")]
    assert "perusahaan atau usaha" in result.errors[0].message


def test_a_certified_graduate_needs_the_certificate_number():
    error = _graduate_error(lambda row: row.__setitem__(4, "Y") or row.__setitem__(5, ""))
    assert error.column == "Nomor Sertifikat"
    assert "nomor sertifikat wajib diisi" in error.message.lower()


def test_a_nik_twice_names_the_first_row():
    rows = graduate_rows(4)
    rows[3][0] = rows[1][0]
    rows[3][2] = rows[1][2]
    result = parse(xlsx(programmes=programme_rows_for(graduate_rows(4)), graduates=rows))
    assert where(only_error(result)) == ("Lulusan", 5, "NIK")
    assert "sudah ada di baris 3" in result.errors[0].message


def test_every_bad_cell_of_a_row_is_named_not_only_the_first():
    rows = graduate_rows(2)
    rows[1][0], rows[1][6] = "123", "pensiun"
    result = parse(xlsx(programmes=programme_rows_for(graduate_rows(2)), graduates=rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "NIK"), (3, "Status")]


def test_programme_lines_graduates_within_enrolled_whole_numbers_once_each():
    programmes = [
        [WELDING, "Pengelasan", 5, 2, 6, 2],
        ["Bahasa Jepang N4", "Bahasa", "lima", -1, 0, 0],
        ["bahasa jepang n4", "Bahasa", 1, 1, 1, 1],
    ]
    result = parse(xlsx(programmes=programmes, graduates=graduate_rows(2)))
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("Program", 2, "Lulusan Laki-laki"),
        ("Program", 3, "Peserta Laki-laki"),
        ("Program", 3, "Peserta Perempuan"),
        ("Program", 4, "Program"),
    ]
    assert "lebih banyak dari peserta (6 > 5)" in result.errors[0].message
    assert "bilangan bulat" in result.errors[1].message
    assert "sudah ada di baris 3" in result.errors[3].message


def test_the_example_rows_of_the_template_are_refused():
    result = parse(build_template())
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Program", 2, "Program"), ("Lulusan", 2, "NIK")]
    assert all("contoh" in e.message for e in result.errors)


# --- Formulas and numbers in cells ----------------------------------------------------------


def test_formulas_are_text_never_evaluated_and_never_a_nik():
    rows = graduate_rows(2)
    rows[0][5] = '=HYPERLINK("http://x","klik")'
    rows[1][0] = "=1+1"
    result = parse(xlsx(programmes=programme_rows_for(graduate_rows(2)), graduates=rows))
    error = only_error(result)
    assert where(error) == ("Lulusan", 3, "NIK")
    assert "rumus (=1+1)" in error.message
    assert result.content.graduates[0].certificate_number == '=HYPERLINK("http://x","klik")'  # the text it is


def test_a_formula_as_a_name_is_refused_by_its_characters():
    rows = graduate_rows(2)
    rows[0][1] = '=HYPERLINK("http://x","klik")'
    error = only_error(parse(xlsx(programmes=programme_rows_for(graduate_rows(2)), graduates=rows)))
    assert where(error) == ("Lulusan", 2, "Nama")
    assert 'Tidak diperbolehkan: “=”, “(”, “"”' in error.message


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [(1, "Uji Coba Pengguna 😀", "“😀”"), (1, "Budi\u202eisah", "U+202E"), (1, "Sri\u200bWahyuni", "U+200B"),
     (3, "Pengelasan 🔥", "“🔥”"), (7, "PT Baja\u2066 Cilegon", "U+2066")],
)  # fmt: skip
def test_emoji_and_invisible_characters_in_a_name_programme_or_company_are_named_by_row_and_column(
    column, value, shown
):
    rows = graduate_rows(3)
    rows[1][column] = value
    result = parse(xlsx(programmes=programme_rows_for(graduate_rows(3)), graduates=rows))
    error = result.errors[0]
    assert where(error) == ("Lulusan", 3, GRADUATE_HEADER[column])
    assert f"Tidak diperbolehkan: {shown}." in error.message


def test_a_name_cell_is_normalised():
    rows = graduate_rows(1)
    rows[0][1] = "  Zoe\u0308\u00a0 Nu\u0301n\u0303ez "
    result = parse(xlsx(graduates=rows))
    assert result.ok, result.errors
    assert result.content.graduates[0].name == "Zo\u00eb N\u00fa\u00f1ez"


def test_a_formula_in_a_count_or_status_is_refused():
    rows = graduate_rows(1)
    rows[0][6] = '=IF(TRUE,"bekerja")'
    result = parse(xlsx(programmes=[[WELDING, "", "=2*1", 0, 0, 0]], graduates=rows))
    assert [(e.sheet, e.column) for e in result.errors] == [("Program", "Peserta Laki-laki"), ("Lulusan", "Status")]
    assert "rumus" in result.errors[0].message


def test_a_nik_typed_as_a_whole_number_is_read_as_its_digits():
    rows = graduate_rows(2)
    rows[0][0] = int(rows[0][0])
    result = parse(xlsx(graduates=rows))
    assert result.ok, result.errors
    assert result.content.graduates[0].nik == graduate_rows(1)[0][0]


def test_a_nik_saved_by_excel_as_a_float_that_lost_its_last_digit_is_refused():
    nik = "3672011204990001"  # Excel keeps 15 significant digits: 3.67201120499E+15
    rows = graduate_rows(1)
    rows[0][:3] = [int(nik), "Budi", "L"]
    data = with_sheet_xml(xlsx(graduates=rows), f"<v>{nik}</v>", "<v>3.67201120499E+15</v>")
    error = only_error(parse(data))
    assert error.column == "NIK"
    assert "Excel menghapus digit terakhir" in error.message and "Teks" in error.message


def test_a_float_nik_with_all_its_digits_is_read_without_an_exponent():
    nik = "3672011204990001"
    rows = graduate_rows(1)
    rows[0][:3] = [int(nik), "Budi", "L"]
    data = with_sheet_xml(xlsx(graduates=rows), f"<v>{nik}</v>", "<v>3.672011204990001E+15</v>")
    result = parse(data)
    assert result.ok, result.errors
    assert result.content.graduates[0].nik == nik


def test_a_float_nik_with_a_fraction_is_refused():
    nik = "1172011204990001"
    rows = graduate_rows(1)
    rows[0][:3] = [int(nik), "Budi", "L"]
    data = with_sheet_xml(xlsx(graduates=rows), f"<v>{nik}</v>", f"<v>{nik}.5</v>")
    assert "Excel menghapus digit terakhir" in only_error(parse(data)).message


# --- CSV ------------------------------------------------------------------------------------


def test_a_csv_with_semicolons_and_a_bom_gives_graduates_and_programmes_counted_from_them():
    rows = graduate_rows(5) + graduate_rows(2, programme="Bahasa Jepang N4", start=5)
    result = parse(csv_file(rows, delimiter=";"), "lulusan.csv")
    assert result.ok, result.errors
    assert result.kind == "csv" and result.programmes_derived
    assert result.content.graduates[0].nik == rows[0][0]  # the BOM is not part of the first header
    lines = {line.programme: line for line in result.content.programmes}
    assert (lines[WELDING].graduates_male, lines[WELDING].graduates_female) == (3, 2)
    assert (lines[WELDING].enrolled_male, lines[WELDING].enrolled_female) == (3, 2)
    assert lines["Bahasa Jepang N4"].graduates_male + lines["Bahasa Jepang N4"].graduates_female == 2


def test_a_csv_from_excel_in_windows_encoding_with_commas():
    rows = graduate_rows(2)
    rows[0][1] = "Andi Pérez"
    result = parse(csv_file(rows, encoding="cp1252"), "lulusan.csv")
    assert result.ok, result.errors
    assert result.content.graduates[0].name == "Andi Pérez"


def test_a_csv_nik_in_scientific_notation_is_refused():
    rows = graduate_rows(1)
    rows[0][0] = "3,67201E+15"
    error = only_error(parse(csv_file(rows, delimiter=";"), "lulusan.csv"))
    assert where(error) == ("Lulusan", 2, "NIK")
    assert "3,67201E+15" in error.message


# --- Files that are wrong as a whole --------------------------------------------------------


def _file_error(result) -> str:
    error = only_error(result)
    assert error.row in (None, 1)
    assert not result.content.graduates and not result.content.programmes
    return error.message


def test_wrong_columns_are_named():
    header = [*GRADUATE_HEADER[:5], "Status Kerja", "Keterangan", GRADUATE_HEADER[7]]
    result = parse(xlsx(graduate_header=header))
    error = only_error(result)
    assert (error.sheet, error.row) == ("Lulusan", 1)
    assert error.message == (
        "Kolom tidak sesuai dengan templat. Tidak ada: Nomor Sertifikat, Status. "
        "Tidak dikenal: Status Kerja, Keterangan."
    )


def test_a_missing_sheet_is_named():
    message = _file_error(parse(xlsx(sheets=("Program", "Sheet1"))))
    assert "Sheet “Lulusan” tidak ada" in message


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "laporan.xlsx", "File kosong."),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "laporan.xlsx", "dokumen PDF, bukan spreadsheet"),
        (b"NIK;Nama\n3672011204990001;Budi\n", "laporan.xlsx", "bukan spreadsheet Excel, meskipun namanya"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "laporan.xls", "file Excel lama (.xls)"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "foto.png", "bukan spreadsheet"),
        (b"PK\x03\x04 not really a zip", "laporan.xlsx", "rusak"),
        (b"\x00\x01\x02binary", "data.csv", "bukan spreadsheet"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_by_its_content(data, name, message):
    assert message in _file_error(parse(data, name))


def _zip(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}, "bukan spreadsheet Excel"),
        ({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}, "OpenDocument"),
        ({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "not xml <<"}, "rusak dan tidak dapat dibuka"),
    ],
)
def test_a_zip_that_is_not_a_workbook_is_refused(files, message):
    assert message in _file_error(parse(_zip(files)))


def test_a_damaged_sheet_inside_a_workbook_is_refused_not_a_crash():
    data = with_sheet_xml(xlsx(), "<sheetData>", "<sheetData><row r=")
    assert "rusak dan tidak dapat dibuka" in _file_error(parse(data))


def test_a_csv_that_the_csv_module_cannot_read_is_refused_not_a_crash():
    data = csv_file(graduate_rows(1)) + b'"' + b"x" * 200_000 + b'"\r\n'
    assert "tidak dapat dibaca sebagai teks" in _file_error(parse(data, "lulusan.csv"))


def test_a_workbook_with_headers_only_is_empty():
    assert "tidak berisi data" in _file_error(parse(xlsx(programmes=[], graduates=[])))
    assert "tidak berisi data" in _file_error(parse(csv_file([]), "kosong.csv"))


def test_a_file_over_five_megabytes_is_refused_before_it_is_read():
    class Unread(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("a file over the limit must not be read")

    big = Unread("besar.xlsx", b"x")
    big.size = imports.MAX_BYTES + 1
    assert _file_error(parse_report_file(big)) == "Ukuran file lebih dari 5 MB. Bagi laporan menjadi beberapa file."


def test_a_file_that_lies_about_its_size_is_still_cut_at_the_limit():
    class Lying(SimpleUploadedFile):
        size = None

    data = csv_file(graduate_rows(1)) + b"#" * imports.MAX_BYTES
    assert "lebih dari 5 MB" in _file_error(parse_report_file(Lying("besar.csv", data)))


def test_more_than_ten_thousand_rows_is_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 20)  # the same rule, at a size a test can build quickly
    assert parse(xlsx(graduates=graduate_rows(20))).ok
    result = parse(xlsx(graduates=graduate_rows(21)))
    assert "lebih dari 20 baris data" in _file_error(result)


def test_the_row_limit_is_ten_thousand():
    assert imports.MAX_ROWS == 10_000 and imports.MAX_BYTES == 5 * 1024 * 1024


def test_a_zip_bomb_is_refused_by_its_unpacked_size(monkeypatch):
    monkeypatch.setattr(imports, "MAX_UNZIPPED_BYTES", 2000)
    assert "lebih dari 5 MB" in _file_error(parse(xlsx(graduates=graduate_rows(50))))


# --- The template ---------------------------------------------------------------------------


def test_the_template_has_both_sheets_with_indonesian_headers_lists_and_a_text_nik_column():
    workbook = openpyxl.load_workbook(io.BytesIO(build_template()))
    assert workbook.sheetnames == ["Program", "Lulusan"]
    programmes, graduates = workbook["Program"], workbook["Lulusan"]
    assert [c.value for c in programmes[1]] == PROGRAMME_HEADER
    assert [c.value for c in graduates[1]] == GRADUATE_HEADER
    assert graduates.max_row == programmes.max_row == 2  # one example row each
    assert graduates.column_dimensions["A"].number_format == "@" and graduates["A2"].number_format == "@"
    assert isinstance(graduates["A2"].value, str) and len(graduates["A2"].value) == 16
    lists = {str(v.sqref): v.formula1 for v in graduates.data_validations.dataValidation if v.type == "list"}
    assert lists["C2:C10001"] == '"L,P"'
    assert lists["E2:E10001"] == '"Y,T"'
    assert lists["G2:G10001"] == '"bekerja,wirausaha,belum bekerja,melanjutkan studi"'
    assert lists["D2:D10001"] == "Program!$A$2:$A$1000"


# --- Uploads waiting for confirmation -------------------------------------------------------


def private_storage_in(settings, folder):
    """Points the private storage at ``folder`` for one test."""
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": folder},
    }}  # fmt: skip
    return folder


@pytest.fixture
def private_media(settings, tmp_path):
    return private_storage_in(settings, tmp_path / "private")


def test_uploads_never_confirmed_are_deleted_after_a_day(private_media):
    name = upload_store(upload(xlsx()))
    assert (private_media / name).exists()
    assert uploads_discard_stale() == 0
    assert uploads_discard_stale(now=timezone.now() + datetime.timedelta(days=1, minutes=1)) == 1
    assert not (private_media / name).exists()


def test_saving_a_programme_twice_is_a_validation_error_not_a_database_error():
    content = parse(xlsx()).content
    content.programmes.append(content.programmes[0])
    report = GraduateReportFactory()
    with pytest.raises(ValidationError, match="Ada program yang tercantum dua kali"):
        services.report_replace_content(report=report, content=content, actor=None)
    assert not report.programme_lines.exists()
