"""The NIK (Nomor Induk Kependudukan), validated in one place.

Layout: PP RR SS DDMMYY XXXX — province, city/regency, district, birth date (women add 40 to
the day), serial. The century is not written: a birth date is read as the most recent date
that is not in the future, so ``05`` is 2005, not 1905.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Province codes in use by Dukcapil (Sumatra 1x/21, Java 3x, Bali-Nusa 5x, Kalimantan 6x,
# Sulawesi 7x, Maluku 8x, Papua 9x).
PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "16", "17", "18", "19", "21"}
    | {"31", "32", "33", "34", "35", "36"}
    | {"51", "52", "53"}
    | {"61", "62", "63", "64", "65"}
    | {"71", "72", "73", "74", "75", "76"}
    | {"81", "82"}
    | {"91", "92", "93", "94", "95", "96", "97"}
)

MALE = "L"
FEMALE = "P"

_DIGITS = re.compile(r"^\d{16}$")


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province_code: str
    city_code: str
    district_code: str
    birth_date: datetime.date
    sex: str
    serial: str

    @property
    def region_code(self) -> str:
        """The city/regency code in the form ``36.72``."""
        return f"{self.province_code}.{self.city_code}"


def normalize_nik(value: str) -> str:
    """Strips the spaces, dots and dashes people type between the digit groups."""
    return re.sub(r"[\s.\-]", "", value or "")


def _birth_date(day: int, month: int, yy: int, today: datetime.date) -> datetime.date:
    for century in (2000, 1900):
        try:
            candidate = datetime.date(century + yy, month, day)
        except ValueError:
            raise ValidationError(
                _("The birth date in the NIK (digits 7–12) is not a real date."), code="nik_date"
            ) from None
        if candidate <= today:
            return candidate
    raise ValidationError(_("The birth date in the NIK lies in the future."), code="nik_date")


def parse_nik(value: str, *, today: datetime.date | None = None) -> NikInfo:
    """Reads a NIK; raises ``ValidationError`` with a message a person can act on."""
    nik = normalize_nik(value)
    if not _DIGITS.match(nik):
        raise ValidationError(_("The NIK must be exactly 16 digits."), code="nik_length")
    if nik[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("The NIK starts with %(code)s, which is not an Indonesian province code."),
            code="nik_province",
            params={"code": nik[:2]},
        )
    if nik[2:4] == "00" or nik[4:6] == "00":
        raise ValidationError(_("The city or district code in the NIK is not valid."), code="nik_region")
    if nik[12:] == "0000":
        raise ValidationError(_("The last four digits of the NIK cannot be 0000."), code="nik_serial")
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = MALE
    if day > 40:
        day -= 40
        sex = FEMALE
    today = today or timezone.localdate()
    birth = _birth_date(day, month, yy, today)
    return NikInfo(nik, nik[:2], nik[2:4], nik[4:6], birth, sex, nik[12:])


def validate_nik(value: str) -> None:
    """Field validator: the NIK is well formed."""
    parse_nik(value)


def check_person_matches_nik(*, nik: str, sex: str | None, birth_date: datetime.date | None) -> dict:
    """Errors, by field name, where the sex or birth date contradict the NIK."""
    try:
        info = parse_nik(nik)
    except ValidationError as exc:
        return {"nik": exc}
    errors = {}
    if sex and sex != info.sex:
        errors["sex"] = ValidationError(
            _("The sex does not match the NIK (women's NIK have 40 added to the birth day)."),
            code="nik_sex",
        )
    if birth_date and birth_date != info.birth_date:
        errors["birth_date"] = ValidationError(
            _("The birth date does not match the NIK (%(date)s)."),
            code="nik_birth_date",
            params={"date": info.birth_date.strftime("%d-%m-%Y")},
        )
    return errors


def mask_nik(nik: str) -> str:
    """Shows the region and the last two digits only: ``3672************34``."""
    if not nik:
        return ""
    return nik[:4] + "*" * (len(nik) - 6) + nik[-2:]
