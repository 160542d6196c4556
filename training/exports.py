"""CSV and XLSX downloads that spreadsheets open as data, never as formulas.

Every cell goes through ``disnaker.exports.safe_cell`` (CSV injection: formula-like text is
quoted, so the spreadsheet shows it as text).
"""

import csv
import datetime
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from disnaker.exports import safe_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    # The byte-order mark makes Excel read the file as UTF-8 (names with accents, "–").
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([_csv_value(safe_cell(v)) for v in row])
    return _attachment(response, filename)


def _csv_value(value):
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    return value


def xlsx_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence], title: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([_xlsx_cell(sheet, str(h)) for h in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    workbook.save(response)
    return _attachment(response, filename)


def _xlsx_cell(sheet, value) -> WriteOnlyCell:
    value = safe_cell(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Always text: never a formula or an error code such as "#N/A".
        cell.data_type = "s"
    if isinstance(value, datetime.date):
        cell.number_format = "DD-MM-YYYY"
    return cell
