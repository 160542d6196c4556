"""Every bulk action of the admin goes through the one kit: undeclared actions refused, failures reported alike.

The admins and their actions are found in the admin site's registry, so an action added later is
checked without being listed here; only how to make a row of its model is written out below.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from disnaker.admin_actions import LISTED_FAILURES, ServiceActionsMixin, service_actions
from disnaker.admin_site import QueueStatusFilter
from disnaker.models import NikClaim, Summary
from disnaker.periods import Period
from lpk_registry.models import Operator
from placement.models import JobSeekerCard
from tests.factories import (
    BatchFactory,
    CompanyFactory,
    GraduateReportFactory,
    InstitutionFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
    VacancyFactory,
    lpk_operator,
    make_nik,
)
from training.models import Outcome, ParticipantCertificate, RegistrationStatus

pytestmark = pytest.mark.django_db

REASON = "Ditolak untuk uji."


def _registration_with_certificate():
    registration = RegistrationFactory()
    ParticipantCertificate.objects.create(
        registration=registration, number=f"N-{registration.pk}", issued_on=datetime.date(2026, 11, 2)
    )
    return registration


def _claim():
    return NikClaim.objects.create(
        user=UserFactory(), nik=make_nik(serial=77), name="Ahmad Fauzi", sex="L",
        birth_date=datetime.date(1996, 7, 21), reason="NIK sudah terdaftar",
    )  # fmt: skip


def _summary():
    period = Period.parse("2026-10")
    return Summary.objects.create(
        period_kind=period.kind, period_start=period.start, period_end=period.end, scope="city"
    )


# How to make one row of each model whose admin has actions.
ROWS = {
    "training.batch": BatchFactory,
    "training.registration": _registration_with_certificate,
    "training.participantcertificate": lambda: _registration_with_certificate().certificate,
    "lpk_registry.institution": InstitutionFactory,
    "lpk_registry.operator": lambda: Operator.objects.get(user=lpk_operator()),
    "lpk_registry.graduatereport": GraduateReportFactory,
    "placement.company": CompanyFactory,
    "placement.vacancy": VacancyFactory,
    "placement.jobseekercard": lambda: JobSeekerCard.objects.create(person=PersonFactory(), education_history="SMK"),
    "disnaker.nikclaim": _claim,
    "disnaker.summary": _summary,
}

# The portal's own admins; third-party ones (axes, celery beat) keep their library's actions.
PROJECT_PACKAGES = {"disnaker", "training", "lpk_registry", "placement"}
ADMINS_WITH_ACTIONS = sorted(
    (
        model_admin
        for model_admin in admin.site._registry.values()
        if model_admin.actions and type(model_admin).__module__.split(".")[0] in PROJECT_PACKAGES
    ),
    key=lambda model_admin: model_admin.opts.label_lower,
)
SERVICE_ACTIONS = [
    pytest.param(model_admin, name, action, id=f"{model_admin.opts.label_lower}.{name}")
    for model_admin in ADMINS_WITH_ACTIONS
    for name, action in service_actions(model_admin)
]


def _ids(model_admin):
    return model_admin.opts.label_lower


def _changelist(model_admin) -> str:
    url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist")
    # A queue opens on one status: the rows of this test may be in another.
    queue = any(isinstance(f, type) and issubclass(f, QueueStatusFilter) for f in model_admin.list_filter)
    return f"{url}?status=all" if queue else url


def _post(client, model_admin, action_name, rows, *, action=None):
    data = {"action": action_name, ACTION_CHECKBOX_NAME: [row.pk for row in rows]}
    if action is not None and action.form is not None:
        form = action.form()
        data |= {"apply": "1"} | dict.fromkeys(form.fields, "Alasan untuk uji coba.")
    return client.post(_changelist(model_admin), data, follow=True)


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def test_every_admin_with_actions_is_found_and_has_rows_here():
    assert {model_admin.opts.label_lower for model_admin in ADMINS_WITH_ACTIONS} == set(ROWS)
    assert len(SERVICE_ACTIONS) >= 20


@pytest.mark.parametrize("model_admin", ADMINS_WITH_ACTIONS, ids=_ids)
def test_every_admin_with_actions_uses_the_kit(model_admin):
    assert isinstance(model_admin, ServiceActionsMixin)
    # Each declared action is either a ServiceAction or a plain action with its own page (invite).
    names = {name for name, _action in service_actions(model_admin)}
    plain = [name for name in model_admin.actions if name not in names]
    assert plain in ([], ["invite_operator"])


@pytest.mark.parametrize("model_admin", ADMINS_WITH_ACTIONS, ids=_ids)
def test_an_undeclared_action_is_refused_and_nothing_is_done(superuser_client, model_admin, monkeypatch):
    row = ROWS[model_admin.opts.label_lower]()
    called = []
    for _name, action in service_actions(model_admin):
        monkeypatch.setattr(action, "service", lambda *args, **kwargs: called.append(args))
    # A method of the admin that is not a declared action must not run either.
    response = _post(superuser_client, model_admin, "changelist_view", [row])
    assert response.status_code == 200
    assert _messages(response) == [
        ("error", "“changelist_view” bukan tindakan pada daftar ini: tidak ada yang diubah.")
    ]
    assert called == []


@pytest.mark.parametrize(("model_admin", "name", "action"), SERVICE_ACTIONS)
def test_a_declared_action_without_its_permission_is_forbidden(client, model_admin, name, action, monkeypatch):
    row = ROWS[model_admin.opts.label_lower]()
    called = []
    monkeypatch.setattr(action, "service", lambda *args, **kwargs: called.append(args))
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(
            codename=f"view_{model_admin.opts.model_name}", content_type__app_label=model_admin.opts.app_label
        )
    )
    client.force_login(viewer)
    response = _post(client, model_admin, name, [row], action=action)
    assert response.status_code == 403
    assert called == []


@pytest.mark.parametrize(("model_admin", "name", "action"), SERVICE_ACTIONS)
def test_a_failing_row_is_reported_in_the_common_format(superuser_client, model_admin, name, action, monkeypatch):
    row = ROWS[model_admin.opts.label_lower]()
    refused = []

    def fail(obj, actor, **data):
        refused.append(obj)
        raise ValidationError(REASON)

    monkeypatch.setattr(action, "service", fail)
    response = _post(superuser_client, model_admin, name, [row], action=action)
    assert len(refused) == 1
    assert _messages(response) == [("success", action.done_message([])), ("warning", f"{refused[0]}: {REASON}")]


@pytest.mark.parametrize(("model_admin", "name", "action"), SERVICE_ACTIONS)
def test_the_happy_path_reports_the_count(superuser_client, superuser, model_admin, name, action, monkeypatch):
    row = ROWS[model_admin.opts.label_lower]()
    done = []

    def succeed(obj, actor, **data):
        done.append((obj, actor))
        return RESULTS.get(name, obj)

    monkeypatch.setattr(action, "service", succeed)
    response = _post(superuser_client, model_admin, name, [row], action=action)
    assert [actor for _obj, actor in done] == [superuser]
    message = action.done_message([RESULTS.get(name, done[0][0])])
    assert _messages(response) == [("success", message)]
    assert "1" in message


# What the services behind the actions that add up tallies return, so their message counts one.
RESULTS = {
    "run_selection": {"accepted": 1, "reserve": 0, "rejected": 0},
    "promote_reserves": {"expired": 0, "promoted": 1},
    "complete_training": {Outcome.GRADUATED: 1, Outcome.DROPPED_OUT: 0},
    "accept_by_score": SimpleNamespace(status=RegistrationStatus.ACCEPTED),
}


def test_past_the_cap_the_failures_are_counted_in_one_line(superuser_client, monkeypatch):
    model_admin = admin.site._registry[VacancyFactory._meta.model]
    action = dict(service_actions(model_admin))["unhide"]
    monkeypatch.setattr(action, "service", lambda obj, actor: (_ for _ in ()).throw(ValidationError(REASON)))
    rows = VacancyFactory.create_batch(LISTED_FAILURES + 2)
    messages = _messages(_post(superuser_client, model_admin, "unhide", rows))
    assert messages[0] == ("success", "0 lowongan ditampilkan kembali di daftar publik.")
    assert len(messages) == 1 + LISTED_FAILURES + 1
    assert all(level == "warning" and text.endswith(REASON) for level, text in messages[1:-1])
    assert messages[-1] == ("warning", "… dan 2 lainnya tidak diubah.")
