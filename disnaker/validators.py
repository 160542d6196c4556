"""Names as written on the KTP, and published titles: which characters they may hold.

A KTP prints names in the Latin alphabet, accents included. Personal names and places of birth
accept those letters, spaces and the marks ' ’ . , - only; titles (vacancies, programmes,
institutions, published texts) also take digits and plain punctuation. Emoji, control characters,
bidirectional overrides (U+202A–U+202E, U+2066–U+2069) and zero-width characters are refused:
they change how a name reads on a card, a certificate or a list without being visible.

Text is normalised before it is checked (``normalize_text``): NFC, runs of spaces collapsed to
one, ends stripped. A tab or a line break inside a value is not a space: it is refused.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Every space separator (Unicode Zs): a no-break space pasted from a document is just a space.
SPACES = re.compile("[\u0020\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
NAME_MARKS = frozenset(" '’.,-")
TITLE_MARKS = NAME_MARKS | frozenset('0123456789()[]/&:;+#%!?"“”‘–—_')
COMBINING_DIACRITICS = range(0x0300, 0x0370)
CHARS_SHOWN = 5


def normalize_text(value):
    """NFC, runs of spaces made one space, ends stripped; anything but a str is answered as given."""
    if not isinstance(value, str):
        return value
    return SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def is_latin_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L") and unicodedata.name(char, "").startswith("LATIN ")


def refused_characters(value: str, marks: frozenset) -> list[str]:
    """The characters of ``value`` outside Latin letters and ``marks``, each once, in order.
    A combining accent is accepted right after a letter (the NFC form of some names keeps one)."""
    refused, after_letter = [], False
    for char in value:
        accent = after_letter and ord(char) in COMBINING_DIACRITICS
        letter = is_latin_letter(char)
        if not (letter or accent or char in marks) and char not in refused:
            refused.append(char)
        after_letter = letter or accent
    return refused


def shown(char: str) -> str:
    """A refused character as the message shows it: itself, or its code point when it is invisible."""
    if unicodedata.category(char)[0] in "CZM" or char.isspace():
        return f"U+{ord(char):04X}"
    return f"“{char}”"


@deconstructible
class TextValidator:
    """Refuses characters outside Latin letters and ``marks``; ``needs_letter`` refuses a value without a letter."""

    def __init__(self, *, marks: frozenset, message, needs_letter: bool = False, code: str = "characters"):
        self.marks, self.message, self.needs_letter, self.code = marks, message, needs_letter, code

    def __call__(self, value) -> None:
        if not value:
            return
        refused = refused_characters(value, self.marks)
        if refused:
            chars = ", ".join(shown(char) for char in refused[:CHARS_SHOWN])
            raise ValidationError(self.message, code=self.code, params={"chars": chars})
        if self.needs_letter and not any(is_latin_letter(char) for char in value):
            raise ValidationError(_("Write it with letters."), code="no_letter")

    def __eq__(self, other):
        return isinstance(other, TextValidator) and (self.marks, self.message, self.needs_letter) == (
            other.marks,
            other.message,
            other.needs_letter,
        )


validate_person_name = TextValidator(
    marks=NAME_MARKS,
    needs_letter=True,
    message=_(
        "Write the name as on the KTP: Latin letters (accents allowed), spaces and the marks ' . , - only. "
        "Not allowed: %(chars)s."
    ),
)
validate_place_name = TextValidator(
    marks=NAME_MARKS,
    needs_letter=True,
    message=_(
        "Write the place as on the KTP: Latin letters (accents allowed), spaces and the marks ' . , - only. "
        "Not allowed: %(chars)s."
    ),
)
validate_title = TextValidator(
    marks=TITLE_MARKS,
    message=_("Use Latin letters, digits, spaces and plain punctuation only. Not allowed: %(chars)s."),
)
