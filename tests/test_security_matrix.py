"""Every URL pattern of the project × every role: the answer each one gets.

The rows are keyed by URL name (the route for unnamed patterns). Portal and custom admin pages are
written out below; the standard admin pages of each ModelAdmin (changelist, add, change, delete,
history, a past version, the id redirect) are derived from the grants written out in
``tests/security_roles.py`` (``STAFF_GRANTS``), never from ``disnaker/roles.py``: a staff member without
the permission gets 403; whoever is not staff is sent to the admin login. A URL pattern without a row
fails ``test_every_url_pattern_has_a_row``; a grant changed in ``disnaker/roles.py`` alone fails
``test_the_groups_hold_exactly_the_written_out_grants`` and the matrix cells it touches.

The URLs name objects of "the" job seeker, LPK operator and company; "the other" ones get 404 from
them and never see the owner's data. Every URL is asked for with GET: a POST-only view answers 405 to
those who may reach it. ``test_a_post_by_a_wrong_role_changes_nothing`` checks a few POSTs too.
"""

import pytest
from django.apps import apps as app_registry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.template.base import Template
from django.test import override_settings
from django.test.utils import instrumented_test_render
from django.urls import include, path, reverse

from disnaker import urls as project_urls
from disnaker.roles import ROLES, roles_sync  # only to edit a role and make its group, never for what to expect
from lpk_registry.models import GraduateReport
from placement.models import JobSeekerCard, Vacancy
from tests.security_roles import (
    GROUP_OF,
    ROLE_IDS,
    STAFF_GRANTS,
    STAFF_ROLES,
    Login,
    To,
    World,
    admin_expectations,
    admin_redirect_route,
    autocomplete_fields,
    build_world,
    grant_differences,
    mismatch,
    model_admins,
    role_may,
    role_reveals,
    routes,
    uncovered,
    use_storage,
)
from training.models import Batch, Registration

OK, NO, NF, NA = 200, 403, 404, 405  # NA: GET not allowed (a POST-only view)
# Sent to a login page, with ?next= the URL asked for
ACC, LPK, CO = Login("account_login"), Login("lpk_registry:login"), Login("placement:company_login")
# The cells use the module's world (below); the mark tells pytest-django this module needs the
# database, so it is set up even when these tests run alone.
pytestmark = pytest.mark.django_db

ADM = Login("admin:login")
# Sent on to a page by design
HOME, ROOT, IDX, AK1 = To("account_home"), To("home"), To("admin:index"), To("placement:ak1_home")
LPKD, COD, UPL = To("lpk_registry:dashboard"), To("placement:company_dashboard"), To("lpk_registry:report_upload")
CUP = To("placement:company_placement_upload")


def everyone(expected):
    return (expected,) * len(ROLE_IDS)


def staff(admin, training, placement, lpk_supervisor, head, superuser):
    """A staff page: whoever is not staff is sent to the admin login."""
    return (ADM,) * 7 + (admin, training, placement, lpk_supervisor, head, superuser)


# fmt: off
#  columns:                      anon  seeker other  oper  other hr    other Admin Pelat Penem Pemb  Pimp  super
#                                      seeker       ator  oper        hr    Disn. ihan  patan LPK   inan  user
PAGES = {
    # --- public pages and the job seeker's account
    "home":                      everyone(OK),
    "healthz":                   everyone(OK),
    "set_language":              everyone(ROOT),  # GET changes nothing: back to the home page
    "statistics":                everyone(OK),
    "statistics_detail":         everyone(OK),
    "statistics_csv":            everyone(OK),
    "account_home":              (ACC,  OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "account_signup":            (OK,   HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME),
    "account_signup_sent":       everyone(OK),
    "account_confirm":           everyone(400),  # an invalid link: the page says so
    "account_claim_send_code":   (ACC,) + (NA,) * 12,  # POST only; without an open claim: 404
    "account_claim_check_code":  (ACC,) + (NA,) * 12,
    "account_claim_ktp":         (ACC,) + (NA,) * 12,
    "account_login":             (OK,   HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME),
    "account_logout":            everyone(NA),
    "account_profile":           (ACC,  OK,   OK,   HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME),
    "account_data_access":       (ACC,  OK,   OK,   HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME),
    "account_data_download":     (ACC,  OK,   OK,   HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME, HOME),
    "password_reset":            everyone(OK),
    "password_reset_done":       everyone(OK),
    "password_reset_confirm":    everyone(OK),  # an invalid link: the page says so
    "password_reset_complete":   everyone(OK),
    # --- training: catalogue, registration, the job seeker's registrations
    "training:catalogue":        everyone(OK),
    "training:batch_detail":     everyone(OK),
    "training:tracer_answer":    everyone(OK),  # the token in the e-mailed link is the key
    "training:certificate_verify": everyone(OK),
    "training:register":         (ACC,  OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "training:my_registrations": (ACC,  OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "training:registration_detail": (ACC, OK, NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF),
    "training:registration_confirm": (ACC, NA, NA,  NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA),
    "training:registration_decline": (ACC, NA, NA,  NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA),
    "training:certificate_download": (ACC, OK, NF,  NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF),
    # --- training: staff pages beside the admin
    "training:staff_walk_in":        staff(OK, OK, NO, NO, NO, OK),
    "training:staff_attendance":     staff(OK, OK, OK, NO, OK, OK),
    "training:staff_alumni":         staff(OK, OK, OK, NO, OK, OK),
    "training:staff_alumni_export":  staff(OK, OK, OK, NO, OK, OK),
    "training:staff_document":       staff(OK, OK, OK, NO, NO, OK),  # personal data: reveal permission
    "training:staff_certificate":    staff(OK, OK, OK, NO, OK, OK),
    # --- the LPK operator portal
    "lpk_registry:dashboard":    (LPK,  NO,   NO,   OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO),
    "lpk_registry:login":        (OK,   OK,   OK,   LPKD, LPKD, OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "lpk_registry:logout":       everyone(NA),
    "lpk_registry:set_password": everyone(OK),  # an invalid link: the page says so
    "lpk_registry:password_reset": everyone(OK),
    "lpk_registry:profile":      (LPK,  NO,   NO,   OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO),
    "lpk_registry:report_list":  (LPK,  NO,   NO,   OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO),
    "lpk_registry:report_create": (LPK, NO,   NO,   OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO),
    "lpk_registry:report_template": (LPK, NO, NO,   OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO),
    "lpk_registry:report_detail": (LPK, NO,   NO,   OK,   NF,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO),
    "lpk_registry:report_edit":  (LPK,  NO,   NO,   OK,   NF,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO),
    "lpk_registry:report_submit": (LPK, NO,   NO,   NA,   NA,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO),
    "lpk_registry:report_upload": (LPK, NO,   NO,   OK,   NF,   NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO),
    "lpk_registry:report_upload_preview": (LPK, NO, NO, UPL, NF, NO,   NO,   NO,   NO,   NO,   NO,   NO,   NO),
    "lpk_registry:report_upload_confirm": everyone(NA),  # require_POST before the operator check
    # --- placement: public vacancies, the job seeker's AK/1 card, staff pages
    "placement:vacancy_list":    everyone(OK),
    "placement:vacancy_detail":  everyone(OK),
    "placement:report_verify":   everyone(OK),
    "placement:staff_matching":        staff(OK, NO, OK, NO, OK, OK),
    "placement:staff_matching_export": staff(OK, NO, OK, NO, OK, OK),
    "placement:ak1_home":        (ACC,  OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "placement:ak1_apply":       (ACC,  OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK,   OK),
    "placement:ak1_revise":      (ACC,  AK1,  NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF),
    "placement:ak1_rereport":    (ACC,  NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA),
    "placement:ak1_renew":       (ACC,  NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA,   NA),
    "placement:ak1_card_pdf":    (ACC,  OK,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF,   NF),
    "placement:ak1_staff_document":    staff(OK, NO, OK, NO, NO, OK),  # personal data: reveal permission
    # --- the company HR portal
    "placement:company_dashboard": (CO, NO,   NO,   NO,   NO,   OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO),
    "placement:company_register": (OK,  OK,   OK,   OK,   OK,   COD,  COD,  OK,   OK,   OK,   OK,   OK,   OK),
    "placement:company_login":   (OK,   OK,   OK,   OK,   OK,   COD,  COD,  OK,   OK,   OK,   OK,   OK,   OK),
    "placement:company_logout":  everyone(NA),
    "placement:company_set_password": everyone(OK),  # an invalid link: the page says so
    "placement:company_password_reset": everyone(OK),
    "placement:company_users":   (CO,   NO,   NO,   NO,   NO,   OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO),
    "placement:company_vacancies": (CO, NO,   NO,   NO,   NO,   OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO),
    "placement:company_vacancy_create": (CO, NO, NO, NO,  NO,   OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO),
    "placement:company_vacancy_detail": (CO, NO, NO, NO,  NO,   OK,   NF,   NO,   NO,   NO,   NO,   NO,   NO),
    "placement:company_vacancy_status": (CO, NO, NO, NO,  NO,   NA,   NA,   NO,   NO,   NO,   NO,   NO,   NO),
    "placement:company_placements": (CO, NO,  NO,   NO,   NO,   OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO),
    "placement:company_placement_create": (CO, NO, NO, NO, NO,  OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO),
    "placement:company_placement_template": (CO, NO, NO, NO, NO, OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO),
    "placement:company_placement_upload": (CO, NO, NO, NO, NO,  OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO),
    "placement:company_placement_upload_preview": (CO, NO, NO, NO, NO, CUP, CUP, NO, NO, NO,   NO,   NO,   NO),
    "placement:company_placement_upload_confirm": (CO, NO, NO, NO, NO, NA, NA, NO,  NO,   NO,   NO,   NO,   NO),
    "placement:company_layoff_create": (CO, NO, NO, NO,   NO,   OK,   OK,   NO,   NO,   NO,   NO,   NO,   NO),
    "placement:company_proof_pdf": (CO, NO,   NO,   NO,   NO,   OK,   NF,   NO,   NO,   NO,   NO,   NO,   NO),
    # --- the staff's second factor: those who need none (or passed it) are sent on, to the admin
    "otp_verify":                (ADM,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX),
    "otp_enrol":                 (ADM,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX),
    # --- the admin site itself
    "admin:index":               staff(OK, OK, OK, OK, OK, OK),
    "admin:login":               (OK,   OK,   OK,   OK,   OK,   OK,   OK,   IDX,  IDX,  IDX,  IDX,  IDX,  IDX),
    "admin:logout":              (IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  IDX,  NA,   NA,   NA,   NA,   NA,   NA),
    "admin:password_change":     staff(OK, OK, OK, OK, OK, OK),
    "admin:password_change_done": staff(OK, OK, OK, OK, OK, OK),
    "admin:jsi18n":              staff(OK, OK, OK, OK, OK, OK),
    "admin:autocomplete":        staff(NO, NO, NO, NO, NO, NO),  # without a field: refused (see the test below)
    "admin:view_on_site":        staff(NF, NF, NF, NF, NF, NF),  # no model has a public page to send to
    "admin:app_list":            staff(OK, OK, OK, NF, OK, OK),  # /admin/training/: only with a training permission
    "admin/(?P<url>.*)$":        staff(NF, NF, NF, NF, NF, NF),  # the admin's catch-all, e.g. /admin/tidak-ada/
    # --- custom admin pages (each ModelAdmin's get_urls)
    "admin:auth_user_password_change": staff(OK, NO, NO, NO, NO, OK),
    "admin:disnaker_nikclaim_ktp":     staff(NF, NF, NF, NF, NO, NF),  # personal data; the claim has no KTP
    "admin:disnaker_summary_build":    staff(OK, OK, OK, OK, NO, OK),  # change summary: every officer
    "admin:disnaker_summary_pdf":      staff(OK, OK, OK, OK, OK, OK),
    "admin:disnaker_summary_xlsx":     staff(OK, OK, OK, OK, OK, OK),
    "admin:training_registration_competency": staff(OK, OK, NO, NO, NO, OK),
    "admin:lpk_registry_institution_compliance": staff(OK, NO, NO, OK, OK, OK),
    "admin:lpk_registry_licence_document": staff(NF, NO, NO, NF, NF, NF),  # let in: the licence has no scan
    "admin:lpk_registry_institution_invite": staff(OK, NO, NO, OK, NO, OK),
    "admin:lpk_registry_graduatereport_accept": staff(NA, NA, NA, NA, NA, NA),  # POST only
    "admin:lpk_registry_graduatereport_return": staff(OK, NO, NO, OK, NO, OK),
}
# fmt: on

# How each written-out URL is made from the world's objects (none: the URL takes no argument).
BAD_LINK = {"uidb64": "MQ", "token": "bukan-token-yang-sah"}
URL_KWARGS = {
    "statistics_detail": lambda w: {"period_key": "2025"},
    "statistics_csv": lambda w: {"period_key": "2025"},
    "password_reset_confirm": lambda w: BAD_LINK,
    "account_confirm": lambda w: BAD_LINK,
    "admin:disnaker_nikclaim_ktp": lambda w: {"pk": w.nikclaim.pk},
    "training:batch_detail": lambda w: {"pk": w.batch.pk},
    "training:register": lambda w: {"pk": w.batch.pk},
    "training:tracer_answer": lambda w: {"token": w.tracerresponse.token},
    "training:certificate_verify": lambda w: {"code": w.participantcertificate.code},
    "training:registration_detail": lambda w: {"pk": w.registration.pk},
    "training:registration_confirm": lambda w: {"pk": w.registration.pk},
    "training:registration_decline": lambda w: {"pk": w.registration.pk},
    "training:certificate_download": lambda w: {"pk": w.registration.pk},
    "training:staff_attendance": lambda w: {"pk": w.batch.pk},
    "training:staff_document": lambda w: {"pk": w.registration.pk, "kind": "ktp"},
    "training:staff_certificate": lambda w: {"pk": w.participantcertificate.pk},
    "lpk_registry:set_password": lambda w: BAD_LINK,
    "lpk_registry:report_detail": lambda w: {"pk": w.graduatereport.pk},
    "lpk_registry:report_edit": lambda w: {"pk": w.graduatereport.pk},
    "lpk_registry:report_submit": lambda w: {"pk": w.graduatereport.pk},
    "lpk_registry:report_upload": lambda w: {"pk": w.graduatereport.pk},
    "lpk_registry:report_upload_preview": lambda w: {"pk": w.graduatereport.pk},
    "lpk_registry:report_upload_confirm": lambda w: {"pk": w.graduatereport.pk},
    "placement:vacancy_detail": lambda w: {"pk": w.vacancy.pk},
    "placement:report_verify": lambda w: {"number": w.vacancy.registration_number},
    "placement:staff_matching": lambda w: {"pk": w.vacancy.pk},
    "placement:staff_matching_export": lambda w: {"pk": w.vacancy.pk},
    "placement:ak1_revise": lambda w: {"pk": w.jobseekercard.pk},
    "placement:ak1_rereport": lambda w: {"pk": w.jobseekercard.pk},
    "placement:ak1_renew": lambda w: {"pk": w.jobseekercard.pk},
    "placement:ak1_card_pdf": lambda w: {"pk": w.jobseekercard.pk},
    "placement:ak1_staff_document": lambda w: {"pk": w.jobseekercard.pk, "kind": "photo"},
    "placement:company_set_password": lambda w: BAD_LINK,
    "placement:company_vacancy_detail": lambda w: {"pk": w.vacancy.pk},
    "placement:company_vacancy_status": lambda w: {"pk": w.vacancy.pk},
    "placement:company_proof_pdf": lambda w: {"kind": "lowongan", "pk": w.vacancy.pk},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(Batch).pk,
        "object_id": w.batch.pk,
    },
    "admin:app_list": lambda w: {"app_label": "training"},
    "admin:auth_user_password_change": lambda w: {"id": w.user.pk},
    "admin:disnaker_summary_pdf": lambda w: {"pk": w.summary.pk},
    "admin:disnaker_summary_xlsx": lambda w: {"pk": w.summary.pk},
    "admin:training_registration_competency": lambda w: {"object_id": w.registration.pk},
    "admin:lpk_registry_institution_invite": lambda w: {"object_id": w.institution.pk},
    "admin:lpk_registry_licence_document": lambda w: {"pk": w.licence.pk},
    "admin:lpk_registry_graduatereport_accept": lambda w: {"object_id": w.graduatereport.pk},
    "admin:lpk_registry_graduatereport_return": lambda w: {"object_id": w.graduatereport.pk},
}
LITERAL_URLS = {"admin/(?P<url>.*)$": "/admin/tidak-ada/"}


def _written_out_url(key: str):
    if key in LITERAL_URLS:
        return lambda w: LITERAL_URLS[key]
    kwargs = URL_KWARGS.get(key, lambda w: {})
    return lambda w: reverse(key, kwargs=kwargs(w))


def _admin_url(model, key: str):
    name = model._meta.model_name
    if key == admin_redirect_route(model):
        return lambda w: f"/admin/{model._meta.app_label}/{name}/{w.objects[name].pk}/"
    view = key.rsplit("_", 1)[1]
    if key.endswith("_simple_history"):
        return lambda w: reverse(key, args=[w.objects[name].pk, w.objects[name].history.earliest().history_id])
    if view in ("changelist", "add", "import", "export"):  # also process_import
        return lambda w: reverse(key)
    return lambda w: reverse(key, kwargs={"object_id": w.objects[name].pk})


def _table() -> tuple[dict, dict]:
    """``{key: {role: expected}}`` and ``{key: url maker}``: the written-out rows, then the admin's."""
    expected = {key: dict(zip(ROLE_IDS, row, strict=True)) for key, row in PAGES.items()}
    urls = {key: _written_out_url(key) for key in PAGES}
    for model, model_admin in model_admins():
        for key, row in admin_expectations(model, model_admin).items():
            assert key not in expected, f"{key} is derived from the permissions: remove its written-out row"
            expected[key], urls[key] = row, _admin_url(model, key)
    return expected, urls


EXPECTED, URLS = _table()
# Real problems the matrix found, to fix where they are; strict: a fixed one fails until its line goes.
KNOWN_PROBLEMS: dict[str, str] = {}


def _cells():
    for key, row in EXPECTED.items():
        for role in ROLE_IDS:
            marks = ()
            if key in KNOWN_PROBLEMS and row[role] == OK:
                marks = pytest.mark.xfail(strict=True, reason=KNOWN_PROBLEMS[key])
            yield pytest.param(key, role, marks=marks, id=f"{key}|{role}")


# Owners' details that a refused visitor must never see on the page that refuses them.
SECRETS = ("Pemilik Data Rahasia", "LPK Pemilik Laporan", "PT Pemilik Lowongan")
# Besides staff who may see personal data, only these see the job seeker's full NIK: the seeker, and the
# operator whose report lists them as a graduate (the form to correct the report holds what was typed).
NIK_SEEN_BY = {"seeker", "operator"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One set of people and objects for the module, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as monkeypatch:
        use_storage(monkeypatch, tmp_path_factory.mktemp("private"))
        # The test client copies every template context for response.context, which is never read here.
        monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def cell(world):
    """The world, in a savepoint: whatever one request writes is undone before the next."""
    with transaction.atomic():
        yield world
        transaction.set_rollback(True)


# --- Coverage -------------------------------------------------------------------------------------


def test_every_url_pattern_has_a_row():
    all_routes = routes()
    keys = [r.key for r in all_routes]
    assert len(keys) == len(set(keys)), "two URL patterns share a name: the table cannot tell them apart"
    assert uncovered(all_routes, EXPECTED) == [], "add a row to PAGES (or a model to the admin rules)"
    assert sorted(set(EXPECTED) - set(keys)) == [], "rows for URLs that no longer exist"


def _extra_view(request):
    raise AssertionError("never called")


urlpatterns = [
    *project_urls.urlpatterns,
    path("tambahan/<int:pk>/", _extra_view, name="extra_page"),
    path("lain/", include(([path("", _extra_view, name="inner"), path("tanpa-nama/", _extra_view)], "fake"))),
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_url_added_without_a_row_fails_the_coverage():
    assert uncovered(routes(), EXPECTED) == ["extra_page", "fake:inner", "lain/tanpa-nama/"]


# --- The matrix -----------------------------------------------------------------------------------


def _get(world: World, role: str, url: str, expected):
    response = world.client(role).get(url)
    # A file is read to its end, which closes it (the test client closes the others itself).
    body = b"".join(response.streaming_content) if response.streaming else response.content
    problem = mismatch(response, expected, url=url)
    if problem is None and expected in (NO, NF):
        leaked = [secret for secret in SECRETS if secret.encode() in body]
        problem = f"the refusal shows the owner's data: {leaked}" if leaked else None
    if problem is None and role not in NIK_SEEN_BY and not role_reveals(role) and world.person.nik.encode() in body:
        problem = "shows the job seeker's full NIK to a role that sees it masked"
    return problem


def check_cell(world: World, key: str, role: str) -> str | None:
    """One cell of the matrix: None when ``role`` gets the expected answer from the URL ``key``, else what differs."""
    url = URLS[key](world)
    problem = _get(world, role, url, EXPECTED[key][role])
    return None if problem is None else f"{key} {url} as {role}: {problem}"


@pytest.mark.parametrize(("key", "role"), list(_cells()))
def test_url_answers_each_role(cell, key, role):
    problem = check_cell(cell, key, role)
    assert problem is None, problem


AUTOCOMPLETE_CELLS = [(model, field, role) for model, field in autocomplete_fields() for role in ROLE_IDS]


@pytest.mark.parametrize(
    ("model", "field", "role"),
    AUTOCOMPLETE_CELLS,
    ids=[f"{m._meta.label_lower}.{f}|{r}" for m, f, r in AUTOCOMPLETE_CELLS],
)
def test_autocomplete_answers_only_who_may_view_the_target(cell, model, field, role):
    target = model._meta.get_field(field).remote_field.model._meta.label_lower
    url = (
        f"{reverse('admin:autocomplete')}?app_label={model._meta.app_label}&model_name={model._meta.model_name}"
        f"&field_name={field}&term="
    )
    if role not in STAFF_ROLES:
        expected = ADM
    else:
        may_view = role_may(role, target, "view") or role_may(role, target, "change")
        expected = OK if may_view else NO
    problem = _get(cell, role, url, expected)
    assert problem is None, f"{url} as {role}: {problem}"


# --- The grants are written out, not read from disnaker/roles.py ------------------------------------


def test_every_line_of_the_grant_table_names_a_model_and_a_grant_per_role():
    for label, row in STAFF_GRANTS.items():
        app_registry.get_model(label)  # LookupError for a model that does not exist
        assert len(row) == len(GROUP_OF), label
        assert all(letters == "-" or set(letters) <= set("vacd") for letters in row), label


def test_the_groups_hold_exactly_the_written_out_grants(cell):
    differences = "\n".join(grant_differences())
    assert not differences, f"change STAFF_GRANTS (tests/security_roles.py) with disnaker/roles.py:\n{differences}"


def roles_py_changed(monkeypatch, role: str, *, apps: dict | None = None, extra: tuple = ()) -> None:
    """``disnaker/roles.py`` as if the role's line were edited there and nowhere else (``apps``: the new actions
    of those apps; ``extra``: permissions added), then synced to the groups as ``setup_roles`` does."""
    spec = ROLES[GROUP_OF[role]]
    monkeypatch.setitem(spec, "apps", spec["apps"] | (apps or {}))
    monkeypatch.setitem(spec, "extra", [*spec["extra"], *extra])
    roles_sync()


CHANGED_IN_ROLES_PY = [
    # (role, its edit in roles.py, what grant_differences() says, a matrix cell it turns, what that cell says)
    ("pimpinan", {"apps": {"training": ("view", "delete")}}, "holds training.delete_batch",
     "admin:training_batch_delete", "expected 403, got 200"),
    ("pembina_lpk", {"apps": {"placement": ("view",)}}, "holds placement.view_company",
     "admin:placement_company_changelist", "expected 403, got 200"),
    ("pimpinan", {"extra": ("disnaker.reveal_person_nik",)}, "holds disnaker.reveal_person_nik",
     "admin:disnaker_person_history", "expected 403, got 200"),
    ("petugas_pelatihan", {"apps": {"training": ("add", "change", "view")}}, "lacks training.delete_batch",
     "admin:training_batch_delete", "expected 200, got 403"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "edit", "difference", "key", "problem"),
    CHANGED_IN_ROLES_PY,
    ids=[f"{c[3]}|{c[0]}" for c in CHANGED_IN_ROLES_PY],
)
def test_a_grant_changed_in_roles_py_alone_fails_the_matrix(cell, monkeypatch, role, edit, difference, key, problem):
    assert check_cell(cell, key, role) is None  # the cell holds with roles.py as it is
    roles_py_changed(monkeypatch, role, **edit)
    assert any(line.startswith(f"{GROUP_OF[role]} ({role}) {difference},") for line in grant_differences())
    found = check_cell(cell, key, role)
    assert found is not None and found.endswith(problem), found


# --- POSTs by a wrong role change nothing -----------------------------------------------------------


def _state(world: World) -> dict:
    """What the POSTs below would change, read fresh from the database."""
    registration = Registration.objects.get(pk=world.registration.pk)
    return {
        "registration": (registration.status, registration.competency_result),
        "report": GraduateReport.objects.get(pk=world.submitted_report.pk).status,
        "draft": GraduateReport.objects.get(pk=world.graduatereport.pk).status,
        "vacancy": Vacancy.objects.get(pk=world.vacancy.pk).status,
        "cards": JobSeekerCard.objects.filter(person=world.person).count(),
        "batch": Batch.objects.get(pk=world.batch.pk).venue,
        "summaries": world.summary.__class__.objects.count(),
        "registrations": Registration.objects.count(),
    }


POSTS = [
    # (role, url name, kwargs from the world, data, expected)
    ("other_seeker", "training:registration_decline", lambda w: {"pk": w.registration.pk}, {}, NF),
    ("other_seeker", "placement:ak1_renew", lambda w: {"pk": w.jobseekercard.pk}, {}, NF),
    ("other_operator", "lpk_registry:report_submit", lambda w: {"pk": w.graduatereport.pk}, {}, NF),
    ("other_hr", "placement:company_vacancy_status", lambda w: {"pk": w.vacancy.pk}, {"status": "closed"}, NF),
    ("petugas_penempatan", "training:staff_walk_in", lambda w: {}, {"batch": "1"}, NO),
    ("pimpinan", "training:staff_attendance", lambda w: {"pk": w.batch.pk}, {"day": "2030-01-01"}, NO),
    ("pimpinan", "admin:disnaker_summary_build", lambda w: {}, {"period": "2024", "force": "on"}, NO),
    ("pimpinan", "admin:training_batch_change", lambda w: {"object_id": w.batch.pk}, {"venue": "Lain"}, NO),
    (
        "petugas_penempatan",
        "admin:training_registration_competency",
        lambda w: {"object_id": w.registration.pk},
        {"result": "competent", "tested_on": "2026-01-01"},
        NO,
    ),
    ("pembina_lpk", "admin:training_registration_competency", lambda w: {"object_id": w.registration.pk}, {}, NO),
    (
        "petugas_pelatihan",
        "admin:lpk_registry_graduatereport_accept",
        lambda w: {"object_id": w.submitted_report.pk},
        {},
        NO,
    ),
    ("pimpinan", "admin:lpk_registry_graduatereport_accept", lambda w: {"object_id": w.submitted_report.pk}, {}, NO),
    ("seeker", "admin:lpk_registry_graduatereport_accept", lambda w: {"object_id": w.submitted_report.pk}, {}, ADM),
]


@pytest.mark.parametrize(("role", "name", "kwargs", "data", "expected"), POSTS, ids=[f"{p[1]}|{p[0]}" for p in POSTS])
def test_a_post_by_a_wrong_role_changes_nothing(cell, role, name, kwargs, data, expected):
    before = _state(cell)
    url = reverse(name, kwargs=kwargs(cell))
    response = cell.client(role).post(url, data)
    assert mismatch(response, expected, url=url) is None, (name, role, response.status_code)
    assert _state(cell) == before


def _filled_in(form) -> dict:
    """The POST a browser sends for ``form`` as shown (its initial values)."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            value = "on" if value else None
        elif isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, list):
            value = [v.pk if isinstance(v, models.Model) else v for v in value]
        if value is not None:
            data[name] = value
    return data


def test_a_read_only_role_cannot_save_a_past_version(cell, monkeypatch):
    batch = cell.batch
    url = reverse("admin:training_batch_simple_history", args=[batch.pk, batch.history.earliest().history_id])
    Batch.objects.filter(pk=batch.pk).update(venue="Gedung Baru", quota=30)  # today's version differs
    client = cell.client("pimpinan")  # the head of office: view permissions only
    monkeypatch.setattr(Template, "_render", instrumented_test_render)  # the form is read from response.context
    form = client.get(url).context["adminform"].form
    response = client.post(url, _filled_in(form) | {"quota": "999"})
    assert Batch.objects.filter(pk=batch.pk).values_list("venue", "quota").get() == ("Gedung Baru", 30)
    assert response.status_code in (403, 405)
