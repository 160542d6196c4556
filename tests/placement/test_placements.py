"""Placement reports: the source and local-resident flags, the headcount under concurrency, bulk upload."""

import datetime
import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from lpk_registry.services import GraduateRow, ReportContent, report_replace_content
from placement import services
from placement.models import JobSeekerCard, Placement, PlacementSource, Vacancy
from tests.factories import (
    CompanyFactory,
    GraduateReportFactory,
    PersonFactory,
    RegistrationFactory,
    VacancyFactory,
    company_hr,
    make_nik,
)
from tests.lpk_registry.test_import import private_storage_in

START = datetime.date(2026, 1, 5)


def report(company, nik, name="Budi Santoso", **extra):
    return services.placement_report(
        company=company, actor=None, nik=nik, name=name, position="Welder", start_date=START,
        contract_type="contract", **extra,
    )  # fmt: skip


@pytest.fixture
def company(db):
    return CompanyFactory()


def test_blk_graduate_is_source_blk_and_local(company):
    registration = RegistrationFactory(status="confirmed", outcome="graduated")
    placement = report(company, registration.person.nik)
    assert (placement.source, placement.is_local_resident) == (PlacementSource.BLK, True)
    assert placement.person == registration.person


def test_lpk_graduate_is_source_lpk(company):
    person = PersonFactory()
    row = GraduateRow(nik=person.nik, name=person.name, sex=person.sex, programme="Las", status="not_working")
    report_replace_content(report=GraduateReportFactory(), content=ReportContent(graduates=[row]), actor=None)
    assert report(company, person.nik).source == PlacementSource.LPK


def test_ak1_holder_is_source_ak1(company):
    person = PersonFactory()
    JobSeekerCard.objects.create(
        person=person, status="active", number="AK1/3672/2026/00001", issued_on=START,
        valid_until=START + datetime.timedelta(days=730), education_history="SMA 2018",
        photo="x.jpg", ktp_document="k.pdf", diploma_document="d.pdf",
    )  # fmt: skip
    placement = report(company, person.nik)
    assert placement.source == PlacementSource.AK1
    card = JobSeekerCard.objects.get(person=person)
    assert (card.placed_with, card.placed_at) == (company.name, START)  # card_record_placement was called


def test_dropped_out_blk_and_unknown_person_are_other_and_not_local(company):
    RegistrationFactory(status="confirmed", outcome="dropped_out")
    nik = make_nik(sex="P", birth_date=datetime.date(2001, 3, 9), serial=77, region="360401")
    placement = report(company, nik, name="Siti Aminah")
    assert (placement.source, placement.is_local_resident) == (PlacementSource.OTHER, False)
    assert (placement.person.sex, placement.person.birth_date) == ("P", datetime.date(2001, 3, 9))


def test_vacancy_of_another_company_is_refused(company):
    vacancy = VacancyFactory()
    with pytest.raises(ValidationError) as error:
        report(company, PersonFactory().nik, vacancy=vacancy)
    assert "vacancy" in error.value.error_dict


def test_last_position_fills_the_vacancy_then_refuses(company):
    vacancy = VacancyFactory(company=company, headcount=1)
    report(company, PersonFactory().nik, vacancy=vacancy)
    vacancy.refresh_from_db()
    assert (vacancy.filled, vacancy.status) == (1, "filled")
    with pytest.raises(ValidationError, match="sudah terisi"):
        report(company, PersonFactory().nik, vacancy=vacancy)


def test_pending_company_cannot_report(db):
    with pytest.raises(ValidationError, match="menunggu verifikasi"):
        report(CompanyFactory(status="pending"), PersonFactory().nik)


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_reports_fill_exactly_three_positions(postgres):
    company = CompanyFactory()
    vacancy = VacancyFactory(company=company, headcount=3)
    niks = [PersonFactory().nik for _ in range(10)]
    barrier = threading.Barrier(10)
    outcomes = []

    def worker(nik):
        try:
            barrier.wait()
            report(company, nik, vacancy=vacancy)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(nik,)) for nik in niks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    vacancy = Vacancy.objects.get(pk=vacancy.pk)
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 7
    assert vacancy.filled == 3 == Placement.objects.filter(vacancy=vacancy).count()
    assert vacancy.status == "filled"


# --- Bulk upload ------------------------------------------------------------------------------

HEADER = "NIK,Nama,Jenis Kelamin (L/P),Jabatan,Tanggal Mulai,Jenis Kontrak,Kisaran Upah\n"


@pytest.fixture(autouse=True)
def private_uploads(settings, tmp_path):
    """Uploads waiting for their confirmation go to a temporary private storage."""
    return private_storage_in(settings, tmp_path / "private")


def upload(client, company, text: str, **data):
    """Uploads the file, then confirms the preview when the file had no problems."""
    client.force_login(company_hr(company=company))
    file = SimpleUploadedFile("penempatan.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("placement:company_placement_upload"), {"file": file, **data})
    if response.status_code == 302:
        assert response.url == reverse("placement:company_placement_upload_preview")
        assert not Placement.objects.exists()  # nothing is reported before the confirmation
        response = client.post(reverse("placement:company_placement_upload_confirm"))
    return response


def test_upload_saves_every_row(client, company):
    a, b = PersonFactory(sex="L"), PersonFactory(sex="P")
    text = (
        HEADER
        + f"{a.nik},Budi Santoso,L,Welder,05-01-2026,PKWT,2-4\n"
        + f"{b.nik},Siti Aminah,P,Operator,2026-01-06,PKWTT,\n"
    )
    response = upload(client, company, text)
    assert response.status_code == 302
    assert response.url == reverse("placement:company_placements")
    assert Placement.objects.filter(company=company).count() == 2


def test_upload_with_a_bad_row_names_it_and_saves_nothing(client, company):
    good = PersonFactory(sex="L")
    women_nik = make_nik(sex="P", serial=5)
    text = (
        HEADER
        + f"{good.nik},Joko Widodo,L,Welder,05-01-2026,PKWT,\n"
        + f"{women_nik},Andi,L,Welder,05-01-2026,PKWT,\n"
        + "123,Rudi,L,Welder,31-02-2026,kontrak sebentar,\n"
    )
    response = upload(client, company, text)
    assert response.status_code == 200
    errors = [(e.row, e.column) for e in response.context["result"].errors]
    assert errors == [(3, "Jenis Kelamin (L/P)"), (4, "NIK"), (4, "Tanggal Mulai"), (4, "Jenis Kontrak")]
    body = " ".join(response.content.decode().split())
    assert '<td class="text-end">3</td> <td>Jenis Kelamin (L/P)</td>' in body
    assert not Placement.objects.exists()


def test_upload_refused_by_the_service_saves_nothing(client, company):
    vacancy = VacancyFactory(company=company, headcount=1)
    a, b = PersonFactory(sex="L"), PersonFactory(sex="L")
    text = HEADER + f"{a.nik},Budi Santoso,L,Welder,05-01-2026,PKWT,\n{b.nik},Siti Aminah,L,Welder,05-01-2026,PKWT,\n"
    response = upload(client, company, text, vacancy=vacancy.pk)
    assert response.status_code == 302
    assert response.url == reverse("placement:company_placement_upload")
    assert "Baris 3" in client.get(response.url).content.decode()
    assert not Placement.objects.exists()
    vacancy.refresh_from_db()
    assert vacancy.filled == 0


def test_upload_reads_xlsx(client, company):
    import openpyxl

    person = PersonFactory(sex="L")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append([person.nik, person.name, "L", "Welder", datetime.datetime(2026, 1, 5), "PKWT", None])
    data = io.BytesIO()
    workbook.save(data)
    client.force_login(company_hr(company=company))
    file = SimpleUploadedFile("p.xlsx", data.getvalue())
    response = client.post(reverse("placement:company_placement_upload"), {"file": file})
    assert response.status_code == 302
    client.post(reverse("placement:company_placement_upload_confirm"))
    assert Placement.objects.get().start_date == START
