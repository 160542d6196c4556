"""Every changelist of the admin makes as many queries for 20 rows as for 1, and counts cheaply.

The changelists are taken from the admin site's registry, so a new ModelAdmin is covered as soon as
it is registered: the test fails until ``BUILDERS`` knows how to make its rows (or ``EXCEPTIONS``
says why it cannot be covered). Each row gets its own related rows (people, batches, companies),
as real data has, so a column that reads a relation per row shows up as extra queries.
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disnaker.admin_site import EstimatedCountPaginator
from disnaker.models import (
    Certification,
    DataAccess,
    DataAccessSubject,
    EducationLevel,
    KbjiMajorGroup,
    KbliSection,
    Kecamatan,
    Kelurahan,
    NikClaim,
    OutboxMessage,
    PublishedIndicator,
    Summary,
)
from disnaker.registry import project_apps
from disnaker.roles import ADMIN, AUDITOR, HEAD_OF_OFFICE
from tests.factories import (
    BatchFactory,
    CertificationFactory,
    CompanyFactory,
    GraduateReportFactory,
    InstitutionFactory,
    LicenceFactory,
    PersonFactory,
    ProgrammeFactory,
    RegistrationFactory,
    UserFactory,
    VacancyFactory,
    VocationFactory,
    company_hr,
    lpk_operator,
    make_nik,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 10, 15)
_serial = itertools.count(1)


def _n() -> int:
    return next(_serial)


def _now():
    return timezone.now()


# --- Rows of each model: ``BUILDERS[label]()`` makes one row that the default changelist shows ---


def _kecamatan():
    return Kecamatan.objects.create(code=f"99.{_n():05d}", name=f"Kecamatan {_n()}")


def _kelurahan():
    return Kelurahan.objects.create(kecamatan=_kecamatan(), code=f"99.99.{_n():07d}", name=f"Kelurahan {_n()}")


def _nik_claim():
    n = _n()
    return NikClaim.objects.create(
        user=UserFactory(), nik=make_nik(serial=n, region="367299"), name=f"Pemohon {n}", sex="L",
        birth_date=datetime.date(1999, 4, 12), reason="The NIK belongs to another account",
    )  # fmt: skip


def _summary():
    n = _n()
    start = datetime.date(2000 + n // 12, n % 12 + 1, 1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return Summary.objects.create(period_kind="month", period_start=start, period_end=end, state="done")


def _registration():
    return RegistrationFactory()


def _report_graduate():
    person = PersonFactory()
    return _model("lpk_registry.ReportGraduate").objects.create(
        report=GraduateReportFactory(status="submitted"), person=person, nik=person.nik, name=person.name,
        sex=person.sex, programme="Bahasa Jepang N4", status="working", company="PT Krakatau",
    )  # fmt: skip


def _card(**fields):
    return _model("placement.JobSeekerCard").objects.create(
        person=PersonFactory(), education_history="SMA Negeri 1 Cilegon, 2017", status="applied",
        photo="ak1-photo/x.jpg", ktp_document="ak1-ktp/x.pdf", diploma_document="ak1-diploma/x.pdf", **fields,
    )  # fmt: skip


def _placement():
    person = PersonFactory()
    return _model("placement.Placement").objects.create(
        company=CompanyFactory(), vacancy=VacancyFactory(), person=person, nik=person.nik, name=person.name,
        position="Welder", start_date=TODAY, contract_type="contract", source="other", is_local_resident=True,
        reported_by=UserFactory(),
    )  # fmt: skip


def _apprenticeship():
    apprenticeship = _model("placement.Apprenticeship").objects.create(
        company=CompanyFactory(), programme="Magang Jepang", destination="japan", duration_months=12, start_date=TODAY
    )
    apprenticeship.participants.add(PersonFactory(), PersonFactory())
    return apprenticeship


def _supervision():
    activity = _model("lpk_registry.SupervisionActivity").objects.create(
        date=TODAY, title=f"Pembinaan {_n()}", kind="guidance"
    )
    activity.participations.create(institution=InstitutionFactory(), headcount=2)
    return activity


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


def _access(model_label, **fields):
    return _model(model_label).objects.create(
        user_agent="Mozilla/5.0", ip_address="127.0.0.1", username=f"user{_n()}@example.org",
        http_accept="text/html", path_info="/akun/masuk/", attempt_time=_now(), **fields,
    )  # fmt: skip


def _interval():
    return _model("django_celery_beat.IntervalSchedule").objects.create(every=_n(), period="seconds")


def _data_access():
    access = DataAccess.objects.create(
        user=UserFactory(is_staff=True), kind="list", person=PersonFactory(), what="NIK", row_count=1,
        view_name="admin:disnaker_person_changelist", path="/admin/disnaker/person/",
    )  # fmt: skip
    DataAccessSubject.objects.create(access=access, person=access.person)
    return access


BUILDERS = {
    "auth.Group": lambda: Group.objects.create(name=f"Group {_n()}"),
    "auth.User": lambda: UserFactory(),
    "axes.AccessAttempt": lambda: _access("axes.AccessAttempt", get_data="", post_data="", failures_since_start=1),
    "axes.AccessLog": lambda: _access("axes.AccessLog"),
    "axes.AccessFailureLog": lambda: _access("axes.AccessFailureLog", locked_out=False),
    "django_celery_beat.PeriodicTask": lambda: _model("django_celery_beat.PeriodicTask").objects.create(
        name=f"task {_n()}", task="disnaker.build_summaries", interval=_interval()
    ),
    "django_celery_beat.ClockedSchedule": lambda: _model("django_celery_beat.ClockedSchedule").objects.create(
        clocked_time=_now() + datetime.timedelta(minutes=_n())
    ),
    "django_celery_beat.CrontabSchedule": lambda: _model("django_celery_beat.CrontabSchedule").objects.create(
        minute=str(_n() % 60), hour=str(_n() % 24)
    ),
    "django_celery_beat.SolarSchedule": lambda: _model("django_celery_beat.SolarSchedule").objects.create(
        event="sunrise", latitude=Decimal("-6.0") - Decimal(_n()) / 100, longitude=Decimal("106.05")
    ),
    "django_celery_beat.IntervalSchedule": _interval,
    "disnaker.Kecamatan": _kecamatan,
    "disnaker.Kelurahan": _kelurahan,
    "disnaker.EducationLevel": lambda: EducationLevel.objects.create(code=f"e{_n()}", label="Level", rank=100 + _n()),
    "disnaker.KbliSection": lambda: KbliSection.objects.create(
        section="ABCDEFGHIJKLMNOPQRSTUVWXYZ"[KbliSection.objects.count()], divisions="01-03", name="Section"
    ),
    "disnaker.KbjiMajorGroup": lambda: KbjiMajorGroup.objects.create(
        code="0123456789ABCDEFGHIJKLMNOP"[KbjiMajorGroup.objects.count()], name="Group"
    ),
    "disnaker.Person": lambda: PersonFactory(),
    "disnaker.Certification": lambda: CertificationFactory(),
    "disnaker.NikClaim": _nik_claim,
    "disnaker.DataAccess": _data_access,
    "disnaker.Summary": _summary,
    "disnaker.OutboxMessage": lambda: OutboxMessage.objects.create(task="disnaker.health", args=[_n()]),
    "disnaker.PublishedIndicator": lambda: PublishedIndicator.objects.create(
        code="tpt", year=1900 + _n(), value=Decimal("7.25"), entered_by=UserFactory()
    ),
    "training.Vocation": lambda: VocationFactory(code=f"v{_n()}", name=f"Vocation {_n()}"),
    "training.Programme": lambda: ProgrammeFactory(),
    "training.Batch": lambda: _batch_with_registrations(),
    "training.Registration": _registration,
    "training.Attendance": lambda: _model("training.Attendance").objects.create(
        registration=_registration(), day=TODAY, recorded_by=UserFactory()
    ),
    "training.ParticipantCertificate": lambda: _model("training.ParticipantCertificate").objects.create(
        registration=_registration(), number=f"BLK/2026/{_n():05d}", issued_on=TODAY
    ),
    "training.TracerResponse": lambda: _model("training.TracerResponse").objects.create(
        registration=_registration(), months_after=3
    ),
    "lpk_registry.Institution": lambda: LicenceFactory().institution,
    "lpk_registry.Licence": lambda: LicenceFactory(),
    "lpk_registry.Accreditation": lambda: _model("lpk_registry.Accreditation").objects.create(
        institution=InstitutionFactory(), result="A", valid_from=TODAY, valid_until=TODAY + datetime.timedelta(days=900)
    ),
    "lpk_registry.Operator": lambda: lpk_operator(),
    "lpk_registry.SupervisionActivity": _supervision,
    "lpk_registry.GraduateReport": lambda: GraduateReportFactory(status="submitted", submitted_at=_now()),
    "lpk_registry.ReportGraduate": _report_graduate,
    "lpk_registry.ReminderSent": lambda: _model("lpk_registry.ReminderSent").objects.create(key=f"licence:{_n()}:90"),
    "placement.JobSeekerCard": _card,
    "placement.CardReport": lambda: _model("placement.CardReport").objects.create(
        card=_card(), reported_on=TODAY, recorded_by=UserFactory()
    ),
    "placement.Company": lambda: CompanyFactory(status="pending"),
    "placement.CompanyUser": lambda: company_hr(),
    "placement.Vacancy": lambda: VacancyFactory(reported_by=UserFactory()),
    "placement.Placement": _placement,
    "placement.Apprenticeship": _apprenticeship,
    "placement.LayoffReport": lambda: _model("placement.LayoffReport").objects.create(
        company=CompanyFactory(), date=TODAY, count=12, reason="Efisiensi"
    ),
}

# Changelists that cannot be covered, with the reason. None so far: keep it that way.
EXCEPTIONS: dict[str, str] = {}

# Reference tables the migrations fill: emptied first (in this order), so that the page holds 1, then 20 rows.
REFERENCE = {
    "disnaker.Kelurahan": ("disnaker.Kelurahan",),
    "disnaker.Kecamatan": ("disnaker.Kelurahan", "disnaker.Kecamatan"),
    "disnaker.EducationLevel": ("disnaker.EducationLevel",),
    "disnaker.KbliSection": ("disnaker.KbliSection",),
    "disnaker.KbjiMajorGroup": ("disnaker.KbjiMajorGroup",),
}


def _batch_with_registrations():
    batch = BatchFactory(programme=ProgrammeFactory())
    RegistrationFactory(batch=batch)
    RegistrationFactory(batch=batch, status="rejected", reason="Kuota penuh")
    return batch


# The read-only role that sees a model's changelist, when it is not the head of office.
READER = {"disnaker.DataAccess": AUDITOR, "disnaker.OutboxMessage": ADMIN}


def _cases():
    domain_apps = {app.label for app in project_apps()}
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        yield pytest.param(model_admin, "superuser", id=f"{label}-superuser")
        if model._meta.app_label in domain_apps:
            reader = READER.get(label, HEAD_OF_OFFICE)
            yield pytest.param(model_admin, reader, id=f"{label}-{reader}")


@pytest.fixture
def login(client, roles):
    def as_role(role: str):
        user = UserFactory(is_staff=True, is_superuser=role == "superuser")
        if role != "superuser":
            user.groups.add(roles[role])
        client.force_login(user)
        return client

    return as_role


def _changelist(client, model, params=None):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {}, follow=True)  # a NIK is moved out of the URL first
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.context["cl"], queries


def test_every_registered_model_admin_can_be_covered():
    registered = {model._meta.label for model in admin.site._registry}
    missing = registered - set(BUILDERS) - set(EXCEPTIONS)
    assert not missing, f"add a row builder to BUILDERS (or a reason to EXCEPTIONS) for: {sorted(missing)}"
    assert not set(BUILDERS) & set(EXCEPTIONS)


@pytest.mark.parametrize(("model_admin", "role"), list(_cases()))
def test_changelist_makes_as_many_queries_for_20_rows_as_for_1(model_admin, role, login):
    model = model_admin.model
    label = model._meta.label
    if label in EXCEPTIONS:
        pytest.fail(f"{label} is not covered: {EXCEPTIONS[label]}")
    client = login(role)
    for reference in REFERENCE.get(label, ()):
        _model(reference).objects.all().delete()
    build = BUILDERS[label]

    build()
    _changelist(client, model)  # the first request of a session warms per-process caches
    changelist, one = _changelist(client, model)
    shown = len(changelist.result_list)
    assert shown >= 1, f"the default changelist of {label} does not show the row made for it"

    for _ in range(19):
        build()
    _changelist(client, model)  # as above: the first request after a change refills what the page caches
    changelist, twenty = _changelist(client, model)
    assert len(changelist.result_list) == shown + 19
    assert len(twenty) == len(one), (
        f"{label}: {len(one)} queries for {shown} row(s), {len(twenty)} for {shown + 19}:\n"
        + "\n".join(q["sql"][:200] for q in twenty.captured_queries)
    )


# --- The estimated count ----------------------------------------------------------------------


def _counts_of(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and f'"{table}"' in q["sql"]]


def test_a_small_table_is_counted_exactly(login):
    client = login("superuser")
    for _ in range(3):
        PersonFactory()
    changelist, queries = _changelist(client, _model("disnaker.Person"))
    assert changelist.result_count == 3
    assert changelist.paginator.exact and changelist.paginator.count_label == "3"
    assert len(_counts_of(queries, "disnaker_person")) == 1


def test_a_big_unfiltered_table_is_estimated_on_postgresql_and_counted_elsewhere(login, monkeypatch):
    """With the threshold at one row every table is "big": PostgreSQL estimates, SQLite counts."""
    client = login("superuser")
    for _ in range(3):
        PersonFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE disnaker_person")
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_BELOW", 1)
    changelist, queries = _changelist(client, _model("disnaker.Person"))
    counts = _counts_of(queries, "disnaker_person")
    if connection.vendor == "postgresql":
        assert counts == [] and not changelist.paginator.exact
        assert changelist.result_count == 3  # ANALYZE of a small table counts every row
        assert changelist.paginator.count_label == "≈ 3"
    else:
        assert len(counts) == 1 and changelist.paginator.exact and changelist.result_count == 3


def test_on_postgresql_an_unfiltered_changelist_makes_no_count_and_a_filtered_one_does(postgres, login, monkeypatch):
    client = login("superuser")
    for sex in "LLP":
        PersonFactory(sex=sex)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE disnaker_person")
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_BELOW", 1)
    person = _model("disnaker.Person")

    changelist, queries = _changelist(client, person)
    assert _counts_of(queries, "disnaker_person") == []
    assert "≈ 3" in _page(client, person)

    changelist, queries = _changelist(client, person, {"sex__exact": "L"})
    assert len(_counts_of(queries, "disnaker_person")) == 1
    assert changelist.result_count == 2 and changelist.paginator.exact

    monkeypatch.setattr(EstimatedCountPaginator, "CAP", 1)  # a filter matching more rows than the cap
    changelist, queries = _changelist(client, person, {"sex__exact": "L"})
    assert [sql for sql in _counts_of(queries, "disnaker_person") if "LIMIT 2" in sql]
    assert changelist.result_count == 1 and changelist.paginator.count_label == "1+"
    assert len(changelist.result_list) == 2  # the page itself is not cut by the capped count


def _page(client, model) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return client.get(url).content.decode()


def test_a_search_through_a_foreign_key_finds_rows_by_id_and_needs_every_word_in_one_field(login):
    client = login("superuser")
    wanted = RegistrationFactory(person__name="Siti Rahmawati")
    RegistrationFactory(person__name="Siti Aminah")
    RegistrationFactory(person__name="Dewi Rahmawati")
    registration = _model("training.Registration")
    for term in ("siti rahmawati", "RAHMAWATI SITI", wanted.person.nik, wanted.batch.code):
        changelist, _queries = _changelist(client, registration, {"q": term})
        assert list(changelist.result_list) == [wanted], term
    changelist, _queries = _changelist(client, registration, {"q": "rahmawati"})
    assert changelist.result_count == 2


def test_certification_years_are_offered_from_the_first_to_the_last(login):
    client = login("superuser")
    for year in (2019, 2024):
        CertificationFactory(issued_on=datetime.date(year, 3, 1), valid_until=datetime.date(year + 3, 3, 1))
    page = _page(client, Certification)
    assert all(f"issued_on__year={year}" in page for year in range(2019, 2025))
    changelist, _queries = _changelist(client, Certification, {"issued_on__year": 2019})
    assert [c.issued_on.year for c in changelist.result_list] == [2019]
