"""The public statistics page /statistik/: published summaries only, aggregates only."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disnaker.models import Summary
from disnaker.periods import Period
from disnaker.summaries import compute_figures
from tests.factories import BatchFactory, RegistrationFactory

from .test_reports import FORMULA_VOCATION, make_summary

pytestmark = pytest.mark.django_db


def _month(year: int, month: int, **fields) -> Summary:
    period = Period.month(year, month)
    return make_summary(year=year, period_kind="month", period_start=period.start, period_end=period.end, **fields)


def test_the_page_shows_the_latest_published_summary_with_a_csv_link(client):
    make_summary(year=2025)
    make_summary(year=2026)
    response = client.get(reverse("statistics"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 class="h3 mb-1">Tahun 2026</h2>' in html
    assert reverse("statistics_csv", args=["2026"]) in html
    assert reverse("statistics_detail", args=["2025"]) in html  # offered in the period list
    assert "1.234" in html and "62,5 %" in html and "7,25 %" in html


def test_the_page_suppresses_small_cells_and_explains_why(client):
    make_summary()
    html = client.get(reverse("statistics")).content.decode()
    assert "&lt; 5" in html
    assert "Perpres 57/2023" in html
    # the vocation with 1 registration is named, but its count is not shown
    row = html.split("=HYPERLINK(&quot;http://evil.example/&quot;,&quot;Klik&quot;)", 1)[1][:120]
    assert "&lt; 5" in row


def test_a_chosen_period_is_shown_by_its_key(client):
    make_summary(year=2026)
    _month(2026, 10)
    html = client.get(reverse("statistics_detail", args=["2026-10"])).content.decode()
    assert '<h2 class="h3 mb-1">Oktober 2026</h2>' in html
    assert 'aria-current="page" href="/statistik/2026-10/"' in html


@pytest.mark.parametrize(
    "fields",
    [
        {"published": False},
        {"state": Summary.State.FAILED, "built_at": None},
        {"state": Summary.State.RUNNING, "built_at": None},
        {"state": Summary.State.QUEUED, "built_at": None},
        {"scope": "other"},
    ],
)
def test_a_summary_not_published_or_never_built_is_not_found(client, fields):
    make_summary(**fields)
    assert client.get(reverse("statistics_detail", args=["2026"])).status_code == 404
    assert client.get(reverse("statistics_csv", args=["2026"])).status_code == 404
    html = client.get(reverse("statistics")).content.decode()
    assert "1.234" not in html
    assert reverse("statistics_csv", args=["2026"]) not in html


@pytest.mark.parametrize("state", [Summary.State.QUEUED, Summary.State.RUNNING, Summary.State.FAILED])
def test_a_published_summary_stays_with_its_last_figures_while_rebuilt_or_after_a_failed_rebuild(client, state):
    make_summary(state=state, error="OperationalError: server closed the connection" if state == "failed" else "")
    page = client.get(reverse("statistics_detail", args=["2026"]))
    assert page.status_code == 200
    assert "1.234" in page.content.decode()
    assert client.get(reverse("statistics_csv", args=["2026"])).status_code == 200
    assert reverse("statistics_csv", args=["2026"]) in client.get(reverse("statistics")).content.decode()


@pytest.mark.parametrize("key", ["2026-13", "abc", "2026-Q5", "26"])
def test_a_key_that_is_not_a_period_is_not_found(client, key):
    make_summary()
    assert client.get(f"/statistik/{key}/").status_code == 404
    assert client.get(f"/statistik/{key}.csv").status_code == 404


def test_with_nothing_published_the_page_says_so(client):
    make_summary(published=False)
    response = client.get(reverse("statistics"))
    assert response.status_code == 200
    assert "statistik/2026.csv" not in response.content.decode()


def test_the_csv_is_an_attachment_in_long_format_with_small_cells_suppressed(client):
    make_summary()
    response = client.get(reverse("statistics_csv", args=["2026"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="statistik-2026.csv"'
    text = response.content.decode()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert all(len(row) == 5 for row in rows)
    formula_rows = [row for row in rows if FORMULA_VOCATION in row[3]]
    assert [row[3:] for row in formula_rows] == [["'" + FORMULA_VOCATION, "< 5"]]


def test_pages_refuse_post(client):
    make_summary()
    assert client.post(reverse("statistics")).status_code == 405
    assert client.post(reverse("statistics_csv", args=["2026"])).status_code == 405


def test_the_menu_links_to_the_statistics(client):
    assert 'href="/statistik/"' in client.get(reverse("home")).content.decode()


def test_the_query_count_does_not_grow_with_the_published_summaries(client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("statistics")).status_code == 200
        return len(captured)

    make_summary(year=2026)
    one = queries()
    for year in range(2016, 2026):
        make_summary(year=year)
    for month in range(1, 13):
        _month(2026, month)
    assert queries() == one


def test_no_name_or_nik_of_a_person_reaches_the_page_or_the_csv(client):
    """A summary built from real rows: the people behind it appear nowhere."""
    today = datetime.date.today()
    batch = BatchFactory(programme__vocation__name="Pengelasan")
    people = [RegistrationFactory(batch=batch).person for _ in range(6)]
    period = Period.containing(today, "year")
    make_summary(year=today.year, figures=compute_figures(period, today=today))
    html = client.get(reverse("statistics")).content.decode()
    text = client.get(reverse("statistics_csv", args=[period.key])).content.decode()
    assert "Pengelasan" in html
    assert '<p class="display-6 fw-semibold mb-1 text-nowrap">6</p>' in html  # the registrations
    for person in people:
        for page in (html, text):
            assert person.name not in page
            assert person.nik not in page
            assert person.nik_masked not in page


@pytest.mark.browser
def test_the_page_fits_a_phone_and_passes_axe(live_server, page, axe):
    make_summary()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("statistics"))
    page.locator("details summary").first.click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("h2", has_text="Tahun 2026").is_visible()
    assert axe(page) == []
