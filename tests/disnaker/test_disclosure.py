"""Statistical disclosure control: the subtraction attack finds no hidden cell of any published table."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from disnaker.disclosure import (
    HIDDEN,
    SMALL,
    Bounds,
    Protection,
    Published,
    Table,
    cache_key,
    consistent,
    feasible_ranges,
    figure_tables,
    protect,
    published_view,
    recoverable_cells,
)
from disnaker.models import Summary
from disnaker.periods import Period
from disnaker.reports import summary_csv, summary_tables
from disnaker.summaries import compute_figures

from .test_reports import make_summary

SMALL_CELL = Bounds(1, 4)
MIN_CELL = 5


# --- The attacker -------------------------------------------------------------------------------


def test_the_attacker_subtracts_one_hidden_cell_from_the_total():
    """The issue's example: registrations 11, APBD 10, APBN "< 5" — so APBN is 1."""
    published = Published(
        cells={"total": 11, "apbd": 10, "apbn": SMALL_CELL}, tables=[Table("funding", "total", ("apbd", "apbn"))]
    )
    assert recoverable_cells(published) == {"apbn": 1}


def test_the_attacker_recovers_every_breakdown_of_four_graduates_with_one_small_cell_each():
    cells = {"total": 4, "L": SMALL_CELL, "cibeber": SMALL_CELL, "apbd": SMALL_CELL, "las": SMALL_CELL}
    tables = [Table(key, "total", (key,)) for key in ("L", "cibeber", "apbd", "las")]
    assert recoverable_cells(Published(cells, tables)) == {"L": 4, "cibeber": 4, "apbd": 4, "las": 4}


def test_the_attacker_uses_bounds_two_small_cells_summing_to_two_are_both_one():
    published = Published(
        {"total": 12, "a": 10, "b": SMALL_CELL, "c": SMALL_CELL}, [Table("t", "total", ("a", "b", "c"))]
    )
    assert recoverable_cells(published) == {"b": 1, "c": 1}
    eight = Published({"total": 18, "a": 10, "b": SMALL_CELL, "c": SMALL_CELL}, [Table("t", "total", ("a", "b", "c"))])
    assert recoverable_cells(eight) == {"b": 4, "c": 4}


def test_the_attacker_leaves_cells_that_more_than_one_value_fits():
    published = Published(
        {"total": 15, "a": 10, "b": SMALL_CELL, "c": SMALL_CELL}, [Table("t", "total", ("a", "b", "c"))]
    )
    assert recoverable_cells(published) == {}
    assert feasible_ranges(published) == {"b": (1, 4), "c": (1, 4)}


def test_the_attacker_combines_tables_that_share_a_hidden_total():
    """Total hidden: one breakdown has four "< 5" cells, so the total is at least 4 — it is 4 and each cell 1;
    the other breakdown's single cell is then the total as well."""
    cells = {"total": SMALL_CELL, **{f"a{i}": SMALL_CELL for i in range(4)}, "b": SMALL_CELL, "c0": SMALL_CELL}
    cells["c1"] = SMALL_CELL
    tables = [
        Table("a", "total", tuple(f"a{i}" for i in range(4))),
        Table("b", "total", ("b",)),
        Table("c", "total", ("c0", "c1")),
    ]
    assert recoverable_cells(Published(cells, tables)) == {"total": 4, "a0": 1, "a1": 1, "a2": 1, "a3": 1, "b": 4}
    assert feasible_ranges(Published(cells, tables))["c0"] == (1, 3)


def test_the_attacker_searches_where_bounds_alone_do_not_decide():
    """Two hidden totals linked through shared cells: only trying the values shows that x must be 2."""
    cells = {"x": Bounds(0, 4), "y": Bounds(0, 4), "z": Bounds(0, 4), "s1": 4, "s2": 4, "s3": 6}
    tables = [Table("1", "s1", ("x", "y")), Table("2", "s2", ("y", "z")), Table("3", "s3", ("x", "z"))]
    # x + y = 4, y + z = 4, x + z = 6: x = 3, y = 1, z = 3
    assert recoverable_cells(Published(cells, tables)) == {"x": 3, "y": 1, "z": 3}


def test_a_relation_with_a_withheld_cell_tells_nothing():
    published = Published({"total": 11, "apbn": SMALL_CELL}, [Table("funding", "total", ("apbd", "apbn"))])
    assert recoverable_cells(published) == {}


# --- The suppression ----------------------------------------------------------------------------


def test_one_small_cell_is_protected_by_hiding_the_smallest_other_cell():
    table = Table("funding", "total", ("apbd", "apbn", "partner"))
    values = {"total": 31, "apbd": 20, "apbn": 1, "partner": 10}
    protection = protect([table], values, min_cell=MIN_CELL)
    assert protection.hidden == {"apbn": SMALL, "partner": HIDDEN}
    assert not protection.withheld
    assert recoverable_cells(published_view([table], values, protection, min_cell=MIN_CELL)) == {}


def test_two_small_cells_pinned_by_their_sum_get_a_third():
    table = Table("t", "total", ("a", "b", "c", "d"))
    values = {"total": 32, "a": 20, "b": 1, "c": 1, "d": 10}
    protection = protect([table], values, min_cell=MIN_CELL)
    assert protection.hidden == {"b": SMALL, "c": SMALL, "d": HIDDEN}
    assert recoverable_cells(published_view([table], values, protection, min_cell=MIN_CELL)) == {}


def test_a_breakdown_that_hiding_cannot_protect_is_withheld():
    """Total 6 = 5 + 1: hiding both still gives 1 (the "x" is at least 5); all four graduates male: withheld."""
    tables = [Table("six", "six", ("a", "b")), Table("sex", "four", ("L", "P"))]
    values = {"six": 6, "a": 5, "b": 1, "four": 4, "L": 4, "P": 0}
    protection = protect(tables, values, min_cell=MIN_CELL)
    assert protection.withheld == {"six", "sex"}
    view = published_view(tables, values, protection, min_cell=MIN_CELL)
    assert "L" not in view.cells and "b" not in view.cells
    assert recoverable_cells(view) == {}


def test_breakdowns_of_one_total_are_protected_each_and_small_totals_keep_only_safe_breakdowns():
    figures = {
        "training.graduates": {
            "total": 4,
            "by": {
                "sex": {"L": 4},
                "vocation": {"Las": 2, "Listrik": 2},
                "kecamatan": {"A": 1, "B": 1, "C": 1, "D": 1},
            },
        },
        "training.registrations": {"total": 11, "by": {"funding": {"apbd": 10, "apbn": 1}}},
        "lpk.enrolment": {
            "total": 40,
            "graduates": 31,
            "by": {"enrolled": {"L": 30, "P": 10}, "graduates": {"L": 30, "P": 1}},
        },
    }
    tables, values = figure_tables(figures)
    protection = protect(tables, values, min_cell=MIN_CELL)
    assert protection.withheld == {("training.graduates", "sex"), ("training.graduates", "kecamatan")}
    assert protection.hidden[("training.registrations", "funding", "apbd")] == HIDDEN
    assert protection.hidden[("lpk.enrolment", "graduates", "L")] == HIDDEN  # adds up to "graduates", not to 40
    assert ("lpk.enrolment", "enrolled", "L") not in protection.hidden
    assert recoverable_cells(published_view(tables, values, protection, min_cell=MIN_CELL)) == {}


# --- The published statistics, attacked through the CSV -----------------------------------------


def _value(text: str):
    if text == "< 5":
        return SMALL_CELL
    if text == "x":
        return Bounds(MIN_CELL)
    return int(text) if re.fullmatch(r"\d+", text) else None  # a percentage or a dash: no count


def csv_attack(text: str) -> list[tuple]:
    """The hidden cells of a public CSV recovered by subtraction and bounds.

    As the definitions say, a breakdown adds up to its figure's total ("Jumlah"); where it cannot, to
    the part of the same name (the LPK enrolment's "Lulusan" breakdown to its "Lulusan").
    """
    figures: dict = {}
    for section, figure, breakdown, item, shown in _rows(text):
        entry = figures.setdefault((section, figure), {"counts": {}, "by": {}})
        if breakdown:
            entry["by"].setdefault(breakdown, {})[item] = _value(shown)
        elif isinstance(_value(shown), int):
            entry["counts"][item] = _value(shown)
    recovered = []
    for (section, figure), entry in figures.items():
        for breakdown, cells in entry["by"].items():
            parts = tuple((section, figure, breakdown, item) for item in cells)
            for name in ("Jumlah", breakdown):
                if name not in entry["counts"]:
                    continue
                cells_shown = {"total": entry["counts"][name], **dict(zip(parts, cells.values(), strict=True))}
                published = Published(cells_shown, [Table(0, "total", parts)])
                if consistent(published):
                    recovered += [(*cell, value) for cell, value in recoverable_cells(published).items()]
                    break
    return recovered


def _rows(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))[1:]
    return [[cell.removeprefix("'") for cell in row] for row in rows]


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([["Bidang", "Indikator", "Rincian menurut", "Kategori", "Nilai"], *rows])
    return out.getvalue()


def _hidden_in_html(html: str) -> list[str]:
    return re.findall(r'<td class="text-end text-nowrap">(&lt; 5|x)</td>', html)


def attack_published(client) -> tuple[int, int, list]:
    """(cells, hidden cells, recovered cells) over every published summary, through /statistik/."""
    cells = hidden = 0
    recovered = []
    for summary in Summary.objects.filter(is_published=True):
        text = client.get(reverse("statistics_csv", args=[summary.period.key])).content.decode()
        html = client.get(reverse("statistics_detail", args=[summary.period.key])).content.decode()
        shown = [row[4] for row in _rows(text) if row[2]]
        assert sorted(_hidden_in_html(html)) == sorted(v.replace("<", "&lt;") for v in shown if v in ("< 5", "x"))
        cells += len(shown)
        hidden += sum(v in ("< 5", "x") for v in shown)
        recovered += csv_attack(text)
    return cells, hidden, recovered


@pytest.mark.django_db
def test_the_csv_attack_recovers_cells_when_only_small_cells_are_hidden(client, settings):
    """The attack works: with the protection switched off (only "< 5"), it finds the issue's cells."""
    figures = {
        "figures": {
            "training.registrations": {"total": 11, "by": {"funding": {"apbd": 10, "apbn": 1}}},
            "training.graduates": {"total": 4, "by": {"sex": {"L": 4}, "funding": {"apbd": 4}}},
        },
        "indicators": [],
    }
    summary = make_summary(figures=figures)
    truth = summary_csv(summary, public=False)
    naive = _csv_text(
        [row[:4] + ["< 5" if row[2] and row[4] in ("1", "2", "3", "4") else row[4]] for row in _rows(truth)]
    )
    recovered = {(breakdown, item.split(" ")[0], value) for _s, _f, breakdown, item, value in csv_attack(naive)}
    assert recovered == {("Sumber dana", "APBN", 1), ("Jenis kelamin", "Laki-laki", 4), ("Sumber dana", "APBD", 4)}
    assert csv_attack(summary_csv(summary, public=True)) == []


@pytest.mark.django_db
def test_the_public_page_and_csv_hide_the_same_cells_and_withhold_what_cannot_be_protected(client):
    figures = {
        "figures": {
            "training.registrations": {"total": 11, "by": {"funding": {"apbd": 10, "apbn": 1}}},
            "training.graduates": {"total": 4, "by": {"sex": {"L": 4}, "vocation": {"Las": 2, "Listrik": 2}}},
        },
        "indicators": [],
    }
    make_summary(figures=figures)
    text = client.get(reverse("statistics_csv", args=["2026"])).content.decode()
    html = client.get(reverse("statistics_detail", args=["2026"])).content.decode()
    rows = {(row[1], row[2], row[3].split(" ")[0]): row[4] for row in _rows(text)}
    assert rows[("Pendaftaran pelatihan", "Sumber dana", "APBN")] == "< 5"
    assert rows[("Pendaftaran pelatihan", "Sumber dana", "APBD")] == "x"
    assert rows[("Lulusan", "Kejuruan", "Las")] == "< 5"
    assert not any(key[:2] == ("Lulusan", "Jenis kelamin") for key in rows)  # withheld
    assert sorted(_hidden_in_html(html)) == ["&lt; 5", "&lt; 5", "&lt; 5", "x"]
    assert "Tidak ditampilkan agar sel kecil tidak dapat dihitung." in html
    assert "Sel bertanda “x”" in html


@pytest.mark.django_db
def test_the_protection_is_cached_with_the_figures(client):
    summary = make_summary()
    summary_tables(summary, public=True)
    assert isinstance(cache.get(cache_key(summary.figures["figures"], min_cell=MIN_CELL)), Protection)
    summary.figures["figures"]["training.registrations"]["by"]["funding"] = {"apbd": 1233, "apbn": 1}
    summary.save()
    funding = next(
        b for s in summary_tables(summary, public=True) for f in s["figures"] for b in f["breakdowns"]
        if f["key"] == "training.registrations" and b["key"] == "funding"
    )  # fmt: skip
    assert [row["display"] for row in funding["rows"]] == ["x", "< 5"]  # new figures, new protection


# --- The demo data and a city-scale year ----------------------------------------------------------


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch):
    from django.core.files.storage import FileSystemStorage
    from django.core.management import call_command

    from training.models import ParticipantCertificate

    settings.DEBUG = True
    monkeypatch.setattr(
        ParticipantCertificate._meta.get_field("pdf"), "storage", FileSystemStorage(location=tmp_path / "private")
    )
    call_command("seed_demo", stdout=io.StringIO())


def test_no_hidden_cell_of_any_published_demo_table_can_be_recovered(demo, client):
    assert Summary.objects.filter(is_published=True).count() >= 3
    cells, hidden, recovered = attack_published(client)
    assert hidden > 0 and cells > hidden
    assert recovered == []


# One year of a city: thousands of registrations, graduates, cards, vacancies and placements.
CITY_YEAR = {
    "years": 1, "people": 12_000, "vocations": 16, "batches": 120, "registrations": 4_000, "companies": 150,
    "vacancies": 800, "positions": 2_400, "placements": 3_000, "lpks": 30, "lpk_graduates_per_report": 15,
    "ak1_cards": 3_000, "apprenticeships": 40, "layoffs": 60, "supervision_per_year": 10,
}  # fmt: skip


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_no_hidden_cell_of_a_city_scale_year_can_be_recovered(postgres, client):
    from bench import generate

    postgres.ensure_connection()
    generate.generate(postgres.connection, scale=CITY_YEAR, seed=13, out=lambda line: None)
    today = timezone.localdate()
    for period in (Period.containing(today, "year"), Period.containing(today, "month").previous()):
        make_summary(
            year=period.start.year, period_kind=period.kind, period_start=period.start, period_end=period.end,
            figures=compute_figures(period, today=today),
        )  # fmt: skip
    cells, hidden, recovered = attack_published(client)
    assert cells > 500 and hidden > 20
    assert recovered == []


@pytest.mark.browser
def test_a_page_with_hidden_cells_and_a_withheld_breakdown_passes_axe(live_server, page, axe):
    figures = {
        "figures": {
            "training.registrations": {"total": 11, "by": {"funding": {"apbd": 10, "apbn": 1}}},
            "training.graduates": {"total": 4, "by": {"sex": {"L": 4}, "vocation": {"Las": 2, "Listrik": 2}}},
        },
        "indicators": [],
    }
    make_summary(figures=figures)
    page.goto(live_server.url + reverse("statistics"))
    for summary in page.locator("details summary").all():
        summary.click()
    assert page.get_by_text("Tidak ditampilkan agar sel kecil tidak dapat dihitung.").is_visible()
    assert axe(page) == []
