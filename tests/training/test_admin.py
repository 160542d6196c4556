"""The training admin: changelists without N+1, actions that call the services, personal data masked."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disnaker.models import Certification
from disnaker.roles import HEAD_OF_OFFICE, PLACEMENT_OFFICER, TRAINING_OFFICER
from tests.factories import BatchFactory, RegistrationFactory
from tests.training.conftest import login_in_english
from training.models import (
    Attendance,
    Batch,
    ParticipantCertificate,
    Registration,
    RegistrationStatus,
    TracerResponse,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _url(model: str, view: str = "changelist", *args) -> str:
    return reverse(f"admin:training_{model}_{view}", args=args)


def _registrations(batch, count: int, status: str = RegistrationStatus.VERIFIED, **kwargs):
    return [RegistrationFactory(batch=batch, status=status, **kwargs) for _ in range(count)]


def _seated(batch, count: int, status: str = RegistrationStatus.CONFIRMED):
    """Participants holding seats, with the batch's seat counter to match."""
    registrations = _registrations(batch, count, status)
    Batch.objects.filter(pk=batch.pk).update(seats_taken=count)
    batch.refresh_from_db()
    return registrations


def _finished_batch(**kwargs):
    start = TODAY - datetime.timedelta(days=40)
    return BatchFactory(
        start_date=start,
        end_date=start + datetime.timedelta(days=13),  # two weeks: 10 training days
        registration_opens=start - datetime.timedelta(days=30),
        registration_closes=start - datetime.timedelta(days=5),
        status="running",
        **kwargs,
    )


def _action(client, model: str, action: str, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
    return client.post(_url(model), data, follow=True)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def officer_client(client, staff_user):
    return login_in_english(client, staff_user(TRAINING_OFFICER))


@pytest.fixture
def head_client(client, staff_user):
    return login_in_english(client, staff_user(HEAD_OF_OFFICE))


# --- Changelists: the same number of queries for 1 and 50 rows --------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries)


def test_batch_changelist_makes_the_same_queries_for_1_and_50_batches(officer_client):
    first = BatchFactory()
    _registrations(first, 3)
    one = _count_queries(officer_client, _url("batch"))
    for _ in range(49):
        _registrations(BatchFactory(), 2)
    assert Batch.objects.count() == 50
    assert _count_queries(officer_client, _url("batch")) == one


def test_registration_changelist_makes_the_same_queries_for_1_and_50_registrations(officer_client):
    # Every factory registration has its own batch, programme and vocation: the filters list them all.
    RegistrationFactory()
    one = _count_queries(officer_client, _url("registration"))
    RegistrationFactory.create_batch(49)
    assert _count_queries(officer_client, _url("registration")) == one


def _attendance_row():
    Attendance.objects.create(registration=RegistrationFactory(status="confirmed"), day=TODAY)


def _tracer_row():
    TracerResponse.objects.create(registration=RegistrationFactory(outcome="graduated"), months_after=3)


def _certificate_row():
    registration = RegistrationFactory(outcome="graduated")
    ParticipantCertificate.objects.create(registration=registration, number=f"N-{registration.pk}", issued_on=TODAY)


@pytest.mark.parametrize(
    ("model", "make"),
    [("attendance", _attendance_row), ("tracerresponse", _tracer_row), ("participantcertificate", _certificate_row)],
)
def test_other_changelists_make_the_same_queries_for_1_and_50_rows(officer_client, model, make):
    make()
    one = _count_queries(officer_client, _url(model))
    for _ in range(49):
        make()
    assert _count_queries(officer_client, _url(model)) == one


# --- Batches --------------------------------------------------------------------------------


def test_batch_changelist_counts_registrations_per_status(officer_client):
    batch = BatchFactory(code="BLK-LAS-01", quota=10)
    _registrations(batch, 3, RegistrationStatus.REGISTERED)
    _registrations(batch, 2, RegistrationStatus.VERIFIED)
    _seated(batch, 4)
    page = officer_client.get(_url("batch")).content.decode()
    link = f"{_url('registration')}?batch__id__exact={batch.pk}&amp;status__exact="
    summary = (
        f'<a href="{link}registered">3&nbsp;new</a> · <a href="{link}verified">2&nbsp;verified</a>'
        f' · <a href="{link}confirmed">4&nbsp;confirmed</a>'
    )
    assert f'<td class="field-registration_summary">{summary}</td>' in page
    assert '<td class="field-seats">4&nbsp;/&nbsp;10<br><span class="quiet">6 left</span></td>' in page


def test_batch_change_page_shows_counts_and_links_to_registrations_and_attendance(officer_client):
    batch = BatchFactory(quota=5)
    _registrations(batch, 2, RegistrationStatus.REJECTED)
    _seated(batch, 3)
    page = officer_client.get(_url("batch", "change", batch.pk)).content.decode()
    assert f'?batch__id__exact={batch.pk}&amp;status__exact=rejected">2</a>' in page
    assert f'?batch__id__exact={batch.pk}&amp;status__exact=confirmed">3</a>' in page
    assert reverse("training:staff_attendance", args=[batch.pk]) in page
    assert f"{reverse('training:staff_walk_in')}?batch={batch.pk}" in page


def test_the_filtered_registration_link_of_a_batch_lists_only_that_status(officer_client):
    batch = BatchFactory()
    verified = _registrations(batch, 1)[0]
    registered = _registrations(batch, 1, RegistrationStatus.REGISTERED)[0]
    response = officer_client.get(f"{_url('registration')}?batch__id__exact={batch.pk}&status__exact=verified")
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [verified] and registered not in shown


def test_run_selection_accepts_by_score_up_to_the_quota_then_reserves_in_order_and_rejects_the_rest(officer_client):
    batch = BatchFactory(quota=2, reserve_seats=2)
    scores = {"A": 90, "B": 75, "C": 60, "D": 82, "E": 40}
    people = {
        name: RegistrationFactory(batch=batch, status="verified", test_score=Decimal(score), person__name=name)
        for name, score in scores.items()
    }
    unverified = RegistrationFactory(batch=batch, status="registered", test_score=Decimal(99))
    response = _action(officer_client, "batch", "run_selection", [batch])
    assert _messages(response) == ["Selection done: 2 accepted, 2 on the reserve list, 1 not accepted."]
    for registration in [*people.values(), unverified]:
        registration.refresh_from_db()
    assert {n for n, r in people.items() if r.status == "accepted"} == {"A", "D"}
    assert [(n, people[n].status, people[n].reserve_rank) for n in ("B", "C")] == [
        ("B", "reserve", 1),
        ("C", "reserve", 2),
    ]
    assert people["E"].status == "rejected" and people["E"].reason
    assert unverified.status == "registered"
    assert Batch.objects.get(pk=batch.pk).seats_taken == 2


def test_promote_reserves_fills_free_seats_and_expires_unconfirmed_places(officer_client):
    batch = BatchFactory(quota=3, reserve_seats=5)
    overdue = RegistrationFactory(batch=batch, status="accepted", confirm_by=TODAY - datetime.timedelta(days=1))
    confirmed = RegistrationFactory(batch=batch, status="confirmed")
    Batch.objects.filter(pk=batch.pk).update(seats_taken=2)  # one seat free, e.g. after raising the quota
    reserves = [RegistrationFactory(batch=batch, status="reserve", reserve_rank=rank) for rank in (1, 2, 3)]
    response = _action(officer_client, "batch", "promote_reserves", [batch])
    assert response.status_code == 200
    overdue.refresh_from_db()
    confirmed.refresh_from_db()
    assert overdue.status == "expired" and confirmed.status == "confirmed"
    statuses = [Registration.objects.get(pk=r.pk).status for r in reserves]
    assert statuses == ["accepted", "accepted", "reserve"]
    assert Batch.objects.get(pk=batch.pk).seats_taken == 3
    assert _messages(response) == ["1 places expired unconfirmed, 2 reserves promoted."]


def test_complete_training_graduates_by_the_attendance_threshold(officer_client):
    batch = _finished_batch(min_attendance_percent=80)
    steady, absent = _seated(batch, 2)
    days = batch.training_days
    assert len(days) == 10
    for index, day in enumerate(days):
        Attendance.objects.create(registration=steady, day=day, present=index != 0)  # 90 %
        Attendance.objects.create(registration=absent, day=day, present=index < 7)  # 70 %
    response = _action(officer_client, "batch", "complete_training", [batch])
    steady.refresh_from_db()
    absent.refresh_from_db()
    assert (steady.outcome, absent.outcome) == ("graduated", "dropped_out")
    assert _messages(response) == ["Training completed: 1 graduated, 1 dropped out."]


def test_complete_training_refuses_a_batch_that_has_not_ended(officer_client):
    batch = BatchFactory()  # starts in a month
    (participant,) = _seated(batch, 1)
    response = _action(officer_client, "batch", "complete_training", [batch])
    participant.refresh_from_db()
    assert participant.outcome == ""
    ends = batch.end_date.strftime("%d-%m-%Y")
    assert f"{batch}: It ends on {ends}: complete it after the last day." in _messages(response)


def test_head_of_office_sees_batches_but_cannot_run_actions(head_client):
    batch = BatchFactory(quota=1)
    registration = RegistrationFactory(batch=batch, status="verified", test_score=Decimal(80))
    page = head_client.get(_url("batch"))
    assert page.status_code == 200
    assert "run_selection" not in page.content.decode()
    _action(head_client, "batch", "run_selection", [batch])
    registration.refresh_from_db()
    assert registration.status == "verified"


def test_lowering_the_quota_below_the_seats_taken_is_refused_beside_the_field(officer_client):
    batch = BatchFactory(quota=5)
    _seated(batch, 4)
    data = _batch_form_data(batch, quota=3)
    response = officer_client.post(_url("batch", "change", batch.pk), data)
    assert response.status_code == 200
    assert "quota" in response.context["adminform"].form.errors
    assert Batch.objects.get(pk=batch.pk).quota == 5


def test_saving_a_batch_keeps_the_seats_taken_meanwhile(rf, superuser):
    from django.contrib import admin

    batch = BatchFactory(quota=5)
    stale = Batch.objects.get(pk=batch.pk)
    Batch.objects.filter(pk=batch.pk).update(seats_taken=3)  # a registration took seats meanwhile
    stale.venue = "Workshop 2"
    request = rf.post("/")
    request.user = superuser
    admin.site._registry[Batch].save_model(request, stale, form=None, change=True)
    batch.refresh_from_db()
    assert (batch.venue, batch.seats_taken) == ("Workshop 2", 3)


def _batch_form_data(batch, **changes):
    data = {
        "programme": batch.programme_id, "code": batch.code, "phase": batch.phase, "status": batch.status,
        "selection_method": batch.selection_method, "funding": batch.funding,
        "registration_opens": batch.registration_opens.isoformat(),
        "registration_closes": batch.registration_closes.isoformat(),
        "start_date": batch.start_date.isoformat(), "end_date": batch.end_date.isoformat(),
        "venue_type": batch.venue_type, "venue": batch.venue, "instructors": "", "accessibility_notes": "",
        "quota": batch.quota, "reserve_seats": batch.reserve_seats, "confirm_days": batch.confirm_days,
        "min_attendance_percent": batch.min_attendance_percent,
    }  # fmt: skip
    return data | changes


# --- Registrations --------------------------------------------------------------------------


def test_verify_documents_moves_new_registrations_to_verified(officer_client):
    batch = BatchFactory()
    new = _registrations(batch, 2, RegistrationStatus.REGISTERED)
    accepted = RegistrationFactory(batch=batch, status="accepted")
    response = _action(officer_client, "registration", "verify_documents", [*new, accepted])
    assert [Registration.objects.get(pk=r.pk).status for r in new] == ["verified", "verified"]
    assert Registration.objects.get(pk=accepted.pk).status == "accepted"
    assert _messages(response) == [
        "2 registrations verified.",
        f"{accepted}: Only new registrations can be verified.",
    ]


def test_accept_in_score_order_fills_the_quota_with_the_best_then_the_reserve_list(officer_client):
    batch = BatchFactory(quota=1, reserve_seats=1)
    low = RegistrationFactory(batch=batch, status="verified", test_score=Decimal(50))
    high = RegistrationFactory(batch=batch, status="verified", test_score=Decimal(95))
    middle = RegistrationFactory(batch=batch, status="verified", test_score=Decimal(70))
    response = _action(officer_client, "registration", "accept_by_score", [low, high, middle])
    for registration in (low, high, middle):
        registration.refresh_from_db()
    assert (high.status, middle.status, low.status) == ("accepted", "reserve", "verified")
    assert middle.reserve_rank == 1
    assert _messages(response) == [
        "1 accepted, 1 put on the reserve list.",
        f"{low}: This batch is full and its reserve list too. Please choose another batch.",
    ]


def test_reject_asks_for_a_reason_first_and_refuses_an_empty_one(officer_client):
    registration = RegistrationFactory(status="verified")
    intermediate = officer_client.post(
        _url("registration"), {"action": "reject", ACTION_CHECKBOX_NAME: [registration.pk]}
    )
    assert intermediate.status_code == 200
    assert 'name="reason"' in intermediate.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == "verified"
    empty = officer_client.post(
        _url("registration"),
        {"action": "reject", "apply": "1", "reason": "  ", ACTION_CHECKBOX_NAME: [registration.pk]},
    )
    assert empty.status_code == 200
    assert empty.context["form"].errors["reason"]
    assert Registration.objects.get(pk=registration.pk).status == "verified"


def test_reject_with_a_reason_frees_the_seat_for_the_next_reserve(officer_client):
    batch = BatchFactory(quota=1, reserve_seats=2)
    (seated,) = _seated(batch, 1, RegistrationStatus.ACCEPTED)
    reserve = RegistrationFactory(batch=batch, status="reserve", reserve_rank=1)
    data = {"action": "reject", "apply": "1", "reason": "KTP palsu", ACTION_CHECKBOX_NAME: [seated.pk]}
    response = officer_client.post(_url("registration"), data, follow=True)
    assert _messages(response) == ["1 registrations rejected."]
    seated.refresh_from_db()
    reserve.refresh_from_db()
    assert (seated.status, seated.reason) == ("rejected", "KTP palsu")
    assert reserve.status == "accepted"


def test_graduated_and_dropped_out_are_set_on_confirmed_participants_only(officer_client):
    batch = BatchFactory()
    graduate, dropout = _seated(batch, 2)
    waiting = RegistrationFactory(batch=batch, status="verified")
    _action(officer_client, "registration", "mark_graduated", [graduate, waiting])
    _action(officer_client, "registration", "mark_dropped_out", [dropout])
    assert Registration.objects.get(pk=graduate.pk).outcome == "graduated"
    assert Registration.objects.get(pk=dropout.pk).outcome == "dropped_out"
    assert Registration.objects.get(pk=waiting.pk).outcome == ""


def test_issue_certificate_to_graduates_queues_the_pdf(officer_client, django_capture_on_commit_callbacks):
    graduate = RegistrationFactory(status="confirmed", outcome="graduated")
    dropout = RegistrationFactory(status="confirmed", outcome="dropped_out")
    with django_capture_on_commit_callbacks() as callbacks:
        _action(officer_client, "registration", "issue_certificate", [graduate, dropout])
    certificate = ParticipantCertificate.objects.get()
    assert certificate.registration == graduate
    assert len(callbacks) == 1  # one PDF rendering queued, after commit
    with django_capture_on_commit_callbacks() as callbacks:
        _action(officer_client, "registration", "regenerate_certificate", [graduate, dropout])
    assert len(callbacks) == 1
    assert ParticipantCertificate.objects.count() == 1


def test_scores_are_saved_through_the_service_and_the_status_cannot_be_edited(officer_client):
    registration = RegistrationFactory(status="verified")
    data = {"test_score": "81.5", "interview_score": "70", "status": "accepted", "reserve_rank": "1"}
    response = officer_client.post(_url("registration", "change", registration.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    registration.refresh_from_db()
    assert (registration.test_score, registration.interview_score) == (Decimal("81.5"), Decimal("70"))
    assert (registration.status, registration.reserve_rank) == ("verified", None)
    assert registration.history.first().history_user is not None


def test_a_score_out_of_range_is_shown_beside_the_field(officer_client):
    registration = RegistrationFactory(status="verified")
    response = officer_client.post(
        _url("registration", "change", registration.pk), {"test_score": "1234.5", "interview_score": ""}
    )
    assert response.status_code == 200
    assert "test_score" in response.context["adminform"].form.errors


def test_registrations_cannot_be_added_or_deleted_in_the_admin(officer_client):
    registration = RegistrationFactory()
    assert officer_client.get(_url("registration", "add")).status_code == 403
    assert officer_client.get(_url("registration", "delete", registration.pk)).status_code == 403


def test_head_of_office_sees_masked_nik_and_no_documents(head_client):
    registration = RegistrationFactory(ktp_document="ktp/2026/abc.pdf")
    listing = head_client.get(_url("registration")).content.decode()
    assert registration.person.name in listing
    assert registration.person.nik not in listing
    assert registration.person.nik_masked in listing
    detail = head_client.get(_url("registration", "change", registration.pk)).content.decode()
    assert registration.person.nik not in detail
    assert reverse("training:staff_document", args=[registration.pk, "ktp"]) not in detail
    assert "abc.pdf" not in detail
    assert head_client.get(_url("registration", "history", registration.pk)).status_code == 403


def test_training_officer_sees_the_nik_and_the_document_links(officer_client):
    registration = RegistrationFactory(ktp_document="ktp/2026/abc.pdf")
    listing = officer_client.get(_url("registration")).content.decode()
    assert registration.person.nik in listing
    detail = officer_client.get(_url("registration", "change", registration.pk)).content.decode()
    assert reverse("training:staff_document", args=[registration.pk, "ktp"]) in detail
    assert reverse("training:staff_document", args=[registration.pk, "diploma"]) not in detail
    assert "/media/" not in detail


def test_registrations_are_found_by_name_and_by_exact_nik_as_typed_on_the_ktp(officer_client):
    wanted = RegistrationFactory(person__name="Siti Rahmawati")
    other = RegistrationFactory(person__name="Budi Santoso")
    nik = wanted.person.nik
    spaced = f"{nik[:6]} {nik[6:12]} {nik[12:]}"
    for term in ("rahmawati", spaced):
        shown = list(officer_client.get(_url("registration"), {"q": term}, follow=True).context["cl"].result_list)
        assert shown == [wanted] and other not in shown
    partial = officer_client.get(_url("registration"), {"q": nik[:10]}, follow=True).context["cl"].result_list
    assert list(partial) == []


def test_head_of_office_cannot_search_by_nik(head_client):
    registration = RegistrationFactory()
    shown = head_client.get(_url("registration"), {"q": registration.person.nik}, follow=True).context["cl"].result_list
    assert list(shown) == []


def test_competency_result_with_a_bnsp_number_becomes_a_certification(officer_client):
    registration = RegistrationFactory(
        status="confirmed", outcome="graduated", batch__programme__competency_scheme="Juru Las 3G"
    )
    url = _url("registration", "competency", registration.pk)
    change_page = officer_client.get(_url("registration", "change", registration.pk)).content.decode()
    assert url in change_page
    assert officer_client.get(url).status_code == 200
    data = {
        "result": "competent", "tested_on": TODAY.isoformat(), "certificate_number": "BNSP-123",
        "issuer": "LSP Logam", "issued_on": "", "valid_until": (TODAY + datetime.timedelta(days=1095)).isoformat(),
    }  # fmt: skip
    response = officer_client.post(url, data)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.competency_result == "competent"
    certification = Certification.objects.get(person=registration.person)
    assert (certification.scheme, certification.number, certification.issued_on) == ("Juru Las 3G", "BNSP-123", TODAY)


def test_competency_entry_refuses_a_number_without_a_competent_result_and_non_graduates(officer_client):
    graduate = RegistrationFactory(status="confirmed", outcome="graduated")
    data = {"result": "not_yet", "tested_on": TODAY.isoformat(), "certificate_number": "X-1", "issuer": "LSP"}
    response = officer_client.post(_url("registration", "competency", graduate.pk), data)
    assert response.status_code == 200 and "certificate_number" in response.context["form"].errors
    participant = RegistrationFactory(status="confirmed")
    data = {"result": "competent", "tested_on": TODAY.isoformat()}
    response = officer_client.post(_url("registration", "competency", participant.pk), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Certification.objects.exists()


def test_competency_dates_far_from_today_are_refused_beside_the_field(officer_client):
    graduate = RegistrationFactory(status="confirmed", outcome="graduated")
    url = _url("registration", "competency", graduate.pk)
    data = {"result": "competent", "tested_on": "0001-01-01", "certificate_number": "BNSP-9", "issuer": "LSP Logam"}
    response = officer_client.post(url, data)
    earliest = TODAY.replace(year=TODAY.year - 5)
    assert f"{earliest:%d-%m-%Y}" in response.context["form"].errors["tested_on"][0]
    data |= {"tested_on": TODAY.isoformat(), "valid_until": "9999-12-31"}
    response = officer_client.post(url, data)
    assert f"{TODAY.replace(year=TODAY.year + 10):%d-%m-%Y}" in response.context["form"].errors["valid_until"][0]
    assert not Certification.objects.exists()


def test_head_of_office_cannot_enter_a_competency_result(head_client):
    registration = RegistrationFactory(status="confirmed", outcome="graduated")
    assert head_client.get(_url("registration", "competency", registration.pk)).status_code == 403


def test_placement_officer_may_view_registrations_but_not_change_them(client, staff_user):
    login_in_english(client, staff_user(PLACEMENT_OFFICER))
    registration = RegistrationFactory(status="verified")
    assert client.get(_url("registration")).status_code == 200
    response = client.post(_url("registration", "change", registration.pk), {"test_score": "99"})
    assert response.status_code == 403
    assert Registration.objects.get(pk=registration.pk).test_score is None


# --- Tracer answers by phone, attendance corrections -----------------------------------------


def test_staff_enter_a_tracer_answer_taken_by_phone(officer_client):
    response = TracerResponse.objects.create(registration=RegistrationFactory(outcome="graduated"), months_after=6)
    url = _url("tracerresponse", "change", response.pk)
    missing_company = officer_client.post(url, {"status": "working", "company": "", "position": ""})
    assert missing_company.status_code == 200
    assert "company" in missing_company.context["adminform"].form.errors
    data = {"status": "working", "company": "PT Krakatau Steel", "position": "Welder", "wage_band": "4to6"}
    assert officer_client.post(url, data | {"relevance": "5"}).status_code == 302
    response.refresh_from_db()
    assert (response.channel, response.status, response.company, response.relevance) == (
        "phone",
        "working",
        "PT Krakatau Steel",
        5,
    )
    assert response.answered_at is not None and response.entered_by is not None


def test_attendance_can_be_corrected_but_not_added_in_the_admin(officer_client):
    row = Attendance.objects.create(registration=RegistrationFactory(status="confirmed"), day=TODAY, present=True)
    assert officer_client.get(_url("attendance", "add")).status_code == 403
    response = officer_client.post(_url("attendance", "change", row.pk), {})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.present is False and row.recorded_by is not None


def test_the_training_app_index_links_the_staff_pages(officer_client):
    page = officer_client.get(reverse("admin:app_list", args=["training"])).content.decode()
    assert reverse("training:staff_walk_in") in page
    assert reverse("training:staff_alumni") in page


def test_big_unfiltered_changelists_use_the_planner_estimate_on_postgres(postgres, officer_client, monkeypatch):
    from training.admin import EstimatedCountPaginator

    RegistrationFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE training_registration")
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_BELOW", 1)

    def counted(params):
        with CaptureQueriesContext(connection) as queries:
            response = officer_client.get(_url("registration"), params)
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "training_registration" in q["sql"]]
        return response.context["cl"].result_count, counts

    result_count, counts = counted({})
    assert (result_count, counts) == (3, [])
    result_count, counts = counted({"status__exact": "registered"})
    assert result_count == 3 and len(counts) == 1


def test_a_competency_result_without_a_test_date_still_shows(officer_client):
    registration = RegistrationFactory(status="confirmed", outcome="graduated", competency_result="competent")
    page = officer_client.get(_url("registration", "change", registration.pk))
    assert page.status_code == 200
    assert "Competent" in page.content.decode()
