"""The LPK admin: changelists without N+1, expiry and overdue filters, the review queue and its
services, operators, compliance, and who may act (Pembina LPK) or only look (Pimpinan)."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disnaker.nik import mask_nik, parse_nik
from disnaker.roles import HEAD_OF_OFFICE, LPK_SUPERVISOR
from lpk_registry import compliance, services
from lpk_registry.models import (
    Accreditation,
    GraduateReport,
    Institution,
    Operator,
    ReminderSent,
    ReportStatus,
    SupervisionActivity,
    SupervisionParticipation,
)
from lpk_registry.services import GraduateRow, ProgrammeRow, ReportContent
from tests.factories import (
    GraduateReportFactory,
    InstitutionFactory,
    LicenceFactory,
    UserFactory,
    lpk_operator,
    make_nik,
)
from tests.training.conftest import login_in_english

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NOW = timezone.now()


def _url(model: str, view: str = "changelist", *args) -> str:
    return reverse(f"admin:lpk_registry_{model}_{view}", args=args)


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _action(client, model: str, action: str, objects, query: str = "", **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
    return client.post(_url(model) + query, data, follow=True)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _shown(response) -> list:
    return list(response.context["cl"].result_list)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries)


@pytest.fixture
def pembina(staff_user):
    return staff_user(LPK_SUPERVISOR)


@pytest.fixture
def pembina_client(client, pembina):
    return login_in_english(client, pembina)


@pytest.fixture
def head_client(staff_user):
    return login_in_english(Client(), staff_user(HEAD_OF_OFFICE))


GRADUATE_NIK = make_nik(sex="P", birth_date=datetime.date(2001, 3, 4), serial=77, region="367203")


def _content(*, nik: str = GRADUATE_NIK, name: str = "Siti Rohani") -> ReportContent:
    return ReportContent(
        programmes=[ProgrammeRow(programme="Pengelasan SMAW", enrolled_male=2, enrolled_female=2, graduates_female=1)],
        graduates=[GraduateRow(nik=nik, name=name, sex=parse_nik(nik).sex, programme="Pengelasan SMAW",
                               status="working", company="PT Krakatau Steel")],
    )  # fmt: skip


def _report(status: str = ReportStatus.SUBMITTED, *, institution=None, quarter=None, submitted_at=None, **content):
    """A report made through the services, up to ``status``."""
    year, q = quarter or compliance.last_finished_quarter()
    report = GraduateReportFactory(institution=institution or InstitutionFactory(), year=year, quarter=q)
    services.report_replace_content(report=report, content=_content(**content), actor=None)
    if status != ReportStatus.DRAFT:
        services.report_submit(report=report, actor=None, now=submitted_at or NOW)
    if status == ReportStatus.ACCEPTED:
        services.report_accept(report=report, actor=None)
    elif status == ReportStatus.RETURNED:
        services.report_return(report=report, comment="Lengkapi NIK", actor=None)
    report.refresh_from_db()
    return report


# --- Changelists: the same number of queries for 1 and 50 rows --------------------------------


def _institution_row():
    institution = InstitutionFactory()
    LicenceFactory(institution=institution, valid_until=_days(40))
    Accreditation.objects.create(institution=institution, result="A", valid_from=_days(-100), valid_until=_days(900))
    lpk_operator(institution=institution)
    _report(institution=institution)


def test_institution_changelist_makes_the_same_queries_for_1_and_50_institutions(pembina_client):
    _institution_row()
    one = _count_queries(pembina_client, _url("institution"))
    for _ in range(49):
        _institution_row()
    assert Institution.objects.count() == 50
    assert _count_queries(pembina_client, _url("institution")) == one


def test_review_queue_makes_the_same_queries_for_1_and_50_reports(pembina_client):
    _report()
    one = _count_queries(pembina_client, _url("graduatereport"))
    for n in range(49):
        _report(nik=make_nik(sex="P", birth_date=datetime.date(2000, 1, 1), serial=100 + n))
    assert GraduateReport.objects.filter(status="submitted").count() == 50
    assert _count_queries(pembina_client, _url("graduatereport")) == one


def _licence_row():
    LicenceFactory(valid_until=_days(30))


def _accreditation_row():
    Accreditation.objects.create(
        institution=InstitutionFactory(), result="B", valid_from=_days(-9), valid_until=_days(9)
    )


def _operator_row():
    lpk_operator()


def _activity_row():
    activity = SupervisionActivity.objects.create(date=TODAY, title="Monitoring", kind="visit")
    SupervisionParticipation.objects.create(activity=activity, institution=InstitutionFactory(), headcount=2)


def _graduate_row():
    _report(nik=make_nik(sex="L", birth_date=datetime.date(1999, 9, 9), serial=ReminderSent.objects.count() + 1))
    ReminderSent.objects.create(key=f"test:{ReminderSent.objects.count()}:0")


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("licence", _licence_row),
        ("accreditation", _accreditation_row),
        ("operator", _operator_row),
        ("supervisionactivity", _activity_row),
        ("reportgraduate", _graduate_row),
        ("remindersent", _graduate_row),
    ],
)
def test_other_changelists_make_the_same_queries_for_1_and_50_rows(pembina_client, model, make):
    make()
    one = _count_queries(pembina_client, _url(model))
    for _ in range(49):
        make()
    assert _count_queries(pembina_client, _url(model)) == one


# --- Institutions: badges and filters ---------------------------------------------------------


@pytest.fixture
def licences():
    """One institution per situation of its current licence."""
    made = {
        "soon": LicenceFactory(valid_until=_days(30)).institution,
        "today": LicenceFactory(valid_until=TODAY).institution,
        "later": LicenceFactory(valid_until=_days(91)).institution,
        "expired": LicenceFactory(valid_until=_days(-1)).institution,
        "revoked": LicenceFactory(valid_until=_days(30), status="revoked").institution,
        "none": InstitutionFactory(),
    }
    renewed = LicenceFactory(valid_until=_days(20)).institution  # then renewed for five years
    LicenceFactory(institution=renewed, issued_on=_days(-5), valid_until=_days(5 * 365))
    made["renewed"] = renewed
    return made


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("soon", {"soon", "today"}),
        ("expired", {"expired"}),
        ("valid", {"later", "renewed"}),
        ("none", {"none"}),
    ],
)
def test_licence_expiry_filter_picks_exactly_the_institutions_by_their_current_licence(
    pembina_client, licences, choice, expected
):
    response = pembina_client.get(_url("institution"), {"licence": choice})
    names = {key for key, institution in licences.items() if institution in _shown(response)}
    assert names == expected


def test_accreditation_expiry_filter_picks_exactly_the_institutions_expiring_within_90_days(pembina_client):
    def accredited(*until):
        institution = InstitutionFactory()
        for days in until:
            Accreditation.objects.create(
                institution=institution, result="A", valid_from=_days(days - 1800), valid_until=_days(days)
            )
        return institution

    expiring, boundary = accredited(60), accredited(90)
    accredited(91), accredited(-3), accredited(10, 1500), InstitutionFactory()
    response = pembina_client.get(_url("institution"), {"accreditation": "soon"})
    assert set(_shown(response)) == {expiring, boundary}


def test_licence_changelist_expiry_filter_and_badges(pembina_client, licences):
    response = pembina_client.get(_url("licence"), {"expiry": "soon"})
    shown = {licence.institution for licence in _shown(response)}
    # the renewed institution's old licence does expire; a revoked one is not "expiring"
    assert shown == {licences["soon"], licences["today"], licences["renewed"]}
    page = response.content.decode()
    assert '<span class="lpk-badge lpk-badge-soon"' in page and "30 days left" in page


def test_institution_list_shows_licence_badges_accreditation_and_kelurahan(pembina_client, licences):
    Accreditation.objects.create(
        institution=licences["soon"], result="Terakreditasi", valid_from=_days(-10), valid_until=_days(1000)
    )
    page = pembina_client.get(_url("institution")).content.decode()
    assert "30 days left" in page
    assert "revoked" in page
    assert f"expired {_days(-1):%m/%d/%Y}" in page  # English short dates
    assert "Terakreditasi" in page and "lpk-badge-ok" in page
    assert licences["soon"].kelurahan.name in page


def test_no_report_for_last_quarter_and_overdue_filters(pembina_client):
    quarter = compliance.last_finished_quarter()
    reported = _report(institution=LicenceFactory(issued_on=datetime.date(2015, 1, 1)).institution).institution
    draft_only = _report(ReportStatus.DRAFT, institution=LicenceFactory().institution).institution
    returned = _report(ReportStatus.RETURNED, institution=LicenceFactory().institution).institution
    silent = LicenceFactory().institution
    closed = InstitutionFactory(status="inactive")
    LicenceFactory(institution=closed)
    response = pembina_client.get(_url("institution"), {"last_quarter": "missing"})
    assert set(_shown(response)) == {draft_only, returned, silent}
    response = pembina_client.get(_url("institution"), {"last_quarter": "submitted"})
    assert set(_shown(response)) == {reported}

    # overdue: a due quarter in the last four has no report; for the long-licensed one, the others do
    for older in compliance.due_quarters():
        if older != quarter:
            _report(ReportStatus.ACCEPTED, institution=reported, quarter=older)
    response = pembina_client.get(_url("institution"), {"overdue": "yes"})
    assert set(_shown(response)) == {draft_only, returned, silent}  # not the closed institution


def test_institution_list_shows_the_compliance_rate_of_the_last_four_quarters(pembina_client):
    institution = LicenceFactory(issued_on=datetime.date(2015, 1, 1)).institution
    quarters = compliance.due_quarters()
    for quarter in quarters[:3]:
        _report(ReportStatus.ACCEPTED, institution=institution, quarter=quarter)
    page = pembina_client.get(_url("institution")).content.decode()
    assert '75% <span class="quiet">(3/4)</span>' in page


def test_compliance_page_lists_each_institution_with_due_submitted_on_time_and_rate(head_client):
    institution = LicenceFactory(issued_on=datetime.date(2015, 1, 1)).institution
    quarters = compliance.due_quarters()
    on_time = _at(compliance.due_date(quarters[0]), 9)
    late = _at(compliance.due_date(quarters[1]) + datetime.timedelta(days=3), 9)
    _report(ReportStatus.ACCEPTED, institution=institution, quarter=quarters[0], submitted_at=on_time)
    _report(ReportStatus.SUBMITTED, institution=institution, quarter=quarters[1], submitted_at=late)
    response = head_client.get(_url("institution", "compliance"))
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row[0] == institution
    assert (row[1].due, row[1].submitted, row[1].on_time, row[2]) == (4, 2, 1, "50%")
    page = response.content.decode()
    assert institution.name in page and "late" in page and "missing" in page
    for quarter in quarters:
        assert compliance.quarter_label(quarter) in page


# --- Operators ------------------------------------------------------------------------------


def test_invite_operator_action_leads_to_the_e_mail_page_and_calls_the_service(
    pembina_client, django_capture_on_commit_callbacks
):
    institution = InstitutionFactory()
    response = _action(pembina_client, "institution", "invite_operator", [institution])
    assert response.redirect_chain[-1][0] == _url("institution", "invite", institution.pk)
    assert 'name="email"' in response.content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = pembina_client.post(
            _url("institution", "invite", institution.pk), {"email": "Admin@LPK-Baru.example"}, follow=True
        )
    operator = Operator.objects.get(institution=institution)
    assert operator.user.email == "admin@lpk-baru.example" and operator.is_active
    assert len(callbacks) == 1  # the invitation e-mail, queued after commit
    assert _messages(response) == [
        f"admin@lpk-baru.example is an operator of {institution}; the invitation is being e-mailed."
    ]


def test_invite_operator_needs_exactly_one_institution(pembina_client):
    response = _action(pembina_client, "institution", "invite_operator", InstitutionFactory.create_batch(2))
    assert _messages(response) == ["Choose exactly one institution to invite an operator."]
    assert not Operator.objects.exists()


def test_a_staff_member_e_mail_cannot_become_an_operator(pembina_client):
    UserFactory(username="pembina2", email="pembina2@disnaker.example", is_staff=True)
    institution = InstitutionFactory()
    response = pembina_client.post(
        _url("institution", "invite", institution.pk), {"email": "pembina2@disnaker.example"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Staff accounts cannot be LPK operators."]
    assert not Operator.objects.exists()


def test_deactivate_operators_calls_the_service_and_counts(pembina_client):
    active = Operator.objects.get(user=lpk_operator())
    gone = Operator.objects.get(user=lpk_operator())
    Operator.objects.filter(pk=gone.pk).update(is_active=False)
    response = _action(pembina_client, "operator", "deactivate", [active, gone])
    assert _messages(response) == ["1 operators deactivated."]
    assert not Operator.objects.get(pk=active.pk).is_active


def test_institution_change_page_lists_operators_read_only_with_a_link(pembina_client):
    user = lpk_operator()
    operator = Operator.objects.get(user=user)
    page = pembina_client.get(_url("institution", "change", operator.institution_id)).content.decode()
    assert user.email in page
    assert _url("operator", "change", operator.pk) in page
    assert 'name="operators-0-is_active"' not in page
    assert _url("institution", "invite", operator.institution_id) in page


# --- The review queue -------------------------------------------------------------------------


def test_review_queue_shows_submitted_reports_oldest_first_with_graduate_counts(pembina_client):
    newer = _report(submitted_at=NOW - datetime.timedelta(hours=1))
    older = _report(submitted_at=NOW - datetime.timedelta(days=2), nik=make_nik(serial=4242))
    _report(ReportStatus.DRAFT, nik=make_nik(serial=4343))
    _report(ReportStatus.ACCEPTED, nik=make_nik(serial=4444))
    response = pembina_client.get(_url("graduatereport"))
    assert _shown(response) == [older, newer]
    assert [r.n_graduates for r in _shown(response)] == [1, 1]
    assert '<td class="field-graduates_count">1</td>' in response.content.decode()
    everything = pembina_client.get(_url("graduatereport"), {"status": "all"})
    assert len(_shown(everything)) == 4


def test_on_time_column_counts_the_first_submission(pembina_client):
    quarter = compliance.due_quarters()[0]
    due = compliance.due_date(quarter)
    on_time = _at(due, 20)
    report = _report(ReportStatus.RETURNED, quarter=quarter, submitted_at=on_time)
    services.report_submit(report=report, actor=None, now=on_time + datetime.timedelta(days=9))
    late = _report(quarter=quarter, submitted_at=on_time + datetime.timedelta(days=1), nik=make_nik(serial=99))
    response = pembina_client.get(_url("graduatereport"))
    model_admin = admin.site._registry[GraduateReport]
    assert {r.pk: model_admin.on_time(r) for r in _shown(response)} == {report.pk: True, late.pk: False}


def test_accept_button_calls_the_service_and_returns_to_the_queue(pembina_client, pembina):
    report = _report()
    page = pembina_client.get(_url("graduatereport", "change", report.pk)).content.decode()
    assert f'formaction="{_url("graduatereport", "accept", report.pk)}"' in page
    assert pembina_client.get(_url("graduatereport", "accept", report.pk)).status_code == 405
    response = pembina_client.post(_url("graduatereport", "accept", report.pk), follow=True)
    assert response.redirect_chain[-1][0] == _url("graduatereport")
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == ("accepted", pembina)
    assert report.events.last().action == "accepted"
    assert _messages(response) == [f"{report} accepted."]


def test_accepting_a_report_that_is_not_submitted_changes_nothing(pembina_client):
    draft = _report(ReportStatus.DRAFT)
    response = pembina_client.post(_url("graduatereport", "accept", draft.pk), follow=True)
    assert _messages(response) == [f"{draft}: Only submitted reports can be reviewed."]
    assert GraduateReport.objects.get(pk=draft.pk).status == "draft"


def test_return_needs_a_comment_then_returns_the_report_with_it(pembina_client):
    report = _report()
    url = _url("graduatereport", "return", report.pk)
    assert 'name="comment"' in pembina_client.get(url).content.decode()
    empty = pembina_client.post(url, {"comment": "   "})
    assert empty.status_code == 200 and empty.context["form"].errors["comment"]
    assert GraduateReport.objects.get(pk=report.pk).status == "submitted"
    response = pembina_client.post(url, {"comment": "Jumlah lulusan perempuan tidak cocok."}, follow=True)
    report.refresh_from_db()
    assert (report.status, report.review_comment) == ("returned", "Jumlah lulusan perempuan tidak cocok.")
    assert _messages(response) == [f"{report} returned to the institution for revision."]
    trail = pembina_client.get(_url("graduatereport", "change", report.pk)).content.decode()
    assert "Jumlah lulusan perempuan tidak cocok." in trail


def test_accept_action_accepts_only_submitted_reports(pembina_client):
    submitted, draft = _report(), _report(ReportStatus.DRAFT, nik=make_nik(serial=31))
    response = _action(pembina_client, "graduatereport", "accept_reports", [submitted, draft], query="?status=all")
    assert GraduateReport.objects.get(pk=submitted.pk).status == "accepted"
    assert GraduateReport.objects.get(pk=draft.pk).status == "draft"
    assert _messages(response) == ["1 reports accepted.", f"{draft}: Only submitted reports can be reviewed."]


def test_return_action_asks_for_a_comment_first(pembina_client):
    first, second = _report(), _report(nik=make_nik(serial=32))
    data = {"action": "return_reports", ACTION_CHECKBOX_NAME: [first.pk, second.pk]}
    intermediate = pembina_client.post(_url("graduatereport"), data)
    assert intermediate.status_code == 200 and 'name="comment"' in intermediate.content.decode()
    empty = pembina_client.post(_url("graduatereport"), data | {"apply": "1", "comment": ""})
    assert empty.context["form"].errors["comment"]
    assert set(GraduateReport.objects.values_list("status", flat=True)) == {"submitted"}
    response = pembina_client.post(
        _url("graduatereport"), data | {"apply": "1", "comment": "Lengkapi sertifikat."}, follow=True
    )
    assert _messages(response) == ["2 reports returned for revision."]
    assert set(GraduateReport.objects.values_list("review_comment", flat=True)) == {"Lengkapi sertifikat."}


def test_report_lines_cannot_be_edited_and_nik_is_shown_to_the_supervisor(pembina_client):
    report = _report()
    page = pembina_client.get(_url("graduatereport", "change", report.pk)).content.decode()
    assert GRADUATE_NIK in page and "Siti Rohani" in page
    assert 'name="graduates-0-name"' not in page and 'name="programme_lines-0-programme"' not in page
    assert 'name="_save"' not in page
    response = pembina_client.post(_url("graduatereport", "change", report.pk), {"status": "accepted"})
    assert GraduateReport.objects.get(pk=report.pk).status == "submitted"
    assert response.status_code in (200, 302)
    assert pembina_client.get(_url("graduatereport", "add")).status_code == 403
    assert pembina_client.get(_url("reportgraduate", "change", report.graduates.get().pk)).status_code == 200
    assert pembina_client.post(_url("reportgraduate", "change", report.graduates.get().pk), {}).status_code == 403


def test_head_of_office_views_with_masked_nik_but_cannot_act(head_client):
    report = _report()
    assert head_client.get(_url("graduatereport")).status_code == 200
    page = head_client.get(_url("graduatereport", "change", report.pk)).content.decode()
    assert GRADUATE_NIK not in page and mask_nik(GRADUATE_NIK) in page
    assert "formaction" not in page
    assert head_client.post(_url("graduatereport", "accept", report.pk)).status_code == 403
    assert head_client.get(_url("graduatereport", "return", report.pk)).status_code == 403
    data = {"action": "accept_reports", ACTION_CHECKBOX_NAME: [report.pk]}
    assert head_client.post(_url("graduatereport"), data).status_code == 403
    data = {"action": "return_reports", "apply": "1", "comment": "x", ACTION_CHECKBOX_NAME: [report.pk]}
    assert head_client.post(_url("graduatereport"), data).status_code == 403
    assert GraduateReport.objects.get(pk=report.pk).status == "submitted"

    institution = report.institution
    assert head_client.get(_url("institution", "invite", institution.pk)).status_code == 403
    data = {"action": "invite_operator", ACTION_CHECKBOX_NAME: [institution.pk]}
    assert head_client.post(_url("institution"), data).status_code == 403
    operator = Operator.objects.get(user=lpk_operator(institution=institution))
    data = {"action": "deactivate", ACTION_CHECKBOX_NAME: [operator.pk]}
    assert head_client.post(_url("operator"), data).status_code == 403
    assert Operator.objects.get(pk=operator.pk).is_active


def test_reported_graduates_are_found_by_exact_nik_only_by_staff_who_may_see_it(pembina_client, head_client):
    report = _report()
    found = pembina_client.get(_url("reportgraduate"), {"q": "3672 0344 0301 0077"}, follow=True)
    assert [g.report for g in _shown(found)] == [report]
    assert not _shown(pembina_client.get(_url("reportgraduate"), {"q": GRADUATE_NIK[:10]}, follow=True))
    hidden = head_client.get(_url("reportgraduate"), {"q": GRADUATE_NIK}, follow=True)
    assert not _shown(hidden)
    listing = head_client.get(_url("reportgraduate")).content.decode()
    assert "Siti Rohani" in listing and GRADUATE_NIK not in listing and mask_nik(GRADUATE_NIK) in listing


# --- Supervision and reminders ---------------------------------------------------------------


def test_supervision_activity_shows_the_total_participants(pembina_client):
    activity = SupervisionActivity.objects.create(
        date=datetime.date(2024, 9, 10), title="Pembinaan LPK Kota Cilegon", kind="guidance"
    )
    for institution in InstitutionFactory.create_batch(30):
        SupervisionParticipation.objects.create(activity=activity, institution=institution, headcount=2)
    page = pembina_client.get(_url("supervisionactivity")).content.decode()
    assert '<td class="field-participants">60</td>' in page
    assert '<td class="field-institution_count">30</td>' in page
    detail = pembina_client.get(_url("supervisionactivity", "change", activity.pk)).content.decode()
    assert "60 participants from 30 institutions" in detail


def test_reminders_sent_are_read_only_and_the_pending_ones_are_listed(pembina_client):
    institution = LicenceFactory(valid_until=_days(25)).institution
    ReminderSent.objects.create(key="accreditation:1:90")
    response = pembina_client.get(_url("remindersent"))
    page = response.content.decode()
    assert "accreditation:1:90" in page and "Accreditation expiry" in page
    (pending,) = [p for p in response.context["pending"] if str(p["kind"]) == "Licence expiry"]
    assert pending["institution"] == institution.name and pending["recipients"] == [institution.email]
    assert pending["url"] == reverse("admin:lpk_registry_institution_change", args=[institution.pk])
    assert pembina_client.get(_url("remindersent", "add")).status_code == 403


def test_the_pending_reminders_are_kept_a_minute_and_worked_out_again_once_one_is_sent(pembina_client):
    from lpk_registry import reminders

    first = LicenceFactory(valid_until=_days(25))
    pembina_client.get(_url("remindersent"))
    later = LicenceFactory(valid_until=_days(20))  # due too, but the table is the cached one
    with CaptureQueriesContext(connection) as cached:
        response = pembina_client.get(_url("remindersent"))
    assert _licence_reminders(response) == [first.institution.name]
    assert not [q for q in cached.captured_queries if "lpk_registry_licence" in q["sql"]]
    assert "as of" in response.content.decode()
    sent = reminders.Reminder("licence", str(first.pk), 30, first.institution).key
    ReminderSent.objects.create(key=sent)  # what the daily job does when it sends one
    assert _licence_reminders(pembina_client.get(_url("remindersent"))) == [later.institution.name]


def _licence_reminders(response) -> list[str]:
    return [p["institution"] for p in response.context["pending"] if p["kind"] == "Licence expiry"]
