"""Cells read into values, and rows read cell by cell with every bad cell named.

A reader takes the raw cell (as openpyxl or the csv module gives it) and answers the value, or
raises ``CellError`` with an Indonesian message. Text stays text, formulas included (``=HYPERLINK(…)``
is data, not code; exports escape it); every other reader refuses a formula, since its value is
whatever Excel last computed, or nothing.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disnaker.nik import check_person_matches_nik, normalize_nik

from .reading import RowError, Sheet, Table

SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?[eE][+]?\d+$")
SEX_WORDS = {"l": "L", "laki-laki": "L", "laki laki": "L", "p": "P", "perempuan": "P", "wanita": "P"}
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")
NIK_REPEATED = gettext_lazy("This NIK is already in row %(row)s.")


class CellError(Exception):
    pass


def text(value) -> str:
    """A cell as text. A formula stays its own text (``=HYPERLINK(…)``): it is data, not code."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "T"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d-%m-%Y")
    if not isinstance(value, str | int | float):  # ArrayFormula and friends
        value = getattr(value, "text", None) or str(value)
    return " ".join(str(value).split())


def is_formula(value: str) -> bool:
    return value.startswith("=")


def refuse_formula(value: str) -> str:
    if is_formula(value):
        raise CellError(_("The cell holds a formula (%(formula)s): type the value itself.") % {"formula": value[:60]})
    return value


def required_text(value, max_length: int) -> str:
    result = optional_text(value, max_length)
    if not result:
        raise CellError(_("This cell is required."))
    return result


def optional_text(value, max_length: int) -> str:
    result = text(value)
    if len(result) > max_length:
        raise CellError(
            _("At most %(max)s characters (this has %(count)s).") % {"max": max_length, "count": len(result)}
        )
    return result


def field_text(value, field) -> str:
    """A text cell checked as the model ``field`` checks it: required unless blank, its length, and
    its characters (a name with an emoji or a bidi override is refused like any other bad cell)."""
    reader = optional_text if field.blank else required_text
    result = field.to_python(reader(value, field.max_length))
    try:
        field.run_validators(result)
    except ValidationError as error:
        raise CellError(" ".join(error.messages)) from None
    return result


def count(value) -> int:
    result = refuse_formula(text(value))
    if not result:
        return 0
    if not result.isdigit():
        raise CellError(_("Write a whole number, 0 or more (found “%(value)s”).") % {"value": result[:30]})
    return int(result)


def choice(value, words: dict, message: str, **params) -> str:
    """The value ``words`` gives the cell's lower-case text; ``message`` may name it as %(value)s."""
    result = refuse_formula(text(value)).lower()
    if result in words:
        return words[result]
    raise CellError(message % {"value": result[:40], **params})


def sex(value) -> str:
    return choice(value, SEX_WORDS, _("Write L (male) or P (female)."))


def date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    result = refuse_formula(text(value))
    if not result:
        raise CellError(_("This cell is required."))
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(result, fmt).date()
        except ValueError:
            continue
    raise CellError(_("Write the date as DD-MM-YYYY, for example 02-01-2026."))


def nik(value) -> str:
    """The NIK's 16 digits. Excel keeps 15 significant digits of a number: a NIK typed as a number
    arrives as a float whose last digit became 0, so such a float is refused rather than trusted."""
    if isinstance(value, float):
        if not value.is_integer() or value >= 2**53 or str(int(value)).endswith("0"):
            raise _digits_lost(f"{value:.0f}")
        value = int(value)
    result = text(value).lstrip("'")
    if not result:
        raise CellError(_("This cell is required."))
    refuse_formula(result)
    if SCIENTIFIC.match(result):
        raise _digits_lost(result)
    return normalize_nik(result)


def _digits_lost(shown: str) -> CellError:
    return CellError(
        _(
            "Excel dropped the last digits of this NIK (%(value)s) because it was typed as a number. "
            "Format the NIK column as Text and type the NIK again."
        )
        % {"value": shown}
    )


class RowReader:
    """Reads one row's cells; each bad cell adds an error instead of stopping at the first."""

    def __init__(self, sheet: Sheet, number: int, cells: dict, errors: list[RowError]):
        self.sheet, self.number, self.cells, self.errors = sheet, number, cells, errors
        self.failed: set[str] = set()

    def read(self, key: str, reader, *args, default=None):
        try:
            return reader(self.cells.get(key), *args)
        except CellError as exc:
            self.error(key, str(exc))
            return default

    def error(self, key: str, message: str) -> None:
        self.failed.add(key)
        self.errors.append(RowError(self.sheet.name, self.number, self.sheet.column(key).header, str(message)))

    def once(self, key: str, value, seen: dict, message) -> None:
        """``value`` must not repeat the one of an earlier row; ``message`` names that row as %(row)s."""
        if value in seen:
            self.error(key, message % {"row": seen[value]})
        else:
            seen[value] = self.number

    def check_nik(self, *, nik: str, sex: str, seen: dict, nik_key: str = "nik", sex_key: str = "sex") -> None:
        """A NIK read without error is valid, agrees with the sex and is not in an earlier row."""
        if nik_key in self.failed:
            return
        problems = check_person_matches_nik(nik=nik, sex=sex or None, birth_date=None)
        for field, key in (("nik", nik_key), ("sex", sex_key)):
            if field in problems:
                self.error(key, problems[field].messages[0])
        self.once(nik_key, nik, seen, NIK_REPEATED)


def row_readers(table: Table, errors: list[RowError]):
    """A ``RowReader`` per data row; the template's example row, sent back, is refused on its first cell."""
    first = table.sheet.columns[0].key
    for number, cells in table.rows:
        row = RowReader(table.sheet, number, cells, errors)
        if table.sheet.example and text(cells.get(first)) == text(table.sheet.example[0]):
            row.error(first, _("This is the example row of the template: delete it."))
        yield row
