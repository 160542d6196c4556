"""What a summary turns into: its tables, the official PDF, the staff XLSX and the public CSV."""

import copy
import csv
import datetime
import io
import re
import shutil
import subprocess
import time
import zoneinfo

import openpyxl
import pytest
from django.utils import translation

from disnaker.models import PublishedIndicator, Summary
from disnaker.reports import summary_csv, summary_pdf, summary_tables, summary_xlsx
from disnaker.summaries import all_figures, figure_by_key
from tests.conftest import ARTIFACTS_DIR, require

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
FORMULA_VOCATION = '=HYPERLINK("http://evil.example/","Klik")'

# Known figures, as a build stores them: cells of 0, 1, 4 and 5 to test the "< 5" rule on.
FIGURES = {
    "figures": {
        "training.registrations": {
            "total": 1234,
            "by": {
                "vocation": {"Pengelasan": 1229, FORMULA_VOCATION: 1, "Listrik": 4},
                "funding": {"apbd": 1200, "apbn": 34},
                "sex": {"L": 1229, "P": 5},
                "disability": {"-": 1230, "netra": 4},
                "kecamatan": {"-": 4, "Cibeber": 1230},
            },
        },
        "training.batches": {
            "total": 12,
            "by": {"funding": {"apbd": 8, "apbn": 4}, "vocation": {"Pengelasan": 12}},
            "programmes": 6,
            "vocations": 3,
        },
        "training.absorption_6": {
            "total": None,
            "numerator": 0,
            "denominator": 0,
            "requested": 0,
            "response_rate": None,
        },
        "lpk.compliance": {
            "total": 62.5,
            "numerator": 5,
            "denominator": 8,
            "on_time": 4,
            "on_time_rate": 50.0,
        },
        "placement.positions": {"total": 2500, "by": {"sector": {"C": 2496, "H": 4}, "occupation": {"7": 2500}}},
        "placement.placements": {
            "total": 310,
            "by": {
                "source": {"blk": 120, "lpk": 90, "ak1": 100, "other": 0},
                "sex": {"L": 300, "P": 10},
                "kecamatan": {"Cibeber": 310},
                "sector": {"C": 310},
            },
        },
    },
    "indicators": [
        {"code": "tpt", "year": 2026, "value": "7.25", "unit": "%", "source": "BPS", "note": ""},
    ],
}


def make_summary(*, year: int = 2026, figures: dict | None = None, published: bool = True, **fields) -> Summary:
    """A summary of the year as if built on 1 December at 09.30 WIB, with the known figures."""
    values = {
        "period_kind": "year",
        "period_start": datetime.date(year, 1, 1),
        "period_end": datetime.date(year, 12, 31),
        "state": Summary.State.DONE,
        "figures": copy.deepcopy(figures or FIGURES),
        "data_version": "v1:0123456789abcdef",
        "built_at": datetime.datetime(year, 12, 1, 9, 30, tzinfo=JAKARTA),
        "is_published": published,
        **fields,
    }
    return Summary.objects.create(**values)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _figure(sections, key):
    return next(figure for section in sections for figure in section["figures"] if figure["key"] == key)


def _breakdown(figure, key):
    return {row["code"]: row for row in next(b for b in figure["breakdowns"] if b["key"] == key)["rows"]}


# --- The tables ---------------------------------------------------------------------------------


def test_tables_follow_the_sections_and_format_numbers_the_indonesian_way():
    sections = summary_tables(make_summary())
    assert [s["key"] for s in sections] == ["training", "lpk", "placement"]
    assert _figure(sections, "training.registrations")["total_display"] == "1.234"
    assert _figure(sections, "placement.positions")["total_display"] == "2.500"
    compliance = _figure(sections, "lpk.compliance")
    assert compliance["total_display"] == "62,5 %"
    assert {p["key"]: p["display"] for p in compliance["parts"]} == {
        "numerator": "5", "denominator": "8", "on_time": "4", "on_time_rate": "50,0 %",
    }  # fmt: skip
    assert _figure(sections, "training.absorption_6")["total_display"] == "–"


def test_tables_label_parts_and_breakdown_rows():
    sections = summary_tables(make_summary())
    batches = _figure(sections, "training.batches")
    assert [(p["key"], p["display"]) for p in batches["parts"]] == [("programmes", "6"), ("vocations", "3")]
    assert batches["parts"][0]["label"] == "Program"
    registrations = _figure(sections, "training.registrations")
    assert [b["label"] for b in registrations["breakdowns"]][:3] == ["Kejuruan", "Sumber dana", "Jenis kelamin"]
    assert _breakdown(registrations, "sex")["P"]["label"] == "Perempuan"
    assert _breakdown(registrations, "kecamatan")["-"]["label"] == "Di luar kota"
    positions = _figure(sections, "placement.positions")
    assert _breakdown(positions, "sector")["C"]["label"].startswith("C ")  # the KBLI section's name follows


def test_public_tables_show_cells_of_one_to_four_as_less_than_five_and_keep_totals():
    sections = summary_tables(make_summary(), public=True)
    registrations = _figure(sections, "training.registrations")
    assert registrations["total_display"] == "1.234"
    vocation = _breakdown(registrations, "vocation")
    assert (vocation[FORMULA_VOCATION]["display"], vocation[FORMULA_VOCATION]["value"]) == ("< 5", None)
    assert (vocation["Listrik"]["display"], vocation["Listrik"]["value"]) == ("< 5", None)
    assert _breakdown(registrations, "sex")["P"]["display"] == "5"
    assert _breakdown(_figure(sections, "placement.placements"), "source")["other"]["display"] == "0"
    # one "< 5" beside the total would be the total minus the rest: the next smallest cell is hidden too
    disability = _breakdown(registrations, "disability")
    assert (disability["netra"]["display"], disability["-"]["display"], disability["-"]["value"]) == ("< 5", "x", None)
    assert _breakdown(_figure(sections, "placement.positions"), "sector")["C"]["display"] == "x"


def test_staff_tables_keep_every_cell():
    vocation = _breakdown(_figure(summary_tables(make_summary()), "training.registrations"), "vocation")
    assert vocation["Listrik"]["display"] == "4"
    assert vocation[FORMULA_VOCATION]["value"] == 1


def test_a_summary_without_figures_has_no_sections():
    assert summary_tables(make_summary(figures={"figures": {}, "indicators": []}, state=Summary.State.QUEUED)) == []


# --- The PDF ------------------------------------------------------------------------------------


def _pages(pdf: bytes) -> int:
    require(bool(shutil.which("pdfinfo")), "pdfinfo (apt-get install poppler-utils)")
    info = _one_line(subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode())
    assert "Page size: 595.276 x 841.89 pts (A4)" in info  # portrait
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_pdf_gives_title_period_figures_and_page_numbers_in_indonesian(pdftotext):
    pdf = summary_pdf(make_summary())
    text = _one_line(pdftotext(pdf))
    pages = _pages(pdf)
    assert "LAPORAN RINGKASAN KETENAGAKERJAAN" in text.upper()
    assert "DINAS TENAGA KERJA KOTA CILEGON" in text  # the letterhead
    assert "Tahun 2026" in text
    assert "1 Januari 2026" in text and "31 Desember 2026" in text
    assert "1 Desember 2026" in text and "09.30" in text
    assert "v1:0123456789abcdef" in text
    assert "1.234" in text and "2.500" in text and "62,5 %" in text
    assert f"Hal. 1 dari {pages}" in text
    assert f"Hal. {pages} dari {pages}" in text


def test_pdf_sets_published_indicators_beside_and_lists_every_definition(pdftotext):
    with translation.override("id"):
        definitions = [_one_line(str(f.definition)) for f in all_figures() if f.key in FIGURES["figures"]]
    text = _one_line(pdftotext(summary_pdf(make_summary())))
    assert "7,25 %" in text
    assert "(BPS) 2026" in text
    for definition in definitions:
        assert definition[:60] in text


def test_pdf_draws_bar_charts_of_breakdowns_with_two_rows_or_more(monkeypatch):
    from disnaker import pdf

    pages = []
    monkeypatch.setattr(pdf, "render_pdf", lambda name, context: pages.append(pdf.render_html(name, context)) or b"")
    summary_pdf(make_summary())
    charts = pages[0].split('<svg class="chart"')[1:]
    # registrations by vocation, positions by KBLI section, placements by source (one funding row: no chart)
    assert len(charts) == 3
    assert "Pengelasan" in charts[0] and "1.229" in charts[0]
    assert "=HYPERLINK(&quot;http://evil.example/&quot;" in charts[0]  # text, escaped, never markup


def _year_of_figures() -> dict:
    """A busy year: 40 vocations, 8 kecamatan, every KBLI section, for the timing test."""
    figures = copy.deepcopy(FIGURES)
    vocations = {f"Kejuruan {i:02d}": 10 + i for i in range(40)}
    kecamatan = {name: 100 + i for i, name in enumerate("ABCDEFGH")}
    for key in ("training.registrations",):
        figures["figures"][key]["by"]["vocation"] = vocations
        figures["figures"][key]["by"]["kecamatan"] = kecamatan
    figures["figures"]["placement.positions"]["by"]["sector"] = {chr(65 + i): 10 * i + 1 for i in range(21)}
    for figure in all_figures():
        figures["figures"].setdefault(figure.key, {"total": 7, "by": {b.key: {"x": 7} for b in figure.breakdowns}})
    return figures


def test_a_year_report_renders_in_well_under_five_seconds():
    summary = make_summary(figures=_year_of_figures())
    started = time.monotonic()
    pdf = summary_pdf(summary)
    assert time.monotonic() - started < 5
    assert pdf.startswith(b"%PDF")


def test_pdf_pages_render_to_png_for_a_person_to_look_at(tmp_path):
    """Leaves test-artifacts/summary-*.png to be looked at."""
    require(bool(shutil.which("pdftoppm")), "pdftoppm (apt-get install poppler-utils)")
    PublishedIndicator.objects.create(code="umk", year=2026, value="5128084.00", unit="Rp", source="Pergub Banten")
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(summary_pdf(make_summary(figures=_year_of_figures())))
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    for old in ARTIFACTS_DIR.glob("summary-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS_DIR / "summary")], check=True)
    pages = sorted(ARTIFACTS_DIR.glob("summary-*.png"))
    assert len(pages) >= 2
    assert all(p.stat().st_size > 5_000 for p in pages)


# --- XLSX ---------------------------------------------------------------------------------------


def _sheet_rows(workbook) -> dict:
    """(figure, breakdown, item) → value over every section sheet."""
    rows = {}
    for sheet in workbook.worksheets[:-1]:
        header, *body = sheet.iter_rows(values_only=True)
        with translation.override("id"):
            assert header == tuple(translation.gettext(h) for h in ("Figure", "Breakdown", "Item", "Value"))
        for figure, breakdown, item, value in body:
            rows[(figure, breakdown or "", item)] = value
    return rows


def test_xlsx_holds_every_figure_exactly_as_stored():
    summary = make_summary()
    rows = _sheet_rows(openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary))))
    with translation.override("id"):
        total, tables = translation.gettext("Total"), summary_tables(summary)
    stored = summary.figures["figures"]
    checked = 0
    for figure in [f for section in tables for f in section["figures"]]:
        assert rows[(figure["label"], "", total)] == stored[figure["key"]]["total"], figure["key"]
        for breakdown in figure["breakdowns"]:
            for row in breakdown["rows"]:
                item = "'" + row["label"] if row["label"].startswith("=") else row["label"]
                assert (
                    rows[(figure["label"], breakdown["label"], item)]
                    == stored[figure["key"]]["by"][breakdown["key"]][row["code"]]
                )
                checked += 1
    assert len(tables[0]["figures"]) + len(tables[1]["figures"]) + len(tables[2]["figures"]) == len(stored)
    assert checked == sum(len(cells) for value in stored.values() for cells in value.get("by", {}).values())


def test_xlsx_keeps_small_cells_and_numbers_as_numbers():
    rows = _sheet_rows(openpyxl.load_workbook(io.BytesIO(summary_xlsx(make_summary()))))
    values = list(rows.values())
    assert 1 in values and 4 in values  # not suppressed: staff only
    assert all(not isinstance(v, str) for v in values if v is not None)
    assert 62.5 in values


def test_xlsx_has_a_sheet_per_section_and_a_definitions_sheet():
    workbook = openpyxl.load_workbook(io.BytesIO(summary_xlsx(make_summary())))
    assert len(workbook.sheetnames) == 4
    assert workbook.sheetnames[0] == "Pelatihan BLK"
    assert workbook.sheetnames[-1] == "Definisi"
    definitions = list(workbook["Definisi"].iter_rows(values_only=True))
    with translation.override("id"):
        expected = {str(f.label): str(f.definition) for f in all_figures() if f.key in FIGURES["figures"]}
    assert {row[1]: row[2] for row in definitions[1 : len(expected) + 1]} == expected
    assert ("Periode", "Tahun 2026", None) in definitions
    assert "v1:0123456789abcdef" in [row[1] for row in definitions]


def test_xlsx_stores_a_formula_like_name_as_text():
    workbook = openpyxl.load_workbook(io.BytesIO(summary_xlsx(make_summary())))
    items = [row[2] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert "'" + FORMULA_VOCATION in items
    assert FORMULA_VOCATION not in items


# --- CSV ----------------------------------------------------------------------------------------


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_public_csv_suppresses_cells_of_one_to_four_and_escapes_formulas():
    header, *rows = _csv(summary_csv(make_summary()))
    assert len(header) == 5
    with translation.override("id"):
        registrations = str(figure_by_key()["training.registrations"].label)
    vocation = {row[3]: row[4] for row in rows if row[1] == registrations and row[2] == "Kejuruan"}
    assert vocation["'" + FORMULA_VOCATION] == "< 5"
    assert FORMULA_VOCATION not in vocation
    assert vocation["Listrik"] == "< 5"
    assert vocation["Pengelasan"] == "1229"
    assert "1234" in {row[4] for row in rows}  # the total stays exact
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_staff_csv_keeps_every_cell():
    rows = _csv(summary_csv(make_summary(), public=False))[1:]
    values = {row[3]: row[4] for row in rows if row[2] == "Kejuruan" and row[3] != "Pengelasan"}
    assert values["Listrik"] == "4"
    assert values["'" + FORMULA_VOCATION] == "1"
