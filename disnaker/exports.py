"""Cells of downloads that spreadsheets open as data, never as formulas.

A cell such as ``=HYPERLINK("http://…")`` typed into a name field would run when someone opens
the export (CSV injection). Every text cell that starts like a formula gets a leading single
quote, so the spreadsheet shows it as text. The parts' exports and the summaries share this guard.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet should store it: formula-like text is quoted, None is empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
