"""What people read of a summary: its tables, and the PDF, XLSX and CSV made from them.

``summary_tables`` is the one place the layout of the figures is decided (order, labels, number
format, small-cell suppression); the PDF, the spreadsheet, the CSV and the public statistics page
only draw what it returns. Numbers are formatted in the active language, so the official PDF and
XLSX are made in ``settings.LANGUAGE_CODE`` (Indonesian: "1.234", "62,5 %").
"""

import io
import re
from dataclasses import replace
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import disclosure, registry
from .exports import csv_text, xlsx_text
from .figures import Breakdown, Figure
from .models import KbjiMajorGroup, KbliSection, PublishedIndicator, Summary
from .summaries import all_figures, section_titles

EMPTY = "–"
PERCENT = "percent"

# Parts a figure's value carries besides its total and breakdowns, in the order they are shown.
PARTS = {
    "numerator": gettext_lazy("Numerator"),
    "denominator": gettext_lazy("Denominator"),
    "programmes": gettext_lazy("Programmes"),
    "vocations": gettext_lazy("Vocations"),
    "participants": gettext_lazy("Participants"),
    "institutions": gettext_lazy("Institutions"),
    "reports": gettext_lazy("Reports"),
    "graduates": gettext_lazy("Graduates"),
    "on_time": gettext_lazy("On time"),
    "on_time_rate": gettext_lazy("On-time rate"),
    "requested": gettext_lazy("Requested"),
    "response_rate": gettext_lazy("Response rate"),
}
NOT_PARTS = {"total", "by"}

CHART_ROWS = 10
PROTECTION_TIMEOUT = 24 * 60 * 60


# --- Numbers ------------------------------------------------------------------------------------


def format_number(value, *, percent: bool = False) -> str:
    """``1.234`` and ``62,5 %`` in Indonesian; None (nothing to divide by) is a dash."""
    if value is None:
        return EMPTY
    if percent:
        return f"{number_format(value, 1, use_l10n=True, force_grouping=True)} %"
    return number_format(value, use_l10n=True, force_grouping=True)


def _is_percent_part(key: str) -> bool:
    return key.endswith("_rate")


# --- The tables ---------------------------------------------------------------------------------


def summary_tables(summary: Summary, *, public: bool = False) -> list[dict]:
    """The sections of ``summary`` (in app order), each with its figures laid out for reading.

    A figure is ``{key, label, definition, unit, percent, total, total_display, parts, breakdowns}``;
    a breakdown ``{key, label, rows}`` with rows ``{code, label, value, display, suppressed}``.
    With ``public`` a breakdown cell of 1 to STATS_MIN_CELL - 1 is shown as "< 5" and its value
    left out (None), so no one can be picked out of a small group; further cells are shown as "x"
    and breakdowns withheld (``withheld``, no rows) where the "< 5" could otherwise be worked out
    from the total and the other cells (``disnaker.disclosure``); totals stay exact.
    """
    stored = (summary.figures or {}).get("figures", {})
    protection = public_protection(stored) if public else disclosure.Protection()
    names = _code_names()
    sections = []
    for key, title in section_titles().items():
        figures = [
            _figure_table(figure, stored[figure.key], protection, names)
            for figure in all_figures()
            if figure.section == key and isinstance(stored.get(figure.key), dict)
        ]
        if figures:
            sections.append({"key": key, "title": str(title), "figures": figures})
    return sections


def public_protection(stored: dict) -> disclosure.Protection:
    """The cells hidden from the public in a summary's figures, worked out once per set of figures."""
    min_cell = settings.STATS_MIN_CELL
    key = disclosure.cache_key(stored, min_cell=min_cell)
    protection = cache.get(key)
    if protection is None:
        percent = [figure.key for figure in all_figures() if figure.unit == PERCENT]
        protection = disclosure.summary_protection(stored, min_cell=min_cell, percent=percent)
        cache.set(key, protection, PROTECTION_TIMEOUT)
    return protection


def _code_names() -> dict[str, dict[str, str]]:
    """Names of the classification codes breakdowns are keyed by ("C" is "C Industri Pengolahan")."""
    return {
        "sector": {s: f"{s} {name}" for s, name in KbliSection.objects.values_list("section", "name")},
        "occupation": {c: f"{c} {name}" for c, name in KbjiMajorGroup.objects.values_list("code", "name")},
    }


def _figure_table(figure: Figure, value: dict, protection: disclosure.Protection, names: dict) -> dict:
    percent = figure.unit == PERCENT
    return {
        "key": figure.key,
        "label": str(figure.label),
        "definition": str(figure.definition),
        "unit": figure.unit,
        "percent": percent,
        "total": value.get("total"),
        "total_display": format_number(value.get("total"), percent=percent),
        "parts": _parts(value),
        "breakdowns": _breakdowns(figure, value.get("by") or {}, protection, names),
    }


def _parts(value: dict) -> list[dict]:
    keys = [k for k in PARTS if k in value] + [k for k in value if k not in PARTS and k not in NOT_PARTS]
    parts = []
    for key in keys:
        percent = _is_percent_part(key)
        label = PARTS.get(key) or key.replace("_", " ").capitalize()
        parts.append(
            {
                "key": key,
                "label": str(label),
                "value": value[key],
                "display": format_number(value[key], percent=percent),
                "percent": percent,
            }
        )
    return parts


def _breakdowns(figure: Figure, by: dict, protection: disclosure.Protection, names: dict) -> list[dict]:
    known = [b for b in figure.breakdowns if b.key in by]
    unknown = [Breakdown(key, "", key) for key in by if figure.breakdown(key) is None]
    tables = []
    for breakdown in [*known, *unknown]:
        if breakdown.key in names and not breakdown.choices:
            breakdown = replace(breakdown, choices=tuple(names[breakdown.key].items()))
        withheld = (figure.key, breakdown.key) in protection.withheld
        rows = [
            _cell(breakdown, code, n, protection.state((figure.key, breakdown.key, code)))
            for code, n in _ordered(breakdown, by[breakdown.key])
        ]
        if rows:
            label = capfirst(str(breakdown.label))
            tables.append(
                {"key": breakdown.key, "label": label, "rows": [] if withheld else rows, "withheld": withheld}
            )
    return tables


def _ordered(breakdown: Breakdown, counts: dict) -> list[tuple[str, int]]:
    """Choices in their own order (L before P), names as stored (sorted); "not stated" last."""
    order = {str(code): i for i, (code, _label) in enumerate(breakdown.choices)}
    items = list(counts.items())
    return sorted(items, key=lambda item: (item[0] == "-", order.get(item[0], len(order))))


def small_cells() -> dict:
    """How suppressed cells are shown ("< 5", and "x" for those hidden so that a "< 5" cannot be worked
    out) and the largest count a "< 5" hides, for the notes explaining them."""
    return {
        "shown": f"< {settings.STATS_MIN_CELL}",
        "largest": settings.STATS_MIN_CELL - 1,
        "hidden": disclosure.HIDDEN_SHOWN,
    }


def _cell(breakdown: Breakdown, code: str, n, state: str | None) -> dict:
    shown = {disclosure.SMALL: small_cells()["shown"], disclosure.HIDDEN: disclosure.HIDDEN_SHOWN}
    return {
        "code": code,
        "label": breakdown.label_of(code),
        "value": None if state else n,
        "display": shown[state] if state else format_number(n),
        "suppressed": bool(state),
    }


def long_rows(sections: list[dict]):
    """(section, figure, breakdown, item, cell) for every number: the total, the parts, each cell.

    ``cell`` is the table's dict for the number (``value`` and ``display``, ``percent`` for totals
    and parts), so the CSV and the XLSX decide only how to write it.
    """
    total = _("Total")
    for section in sections:
        for figure in section["figures"]:
            total_cell = {"value": figure["total"], "display": figure["total_display"], "percent": figure["percent"]}
            yield section["title"], figure["label"], "", total, total_cell
            for part in figure["parts"]:
                yield section["title"], figure["label"], "", part["label"], part
            for breakdown in figure["breakdowns"]:
                for row in breakdown["rows"]:
                    yield section["title"], figure["label"], breakdown["label"], row["label"], row


# --- Published indicators -----------------------------------------------------------------------


def summary_indicators(summary: Summary) -> list[dict]:
    """The external indicators stored with the summary, e.g. "TPT (BPS) 2025: 7,25 %"."""
    labels = dict(PublishedIndicator.Code.choices)
    indicators = []
    for row in (summary.figures or {}).get("indicators", []):
        label = str(labels.get(row["code"], row["code"]))
        value = _indicator_value(row["value"], row.get("unit") or "")
        source = row.get("source") or ""
        text = f"{label} ({source}) {row['year']}: {value}" if source else f"{label} {row['year']}: {value}"
        indicators.append({**row, "label": label, "display": value, "text": text})
    return indicators


def _indicator_value(value: str, unit: str) -> str:
    number = Decimal(value)
    places = max(0, -number.normalize().as_tuple().exponent)
    shown = number_format(number, places, use_l10n=True, force_grouping=True)
    if unit == "Rp":
        return f"Rp {shown}"
    return f"{shown} {unit}".strip()


# --- Charts -------------------------------------------------------------------------------------


def chart_keys() -> list[tuple[str, str]]:
    """The breakdowns drawn as bar charts in the PDF, ``(figure, breakdown)``, as the apps declare them."""
    return registry.collect_items("stats", "CHARTS", ())


def summary_charts(sections: list[dict]) -> dict[str, list[dict]]:
    """The bar charts of each section (by section key): ``{title, svg}``, for breakdowns of two rows or more."""
    figures = {figure["key"]: (section["key"], figure) for section in sections for figure in section["figures"]}
    charts: dict[str, list[dict]] = {}
    for figure_key, breakdown_key in chart_keys():
        if figure_key not in figures:
            continue
        section_key, figure = figures[figure_key]
        breakdown = next((b for b in figure["breakdowns"] if b["key"] == breakdown_key), None)
        rows = [(row["label"], row["value"]) for row in breakdown["rows"] if row["value"]] if breakdown else []
        if len(rows) > 1:  # one bar says no more than the total
            title = f"{figure['label']} — {breakdown['label']}"
            charts.setdefault(section_key, []).append({"title": title, "svg": bar_chart_svg(rows, title=title)})
    return charts


def bar_chart_svg(rows: list[tuple[str, float]], *, title: str) -> SafeString:
    """A horizontal bar chart as inline SVG: the largest rows first, the rest summed as "Other"."""
    rows = sorted(rows, key=lambda row: -row[1])
    if len(rows) > CHART_ROWS:
        rest = sum(n for _label, n in rows[CHART_ROWS - 1 :])
        rows = [*rows[: CHART_ROWS - 1], (_("Other"), rest)]
    width, label_width, value_width, row_height = 640, 220, 70, 22
    bar_room = width - label_width - value_width
    largest = max(n for _label, n in rows) or 1
    bars = format_html_join(
        "",
        '<text x="{0}" y="{1}" text-anchor="end">{2}</text>'
        '<rect x="{3}" y="{4}" width="{5}" height="14" fill="#0b4a80"/>'
        '<text x="{6}" y="{1}">{7}</text>',
        (
            (
                label_width - 8,
                i * row_height + 15,
                _shorten(label),
                label_width,
                i * row_height + 4,
                max(1, round(bar_room * n / largest)),
                label_width + max(1, round(bar_room * n / largest)) + 6,
                format_number(n),
            )
            for i, (label, n) in enumerate(rows)
        ),
    )
    height = len(rows) * row_height + 4
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {1}" width="{0}" height="{1}" '
        'role="img" aria-label="{2}" font-family="Liberation Sans, DejaVu Sans, sans-serif" font-size="12" '
        'fill="#111"><title>{2}</title>'
        '<line x1="{3}" y1="0" x2="{3}" y2="{1}" stroke="#4a5563" stroke-width="1"/>{4}</svg>',
        width,
        height,
        title,
        label_width,
        bars,
    )


def _shorten(label: str, length: int = 34) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


# --- The PDF ------------------------------------------------------------------------------------


def summary_pdf(summary: Summary, *, public: bool = False) -> bytes:
    """The official report in Indonesian (A4 portrait): letterhead, tables, charts, definitions."""
    from .pdf import render_pdf

    with translation.override(settings.LANGUAGE_CODE):
        sections = summary_tables(summary, public=public)
        charts = summary_charts(sections)
        for section in sections:
            section["charts"] = charts.get(section["key"], [])
        context = {
            "summary": summary,
            "period": summary.period,
            "sections": sections,
            "indicators": summary_indicators(summary),
            "small_cells": small_cells() if public else None,
        }
        return render_pdf("disnaker/pdf/summary.html", context)


# --- Spreadsheets -------------------------------------------------------------------------------

SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
PERCENT_FORMAT = '0.0" %"'


def summary_xlsx(summary: Summary) -> bytes:
    """A sheet per section (figure, breakdown, item, value as numbers) and a "Definisi" sheet.

    For staff: every number exactly as stored, nothing suppressed.
    """
    from openpyxl import Workbook

    with translation.override(settings.LANGUAGE_CODE):
        sections = summary_tables(summary)
        workbook = Workbook()
        workbook.remove(workbook.active)
        workbook.properties.title = f"{_('Employment summary report')} {summary.period.label}"
        workbook.properties.subject = summary.data_version
        used: set[str] = set()
        for section in sections:
            sheet = workbook.create_sheet(_sheet_name(section["title"], used))
            _xlsx_rows(sheet, [_("Figure"), _("Breakdown"), _("Item"), _("Value")], [30, 22, 30, 12])
            for _section, figure, breakdown, item, cell in long_rows([section]):
                _xlsx_append(sheet, [figure, breakdown, item], cell)
        _xlsx_definitions(workbook.create_sheet(_sheet_name(_("Definitions"), used)), summary, sections)
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    name = SHEET_NAME_FORBIDDEN.sub(" ", title)[:31].strip() or "Sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:28]} {n}"
        n += 1
    used.add(name)
    return name


def _xlsx_rows(sheet, header: list[str], widths: list[int]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append([str(h) for h in header])
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.cell(row=1, column=i).font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _xlsx_append(sheet, texts: list[str], cell: dict) -> None:
    row = sheet.max_row + 1
    for column, text in enumerate(texts, start=1):
        xlsx_text(sheet, row, column, text)
    value = sheet.cell(row=row, column=len(texts) + 1, value=cell["value"])
    if cell.get("percent"):
        value.number_format = PERCENT_FORMAT


def _xlsx_definitions(sheet, summary: Summary, sections: list[dict]) -> None:
    _xlsx_rows(sheet, [_("Section"), _("Figure"), _("Definition")], [30, 34, 100])
    for section in sections:
        for figure in section["figures"]:
            row = sheet.max_row + 1
            for column, text in enumerate((section["title"], figure["label"], figure["definition"]), start=1):
                xlsx_text(sheet, row, column, text)
    about = [
        (_("Period"), summary.period.label),
        (_("Built at"), _local_time(summary.built_at)),
        (_("Data version"), summary.data_version),
        *((_("Published indicator"), indicator["text"]) for indicator in summary_indicators(summary)),
    ]
    row = sheet.max_row + 1
    for label, text in about:
        row += 1
        xlsx_text(sheet, row, 1, label)
        xlsx_text(sheet, row, 2, text)


def _local_time(moment) -> str:
    from django.utils.dateformat import format as date_format
    from django.utils.timezone import localtime

    return date_format(localtime(moment), "j F Y, H.i T") if moment else EMPTY


def summary_csv(summary: Summary, *, public: bool = True) -> str:
    """Long format (section, figure, breakdown, item, value); when ``public``, small cells "< 5", the
    cells hidden to protect them "x", and withheld breakdowns left out (as on the page).

    Every text cell goes through the export kit, so a vocation named "=HYPERLINK(…)" stays text.
    """
    rows = (
        (section, figure, breakdown, item, cell["display"] if cell.get("suppressed") else cell["value"])
        for section, figure, breakdown, item, cell in long_rows(summary_tables(summary, public=public))
    )
    return csv_text(header=(_("Section"), _("Figure"), _("Breakdown"), _("Item"), _("Value")), rows=rows)
