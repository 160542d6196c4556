"""Staff pages: walk-in registration, attendance, alumni search and export, private files."""

import csv
import datetime
import io
import re
from urllib.parse import unquote_plus

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disnaker.exports import safe_cell
from disnaker.models import EducationLevel, Kecamatan, Kelurahan, Person
from disnaker.roles import HEAD_OF_OFFICE, LPK_SUPERVISOR, PLACEMENT_OFFICER, TRAINING_OFFICER
from tests.e2e.privacy import niks_in
from tests.factories import (
    PDF_BYTES,
    BatchFactory,
    CertificationFactory,
    PersonFactory,
    ProgrammeFactory,
    RegistrationFactory,
    UserFactory,
    VocationFactory,
    make_nik,
)
from tests.submission import submit
from tests.training.conftest import login_in_english
from training.alumni import STATUS_UNKNOWN, alumni_search
from training.models import Attendance, Batch, ParticipantCertificate, Registration, TracerResponse

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PDF = PDF_BYTES


@pytest.fixture
def as_role(client, staff_user):
    """``as_role("Petugas Pelatihan")`` is a test client logged in as staff of that role."""
    return lambda role: login_in_english(client, staff_user(role))


@pytest.fixture
def files(tmp_path, monkeypatch):
    """Private files in a temporary folder instead of MEDIA_ROOT."""
    storage = FileSystemStorage(location=tmp_path / "private")
    fields = ((Registration, "ktp_document"), (Registration, "diploma_document"), (ParticipantCertificate, "pdf"))
    for model, name in fields:
        monkeypatch.setattr(model._meta.get_field(name), "storage", storage)
    return storage


# --- Who may open what: a URL × role matrix ----------------------------------------------------


def _urls():
    registration = RegistrationFactory(status="confirmed", outcome="graduated")
    certificate = ParticipantCertificate.objects.create(registration=registration, number="C-1", issued_on=TODAY)
    return {
        "walk_in": reverse("training:staff_walk_in"),
        "attendance": reverse("training:staff_attendance", args=[registration.batch_id]),
        "alumni": reverse("training:staff_alumni"),
        "alumni_export": reverse("training:staff_alumni_export"),
        "document": reverse("training:staff_document", args=[registration.pk, "ktp"]),
        "certificate": reverse("training:staff_certificate", args=[certificate.pk]),
    }


# GET status per role, in the order of _urls(): walk_in, attendance, alumni, alumni_export, document,
# certificate. 404 means let in (the test registration has no KTP scan, the certificate no PDF yet).
MATRIX = {
    TRAINING_OFFICER: (200, 200, 200, 200, 404, 404),
    HEAD_OF_OFFICE: (403, 200, 200, 200, 403, 404),
    PLACEMENT_OFFICER: (403, 200, 200, 200, 404, 404),
    LPK_SUPERVISOR: (403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_each_role_gets_what_its_permissions_allow(as_role, role):
    client = as_role(role)
    urls = _urls()
    answers = {name: client.get(url).status_code for name, url in urls.items()}
    assert answers == dict(zip(urls, MATRIX[role], strict=True))


def test_anonymous_visitors_and_non_staff_are_sent_to_the_admin_login(client):
    urls = _urls()
    for user in (None, UserFactory(is_staff=False)):
        if user:
            client.force_login(user)
        for url in urls.values():
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login")), url


def test_staff_without_any_role_is_refused(client):
    login_in_english(client, UserFactory(is_staff=True))
    for url in _urls().values():
        assert client.get(url).status_code == 403


# --- Walk-in registration ------------------------------------------------------------------


def _walk_in_data(batch, **overrides):
    birth = datetime.date(2001, 7, 2)
    data = {
        "batch": batch.pk,
        "nik": make_nik(sex="P", birth_date=birth, serial=77),
        "name": "Siti Nurhaliza",
        "sex": "P",
        "birth_place": "Cilegon",
        "birth_date": birth.isoformat(),
        "address": "Jl. Mawar 1",
        "kelurahan": Kelurahan.objects.get(name="Cibeber").pk,
        "education": EducationLevel.objects.get(code="sma").pk,
        "disability": "",
        "phone": "081234567890",
        "email": "",
    }
    return data | overrides


def test_walk_in_creates_the_person_and_the_registration(as_role):
    client = as_role(TRAINING_OFFICER)
    batch = BatchFactory()
    page = client.get(reverse("training:staff_walk_in"), {"batch": batch.pk})
    assert page.status_code == 200 and page.context["form"]["batch"].value() == str(batch.pk)
    response = submit(client, reverse("training:staff_walk_in"), _walk_in_data(batch))
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:training_registration_change", args=[registration.pk])
    assert (registration.person.name, registration.channel, registration.batch) == ("Siti Nurhaliza", "walk_in", batch)
    assert registration.created_by is not None and registration.created_by.is_staff


def test_walk_in_refuses_a_bidi_override_in_the_name_and_an_emoji_in_the_place_of_birth(as_role):
    client = as_role(TRAINING_OFFICER)
    data = _walk_in_data(BatchFactory(), name="Siti\u202e Nurhaliza", birth_place="Cilegon 🏭")
    response = submit(client, reverse("training:staff_walk_in"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "U+202E" in errors["name"][0] and "“🏭”" in errors["birth_place"][0]
    assert not Person.objects.exists() and not Registration.objects.exists()


def test_walk_in_with_documents_keeps_them_private(as_role, files):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = as_role(TRAINING_OFFICER)
    data = _walk_in_data(BatchFactory()) | {"ktp_document": SimpleUploadedFile("3672014207010077.pdf", PDF)}
    assert submit(client, reverse("training:staff_walk_in"), data).status_code == 302
    registration = Registration.objects.get()
    assert registration.ktp_document and "3672" not in registration.ktp_document.name
    document = client.get(reverse("training:staff_document", args=[registration.pk, "ktp"]))
    assert b"".join(document.streaming_content) == PDF


def test_walk_in_uses_the_known_person_when_name_and_birth_date_match(as_role):
    client = as_role(TRAINING_OFFICER)
    batch = BatchFactory()
    data = _walk_in_data(batch)
    known = PersonFactory(nik=data["nik"], name="SITI NURHALIZA", sex="P", birth_date=datetime.date(2001, 7, 2))
    assert submit(client, reverse("training:staff_walk_in"), data).status_code == 302
    assert Person.objects.count() == 1
    assert Registration.objects.get().person == known


def test_walk_in_with_a_known_nik_but_another_name_is_an_error_beside_the_nik(as_role):
    client = as_role(TRAINING_OFFICER)
    data = _walk_in_data(BatchFactory())
    PersonFactory(nik=data["nik"], name="Dewi Sartika", sex="P", birth_date=datetime.date(2001, 7, 2))
    response = submit(client, reverse("training:staff_walk_in"), data)
    assert response.status_code == 200
    assert "another name or date of birth" in str(response.context["form"].errors["nik"])
    assert not Registration.objects.exists()


def test_a_refused_walk_in_registration_leaves_no_person_behind(as_role):
    client = as_role(TRAINING_OFFICER)
    batch = BatchFactory()
    data = _walk_in_data(batch, kelurahan="")  # lives outside the city: the batch is for residents
    response = submit(client, reverse("training:staff_walk_in"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["kelurahan"]
    assert not Person.objects.filter(nik=data["nik"]).exists()
    assert not Registration.objects.exists()


def test_walk_in_shows_a_wrong_sex_for_the_nik_beside_the_field(as_role):
    client = as_role(TRAINING_OFFICER)
    response = submit(client, reverse("training:staff_walk_in"), _walk_in_data(BatchFactory(), sex="L"))
    assert response.status_code == 200
    assert "sex" in response.context["form"].errors
    assert not Person.objects.exists()


def test_walk_in_get_never_registers(as_role):
    client = as_role(TRAINING_OFFICER)
    assert client.get(reverse("training:staff_walk_in"), _walk_in_data(BatchFactory())).status_code == 200
    assert not Person.objects.exists() and not Registration.objects.exists()


@pytest.mark.parametrize("role", [HEAD_OF_OFFICE, PLACEMENT_OFFICER])
def test_read_only_roles_cannot_post_a_walk_in(as_role, role):
    response = submit(as_role(role), reverse("training:staff_walk_in"), _walk_in_data(BatchFactory()))
    assert response.status_code == 403
    assert not Person.objects.exists()


# --- Attendance -----------------------------------------------------------------------------


def _running_batch(participants: int = 3):
    start = TODAY - datetime.timedelta(days=TODAY.weekday() + 7)  # Monday of last week
    batch = BatchFactory(
        start_date=start,
        end_date=start + datetime.timedelta(days=11),  # two weeks, 10 training days
        registration_opens=start - datetime.timedelta(days=30),
        registration_closes=start - datetime.timedelta(days=3),
        status="running",
    )
    people = [RegistrationFactory(batch=batch, status="confirmed") for _ in range(participants)]
    Batch.objects.filter(pk=batch.pk).update(seats_taken=participants)
    return batch, people


def test_attendance_lists_the_confirmed_participants_ticked_present(as_role):
    batch, people = _running_batch()
    reserve = RegistrationFactory(batch=batch, status="reserve", reserve_rank=1)
    response = as_role(TRAINING_OFFICER).get(reverse("training:staff_attendance", args=[batch.pk]))
    assert response.status_code == 200
    shown = response.context["participants"]
    assert {p.pk for p in shown} == {p.pk for p in people} and reserve.pk not in {p.pk for p in shown}
    assert all(p.is_present for p in shown)
    assert response.context["day"] == max(d for d in batch.training_days if d <= TODAY)


def test_saving_attendance_records_the_day_and_shows_each_percentage(as_role):
    client = as_role(TRAINING_OFFICER)
    batch, (a, b, c) = _running_batch()
    url = reverse("training:staff_attendance", args=[batch.pk])
    first, second = batch.training_days[:2]
    client.post(url, {"day": first.isoformat(), "present": [a.pk, b.pk]})
    response = client.post(url, {"day": second.isoformat(), "present": [a.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == f"{url}?day={second.isoformat()}"
    messages = [str(m) for m in response.context["messages"]]
    assert messages[-1] == f"Attendance for {second:%d-%m-%Y} saved: 1 present, 2 absent."
    records = {(r.registration_id, r.day): r.present for r in Attendance.objects.all()}
    assert records == {
        (a.pk, first): True, (b.pk, first): True, (c.pk, first): False,
        (a.pk, second): True, (b.pk, second): False, (c.pk, second): False,
    }  # fmt: skip
    percent = {p.pk: p.percent for p in response.context["participants"]}
    assert percent == {a.pk: 100, b.pk: 50, c.pk: 0}  # of the 2 days recorded so far
    below = {p.pk: p.below_threshold for p in response.context["participants"]}
    assert below == {a.pk: False, b.pk: True, c.pk: True}  # the batch needs 80 %
    shown = {p.pk: p.is_present for p in response.context["participants"]}
    assert shown == {a.pk: True, b.pk: False, c.pk: False}  # the saved day, as recorded


def test_attendance_refuses_a_day_that_is_not_a_training_day(as_role):
    client = as_role(TRAINING_OFFICER)
    batch, people = _running_batch()
    saturday = batch.start_date + datetime.timedelta(days=5)
    response = client.post(reverse("training:staff_attendance", args=[batch.pk]), {"day": saturday.isoformat()})
    assert response.status_code == 200 and response.context["form"].errors["day"]
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("role", [HEAD_OF_OFFICE, PLACEMENT_OFFICER])
def test_read_only_roles_see_attendance_but_cannot_record_it(as_role, role):
    client = as_role(role)
    batch, people = _running_batch()
    url = reverse("training:staff_attendance", args=[batch.pk])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["can_record"]
    response = client.post(url, {"day": batch.training_days[0].isoformat(), "present": [people[0].pk]})
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_attendance_of_an_unknown_batch_is_404(as_role):
    assert as_role(TRAINING_OFFICER).get(reverse("training:staff_attendance", args=[999999])).status_code == 404


def test_the_attendance_page_makes_the_same_queries_for_1_and_30_participants(as_role):
    client = as_role(TRAINING_OFFICER)
    batch, (first,) = _running_batch(participants=1)
    Attendance.objects.create(registration=first, day=batch.training_days[0])
    url = reverse("training:staff_attendance", args=[batch.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(29):
        registration = RegistrationFactory(batch=batch, status="confirmed")
        Attendance.objects.create(registration=registration, day=batch.training_days[0])
    with CaptureQueriesContext(connection) as thirty:
        assert len(client.get(url).context["participants"]) == 30
    assert len(thirty) == len(one)


# --- Alumni search ----------------------------------------------------------------------------


def _graduate(name, *, vocation, kelurahan, end_year=2025, status=None, **person):
    person = PersonFactory(name=name, kelurahan=kelurahan, **person)
    end = datetime.date(end_year, 6, 20)
    batch = BatchFactory(
        programme=ProgrammeFactory(vocation=vocation),
        start_date=end - datetime.timedelta(days=30),
        end_date=end,
        registration_opens=end - datetime.timedelta(days=60),
        registration_closes=end - datetime.timedelta(days=40),
        status="finished",
    )
    registration = RegistrationFactory(person=person, batch=batch, status="confirmed", outcome="graduated")
    if status:
        TracerResponse.objects.create(
            registration=registration, months_after=3, answered_at=timezone.now(), status=status, channel="phone"
        )
    return registration


@pytest.fixture
def alumni():
    """Welders and K3 staff in two kecamatan, certified or not, working or not."""
    las = VocationFactory(code="las", name="Las")
    k3 = VocationFactory(code="k3", name="K3")
    kelurahan = {k.name: k for k in Kelurahan.objects.filter(name__in=["Cibeber", "Suralaya"])}
    cibeber, suralaya = kelurahan["Cibeber"], kelurahan["Suralaya"]
    rows = {
        "Ahmad": _graduate("Ahmad", vocation=las, kelurahan=cibeber, status="not_working"),
        "Budi": _graduate("Budi", vocation=las, kelurahan=suralaya, status="working"),
        "Candra": _graduate("Candra", vocation=las, kelurahan=cibeber, end_year=2026, status="not_working"),
        "Dewi": _graduate("Dewi", vocation=k3, kelurahan=cibeber),
        "Eko": _graduate("Eko", vocation=las, kelurahan=None, status="not_working"),
    }
    for name in ("Ahmad", "Budi"):
        CertificationFactory(person=rows[name].person, scheme="Juru Las 3G SMAW")
    CertificationFactory(person=rows["Dewi"].person, scheme="Ahli K3 Umum")
    CertificationFactory(
        person=rows["Eko"].person,
        scheme="Juru Las 3G SMAW",
        issued_on=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2023, 1, 1),
    )
    # Certified but dropped out: never an alumnus.
    dropout = RegistrationFactory(person__name="Fajar", batch__programme__vocation=las, outcome="dropped_out")
    CertificationFactory(person=dropout.person, scheme="Juru Las 3G SMAW")
    return {"las": las, "k3": k3, "cibeber": cibeber, "suralaya": suralaya}


def _names(rows) -> set[str]:
    return {row.person.name for row in rows}


def test_certified_welders_living_in_the_city_not_yet_working(alumni):
    rows = alumni_search(scheme="las", certified=True, resident=True, status="not_working")
    assert _names(rows) == {"Ahmad"}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"Ahmad", "Budi", "Candra", "Dewi", "Eko"}),
        ({"scheme": "Las 3G"}, {"Ahmad", "Budi", "Eko"}),
        ({"scheme": "las", "certified": True}, {"Ahmad", "Budi"}),
        ({"scheme": "las", "certified": False}, {"Eko"}),
        ({"certified": True}, {"Ahmad", "Budi", "Dewi"}),
        ({"certified": False}, {"Candra", "Eko"}),
        ({"vocation": "k3"}, {"Dewi"}),
        ({"vocation": "las", "year": 2026}, {"Candra"}),
        ({"year": 2025, "status": "not_working"}, {"Ahmad", "Eko"}),
        ({"kecamatan": "suralaya"}, {"Budi"}),
        ({"kecamatan": "cibeber", "status": STATUS_UNKNOWN}, {"Dewi"}),
        ({"resident": True, "status": "not_working"}, {"Ahmad", "Candra"}),
        ({"status": "working"}, {"Budi"}),
        ({"vocation": "k3", "status": "working"}, set()),
    ],
)
def test_alumni_search_filter_combinations(alumni, filters, expected):
    named = {"vocation": alumni.get(filters.get("vocation"))}
    if "kecamatan" in filters:
        named["kecamatan"] = alumni[filters["kecamatan"]].kecamatan
    assert _names(alumni_search(**(filters | {k: v for k, v in named.items() if v}))) == expected


def test_the_current_status_is_the_latest_answer_of_the_person(alumni):
    ahmad = Registration.objects.get(person__name="Ahmad")
    TracerResponse.objects.create(
        registration=ahmad, months_after=6, answered_at=timezone.now() + datetime.timedelta(hours=1),
        status="working", company="PT Chandra Asri",
    )  # fmt: skip
    TracerResponse.objects.create(registration=ahmad, months_after=12)  # asked, not answered yet
    assert "Ahmad" not in _names(alumni_search(status="not_working"))
    assert _names(alumni_search(status="working")) == {"Ahmad", "Budi"}


def test_the_alumni_page_filters_by_query_string_and_masks_the_nik_without_permission(alumni, as_role, client):
    query = {"scheme": "las", "certified": "on", "resident": "on", "status": "not_working"}
    ahmad = Person.objects.get(name="Ahmad")
    officer = as_role(TRAINING_OFFICER).get(reverse("training:staff_alumni"), query)
    assert _names(officer.context["page"]) == {"Ahmad"}
    assert ahmad.nik in officer.content.decode()
    head = as_role(HEAD_OF_OFFICE).get(reverse("training:staff_alumni"), query)
    page = head.content.decode()
    assert _names(head.context["page"]) == {"Ahmad"}
    assert ahmad.nik not in page and ahmad.nik_masked in page


def test_the_alumni_page_filters_by_kecamatan_and_vocation_in_the_form(alumni, as_role):
    kecamatan = Kecamatan.objects.get(pk=alumni["cibeber"].kecamatan_id)
    query = {"kecamatan": kecamatan.pk, "vocation": alumni["las"].pk, "year": "2025"}
    response = as_role(TRAINING_OFFICER).get(reverse("training:staff_alumni"), query)
    assert _names(response.context["page"]) == {"Ahmad"}


def test_an_invalid_alumni_filter_is_shown_not_ignored(alumni, as_role):
    response = as_role(TRAINING_OFFICER).get(reverse("training:staff_alumni"), {"year": "1890"})
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert len(response.context["page"].object_list) == 0


def test_the_alumni_page_finds_a_graduate_by_nik_sent_by_post_and_no_url_carries_it(alumni, as_role):
    client = as_role(TRAINING_OFFICER)
    ahmad = Person.objects.get(name="Ahmad")
    spaced = f"{ahmad.nik[:6]} {ahmad.nik[6:12]} {ahmad.nik[12:]}"
    response = client.post(reverse("training:staff_alumni"), {"q": spaced, "scheme": "", "resident": "on"})
    location = response["Location"]
    assert response.status_code == 302 and not niks_in(location)
    assert re.fullmatch(re.escape(reverse("training:staff_alumni")) + r"\?resident=on&q=~[\w-]{8}", location)
    page = client.get(location)
    assert _names(page.context["page"]) == {"Ahmad"}
    html = page.content.decode()
    assert f'value="{spaced}"' in html  # the box shows what was typed
    links = [unquote_plus(href).replace("&amp;", "&") for href in re.findall(r'href="([^"]*)"', html)]
    export = next(link for link in links if link.startswith(reverse("training:staff_alumni_export")))
    assert not [link for link in links if niks_in(link)]
    assert [row[1] for row in _csv(client.get(export))[1:]] == ["Ahmad"]


def test_the_alumni_page_finds_by_name_and_moves_a_nik_out_of_the_query_string(alumni, as_role):
    client = as_role(TRAINING_OFFICER)
    by_name = client.post(reverse("training:staff_alumni"), {"q": "ahm"})
    assert by_name["Location"] == reverse("training:staff_alumni") + "?q=ahm"
    assert _names(client.get(by_name["Location"]).context["page"]) == {"Ahmad"}
    budi = Person.objects.get(name="Budi")
    moved = client.get(reverse("training:staff_alumni"), {"q": budi.nik, "status": "working"})
    assert moved.status_code == 302 and not niks_in(moved["Location"])
    assert _names(client.get(moved["Location"]).context["page"]) == {"Budi"}


def test_who_may_not_see_niks_cannot_find_a_graduate_by_one(alumni, as_role):
    client = as_role(HEAD_OF_OFFICE)
    ahmad = Person.objects.get(name="Ahmad")
    assert not client.get(reverse("training:staff_alumni"), {"q": ahmad.nik}, follow=True).context["page"]
    assert _names(client.get(reverse("training:staff_alumni"), {"q": "ahmad"}).context["page"]) == {"Ahmad"}


def test_a_search_token_of_another_session_finds_nothing(alumni, as_role, client):
    ahmad = Person.objects.get(name="Ahmad")
    location = as_role(TRAINING_OFFICER).post(reverse("training:staff_alumni"), {"q": ahmad.nik})["Location"]
    client.logout()
    response = as_role(TRAINING_OFFICER).get(location)  # a new staff member, a new session
    assert "This search is no longer kept" in response.content.decode()
    assert _names(response.context["page"]) == {"Ahmad", "Budi", "Candra", "Dewi", "Eko"}


def test_the_alumni_page_makes_the_same_queries_for_1_and_20_graduates(as_role):
    client = as_role(TRAINING_OFFICER)
    vocation = VocationFactory(code="las", name="Las")
    kelurahan = Kelurahan.objects.get(name="Cibeber")
    CertificationFactory(person=_graduate("G0", vocation=vocation, kelurahan=kelurahan, status="working").person)
    url = reverse("training:staff_alumni")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for index in range(1, 20):
        graduate = _graduate(f"G{index}", vocation=vocation, kelurahan=kelurahan, status="not_working")
        CertificationFactory(person=graduate.person)
    with CaptureQueriesContext(connection) as twenty:
        assert len(client.get(url).context["page"].object_list) == 20
    assert len(twenty) == len(one)


# --- Alumni export ----------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows()]


@pytest.fixture
def formula_alumnus():
    registration = _graduate(
        '=HYPERLINK("http://evil.example","klik")',
        vocation=VocationFactory(code="las", name="Las"),
        kelurahan=Kelurahan.objects.get(name="Cibeber"),
        phone="+62 812 3456 7890",
    )
    CertificationFactory(person=registration.person, scheme="@SUM(1+1)")
    return registration.person


def test_csv_export_writes_formulas_as_text(formula_alumnus, as_role):
    response = as_role(TRAINING_OFFICER).get(reverse("training:staff_alumni_export"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, row = _csv(response)
    values = dict(zip(header, row, strict=True))
    assert values["Name"] == '\'=HYPERLINK("http://evil.example","klik")'
    assert values["Certification scheme"] == "'@SUM(1+1)"
    assert values["Phone"] == "'+62 812 3456 7890"
    assert values["NIK"] == formula_alumnus.nik


def test_xlsx_export_writes_formulas_as_text_cells(formula_alumnus, as_role):
    response = as_role(TRAINING_OFFICER).get(reverse("training:staff_alumni_export"), {"format": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    header, row = _xlsx(response)
    cells = dict(zip([c.value for c in header], row, strict=True))
    name = cells["Name"]
    assert name.value == '\'=HYPERLINK("http://evil.example","klik")' and name.data_type == "s"
    assert cells["NIK"].value == formula_alumnus.nik and cells["NIK"].data_type == "s"
    assert cells["Graduated"].value.date() == datetime.date(2025, 6, 20)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_masks_the_nik_and_leaves_out_contacts_for_roles_without_the_permission(
    formula_alumnus, as_role, file_format
):
    response = as_role(HEAD_OF_OFFICE).get(reverse("training:staff_alumni_export"), {"format": file_format})
    if file_format == "csv":
        header, row = _csv(response)
    else:
        header, row = ([c.value for c in cells] for cells in _xlsx(response))
    values = dict(zip(header, row, strict=True))
    assert values["NIK"] == formula_alumnus.nik_masked
    assert "Phone" not in values and "E-mail" not in values
    assert formula_alumnus.nik.encode() not in response.content


def test_export_uses_the_same_filters_as_the_search(alumni, as_role):
    query = {"scheme": "las", "certified": "on", "resident": "on", "status": "not_working", "format": "csv"}
    rows = _csv(as_role(TRAINING_OFFICER).get(reverse("training:staff_alumni_export"), query))
    assert [row[1] for row in rows[1:]] == ["Ahmad"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+628123", "'+628123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Siti = Aminah", "Siti = Aminah"),
        ("", ""),
        (None, ""),
        (-5, -5),
        (datetime.date(2025, 1, 1), datetime.date(2025, 1, 1)),
    ],
)
def test_safe_cell_quotes_only_text_that_starts_like_a_formula(value, expected):
    assert safe_cell(value) == expected


# --- Private files ----------------------------------------------------------------------------


def test_documents_are_streamed_to_staff_allowed_to_see_personal_data(as_role, files):
    registration = RegistrationFactory()
    registration.ktp_document.save("scan.pdf", ContentFile(PDF))
    url = reverse("training:staff_document", args=[registration.pk, "ktp"])
    response = as_role(TRAINING_OFFICER).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert registration.person.nik not in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert (
        as_role(TRAINING_OFFICER).get(reverse("training:staff_document", args=[registration.pk, "diploma"])).status_code
        == 404
    )
    assert (
        as_role(TRAINING_OFFICER).get(reverse("training:staff_document", args=[registration.pk, "photo"])).status_code
        == 404
    )
    assert as_role(HEAD_OF_OFFICE).get(url).status_code == 403


def test_a_document_whose_file_is_gone_is_404(as_role, files):
    registration = RegistrationFactory(ktp_document="ktp/2026/missing.pdf")
    response = as_role(TRAINING_OFFICER).get(reverse("training:staff_document", args=[registration.pk, "ktp"]))
    assert response.status_code == 404


def test_an_uploaded_html_file_is_downloaded_not_rendered(as_role, files):
    registration = RegistrationFactory()
    registration.diploma_document.save("x.html", ContentFile(b"<script>alert(1)</script>"))
    response = as_role(TRAINING_OFFICER).get(reverse("training:staff_document", args=[registration.pk, "diploma"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "text/html" not in response["Content-Type"]


def test_certificate_pdf_is_streamed_to_staff(as_role, files):
    registration = RegistrationFactory(status="confirmed", outcome="graduated")
    certificate = ParticipantCertificate.objects.create(
        registration=registration, number="BLK/2026/X/000001", issued_on=TODAY
    )
    certificate.pdf.save("c.pdf", ContentFile(PDF))
    response = as_role(HEAD_OF_OFFICE).get(reverse("training:staff_certificate", args=[certificate.pk]))
    assert response.status_code == 200
    assert 'filename="sertifikat-BLK-2026-X-000001.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert as_role(TRAINING_OFFICER).get(reverse("training:staff_certificate", args=[999999])).status_code == 404
    assert as_role(LPK_SUPERVISOR).get(reverse("training:staff_certificate", args=[certificate.pk])).status_code == 403


def test_recording_a_day_again_updates_who_recorded_it_and_when(as_role):
    batch, (participant,) = _running_batch(participants=1)
    day = batch.training_days[0].isoformat()
    url = reverse("training:staff_attendance", args=[batch.pk])
    as_role(TRAINING_OFFICER).post(url, {"day": day, "present": [participant.pk]})
    first = Attendance.objects.get()
    Attendance.objects.filter(pk=first.pk).update(recorded_at=first.recorded_at - datetime.timedelta(hours=2))
    as_role(TRAINING_OFFICER).post(url, {"day": day})
    again = Attendance.objects.get()
    assert again.present is False
    assert again.recorded_by != first.recorded_by
    assert again.recorded_at > first.recorded_at - datetime.timedelta(hours=1)
