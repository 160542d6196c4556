"""The spreadsheet kit: one reader for the CSV and XLSX files users upload, and the steps around it.

An import declares its ``Layout`` (sheets, columns with their aliases, the template's example
row), a row reader that turns the tables into its data with the cell readers of ``cells``, and the
service that saves the data. The kit gives it the guards (size, unpacked size, rows, content not
name, encodings, formulas, NIKs that Excel turned into numbers), every problem named by sheet, row
and column, the XLSX template, and the preview/confirm steps (``flow.PendingUpload``).
"""

from . import cells
from .cells import CellError, RowReader, row_readers
from .flow import Parsed, PendingUpload, UploadSteps, errors_context, parse
from .reading import (
    MAX_BYTES,
    MAX_ROWS,
    MAX_UNZIPPED_BYTES,
    XLSX_CONTENT_TYPE,
    Column,
    FileProblem,
    Layout,
    Limits,
    RowError,
    Sheet,
    Table,
    Upload,
    read_upload,
)
from .template import add_notes_sheet, add_validation, template_response, template_workbook, workbook_bytes

__all__ = [
    "MAX_BYTES", "MAX_ROWS", "MAX_UNZIPPED_BYTES", "XLSX_CONTENT_TYPE", "CellError", "Column", "FileProblem",
    "Layout", "Limits", "Parsed", "PendingUpload", "RowError", "RowReader", "Sheet", "Table", "Upload", "UploadSteps",
    "add_notes_sheet", "add_validation", "cells", "errors_context", "parse", "read_upload", "row_readers",
    "template_response", "template_workbook", "workbook_bytes",
]  # fmt: skip
