"""Placement in headless Chromium: a company reports a vacancy, staff find certified alumni, the
company reports the placement; a job seeker downloads their AK/1 card."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disnaker.models import EducationLevel, KbjiMajorGroup
from disnaker.roles import PLACEMENT_OFFICER
from placement import cards
from placement.models import JobSeekerCard, Placement, Vacancy
from tests.factories import (
    BatchFactory,
    CertificationFactory,
    CompanyFactory,
    PersonFactory,
    RegistrationFactory,
    company_hr,
    job_seeker,
    make_nik,
)
from tests.placement.test_ak1 import documents, private_files  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WELDER_NIK = make_nik(sex="L", birth_date=datetime.date(1999, 7, 17), serial=321)


def _certified_blk_welder():
    welder = PersonFactory(
        nik=WELDER_NIK, name="Andi Saputra", sex="L", birth_date=datetime.date(1999, 7, 17),
        education=EducationLevel.objects.get(code="smk"),
    )  # fmt: skip
    CertificationFactory(person=welder, scheme="Juru Las 3G SMAW", valid_until=timezone.localdate().replace(year=2030))
    past = BatchFactory(
        start_date=datetime.date(2026, 1, 5), end_date=datetime.date(2026, 2, 27),
        registration_opens=datetime.date(2025, 12, 1), registration_closes=datetime.date(2025, 12, 31),
    )  # fmt: skip
    RegistrationFactory(person=welder, batch=past, status="confirmed", outcome="graduated")
    return welder


def _fill(page, values: dict):
    for name, value in values.items():
        field = page.locator(f"[name='{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def test_company_reports_a_vacancy_staff_match_alumni_and_the_company_reports_the_placement(
    live_server, page, staff_page, staff_user, axe, shot
):
    welder = _certified_blk_welder()
    company = CompanyFactory(name="PT Baja Krakatau Demo")
    hr = company_hr(company=company)
    officer = staff_user(PLACEMENT_OFFICER)

    # 1. HR logs in and reports a vacancy with the Perpres 57/2023 fields.
    page.goto(live_server.url + reverse("placement:company_login"))
    page.fill("#id_username", hr.email)
    page.fill("#id_password", "rahasia-123")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("placement:company_dashboard"))
    shot("dashboard")
    page.goto(live_server.url + reverse("placement:company_vacancy_create"))
    assert axe(page) == []
    today = timezone.localdate()
    _fill(page, {
        "title": "Juru Las 3G", "kbji_group": str(KbjiMajorGroup.objects.get(code="7").pk), "kbji_code": "7212",
        "headcount": "2", "open_from": today.isoformat(),
        "open_until": (today + datetime.timedelta(days=30)).isoformat(),
        "min_age": "18", "max_age": "40", "required_certification": "Juru Las 3G SMAW",
        "location": "Kawasan Industri Krakatau, Cilegon", "work_type": "contract",
    })  # fmt: skip
    shot("vacancy-form")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    shot("vacancy-reported")
    vacancy = Vacancy.objects.get(company=company, title="Juru Las 3G")
    assert vacancy.registration_number in page.content()

    # 2. A placement officer opens the candidates for the vacancy and finds the certified alumnus.
    staff = staff_page(officer)
    staff.goto(live_server.url + reverse("placement:staff_matching", args=[vacancy.pk]))
    shot("staff-candidates", page=staff)
    assert "Andi Saputra" in staff.content()
    staff.context.close()

    # 3. The company reports the placement of that alumnus for the vacancy.
    page.goto(live_server.url + reverse("placement:company_placement_create"))
    _fill(page, {
        "vacancy": str(vacancy.pk), "nik": WELDER_NIK, "name": "Andi Saputra", "sex": "L",
        "position": "Juru Las", "start_date": today.isoformat(), "contract_type": "contract",
    })  # fmt: skip
    shot("placement-form")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    shot("placement-reported")
    placement = Placement.objects.get(person=welder)
    assert placement.source == "blk" and placement.is_local_resident
    vacancy.refresh_from_db()
    assert vacancy.filled == 1


@pytest.mark.usefixtures("private_files")
def test_job_seeker_downloads_an_ak1_card_with_number_and_name(live_server, page, pdftotext, shot):
    seeker = job_seeker()
    card = cards.card_apply(
        person=seeker.person, education_history="SMK Negeri 2 Cilegon, 2017", skills="Pengelasan SMAW",
        experience="", **documents(),
    )  # fmt: skip
    card = cards.card_approve(card=card, actor=None)
    assert JobSeekerCard.objects.get(pk=card.pk).number
    client = Client()
    client.force_login(seeker)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    response = page.request.get(live_server.url + reverse("placement:ak1_card_pdf", args=[card.pk]))
    assert response.ok
    shot.pdf("ak1-card-pdf", response.body())
    text = pdftotext(response.body())
    assert card.number in text
    assert seeker.person.name in text


def test_a_vacancy_form_sent_three_times_at_once_by_the_browser_reports_one_vacancy(live_server, page):
    hr = company_hr(company=CompanyFactory(name="PT Klik Ganda"))
    page.goto(live_server.url + reverse("placement:company_login"))
    page.fill("#id_username", hr.email)
    page.fill("#id_password", "rahasia-123")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("placement:company_dashboard"))
    page.goto(live_server.url + reverse("placement:company_vacancy_create"))
    today = timezone.localdate()
    _fill(page, {
        "title": "Operator Forklift", "kbji_group": str(KbjiMajorGroup.objects.get(code="8").pk), "headcount": "1",
        "open_from": today.isoformat(), "open_until": (today + datetime.timedelta(days=30)).isoformat(),
        "min_age": "18", "location": "Cilegon", "work_type": "contract",
    })  # fmt: skip
    # What an impatient double (or triple) click sends: the same form, key included, before any answer.
    landed = page.evaluate(
        """async () => {
            const form = document.querySelector("main form");
            const send = () => fetch(location.href, {method: "POST", body: new FormData(form)});
            const answers = await Promise.all([send(), send(), send()]);
            return answers.map((answer) => [answer.status, answer.url]);
        }"""
    )
    vacancy = Vacancy.objects.get(company=hr.company_user.company)
    detail = live_server.url + reverse("placement:company_vacancy_detail", args=[vacancy.pk])
    assert landed == [[200, detail]] * 3
    page.goto(detail)
    assert vacancy.registration_number in page.content()
