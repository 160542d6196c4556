"""The XLSX template of a layout: a header row, a grey example row, Text columns where Excel would
drop digits, and the lists Excel can check while the file is filled in."""

import io

import openpyxl
from django.http import HttpResponse
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .reading import XLSX_CONTENT_TYPE, Layout, Sheet

HEADER_FILL = "0B4A80"


def template_workbook(layout: Layout) -> openpyxl.Workbook:
    """A workbook with one sheet per sheet of ``layout``, each with its header and example row."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in layout.sheets:
        _template_sheet(workbook.create_sheet(sheet.name), sheet)
    return workbook


def _template_sheet(worksheet, sheet: Sheet) -> None:
    worksheet.append(sheet.headers)
    if sheet.example:
        worksheet.append(list(sheet.example))
    _header_style(worksheet)
    for cell in worksheet[2] if sheet.example else ():
        cell.font = Font(italic=True, color="595959")
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = column.width
        if column.text:
            worksheet.column_dimensions[letter].number_format = "@"
            worksheet[f"{letter}2"].number_format = "@"
    worksheet.freeze_panes = "A2"


def _header_style(worksheet) -> None:
    for cell in worksheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)


def add_validation(worksheet, cells: str, *, prompt: str = "", **options) -> None:
    """A check Excel makes while typing (a list, a length); the upload checks again, whatever Excel did."""
    validation = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=bool(prompt),
                                prompt=prompt or None, **options)  # fmt: skip
    validation.add(cells)
    worksheet.add_data_validation(validation)


def add_notes_sheet(workbook: openpyxl.Workbook, title: str, header: tuple[str, str], notes) -> None:
    """A last sheet explaining each column: (column, how to fill it in) per row; never read back."""
    worksheet = workbook.create_sheet(title)
    worksheet.append(list(header))
    for note in notes:
        worksheet.append(list(note))
    _header_style(worksheet)
    worksheet.column_dimensions["A"].width = 24
    worksheet.column_dimensions["B"].width = 90
    for row in worksheet.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


def workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
