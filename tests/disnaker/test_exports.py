"""Every declared export, in every format it offers, downloads for a role that may take it, and
a formula typed into the data comes out as text.

The exports are the ones declared with ``disnaker.exports.declare``; each needs a case below (who
downloads it, from which URL, with a formula planted in its data). A new export without a case
fails ``test_every_declared_export_has_a_case``.
"""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.urls import get_resolver, reverse

from disnaker import exports
from disnaker.exports import FORMULA_PREFIXES, plain, safe_cell
from disnaker.models import EmploymentStatus, Kecamatan, Kelurahan
from disnaker.roles import HEAD_OF_OFFICE, PLACEMENT_OFFICER, TRAINING_OFFICER
from tests.disnaker.test_reports import FORMULA_VOCATION, make_summary
from tests.factories import VocationFactory
from tests.placement.test_matching import _certify, _person
from tests.placement.test_matching import _graduate as _matching_graduate
from tests.training.test_staff_views import _graduate as _alumni_graduate

pytestmark = pytest.mark.django_db

FORMULA_NAME = '=HYPERLINK("http://evil.example/","klik")'


@dataclass
class Download:
    url: str
    role: str | None  # None: anyone, without logging in
    planted: str  # a formula-like value in the data, expected as "'" + planted
    expected: tuple[str, ...] = ()  # other values the file must hold (e.g. translated labels)


def _alumni() -> Download:
    # A tracer status is a lazy translation ("Bekerja"): it once made the XLSX answer 500.
    _alumni_graduate(
        FORMULA_NAME, vocation=VocationFactory(), kelurahan=Kelurahan.objects.order_by("code").first(), status="working"
    )
    return Download(reverse("training:staff_alumni_export"), TRAINING_OFFICER, FORMULA_NAME, ("Bekerja",))


def _matching_candidates() -> Download:
    from tests.factories import VacancyFactory

    vacancy = VacancyFactory(required_certification="juru las 3g", min_age=18, max_age=35)
    _matching_graduate(_certify(_person(name=FORMULA_NAME)).person)
    return Download(reverse("placement:staff_matching_export", args=[vacancy.pk]), PLACEMENT_OFFICER, FORMULA_NAME)


def _statistics() -> Download:
    summary = make_summary()
    return Download(reverse("statistics_csv", args=[summary.period.key]), None, FORMULA_VOCATION)


def _summary() -> Download:
    summary = make_summary(published=False)
    return Download(reverse("admin:disnaker_summary_xlsx", args=[summary.pk]), HEAD_OF_OFFICE, FORMULA_VOCATION)


CASES: dict[str, Callable[[], Download]] = {
    "training.alumni": _alumni,
    "placement.matching_candidates": _matching_candidates,
    "disnaker.statistics": _statistics,
    "disnaker.summary": _summary,
}


def _declared() -> dict[str, exports.Export]:
    get_resolver().url_patterns  # noqa: B018 - importing every view declares its exports
    return exports.EXPORTS


def _cells(response, file_format: str) -> list[str]:
    if file_format == "csv":
        assert response.content.startswith("\ufeff".encode())
        return [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells), "no cell may be a formula"
    return [cell.value for cell in cells if isinstance(cell.value, str)]


def test_every_declared_export_has_a_case():
    assert set(_declared()) == set(CASES)


@pytest.mark.parametrize(
    ("name", "file_format"),
    [(name, file_format) for name, export in sorted(_declared().items()) for file_format in export.formats],
)
def test_every_export_downloads_in_every_format_with_formulas_as_text(client, staff_user, name, file_format):
    download = CASES[name]()
    if download.role:
        client.force_login(staff_user(download.role))
    response = client.get(download.url, {"format": file_format})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == exports.CONTENT_TYPES[file_format]
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith(f'.{file_format}"')
    cells = _cells(response, file_format)
    assert "'" + download.planted in cells
    assert download.planted not in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_PREFIXES) and not _is_number(cell)]
    for value in download.expected:
        assert value in cells


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_a_format_an_export_does_not_offer_is_not_found(client, staff_user):
    download = _matching_candidates()
    client.force_login(staff_user(download.role))
    assert client.get(download.url, {"format": "pdf"}).status_code == 404


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        (-5, -5),  # a number is data, never a formula
        (None, ""),
        (True, "Ya"),
        (False, "Tidak"),
        (datetime.date(2026, 1, 2), datetime.date(2026, 1, 2)),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_plain_makes_lazy_translations_and_objects_text():
    from django.utils.translation import gettext_lazy

    assert plain(gettext_lazy("Working")) == "Bekerja" and type(plain(gettext_lazy("Working"))) is str
    assert plain(EmploymentStatus.WORKING) == "working"
    assert plain(Kecamatan(name="Cibeber")) == str(Kecamatan(name="Cibeber"))


def test_aware_datetimes_become_local_and_naive_for_excel():
    moment = datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)
    assert plain(moment) == datetime.datetime(2026, 1, 2, 10, 4)  # Asia/Jakarta
    content = exports.xlsx_bytes(header=["at"], rows=[[moment]], title="t")
    assert openpyxl.load_workbook(io.BytesIO(content)).active["A2"].value == datetime.datetime(2026, 1, 2, 10, 4)
