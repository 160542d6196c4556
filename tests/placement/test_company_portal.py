"""The company portal: registration with its Indonesian messages, reports and the proof PDF."""

import datetime

import pytest
from django.urls import reverse

from disnaker.models import KbjiMajorGroup, KbliSection
from placement.models import Company, CompanyUser, Placement, Vacancy
from tests.factories import CompanyFactory, PersonFactory, VacancyFactory, company_hr, make_nik
from tests.submission import submit


def registration(**overrides):
    data = {
        "name": "PT Krakatau Las Mandiri", "nib": "8120000099999",
        "kbli_section": KbliSection.objects.get(section="C").pk,
        "kbli_code": "24101", "size": "medium", "address": "Jl. Industri 2, Cilegon", "kelurahan": "",
        "phone": "0254 555666", "email": "info@klm.example.org", "hr_name": "Dewi Lestari",
        "hr_email": "dewi@klm.example.org", "password1": "Baja-Cilegon-2026", "password2": "Baja-Cilegon-2026",
    }  # fmt: skip
    return data | overrides


def field_errors(response, name):
    return response.context["form"].errors.get(name, [])


def test_register_makes_a_pending_company_and_logs_in(client, db):
    response = client.post(reverse("placement:company_register"), registration())
    assert response.status_code == 302
    company_user = CompanyUser.objects.select_related("company", "user").get()
    assert company_user.company.status == Company.Status.PENDING
    assert company_user.user.email == "dewi@klm.example.org"
    page = client.get(response.url).content.decode()
    assert "Menunggu verifikasi" in page


def test_nib_must_have_13_digits(client, db):
    response = client.post(reverse("placement:company_register"), registration(nib="12345"))
    assert "13 digit" in field_errors(response, "nib")[0]
    assert not Company.objects.exists()


def test_nib_already_registered_is_said_beside_nib(client, db):
    CompanyFactory(nib="8120000099999")
    response = client.post(reverse("placement:company_register"), registration())
    assert "sudah terdaftar" in field_errors(response, "nib")[0]


def test_kbli_code_must_start_with_a_division_of_its_section(client, db):
    response = client.post(reverse("placement:company_register"), registration(kbli_code="47111"))
    assert field_errors(response, "kbli_code") == [
        "Kode KBLI kategori C diawali salah satu golongan pokok 10-33. Periksa kode pada NIB Anda."
    ]
    assert not Company.objects.exists()


def test_hr_email_taken_is_said_beside_it(client, db):
    company_hr(email="dewi@klm.example.org")
    response = client.post(reverse("placement:company_register"), registration())
    assert "sudah ada" in field_errors(response, "hr_email")[0]
    assert Company.objects.count() == 1


def test_placement_form_refuses_a_bad_nik_in_indonesian(client, db):
    client.force_login(company_hr())
    data = {"nik": "3672019999990001", "name": "Andi", "sex": "L", "position": "Welder",
            "start_date": "2026-01-05", "contract_type": "contract"}  # fmt: skip
    response = submit(client, reverse("placement:company_placement_create"), data)
    assert response.status_code == 200
    assert field_errors(response, "nik")
    assert not Placement.objects.exists()


def test_placement_form_refuses_sex_not_matching_nik(client, db):
    client.force_login(company_hr())
    data = {"nik": make_nik(sex="P", serial=9), "name": "Andi", "sex": "L", "position": "Welder",
            "start_date": "2026-01-05", "contract_type": "contract"}  # fmt: skip
    response = submit(client, reverse("placement:company_placement_create"), data)
    assert "tidak sesuai dengan NIK" in field_errors(response, "sex")[0]


def test_vacancy_report_then_placement_for_it(client, db):
    user = company_hr()
    client.force_login(user)
    data = {
        "title": "Operator Forklift", "kbji_group": KbjiMajorGroup.objects.get(code="8").pk, "kbji_code": "8344",
        "headcount": 2, "open_from": "2026-01-01", "open_until": "2026-01-31", "min_age": 18, "max_age": 35,
        "sex": "", "experience_years": 1, "location": "Cilegon", "work_type": "contract",
    }  # fmt: skip
    response = submit(client, reverse("placement:company_vacancy_create"), data)
    vacancy = Vacancy.objects.get()
    assert response.url == reverse("placement:company_vacancy_detail", kwargs={"pk": vacancy.pk})
    assert vacancy.company == user.company_user.company and vacancy.reported_by == user
    person = PersonFactory(sex="L")
    data = {"vacancy": vacancy.pk, "nik": person.nik, "name": person.name, "sex": "L", "position": "Operator",
            "start_date": "2026-01-05", "contract_type": "contract"}  # fmt: skip
    assert submit(client, reverse("placement:company_placement_create"), data).status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.filled == 1


def test_vacancy_closing_date_before_opening_is_said_beside_it(client, db):
    client.force_login(company_hr())
    data = {"title": "X", "kbji_group": KbjiMajorGroup.objects.get(code="8").pk, "headcount": 1,
            "open_from": "2026-02-01", "open_until": "2026-01-01", "min_age": 18, "experience_years": 0,
            "location": "Cilegon", "work_type": "contract"}  # fmt: skip
    response = submit(client, reverse("placement:company_vacancy_create"), data)
    assert field_errors(response, "open_until") == ["Tanggal tutup lebih awal dari tanggal buka."]


def _vacancy_data(**overrides) -> dict:
    data = {
        "title": "Operator Forklift", "kbji_group": KbjiMajorGroup.objects.get(code="8").pk, "kbji_code": "8344",
        "headcount": 2, "open_from": "2026-01-01", "open_until": "2026-01-31", "min_age": 18, "max_age": 35,
        "sex": "", "experience_years": 1, "location": "Cilegon", "work_type": "contract",
    }  # fmt: skip
    return data | overrides


def test_a_vacancy_titled_with_an_emoji_is_refused_beside_the_title(client, db):
    client.force_login(company_hr())
    response = submit(client, reverse("placement:company_vacancy_create"), _vacancy_data(title="Lowongan 🔥"))
    assert response.status_code == 200
    assert field_errors(response, "title") == [
        "Gunakan hanya huruf Latin, angka, spasi, dan tanda baca biasa. Tidak diperbolehkan: “🔥”."
    ]
    assert not Vacancy.objects.exists()


def test_a_vacancy_title_with_digits_and_punctuation_is_published_normalised(client, db):
    client.force_login(company_hr())
    response = submit(
        client, reverse("placement:company_vacancy_create"), _vacancy_data(title="  Juru Las (Welder)   3G / Fitter ")
    )
    assert response.status_code == 302
    assert Vacancy.objects.get().title == "Juru Las (Welder) 3G / Fitter"


def test_company_registration_refuses_a_bidi_override_in_the_hr_name(client, db):
    response = client.post(reverse("placement:company_register"), registration(hr_name="Dewi\u202eLestari"))
    assert "Tidak diperbolehkan: U+202E." in field_errors(response, "hr_name")[0]
    assert not Company.objects.exists()


def test_placement_form_refuses_an_emoji_in_the_worker_name(client, db):
    client.force_login(company_hr())
    data = {"nik": make_nik(sex="L", serial=9), "name": "Andi 😀", "sex": "L", "position": "Welder",
            "start_date": "2026-01-05", "contract_type": "contract"}  # fmt: skip
    response = submit(client, reverse("placement:company_placement_create"), data)
    assert "Tidak diperbolehkan: “😀”." in field_errors(response, "name")[0]
    assert not Placement.objects.exists()


def test_layoff_report(client, db):
    user = company_hr()
    client.force_login(user)
    data = {"date": "2026-01-10", "count": 12, "reason": "Efisiensi produksi"}
    assert submit(client, reverse("placement:company_layoff_create"), data).status_code == 302
    assert user.company_user.company.layoffs.get().count == 12


@pytest.mark.parametrize("kind", ["lowongan", "penempatan"])
def test_proof_pdf_holds_the_registration_number(client, db, pdftotext, kind):
    vacancy = VacancyFactory()
    client.force_login(company_hr(company=vacancy.company))
    report = vacancy
    if kind == "penempatan":
        report = Placement.objects.create(
            company=vacancy.company, person=PersonFactory(), nik=make_nik(serial=3), name="Budi", position="Welder",
            start_date=datetime.date(2026, 1, 5), contract_type="contract", source="other", is_local_resident=True,
        )  # fmt: skip
    response = client.get(reverse("placement:company_proof_pdf", kwargs={"kind": kind, "pk": report.pk}))
    assert response["Content-Type"] == "application/pdf"
    text = pdftotext(response.content)
    assert report.registration_number in text
    assert "BUKTI LAPOR" in text and vacancy.company.name in text
    assert f"/bukti-lapor/{report.registration_number}/" in text
