"""How fast an LPK graduate report of 5,000 rows is read from XLSX and saved.

    .venv/bin/python bench/lpk_import.py                 # a temporary SQLite database, migrated here
    DATABASE_URL=postgres://… .venv/bin/python bench/lpk_import.py   # that database (migrated if needed)

Times, over 3 runs each with 5,000 new people: ``imports.parse_report_file`` on an XLSX built in
memory, ``services.report_replace_content`` with its result, and both together; then, as the
baseline, a plain ``bulk_create`` of 5,000 ``ReportGraduate`` rows with no validation and no new
people. Prints the medians as rows per second and the ratio to the baseline. Everything it creates
(NIKs of the unused district 36.72.99) is deleted at the end.
"""

import datetime
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROWS = 5000
RUNS = 3
REGION = "367299"  # no such district in Cilegon: the bench's people never meet real ones

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disnaker.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # settings need it without a secret key; queries are not logged
TEMPORARY_DB = None
if not os.environ.get("DATABASE_URL"):
    handle, TEMPORARY_DB = tempfile.mkstemp(prefix="lpk-bench-", suffix=".sqlite3")
    os.close(handle)
    os.environ["DATABASE_URL"] = f"sqlite:///{TEMPORARY_DB}"

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from disnaker.models import Person  # noqa: E402
from lpk_registry import imports, services  # noqa: E402
from lpk_registry.models import GraduateReport, Institution, ReportGraduate  # noqa: E402

settings.DEBUG = False  # connection.queries would otherwise keep every statement
BORN = datetime.date(1975, 1, 1)
STATUSES = [("bekerja", "PT Krakatau Steel"), ("wirausaha", "Bengkel Las Mandiri"), ("belum bekerja", ""),
            ("melanjutkan studi", "")]  # fmt: skip


def nik(i: int, run: int, sex: str) -> str:
    born = BORN + datetime.timedelta(days=i)
    return f"{REGION}{born.day + (40 if sex == 'P' else 0):02d}{born:%m%y}{run + 1:04d}"


def letters(number: int) -> str:
    """``number`` in letters, base 26 (0 → "A", 26 → "BA"): a name as on the KTP holds no digit."""
    text = ""
    while True:
        number, digit = divmod(number, 26)
        text = chr(ord("A") + digit) + text
        if not number:
            return text


def workbook(run: int) -> bytes:
    """The filled-in template of one run: 5,000 graduates of 4 programmes, each with a new NIK."""
    book = openpyxl.Workbook()
    programmes = book.active
    programmes.title = imports.PROGRAMME_SHEET
    programmes.append([c.header for c in imports.PROGRAMME_COLUMNS])
    graduates = book.create_sheet(imports.GRADUATE_SHEET)
    graduates.append([c.header for c in imports.GRADUATE_COLUMNS])
    for p in range(4):
        programmes.append([f"Program {p}", "Pengelasan", ROWS, ROWS, ROWS, ROWS])
    for i in range(ROWS):
        sex = "P" if i % 3 == 0 else "L"
        status, company = STATUSES[i % 4]
        name = f"Lulusan {letters(run)} {letters(i)}"
        graduates.append([nik(i, run, sex), name, sex, f"Program {i % 4}", "Y" if i % 2 else "T",
                          f"BNSP-{i:06d}" if i % 2 else "", status, company])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def new_report(label: str) -> GraduateReport:
    institution = Institution.objects.create(name=f"LPK Bench {label}", nib=f"99{time.time_ns() % 10**11:011d}",
                                             legal_form="yayasan", address="Bench")  # fmt: skip
    return GraduateReport.objects.create(institution=institution, year=2026, quarter=1)


def clean_up() -> None:
    with transaction.atomic():
        reports = GraduateReport.objects.filter(institution__name__startswith="LPK Bench ")
        ReportGraduate.objects.filter(report__in=reports).delete()
        institutions = list(reports.values_list("institution", flat=True))
        reports.delete()
        Institution.objects.filter(pk__in=institutions).delete()
        Person.history.filter(nik__startswith=REGION).delete()
        Person.objects.filter(nik__startswith=REGION).delete()


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def one_run(run: int) -> tuple[float, float, float]:
    data = workbook(run)
    report = new_report(f"run {run}")
    start = time.perf_counter()
    parse_seconds, result = timed(lambda: imports.parse_report_file(SimpleUploadedFile("bench.xlsx", data)))
    assert result.ok, result.errors[:3]
    save_seconds, _report = timed(
        lambda: services.report_replace_content(report=report, content=result.content, actor=None)
    )
    together = time.perf_counter() - start
    assert report.graduates.count() == ROWS
    return parse_seconds, save_seconds, together


def baseline() -> float:
    """5,000 graduate rows straight into the table: no file, no checks, people already there."""
    people = list(Person.objects.filter(nik__startswith=REGION).order_by("pk")[:ROWS])
    report = new_report("baseline")
    rows = [
        ReportGraduate(report=report, person=p, nik=p.nik, name=p.name, sex=p.sex, programme="Program 0",
                       status="working", company="PT Krakatau Steel")
        for p in people
    ]  # fmt: skip

    def insert():
        with transaction.atomic():
            ReportGraduate.objects.bulk_create(rows, batch_size=1000)

    return timed(insert)[0]


def main() -> None:
    where = f"temporary SQLite {TEMPORARY_DB}" if TEMPORARY_DB else connection.vendor
    where += "" if TEMPORARY_DB else f" {connection.settings_dict['NAME']}"
    print(f"LPK report import: {ROWS:,} graduates, {RUNS} runs, database: {where}")
    call_command("migrate", verbosity=0)
    clean_up()
    try:
        runs = [one_run(run) for run in range(RUNS)]
        base = [baseline() for _ in range(RUNS)]
    finally:
        clean_up()
    rows = [
        ("parse_report_file (XLSX)", [r[0] for r in runs]),
        ("report_replace_content", [r[1] for r in runs]),
        ("together: parse + save", [r[2] for r in runs]),
        ("baseline: bulk_create, no checks", base),
    ]
    print(f"{'':34}{'median s':>10}{'rows/s':>10}   runs (s)")
    for label, seconds in rows:
        median = statistics.median(seconds)
        print(f"{label:34}{median:10.3f}{ROWS / median:10,.0f}   " + " ".join(f"{s:.3f}" for s in seconds))
    ratio = statistics.median(r[2] for r in runs) / statistics.median(base)
    print(f"together / baseline: {ratio:.1f}× slower than a plain insert of the same rows")


if __name__ == "__main__":
    try:
        main()
    finally:
        if TEMPORARY_DB:
            os.unlink(TEMPORARY_DB)
