"""The visitors, objects, URL walk and expected answers of the security matrix (tests/test_security_matrix.py).

Every URL pattern of the project is visited by each of ``VISITORS``. "The" job seeker, operator and
company own the objects the URLs name; "the other" ones own objects of their own, so a URL of the
first must answer them 404 and show nothing of it.

What each staff role may do is written out here, in ``STAFF_GRANTS`` and ``EXTRA_GRANTS``, and never read
from ``disnaker/roles.py`` (that module only makes the groups, through ``roles_sync``): a grant changed
there alone makes the matrix fail, and ``grant_differences()`` names it. To add a row:

- a new URL (a portal page, a staff page, a custom admin view from a ModelAdmin's ``get_urls``): a row in
  ``PAGES`` of tests/test_security_matrix.py, one expected answer per visitor column (``staff(...)`` for a
  staff-only page: Admin Disnaker, Petugas Pelatihan, Petugas Penempatan, Pembina LPK, Pimpinan, superuser),
  and its arguments in ``URL_KWARGS`` there;
- a new model, or a role that is meant to get (or lose) a permission: its line in ``STAFF_GRANTS`` below
  (the standard admin pages of a registered model are expected from it), together with the change to
  ``disnaker/roles.py``;
- a ModelAdmin that refuses an action whatever the permission: ``ADMIN_REFUSES`` below.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from import_export.admin import ExportMixin, ImportMixin
from simple_history.admin import SimpleHistoryAdmin

# The group names and roles_sync only: what the roles may do is written out below.
from disnaker.roles import (
    ADMIN,
    AUDITOR,
    HEAD_OF_OFFICE,
    LPK_SUPERVISOR,
    PLACEMENT_OFFICER,
    TRAINING_OFFICER,
    roles_sync,
)
from tests.factories import PDF_BYTES, png_bytes

# --- Who visits -----------------------------------------------------------------------------------

# (role id, staff group or None); the column order of the tables.
VISITORS = (
    ("anonymous", None),
    ("seeker", None),
    ("other_seeker", None),
    ("operator", None),
    ("other_operator", None),
    ("hr", None),
    ("other_hr", None),
    ("admin_disnaker", ADMIN),
    ("petugas_pelatihan", TRAINING_OFFICER),
    ("petugas_penempatan", PLACEMENT_OFFICER),
    ("pembina_lpk", LPK_SUPERVISOR),
    ("pimpinan", HEAD_OF_OFFICE),
    ("superuser", None),
)
ROLE_IDS = tuple(role for role, _group in VISITORS)
GROUP_OF = {role: group for role, group in VISITORS if group}
STAFF_ROLES = (*GROUP_OF, "superuser")
NON_STAFF_ROLES = tuple(role for role in ROLE_IDS if role not in STAFF_ROLES)


# --- What each staff role may do ------------------------------------------------------------------

# model label -> what each role may do with it: v(iew), a(dd), c(hange), d(elete); "-" nothing.
# The columns are the staff visitors, in the order of VISITORS. A model without a line is granted to no
# role; a model's history (simple_history's Historical<Model>) is granted as its model is. The superuser
# may do everything.
# fmt: off
STAFF_GRANTS = {
    #                                      Admin   Petugas    Petugas     Pembina  Pimpinan
    #                                      Disn.   Pelatihan  Penempatan  LPK
    "auth.group":                         ("vacd", "-",       "-",        "-",     "-"),
    "auth.permission":                    ("vacd", "-",       "-",        "-",     "-"),
    "auth.user":                          ("vacd", "-",       "-",        "-",     "-"),
    "django_celery_beat.clockedschedule": ("vacd", "-",       "-",        "-",     "-"),
    "django_celery_beat.crontabschedule": ("vacd", "-",       "-",        "-",     "-"),
    "django_celery_beat.intervalschedule": ("vacd", "-",      "-",        "-",     "-"),
    "django_celery_beat.periodictask":    ("vacd", "-",       "-",        "-",     "-"),
    "django_celery_beat.periodictasks":   ("vacd", "-",       "-",        "-",     "-"),
    "django_celery_beat.solarschedule":   ("vacd", "-",       "-",        "-",     "-"),
    # people, regions, classifications, summaries
    "disnaker.certification":             ("vacd", "vac",     "vac",      "vac",   "v"),
    "disnaker.dataaccess":                ("-",    "-",       "-",        "-",     "-"),  # the Auditor's only
    "disnaker.educationlevel":            ("vacd", "vac",     "vac",      "vac",   "v"),
    "disnaker.kbjimajorgroup":            ("vacd", "vac",     "vac",      "vac",   "v"),
    "disnaker.kblisection":               ("vacd", "vac",     "vac",      "vac",   "v"),
    "disnaker.kecamatan":                 ("vacd", "vac",     "vac",      "vac",   "v"),
    "disnaker.kelurahan":                 ("vacd", "vac",     "vac",      "vac",   "v"),
    "disnaker.nikclaim":                  ("vacd", "vac",     "vac",      "vac",   "v"),
    "disnaker.outboxmessage":             ("v",    "-",       "-",        "-",     "-"),
    "disnaker.pendingsignup":             ("vacd", "vac",     "vac",      "vac",   "v"),  # no admin page
    "disnaker.person":                    ("vacd", "vac",     "vac",      "vac",   "v"),
    "disnaker.sentreminder":              ("vacd", "vac",     "vac",      "vac",   "v"),
    "disnaker.submissionkey":             ("vacd", "vac",     "vac",      "vac",   "v"),  # no admin page
    "disnaker.publishedindicator":        ("vacd", "vac",     "vac",      "vac",   "v"),
    "disnaker.summary":                   ("vacd", "vac",     "vac",      "vac",   "v"),
    # BLK training
    "training.attendance":                ("vacd", "vacd",    "v",        "-",     "v"),
    "training.batch":                     ("vacd", "vacd",    "v",        "-",     "v"),
    "training.participantcertificate":    ("vacd", "vacd",    "v",        "-",     "v"),
    "training.programme":                 ("vacd", "vacd",    "v",        "-",     "v"),
    "training.registration":              ("vacd", "vacd",    "v",        "-",     "v"),
    "training.tracerresponse":            ("vacd", "vacd",    "v",        "-",     "v"),
    "training.vocation":                  ("vacd", "vacd",    "v",        "-",     "v"),
    # LPK registry
    "lpk_registry.accreditation":         ("vacd", "-",       "-",        "vacd",  "v"),
    "lpk_registry.graduatereport":        ("vacd", "-",       "-",        "vacd",  "v"),
    "lpk_registry.institution":           ("vacd", "-",       "-",        "vacd",  "v"),
    "lpk_registry.licence":               ("vacd", "-",       "-",        "vacd",  "v"),
    "lpk_registry.operator":              ("vacd", "-",       "-",        "vacd",  "v"),
    "lpk_registry.remindersent":          ("vacd", "-",       "-",        "vacd",  "v"),
    "lpk_registry.reportevent":           ("vacd", "-",       "-",        "vacd",  "v"),
    "lpk_registry.reportgraduate":        ("vacd", "-",       "-",        "vacd",  "v"),
    "lpk_registry.reportprogrammeline":   ("vacd", "-",       "-",        "vacd",  "v"),
    "lpk_registry.supervisionactivity":   ("vacd", "-",       "-",        "vacd",  "v"),
    "lpk_registry.supervisionparticipation": ("vacd", "-",    "-",        "vacd",  "v"),
    # placement
    "placement.apprenticeship":           ("vacd", "-",       "vacd",     "-",     "v"),
    "placement.cardreport":               ("vacd", "-",       "vacd",     "-",     "v"),
    "placement.cardsequence":             ("vacd", "-",       "vacd",     "-",     "v"),
    "placement.company":                  ("vacd", "-",       "vacd",     "-",     "v"),
    "placement.companyuser":              ("vacd", "-",       "vacd",     "-",     "v"),
    "placement.jobseekercard":            ("vacd", "-",       "vacd",     "-",     "v"),
    "placement.layoffreport":             ("vacd", "-",       "vacd",     "-",     "v"),
    "placement.placement":                ("vacd", "-",       "vacd",     "-",     "v"),
    "placement.vacancy":                  ("vacd", "-",       "vacd",     "-",     "v"),
}
# fmt: on
# The permissions beyond the four actions, and the roles that hold them.
EXTRA_GRANTS = {
    "disnaker.reveal_person_nik": ("admin_disnaker", "petugas_pelatihan", "petugas_penempatan", "pembina_lpk"),
    "disnaker.publish_summary": ("admin_disnaker",),
}
# Roles no visitor of the matrix plays, and every permission they hold (tests/disnaker/test_read_audit.py
# visits the read audit as the Auditor).
OTHER_ROLE_GRANTS = {AUDITOR: {"disnaker.view_dataaccess"}}
LETTERS = {"view": "v", "add": "a", "change": "c", "delete": "d"}


def role_may(role: str, label: str, action: str) -> bool:
    """Whether ``STAFF_GRANTS`` lets ``role`` take ``action`` ("view", "add"...) on the model ``label``."""
    if role == "superuser":
        return True
    if role not in GROUP_OF:
        return False
    letters = STAFF_GRANTS.get(label, ("-",) * len(GROUP_OF))[list(GROUP_OF).index(role)]
    return LETTERS[action] in letters


def role_reveals(role: str) -> bool:
    """Whether the role sees full NIKs (and the history of records with personal data)."""
    return role == "superuser" or role in EXTRA_GRANTS["disnaker.reveal_person_nik"]


def expected_permissions(role: str) -> set[str]:
    """``"app_label.codename"`` of every permission the tables above give a staff role."""
    expected = {perm for perm, roles in EXTRA_GRANTS.items() if role in roles}
    for model in apps.get_models():
        tracked = getattr(model, "instance_type", model)  # a simple_history model: its tracked model's grants
        for action in LETTERS:
            if role_may(role, tracked._meta.label_lower, action):
                expected.add(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
    return expected


def grant_differences() -> list[str]:
    """Every permission a staff group holds that the tables do not give it, and every one it lacks."""
    differences = []
    for role, group_name in GROUP_OF.items():
        group = Group.objects.get(name=group_name)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        expected = expected_permissions(role)
        differences += [f"{group_name} ({role}) holds {perm}, not granted in STAFF_GRANTS" for perm in held - expected]
        differences += [f"{group_name} ({role}) lacks {perm}, granted in STAFF_GRANTS" for perm in expected - held]
    for group_name, expected in OTHER_ROLE_GRANTS.items():
        group = Group.objects.get(name=group_name)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        differences += [f"{group_name} holds {perm}, not granted in OTHER_ROLE_GRANTS" for perm in held - expected]
        differences += [f"{group_name} lacks {perm}, granted in OTHER_ROLE_GRANTS" for perm in expected - held]
    return sorted(differences)


# --- What they get --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    """302 to this login page, with ``?next=`` the URL asked for."""

    url_name: str

    def __repr__(self):
        return f"302→{self.url_name}"


@dataclass(frozen=True)
class To:
    """302 to this page (by design, not a login)."""

    url_name: str

    def __repr__(self):
        return f"302→{self.url_name}"


def mismatch(response, expected, *, url: str) -> str | None:
    """None when the response is the expected one, else what differs."""
    got = response.status_code
    if isinstance(expected, int):
        return None if got == expected else f"expected {expected}, got {got}"
    if got != 302:
        return f"expected {expected!r}, got {got}"
    target = urlsplit(response.url)
    view_name = resolve(target.path).view_name
    if view_name != expected.url_name:
        return f"expected {expected!r}, got 302→{view_name}"
    if isinstance(expected, Login) and parse_qs(target.query).get("next") != [url]:
        return f"expected {expected!r} with next={url}, got {response.url}"
    return None


# --- Every URL pattern ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the full route of an unnamed pattern
    route: str
    pattern: URLPattern


def routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str | None = None) -> list[Route]:
    """Every URL pattern reachable from the root URLconf (``include()`` and the admin walked into)."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            found += routes(entry, route, inner)
        elif entry.name:
            found.append(Route(f"{namespace}:{entry.name}" if namespace else entry.name, route, entry))
        else:
            found.append(Route(route, route, entry))
    return found


def uncovered(all_routes: list[Route], table: dict) -> list[str]:
    """The URL patterns without a row: each must get one (its expected answer for every role)."""
    return sorted({r.key for r in all_routes} - set(table))


# --- The admin rows, from each role's grants written out above ---------------------------------------

# What a ModelAdmin refuses whatever the role (its has_*_permission returns False), with the reason it gives.
ADMIN_REFUSES = {
    "axes.accessattempt": {"add"},  # written by django-axes only
    "axes.accesslog": {"add"},
    "axes.accessfailurelog": {"add"},
    "disnaker.nikclaim": {"add"},  # claims come from sign-ups only
    "disnaker.dataaccess": {"add", "change", "delete"},  # the read audit is append-only, written by the pages
    "disnaker.summary": {"add"},  # summaries are built, never typed in
    "disnaker.outboxmessage": {"add", "change", "delete"},  # written by the portal when it queues a task
    "training.registration": {"add", "delete"},  # walk-in page / a deleted one would keep its seat
    "training.attendance": {"add"},  # taken on the attendance page
    "training.participantcertificate": {"add", "delete"},  # issued to graduates, stays verifiable
    "training.tracerresponse": {"add"},  # opened by the tracer task
    "lpk_registry.operator": {"add", "delete"},  # invited, then deactivated
    "lpk_registry.graduatereport": {"add", "delete"},  # made by the institution
    "lpk_registry.reportgraduate": {"add", "change", "delete"},  # stays as the institution reported it
    "lpk_registry.remindersent": {"add", "change", "delete"},  # the reminder job's log
    "placement.placement": {"add"},  # from the companies' reports
    "placement.jobseekercard": {"add", "delete"},  # applied for by the job seeker, closed by status
    "placement.cardreport": {"add"},  # recorded through the card's action
}
# Only a superuser may do these, whatever the role's permissions (disnaker/admin_users.py).
SUPERUSER_ONLY = {"auth.group": {"add", "delete"}}  # the roles are set by setup_roles
# History lists show every past value in full: only staff who may see personal data get them.
HISTORY_NEEDS_REVEAL = {
    "disnaker.person",
    "disnaker.nikclaim",
    "training.registration",
    "placement.placement",
    "placement.jobseekercard",
}
STANDARD_VIEWS = ("changelist", "add", "change", "delete", "history")


def model_admins() -> list[tuple[type[models.Model], admin.ModelAdmin]]:
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def admin_expectations(model, model_admin) -> dict[str, dict]:
    """``{url key: {role: expected}}`` for the standard URLs of one ModelAdmin."""
    label, app_label = model._meta.label_lower, model._meta.app_label
    info = f"admin:{app_label}_{model._meta.model_name}"
    refused = ADMIN_REFUSES.get(label, set())

    def allowed(role: str, action: str) -> bool:
        if action in SUPERUSER_ONLY.get(label, ()) and role != "superuser":
            return False
        return role_may(role, label, action) and action not in refused

    def can_view(role: str) -> bool:
        return allowed(role, "view") or allowed(role, "change")

    rules = {
        "changelist": can_view,
        "add": lambda role: allowed(role, "add"),
        "change": can_view,
        "delete": lambda role: allowed(role, "delete"),
        "history": lambda role: can_view(role) and (label not in HISTORY_NEEDS_REVEAL or role_reveals(role)),
    }
    if isinstance(model_admin, SimpleHistoryAdmin):
        rules["simple_history"] = can_view  # one past version, shown through the change form's fields
    if isinstance(model_admin, ImportMixin):
        # An import may add rows and change others (disnaker/admin_import_export.py).
        rules["import"] = lambda role: allowed(role, "add") and allowed(role, "change")
    if isinstance(model_admin, ExportMixin):
        rules["export"] = can_view

    rows = {}
    for view, rule in rules.items():
        rows[f"{info}_{view}"] = {role: (200 if rule(role) else 403) for role in STAFF_ROLES}
    if isinstance(model_admin, ImportMixin):
        # The confirmation of an import is POST only, refused before any permission is looked at.
        rows[f"{info}_process_import"] = dict.fromkeys(STAFF_ROLES, 405)
    # admin/<app>/<model>/<id>/ redirects to the change page, before any permission is looked at.
    rows[admin_redirect_route(model)] = {role: To(f"{info}_change") for role in STAFF_ROLES}
    for row in rows.values():
        row.update(dict.fromkeys(NON_STAFF_ROLES, Login("admin:login")))
    return rows


def admin_redirect_route(model) -> str:
    return f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"


def autocomplete_fields() -> list[tuple[type[models.Model], str]]:
    """(source model, field) of every ``autocomplete_fields`` entry of the registered ModelAdmins."""
    return [(model, name) for model, model_admin in model_admins() for name in model_admin.autocomplete_fields]


# --- The world: one set of people and objects for the whole module -------------------------------------


def file_fields() -> list[models.FileField]:
    return [f for m in apps.get_models() for f in m._meta.get_fields() if isinstance(f, models.FileField)]


def use_storage(monkeypatch, location) -> None:
    """Every FileField stores under ``location`` (a temporary folder) instead of MEDIA_ROOT."""
    storage = FileSystemStorage(location=location)
    for field in file_fields():
        monkeypatch.setattr(field, "storage", storage)


@dataclass
class World:
    users: dict  # role id -> User (None for anonymous)
    sessions: dict  # role id -> session key
    objects: dict  # name -> object the URLs name

    def client(self, role: str) -> Client:
        client = Client()
        if self.sessions.get(role):
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    """The users of every role and an object of every registered model, owned by "the" visitors."""
    from tests.factories import (
        BatchFactory,
        CertificationFactory,
        CompanyFactory,
        GraduateReportFactory,
        InstitutionFactory,
        LicenceFactory,
        PersonFactory,
        UserFactory,
        VacancyFactory,
        company_hr,
        job_seeker,
        lpk_operator,
    )

    _reference_data()
    roles_sync()
    birth = datetime.date(2000, 5, 5)
    seeker_person = PersonFactory(birth_date=birth, sex="L", name="Pemilik Data Rahasia")
    institution, company = InstitutionFactory(name="LPK Pemilik Laporan"), CompanyFactory(name="PT Pemilik Lowongan")
    users = {
        "anonymous": None,
        "seeker": job_seeker(person=seeker_person),
        "other_seeker": job_seeker(person=PersonFactory(birth_date=birth, sex="P")),
        "operator": lpk_operator(institution=institution),
        "other_operator": lpk_operator(institution=InstitutionFactory(name="LPK Tetangga")),
        "hr": company_hr(company=company),
        "other_hr": company_hr(company=CompanyFactory(name="PT Tetangga")),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    for role, group in GROUP_OF.items():
        users[role] = UserFactory(is_staff=True)
        users[role].groups.add(Group.objects.get(name=group))

    objects = {"group": Group.objects.get(name=ADMIN), "user": users["seeker"], "person": seeker_person}
    objects |= _training(seeker_person, BatchFactory, CertificationFactory)
    objects |= _lpk(institution, seeker_person, LicenceFactory, GraduateReportFactory)
    objects |= _placement(company, seeker_person, VacancyFactory)
    objects |= _disnaker(users["seeker"])
    objects |= _third_party()
    _every_model_has_a_row_with_history(objects)
    sessions = {role: _session(user) for role, user in users.items() if user is not None}
    return World(users=users, sessions=sessions, objects=objects)


def _reference_data() -> None:
    """This module's tests run after the transactional ones (it uses no ``db`` fixture), whose flush took
    the reference data of the migrations with it: put it back, as tests/conftest.py does for them."""
    from disnaker.models import EducationLevel
    from disnaker.reference import load_all

    if not EducationLevel.objects.exists():
        load_all(get_model=lambda name: apps.get_model("disnaker", name), regions_path=settings.REGIONS_CSV)


def _session(user) -> str:
    from tests.conftest import second_factor_passed

    client = Client()
    client.force_login(user)
    second_factor_passed(client, user)  # the world is built before each test's own login helper applies
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _training(person, batch_factory, certification_factory) -> dict:
    from training.models import Attendance, Outcome, ParticipantCertificate, Registration, TracerResponse

    batch = batch_factory()
    registration = Registration.objects.create(
        person=person, batch=batch, status="confirmed", outcome=Outcome.GRADUATED,
        ktp_document=ContentFile(PDF_BYTES, name="ktp.pdf"), diploma_document=ContentFile(png_bytes(), name="d.png"),
    )  # fmt: skip
    certificate = ParticipantCertificate.objects.create(
        registration=registration, number=f"BLK/2026/{batch.pk}/{registration.pk}", issued_on=datetime.date.today(),
        pdf=ContentFile(PDF_BYTES, name="certificate.pdf"), generated_at=datetime.datetime.now(datetime.UTC),
    )  # fmt: skip
    return {
        "batch": batch,
        "programme": batch.programme,
        "vocation": batch.programme.vocation,
        "registration": registration,
        "participantcertificate": certificate,
        "attendance": Attendance.objects.create(registration=registration, day=batch.start_date, present=True),
        "tracerresponse": TracerResponse.objects.create(registration=registration, months_after=3),
        "certification": certification_factory(person=person),
    }


def _lpk(institution, person, licence_factory, report_factory) -> dict:
    from lpk_registry.models import Accreditation, ReminderSent, ReportGraduate, SupervisionActivity

    report = report_factory(institution=institution)
    return {
        "institution": institution,
        "licence": licence_factory(institution=institution),
        "accreditation": Accreditation.objects.create(
            institution=institution,
            result="A",
            valid_from=datetime.date(2025, 1, 1),
            valid_until=datetime.date(2030, 1, 1),
        ),
        "operator": institution.operators.get(),
        "supervisionactivity": SupervisionActivity.objects.create(
            date=datetime.date(2026, 2, 3), title="Pembinaan", kind="guidance"
        ),
        "graduatereport": report,
        "submitted_report": report_factory(institution=institution, quarter=2, status="submitted"),
        "reportgraduate": ReportGraduate.objects.create(
            report=report,
            person=person,
            nik=person.nik,
            name=person.name,
            sex=person.sex,
            programme="Las",
            status="working",
        ),
        "remindersent": ReminderSent.objects.create(key=f"licence:{institution.pk}:2026-01-01"),
    }


def _placement(company, person, vacancy_factory) -> dict:
    from placement.models import Apprenticeship, CardReport, JobSeekerCard, LayoffReport, Placement

    vacancy = vacancy_factory(company=company)
    card = JobSeekerCard.objects.create(
        person=person, status="active", number="3672/AK1/2026/000001", issued_on=datetime.date.today(),
        valid_until=datetime.date.today() + datetime.timedelta(days=730), education_history="SMA 2018",
        photo=ContentFile(png_bytes(), name="photo.png"), ktp_document=ContentFile(PDF_BYTES, name="ktp.pdf"),
        diploma_document=ContentFile(PDF_BYTES, name="diploma.pdf"),
    )  # fmt: skip
    apprenticeship = Apprenticeship.objects.create(
        company=company, programme="Magang Jepang", destination="japan", duration_months=12,
        start_date=datetime.date(2026, 10, 1),
    )  # fmt: skip
    apprenticeship.participants.add(person)
    return {
        "company": company,
        "companyuser": company.users.get(),
        "vacancy": vacancy,
        "placement": Placement.objects.create(
            company=company,
            vacancy=vacancy,
            person=person,
            nik=person.nik,
            name=person.name,
            position="Welder",
            start_date=datetime.date(2026, 1, 5),
            contract_type="contract",
            source="other",
            is_local_resident=True,
        ),
        "jobseekercard": card,
        "cardreport": CardReport.objects.create(card=card, reported_on=datetime.date.today()),
        "apprenticeship": apprenticeship,
        "layoffreport": LayoffReport.objects.create(
            company=company, date=datetime.date(2026, 3, 1), count=3, reason="Kontrak habis"
        ),
    }


def _disnaker(seeker_user) -> dict:
    from disnaker.models import DataAccess, NikClaim, OutboxMessage, PublishedIndicator
    from tests.disnaker.test_reports import make_summary
    from tests.factories import UserFactory

    summary = make_summary(year=2025)
    summary.pdf.save("summary.pdf", ContentFile(PDF_BYTES), save=True)
    return {
        "dataaccess": DataAccess.objects.create(
            user=UserFactory(is_staff=True),
            kind=DataAccess.Kind.VIEW,
            person=seeker_user.person,
            what="NIK",
            view_name="admin:disnaker_person_change",
            path="/admin/disnaker/person/1/change/",
        ),
        "summary": summary,
        "outboxmessage": OutboxMessage.objects.create(task="disnaker.health"),
        "publishedindicator": PublishedIndicator.objects.create(code="tpt", year=2025, value="7.25"),
        "nikclaim": NikClaim.objects.create(
            user=UserFactory(),
            nik="3672015505990001",
            name="Pengaju Klaim",
            sex="P",
            birth_date=datetime.date(1999, 5, 15),
            reason="NIK sudah dipakai akun lain",
        ),
    }


def _third_party() -> dict:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    interval = IntervalSchedule.objects.create(every=1, period="days")
    seen = {"user_agent": "test", "http_accept": "*/*", "path_info": "/admin/login/", "ip_address": "10.0.0.1"}
    return {
        "accessattempt": AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1),
        "accesslog": AccessLog.objects.create(**seen),
        "accessfailurelog": AccessFailureLog.objects.create(**seen),
        "intervalschedule": interval,
        "periodictask": PeriodicTask.objects.create(name="uji", task="training.tracer_open_due", interval=interval),
        "clockedschedule": ClockedSchedule.objects.create(clocked_time=datetime.datetime.now(datetime.UTC)),
        "crontabschedule": CrontabSchedule.objects.create(minute="5"),
        "solarschedule": SolarSchedule.objects.create(event="sunrise", latitude="-6.0", longitude="106.0"),
    }


def _every_model_has_a_row_with_history(objects: dict) -> None:
    """Each registered model's object (named after its model) exists and, with history, has a past version."""
    for model, model_admin in model_admins():
        name = model._meta.model_name
        if name not in objects:
            objects[name] = model._default_manager.order_by("pk").first()
        assert objects[name] is not None, f"build_world() makes no {model._meta.label}: add one"
        if isinstance(model_admin, SimpleHistoryAdmin) and not objects[name].history.exists():
            objects[name].save()  # reference data loaded by a migration has no past version yet
