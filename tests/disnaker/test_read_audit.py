"""The read audit: one row per view, download and export of personal data; append-only; the auditor's
admin; retention; what the job seeker sees of it and the download of their data."""

import datetime
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from disnaker import exports
from disnaker.models import DataAccess, DataAccessIsAppendOnly, DataAccessSubject
from disnaker.readaudit import accesses_for_person, accesses_purge, record_view
from disnaker.roles import ADMIN, AUDITOR, HEAD_OF_OFFICE, PLACEMENT_OFFICER, TRAINING_OFFICER
from lpk_registry.models import ReportGraduate
from placement.models import CardStatus, JobSeekerCard, Placement
from tests.factories import (
    BatchFactory,
    CompanyFactory,
    GraduateReportFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
    VacancyFactory,
    job_seeker,
)
from tests.security_roles import PDF_BYTES, png_bytes, use_storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tmp_path, monkeypatch):
    use_storage(monkeypatch, tmp_path / "private")


@pytest.fixture
def officer(staff_user):
    user = staff_user(TRAINING_OFFICER)
    user.first_name, user.last_name = "Rina", "Petugas"
    user.save()
    return user


def _admin(model: str, view: str = "changelist", *args) -> str:
    app = {"person": "disnaker", "registration": "training", "jobseekercard": "placement"}.get(model, "disnaker")
    return reverse(f"admin:{app}_{model}_{view}", args=args)


def _card(person, **files) -> JobSeekerCard:
    card = JobSeekerCard(person=person, status=CardStatus.APPLIED, education_history="SMK 2018")
    card.photo.save("foto.png", ContentFile(png_bytes()), save=False)
    card.ktp_document.save("ktp.pdf", ContentFile(PDF_BYTES), save=False)
    card.diploma_document.save("ijazah.pdf", ContentFile(PDF_BYTES), save=False)
    card.save()
    return card


# --- Each kind of access writes exactly one row ----------------------------------------------------


def test_a_person_page_seen_in_full_writes_one_view_row_without_the_query_string(client, officer, person):
    client.force_login(officer)
    url = _admin("person", "change", person.pk) + f"?_changelist_filters=q%3D{person.nik}"
    assert client.get(url).status_code == 200
    access = DataAccess.objects.get()
    assert (access.user, access.kind, access.person) == (officer, DataAccess.Kind.VIEW, person)
    assert access.view_name == "admin:disnaker_person_change"
    assert access.path == _admin("person", "change", person.pk) and person.nik not in access.path


def test_a_role_shown_the_masked_nik_leaves_no_row(client, staff_user, person):
    client.force_login(staff_user(HEAD_OF_OFFICE))
    assert client.get(_admin("person", "change", person.pk)).status_code == 200
    assert client.get(_admin("person")).status_code == 200
    assert not DataAccess.objects.exists()


def test_the_history_of_a_person_writes_one_view_row_per_page(client, officer, person):
    person.save()  # a second version
    client.force_login(officer)
    assert client.get(_admin("person", "history", person.pk)).status_code == 200
    version = person.history.earliest()
    url = reverse("admin:disnaker_person_simple_history", args=[person.pk, version.history_id])
    assert client.get(url).status_code == 200
    assert list(DataAccess.objects.values_list("kind", "person", "view_name")) == [
        (DataAccess.Kind.VIEW, person.pk, "admin:disnaker_person_simple_history"),
        (DataAccess.Kind.VIEW, person.pk, "admin:disnaker_person_history"),
    ]


@pytest.mark.parametrize("model", ["registration", "jobseekercard"])
def test_registration_and_card_pages_write_one_view_row_each(client, superuser, files, model):
    person = PersonFactory()
    row = RegistrationFactory(person=person) if model == "registration" else _card(person)
    client.force_login(superuser)
    assert client.get(_admin(model, "change", row.pk)).status_code == 200
    assert list(DataAccess.objects.values_list("kind", "person")) == [(DataAccess.Kind.VIEW, person.pk)]


def test_a_list_with_full_niks_writes_one_row_naming_everyone_on_it(client, officer):
    people = PersonFactory.create_batch(3)
    client.force_login(officer)
    assert client.get(_admin("person")).status_code == 200
    access = DataAccess.objects.get()
    assert (access.kind, access.person, access.row_count) == (DataAccess.Kind.LIST, None, 3)
    assert set(access.people.all()) == set(people)


@pytest.mark.parametrize("kind", ["ktp", "diploma"])
def test_a_registration_document_download_writes_one_row(client, officer, files, kind):
    registration = RegistrationFactory()
    getattr(registration, f"{kind}_document").save(f"{kind}.pdf", ContentFile(PDF_BYTES))
    client.force_login(officer)
    response = client.get(reverse("training:staff_document", args=[registration.pk, kind]))
    assert response.status_code == 200
    access = DataAccess.objects.get()
    assert (access.kind, access.person) == (DataAccess.Kind.DOCUMENT, registration.person)
    assert access.view_name == "training:staff_document"


@pytest.mark.parametrize("kind", ["photo", "ktp", "diploma"])
def test_an_ak1_document_download_writes_one_row(client, staff_user, files, kind):
    card = _card(PersonFactory())
    client.force_login(staff_user(PLACEMENT_OFFICER))
    assert client.get(reverse("placement:ak1_staff_document", args=[card.pk, kind])).status_code == 200
    assert list(DataAccess.objects.values_list("kind", "person")) == [(DataAccess.Kind.DOCUMENT, card.person.pk)]


def test_a_refused_or_missing_document_writes_nothing(client, staff_user, files):
    registration = RegistrationFactory()
    client.force_login(staff_user(HEAD_OF_OFFICE))
    assert client.get(reverse("training:staff_document", args=[registration.pk, "ktp"])).status_code == 403
    client.force_login(staff_user(TRAINING_OFFICER))
    assert client.get(reverse("training:staff_document", args=[registration.pk, "ktp"])).status_code == 404
    assert not DataAccess.objects.exists()


def test_an_alumni_export_writes_one_row_with_its_name_rows_and_people(client, officer):
    batch = BatchFactory(start_date=datetime.date(2025, 11, 1), end_date=datetime.date(2025, 11, 28))
    graduates = [RegistrationFactory(batch=batch, status="confirmed", outcome="graduated") for _ in range(2)]
    client.force_login(officer)
    response = client.get(reverse("training:staff_alumni_export") + "?format=csv")
    assert response.status_code == 200
    access = DataAccess.objects.get()
    assert (access.kind, access.what, access.row_count) == (DataAccess.Kind.EXPORT, "Alumni", 2)
    assert set(access.people.all()) == {g.person for g in graduates}
    assert access.path == reverse("training:staff_alumni_export")


def test_the_alumni_search_page_with_full_niks_writes_one_list_row(client, officer):
    batch = BatchFactory(start_date=datetime.date(2025, 11, 1), end_date=datetime.date(2025, 11, 28))
    graduate = RegistrationFactory(batch=batch, status="confirmed", outcome="graduated")
    client.force_login(officer)
    assert client.get(reverse("training:staff_alumni")).status_code == 200
    access = DataAccess.objects.get()
    assert access.kind == DataAccess.Kind.LIST and list(access.people.all()) == [graduate.person]


def test_an_export_without_personal_data_writes_nothing(client, superuser):
    client.force_login(superuser)
    client.get(reverse("statistics"))
    assert not DataAccess.objects.exists()


def test_every_declared_export_with_personal_data_must_say_whose(rf, officer):
    personal = [export for export in exports.EXPORTS.values() if export.personal]
    assert {export.name for export in personal} >= {"training.alumni", "placement.matching_candidates"}
    request = rf.get("/x/")
    request.user = officer
    with pytest.raises(ValueError, match="say whose"):
        personal[0].response(request, filename="x", header=["a"], rows=[[1]], title="x")


# --- Append-only ----------------------------------------------------------------------------------


@pytest.fixture
def access(rf, officer, person):
    request = rf.get("/admin/disnaker/person/1/change/")
    request.user = officer
    return record_view(request, person=person, what="NIK")


def test_the_model_refuses_updates_and_deletes(access):
    access.what = "something else"
    with pytest.raises(DataAccessIsAppendOnly):
        access.save()
    with pytest.raises(DataAccessIsAppendOnly):
        access.delete()
    with pytest.raises(DataAccessIsAppendOnly):
        DataAccess.objects.filter(pk=access.pk).update(what="x")
    with pytest.raises(DataAccessIsAppendOnly):
        DataAccess.objects.all().delete()
    with pytest.raises(DataAccessIsAppendOnly):
        DataAccessSubject.objects.all().delete()
    assert DataAccess.objects.get().what == "NIK"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE disnaker_dataaccess SET what = 'x'",
        "DELETE FROM disnaker_dataaccess",
        "UPDATE disnaker_dataaccesssubject SET person_id = person_id",
        "DELETE FROM disnaker_dataaccesssubject",
    ],
)
def test_the_database_refuses_updates_and_deletes(postgres, access, sql):
    DataAccessSubject.objects.create(access=access, person=access.person)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert DataAccess.objects.get().what == "NIK" and DataAccessSubject.objects.count() == 1


# --- Retention -------------------------------------------------------------------------------------


def test_the_purge_removes_only_rows_older_than_the_retention(officer, person, settings):
    settings.READ_AUDIT_RETENTION_DAYS = 30
    now = datetime.datetime(2026, 11, 25, 2, 0, tzinfo=datetime.UTC)
    old = DataAccess.objects.create(
        user=officer, kind="list", what="old", view_name="v", path="/", at=now - datetime.timedelta(days=31)
    )
    DataAccessSubject.objects.create(access=old, person=person)
    kept = DataAccess.objects.create(
        user=officer, kind="view", person=person, what="new", view_name="v", path="/", at=now - datetime.timedelta(29)
    )
    assert accesses_purge(now=now) == 1
    assert list(DataAccess.objects.all()) == [kept] and not DataAccessSubject.objects.exists()
    assert accesses_purge(now=now) == 0  # safe to run again


def test_after_the_purge_the_database_refuses_deletes_again(postgres, access, settings):
    settings.READ_AUDIT_RETENTION_DAYS = 0
    assert accesses_purge(now=access.at + datetime.timedelta(seconds=1)) == 1
    DataAccess.objects.create(user=access.user, kind="view", what="NIK", view_name="v", path="/")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM disnaker_dataaccess")


def test_the_purge_command_and_the_default_retention_of_five_years(officer, person, settings, capsys):
    assert settings.READ_AUDIT_RETENTION_DAYS == 1826
    DataAccess.objects.create(
        user=officer, kind="view", person=person, what="old", view_name="v", path="/",
        at=datetime.datetime(2021, 11, 1, tzinfo=datetime.UTC),
    )  # fmt: skip
    DataAccess.objects.create(
        user=officer, kind="view", person=person, what="recent", view_name="v", path="/",
        at=datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC),
    )  # fmt: skip
    call_command("purge_read_audit")
    assert "1 read-audit rows removed" in capsys.readouterr().out
    assert list(DataAccess.objects.values_list("what", flat=True)) == ["recent"]


def test_the_purge_runs_every_day(settings):
    assert settings.CELERY_BEAT_SCHEDULE["disnaker.read_audit_purge"]["task"] == "disnaker.read_audit_purge"


# --- The auditor's admin ----------------------------------------------------------------------------


def test_only_the_auditor_role_may_view_the_audit_and_no_role_may_change_it(roles):
    holders = {
        group.name
        for perm in Permission.objects.filter(content_type__model__in=["dataaccess", "dataaccesssubject"])
        for group in perm.group_set.all()
    }
    assert holders == {AUDITOR}
    assert set(roles[AUDITOR].permissions.values_list("codename", flat=True)) == {"view_dataaccess"}


def test_the_auditor_sees_the_audit_read_only(client, staff_user, access):
    client.force_login(staff_user(AUDITOR))
    listing = client.get(_admin("dataaccess"))
    assert listing.status_code == 200 and access.person.name in listing.content.decode()
    detail = client.get(_admin("dataaccess", "change", access.pk))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.get(_admin("dataaccess", "add")).status_code == 403
    assert client.get(_admin("dataaccess", "delete", access.pk)).status_code == 403
    assert client.post(_admin("dataaccess", "change", access.pk), {"what": "x"}).status_code == 403
    assert DataAccess.objects.get().what == "NIK"


def test_even_a_superuser_cannot_add_change_or_delete_in_the_admin(client, superuser, access):
    client.force_login(superuser)
    assert client.get(_admin("dataaccess")).status_code == 200
    assert client.get(_admin("dataaccess", "add")).status_code == 403
    assert client.get(_admin("dataaccess", "delete", access.pk)).status_code == 403
    assert client.post(_admin("dataaccess", "change", access.pk), {"what": "x"}).status_code == 403
    response = client.post(
        _admin("dataaccess"), {"action": "delete_selected", "_selected_action": [access.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302) and DataAccess.objects.count() == 1


@pytest.mark.parametrize("role", [ADMIN, TRAINING_OFFICER, HEAD_OF_OFFICE])
def test_other_staff_do_not_see_the_audit(client, staff_user, access, role):
    client.force_login(staff_user(role))
    assert client.get(_admin("dataaccess")).status_code == 403
    assert client.get(_admin("dataaccess", "change", access.pk)).status_code == 403


# --- What the job seeker sees ------------------------------------------------------------------------


def test_a_staff_view_of_a_person_shows_on_that_persons_account_and_not_on_others(client, officer):
    seeker, other = job_seeker(), job_seeker()
    client.force_login(officer)
    client.get(_admin("person", "change", seeker.person.pk))
    client.get(_admin("person", "change", other.person.pk))
    client.force_login(seeker)
    page = client.get(reverse("account_data_access")).content.decode()
    assert "Rina Petugas (Petugas Pelatihan)" in page and officer.username not in page
    assert page.count("<tr>") == 2  # the header and one access
    assert len(accesses_for_person(seeker.person)) == 1 and len(accesses_for_person(other.person)) == 1


def test_lists_and_exports_that_included_the_person_show_on_their_account(client, officer):
    seeker = job_seeker()
    batch = BatchFactory(start_date=datetime.date(2025, 11, 1), end_date=datetime.date(2025, 11, 28))
    RegistrationFactory(person=seeker.person, batch=batch, status="confirmed", outcome="graduated")
    client.force_login(officer)
    client.get(reverse("training:staff_alumni_export") + "?format=csv")
    assert [a.kind for a in accesses_for_person(seeker.person)] == [DataAccess.Kind.EXPORT]
    client.force_login(seeker)
    assert "Mengekspor data pribadi: Alumni" in client.get(reverse("account_data_access")).content.decode()


def test_the_account_home_links_the_history_and_the_download(client):
    client.force_login(job_seeker())
    page = client.get(reverse("account_home")).content.decode()
    assert reverse("account_data_access") in page and reverse("account_data_download") in page


def test_the_data_download_holds_the_persons_data_and_nobody_elses(client, officer, files):
    seeker = job_seeker()
    other = job_seeker()
    RegistrationFactory(person=seeker.person)
    RegistrationFactory(person=other.person)
    _card(seeker.person)
    Placement.objects.create(
        company=CompanyFactory(), vacancy=VacancyFactory(), person=seeker.person, nik=seeker.person.nik,
        name=seeker.person.name, position="Operator las", start_date=datetime.date(2026, 10, 1),
        contract_type="pkwt", source="portal", is_local_resident=True,
    )  # fmt: skip
    report = GraduateReportFactory()
    ReportGraduate.objects.create(
        report=report, person=seeker.person, nik=seeker.person.nik, name=seeker.person.name, sex=seeker.person.sex,
        programme="Tata boga", status="working",
    )  # fmt: skip
    client.force_login(officer)
    client.get(_admin("person", "change", seeker.person.pk))
    client.force_login(seeker)
    url = reverse("account_data_download")
    assert seeker.person.nik not in url
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["person"]["nik"] == seeker.person.nik and data["person"]["name"] == seeker.person.name
    assert len(data["training_registrations"]) == 1 and data["training_registrations"][0]["ktp_document"] is False
    assert len(data["ak1_cards"]) == 1 and data["ak1_cards"][0]["photo"] is True
    assert [p["position"] for p in data["placements"]] == ["Operator las"]
    assert [g["programme"] for g in data["lpk_graduations"]] == ["Tata boga"]
    assert [a["by"] for a in data["data_accesses"]] == ["Rina Petugas (Petugas Pelatihan)"]
    text = response.content.decode()
    assert other.person.nik not in text and other.person.name not in text
    assert "token" not in text and officer.username not in text


def test_an_account_without_a_person_is_sent_home(client):
    client.force_login(UserFactory())
    for name in ("account_data_access", "account_data_download"):
        assert client.get(reverse(name)).url == reverse("account_home")


def test_the_data_download_as_pdf_holds_the_persons_data_and_access_history(client, officer, pdftotext):
    seeker, other = job_seeker(), job_seeker()
    client.force_login(officer)
    client.get(_admin("person", "change", seeker.person.pk))
    client.force_login(seeker)
    response = client.get(reverse("account_data_download") + "?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = " ".join(pdftotext(response.content).split())
    assert seeker.person.nik in text and seeker.person.name in text and "Rina Petugas" in text
    assert other.person.nik not in text
