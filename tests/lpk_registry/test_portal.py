"""The LPK operator portal at /lpk/: invitation and login, dashboard, profile, reports by form."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from disnaker.models import Person
from lpk_registry import services, tasks
from lpk_registry.forms import ReportCreateForm, last_finished_quarter
from lpk_registry.models import (
    Accreditation,
    GraduateReport,
    Operator,
    ReportEvent,
    ReportGraduate,
    ReportStatus,
)
from lpk_registry.views import _report_due
from tests.factories import (
    GraduateReportFactory,
    InstitutionFactory,
    LicenceFactory,
    UserFactory,
    job_seeker,
    letters,
    lpk_operator,
    make_nik,
)
from tests.submission import submit

pytestmark = pytest.mark.django_db

PASSWORD = "Lpk-Cilegon-2026!"
LOGIN = "/lpk/masuk/"
NIK_MAN = make_nik(sex="L", birth_date=datetime.date(2001, 2, 3), serial=11)
NIK_WOMAN = make_nik(sex="P", birth_date=datetime.date(2002, 7, 9), serial=12)


@pytest.fixture
def operator(db):
    """A logged-in operator's user; ``operator.lpk_operator.institution`` is theirs."""
    return lpk_operator(institution=InstitutionFactory(name="LPK Baja Terampil"))


@pytest.fixture
def logged_in(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def report(operator):
    return GraduateReportFactory(institution=operator.lpk_operator.institution, year=2026, quarter=2)


def formset_data(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    data |= {f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def programme(**overrides) -> dict:
    row = {"programme": "Pengelasan SMAW 3G", "vocation": "Pengelasan", "enrolled_male": "3", "enrolled_female": "2"}
    return row | {"graduates_male": "2", "graduates_female": "1"} | overrides


def graduate(**overrides) -> dict:
    row = {"nik": NIK_MAN, "name": "Budi Santoso", "sex": "L", "programme": "Pengelasan SMAW 3G"}
    return row | {"status": "working", "company": "PT Krakatau Steel", "certificate_number": ""} | overrides


def content_data(programmes: list[dict], graduates: list[dict], **extra) -> dict:
    return formset_data("programmes", programmes) | formset_data("graduates", graduates) | extra


GOOD_GRADUATES = [
    graduate(),
    graduate(nik=NIK_WOMAN, name="Siti Aminah", sex="P", status="self_employed", company="Bengkel Las Siti",
             certified="on", certificate_number="BNSP-12345"),
]  # fmt: skip


def fill_in(client, report, graduates=GOOD_GRADUATES):
    return client.post(
        reverse("lpk_registry:report_edit", args=[report.pk]), content_data([programme()], list(graduates))
    )


def field_errors(response, formset: str, index: int, field: str) -> list[str]:
    return list(response.context["forms"].__dict__[formset].forms[index].errors.get(field, []))


# --- Invitation, set password, login, password reset -----------------------------------------


def _invite(email, django_capture_on_commit_callbacks, institution=None):
    staff = UserFactory(is_staff=True)
    institution = institution or InstitutionFactory(name="LPK Bahasa Sakura")
    with django_capture_on_commit_callbacks() as callbacks:
        operator = services.operator_invite(institution=institution, email=email, actor=staff)
    assert len(callbacks) == 1  # the e-mail is queued once the operator is committed
    tasks.operator_send_invitation(operator.pk)  # what the worker runs
    return operator


def _link_path(body: str) -> str:
    link = re.search(r"https?://\S+/lpk/sandi/[^/\s]+/[^/\s]+/", body).group(0)
    assert link.startswith(settings.PORTAL_BASE_URL.rstrip("/"))
    return link.removeprefix(settings.PORTAL_BASE_URL.rstrip("/"))


def test_the_invitation_link_sets_the_password_logs_in_and_works_only_once(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    operator = _invite("Admin@LPK-Sakura.example.org", django_capture_on_commit_callbacks)
    mail = mailoutbox[0]
    assert mail.to == ["admin@lpk-sakura.example.org"]
    assert "LPK Bahasa Sakura" in mail.subject
    assert "pilih kata sandi Anda melalui tautan ini" in mail.body  # Indonesian, whatever the test language
    assert reverse("lpk_registry:login") in mail.body
    path = _link_path(mail.body)

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("lpk_registry:dashboard")
    assert int(client.session["_auth_user_id"]) == operator.user.pk
    assert "LPK Bahasa Sakura" in client.get(response.url).content.decode()

    client.logout()
    again = client.get(path, follow=True)
    assert not again.context["validlink"]
    assert "Tautan ini sudah tidak berlaku" in again.content.decode()
    login = client.post(LOGIN, {"username": "admin@lpk-sakura.example.org", "password": PASSWORD})
    assert login.status_code == 302 and login.url == reverse("lpk_registry:dashboard")


def test_the_invitation_link_expires_after_password_reset_timeout(
    client, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    sent_at = datetime.datetime.now() - datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: sent_at)
    _invite("lama@lpk.example.org", django_capture_on_commit_callbacks)
    monkeypatch.undo()
    response = client.get(_link_path(mailoutbox[0].body), follow=True)
    assert not response.context["validlink"]


def test_the_set_password_page_does_not_accept_a_job_seekers_reset_token(client):
    user = job_seeker()
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    response = client.get(reverse("lpk_registry:set_password", args=[uidb64, token]), follow=True)
    assert not response.context["validlink"]


def test_an_operator_asks_for_a_new_link_even_before_choosing_a_first_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    _invite("baru@lpk.example.org", django_capture_on_commit_callbacks)
    mailoutbox.clear()
    seeker = job_seeker(email="pencari@example.org")
    for email in ("BARU@lpk.example.org", seeker.email, "tidak-ada@example.org"):
        response = client.post(reverse("lpk_registry:password_reset"), {"email": email})
        assert response.status_code == 302 and response.url == LOGIN  # the same answer for every address
    assert [m.to for m in mailoutbox] == [["baru@lpk.example.org"]]
    path = _link_path(mailoutbox[0].body)
    assert client.get(path, follow=True).context["validlink"]


def test_an_operator_logs_in_and_lands_on_the_dashboard(client, operator):
    response = client.post(LOGIN, {"username": operator.email.upper(), "password": "rahasia-123"})
    assert response.status_code == 302 and response.url == reverse("lpk_registry:dashboard")
    assert client.get(LOGIN).url == reverse("lpk_registry:dashboard")  # logged in already


def test_an_inactive_operator_cannot_log_in(client, operator):
    Operator.objects.filter(user=operator).update(is_active=False)
    response = client.post(LOGIN, {"username": operator.email, "password": "rahasia-123"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Akses Anda ke portal LPK sudah dinonaktifkan" in response.content.decode()


def test_a_deactivated_operator_still_logged_in_is_refused(client, operator):
    client.force_login(operator)
    Operator.objects.filter(user=operator).update(is_active=False)
    response = client.get(reverse("lpk_registry:dashboard"))
    assert response.status_code == 403
    assert "Akses Anda ke portal LPK sudah dinonaktifkan" in response.content.decode()


@pytest.mark.parametrize("make_user", [job_seeker, lambda: UserFactory(is_staff=True)])
def test_job_seekers_and_staff_cannot_log_in_to_the_lpk_portal(client, make_user):
    user = make_user()
    response = client.post(LOGIN, {"username": user.username, "password": "rahasia-123"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "Akun ini bukan akun operator LPK" in response.content.decode()


def test_a_wrong_password_is_answered_in_indonesian_beside_the_form(client, operator):
    response = client.post(LOGIN, {"username": operator.email, "password": "salah"})
    assert response.status_code == 200
    assert "E-mail atau kata sandi salah" in response.content.decode()


# --- Dashboard -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "badge"),
    [(400, "Berlaku"), (90, "Berakhir dalam 90 hari"), (10, "Berakhir dalam 90 hari"), (-1, "Kedaluwarsa")],
)
def test_the_dashboard_shows_the_licence_and_accreditation_with_their_expiry_badge(
    logged_in, operator, days_left, badge
):
    institution = operator.lpk_operator.institution
    today = timezone.localdate()
    valid_until = today + datetime.timedelta(days=days_left)
    five_years_before = valid_until - datetime.timedelta(days=5 * 365)
    LicenceFactory(
        institution=institution, number="503/0042/DISNAKER/2024", issued_on=five_years_before, valid_until=valid_until
    )
    Accreditation.objects.create(
        institution=institution, result="A", valid_from=five_years_before, valid_until=valid_until
    )
    html = logged_in.get(reverse("lpk_registry:dashboard")).content.decode()
    assert "503/0042/DISNAKER/2024" in html and institution.nib in html
    assert html.count(f">{badge}</span>") == 2  # the licence's badge and the accreditation's
    if days_left >= 0:
        assert f'<dd class="col-sm-7">{days_left}</dd>' in html


def test_the_dashboard_says_when_no_licence_is_on_record(logged_in):
    html = logged_in.get(reverse("lpk_registry:dashboard")).content.decode()
    assert "Dinas belum mencatat izin lembaga Anda" in html


def test_the_last_finished_quarter_is_due_until_it_is_submitted():
    assert last_finished_quarter(datetime.date(2026, 2, 10)) == (2025, 4)
    assert last_finished_quarter(datetime.date(2026, 10, 1)) == (2026, 3)
    due = _report_due([], datetime.date(2026, 10, 15))
    assert (due["label"], due["due_date"], due["overdue"]) == ("2026 Q3", datetime.date(2026, 10, 15), False)
    assert _report_due([], datetime.date(2026, 10, 16))["overdue"]
    draft = GraduateReport(year=2026, quarter=3, status=ReportStatus.RETURNED)
    assert _report_due([draft], datetime.date(2026, 11, 1))["report"] is draft
    submitted = GraduateReport(year=2026, quarter=3, status=ReportStatus.SUBMITTED)
    assert _report_due([submitted], datetime.date(2026, 11, 1)) is None


def test_the_dashboard_shows_what_is_due_and_the_reports(logged_in, operator):
    year, quarter = last_finished_quarter(timezone.localdate())
    html = logged_in.get(reverse("lpk_registry:dashboard")).content.decode()
    assert f"Laporan {year} Q{quarter} harus dikirim" in html
    assert reverse("lpk_registry:report_create") in html


def test_a_returned_report_shows_the_staff_comment_on_the_dashboard(logged_in, report):
    report.status, report.review_comment = ReportStatus.RETURNED, "Status kerja 2 lulusan belum diisi."
    report.save()
    html = logged_in.get(reverse("lpk_registry:dashboard")).content.decode()
    assert "Laporan 2026 Q2 dikembalikan untuk diperbaiki" in html
    assert "Status kerja 2 lulusan belum diisi." in html


# --- Profile -------------------------------------------------------------------------------


def test_the_operator_edits_contact_details_but_not_name_nib_or_status(logged_in, operator):
    institution = operator.lpk_operator.institution
    data = {
        "address": "Jl. Raya Anyer No. 9", "kelurahan": "", "phone": "0254 391234", "email": "info@bajaterampil.id",
        "head_name": "Hj. Ratna", "vocations": "Pengelasan, K3", "instructors_count": "6",
        "name": "Nama Lain", "nib": "1111111111111", "status": "frozen",
    }  # fmt: skip
    response = logged_in.post(reverse("lpk_registry:profile"), data)
    assert response.status_code == 302
    institution.refresh_from_db()
    assert (institution.phone, institution.instructors_count, institution.kelurahan) == ("0254 391234", 6, None)
    assert (institution.name, institution.status) == ("LPK Baja Terampil", "active")
    assert institution.nib != "1111111111111"
    assert institution.history.latest().history_user == operator


def test_profile_errors_are_shown_beside_the_field(logged_in):
    response = logged_in.post(reverse("lpk_registry:profile"), {"address": "", "email": "bukan-email"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["address"] == ["Bidang ini tidak boleh kosong."]
    assert 'id="error-summary"' in response.content.decode()


# --- Reports: create, fill in, submit --------------------------------------------------------


def test_create_defaults_to_the_last_finished_quarter_and_opens_the_form(logged_in, operator):
    page = logged_in.get(reverse("lpk_registry:report_create"))
    year, quarter = last_finished_quarter(timezone.localdate())
    assert page.context["form"].initial == {"year": year, "quarter": quarter}
    response = submit(logged_in, reverse("lpk_registry:report_create"), {"year": year, "quarter": quarter})
    report = GraduateReport.objects.get(institution=operator.lpk_operator.institution)
    assert (report.year, report.quarter, report.status) == (year, quarter, "draft")
    assert response.url == reverse("lpk_registry:report_edit", args=[report.pk])


def test_a_second_report_for_the_same_quarter_is_refused_beside_the_quarter(logged_in, report):
    response = submit(logged_in, reverse("lpk_registry:report_create"), {"year": 2026, "quarter": 2})
    assert response.status_code == 200
    assert response.context["form"].errors["quarter"] == ["Lembaga Anda sudah memiliki laporan untuk triwulan ini."]
    assert GraduateReport.objects.count() == 1


def test_a_quarter_that_has_not_started_is_refused(operator):
    institution = operator.lpk_operator.institution
    today = datetime.date(2026, 5, 20)
    assert ReportCreateForm({"year": 2026, "quarter": 2}, institution=institution, today=today).is_valid()
    form = ReportCreateForm({"year": 2026, "quarter": 3}, institution=institution, today=today)
    assert form.errors["quarter"] == ["Triwulan ini belum dimulai."]
    assert list(form.fields["year"].choices) == [(2026, "2026"), (2025, "2025"), (2024, "2024"), (2023, "2023")]


def test_fill_in_by_form_then_submit(logged_in, report):
    response = fill_in(logged_in, report)
    assert response.status_code == 302 and response.url == reverse("lpk_registry:report_detail", args=[report.pk])
    line = report.programme_lines.get()
    assert (line.programme, line.enrolled, line.graduates) == ("Pengelasan SMAW 3G", 5, 3)
    siti = report.graduates.get(nik=NIK_WOMAN)
    assert (siti.sex, siti.status, siti.certified, siti.certificate_number) == (
        "P",
        "self_employed",
        True,
        "BNSP-12345",
    )
    assert Person.objects.get(nik=NIK_WOMAN).birth_date == datetime.date(2002, 7, 9)

    detail = logged_in.get(response.url).content.decode()
    assert "Siti Aminah" in detail and "Bengkel Las Siti" in detail
    assert NIK_WOMAN not in detail and "••••••••••••" + NIK_WOMAN[-4:] in detail
    assert reverse("lpk_registry:report_upload", args=[report.pk]) in detail
    assert reverse("lpk_registry:report_template") in detail

    # The form shows the saved rows again, each with a "remove" box, and drops a removed one.
    edit = logged_in.get(reverse("lpk_registry:report_edit", args=[report.pk]))
    assert edit.context["forms"].graduates.initial_form_count() == 2
    data = content_data([programme()], GOOD_GRADUATES) | {"graduates-INITIAL_FORMS": "2", "graduates-1-DELETE": "on"}
    logged_in.post(reverse("lpk_registry:report_edit", args=[report.pk]), data)
    assert list(report.graduates.values_list("nik", flat=True)) == [NIK_MAN]

    submitted = logged_in.post(reverse("lpk_registry:report_submit", args=[report.pk]), follow=True)
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_by.lpk_operator.institution == report.institution
    assert list(report.events.values_list("action", "graduates_count")) == [("submitted", 1)]
    assert "Laporan sudah dikirim ke dinas" in submitted.content.decode()


def test_blank_extra_rows_are_ignored(logged_in, report):
    blank = {"programme": "", "vocation": "", "enrolled_male": "0", "enrolled_female": "0",
             "graduates_male": "0", "graduates_female": "0"}  # fmt: skip
    empty_graduate = dict.fromkeys(graduate(), "")
    fill_in_data = content_data([programme(), blank], [graduate(), empty_graduate, empty_graduate])
    response = logged_in.post(reverse("lpk_registry:report_edit", args=[report.pk]), fill_in_data)
    assert response.status_code == 302
    assert (report.programme_lines.count(), report.graduates.count()) == (1, 1)


def test_a_graduate_row_with_an_emoji_or_a_bidi_override_is_refused_beside_the_field(logged_in, report):
    rows = [graduate(name="Budi Santoso 😀", company="PT Krakatau\u202e Steel")]
    response = logged_in.post(reverse("lpk_registry:report_edit", args=[report.pk]), content_data([programme()], rows))
    assert response.status_code == 200
    assert field_errors(response, "graduates", 0, "name") == [
        "Tulis nama sesuai KTP: hanya huruf Latin (boleh beraksen), spasi, dan tanda ' . , - saja. "
        "Tidak diperbolehkan: “😀”."
    ]
    assert "Tidak diperbolehkan: U+202E." in field_errors(response, "graduates", 0, "company")[0]
    assert not report.graduates.exists()


def test_bad_rows_are_answered_beside_their_fields_in_indonesian_and_nothing_is_saved(logged_in, report):
    fill_in(logged_in, report, [graduate()])
    bad_programme = programme(graduates_female="5")
    bad_graduates = [
        graduate(sex="P"),  # a man's NIK
        graduate(nik="1234", name="Nik Pendek"),
        graduate(nik=NIK_WOMAN, sex="P", name="Siti", company=""),  # working, but where?
        graduate(nik=NIK_MAN[:-1] + "9", name="Joko", certified="on"),  # certified, without a number
        graduate(nik=NIK_WOMAN, sex="P", name="Siti lagi", status="studying", company=""),  # the same NIK again
        graduate(nik=NIK_MAN[:-1] + "8", name="Ani", status="menganggur"),
    ]
    response = logged_in.post(
        reverse("lpk_registry:report_edit", args=[report.pk]), content_data([bad_programme], bad_graduates)
    )
    assert response.status_code == 200
    assert field_errors(response, "programmes", 0, "graduates_female") == [
        "Jumlah lulusan melebihi jumlah peserta (2)."
    ]
    assert field_errors(response, "graduates", 0, "sex") == [
        "Jenis kelamin tidak sesuai dengan NIK (pada NIK perempuan, tanggal lahir ditambah 40)."
    ]
    assert field_errors(response, "graduates", 1, "nik") == ["NIK harus terdiri dari tepat 16 digit angka."]
    assert field_errors(response, "graduates", 2, "company") == [
        "Isi tempat lulusan bekerja, atau nama usaha yang dijalankannya."
    ]
    assert field_errors(response, "graduates", 3, "certificate_number") == ["Isi nomor sertifikat lulusan."]
    assert field_errors(response, "graduates", 5, "status")[0].startswith("Masukkan pilihan yang valid")
    html = response.content.decode()
    # Beside the field: the message follows the input it is about, and the summary links to it.
    sex_input = html.index('id="id_graduates-0-sex"')
    assert html.index("Jenis kelamin tidak sesuai dengan NIK", sex_input) - sex_input < 1500
    assert 'href="#id_graduates-0-sex"' in html and "Lulusan 1, Jenis kelamin" in html
    assert "Belum ada yang disimpan" in html
    assert list(report.graduates.values_list("name", flat=True)) == ["Budi Santoso"]
    assert report.programme_lines.get().graduates_female == 1


def test_a_nik_twice_is_marked_on_the_second_row(logged_in, report):
    response = fill_in(logged_in, report, [graduate(), graduate(name="Budi lagi")])
    assert response.status_code == 200
    assert field_errors(response, "graduates", 1, "nik") == ["NIK ini sudah ada di baris 1."]
    assert not report.graduates.exists()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_pages_make_the_same_number_of_queries_for_1_and_50_rows(logged_in, operator, report):
    many = GraduateReportFactory(institution=operator.lpk_operator.institution, year=2026, quarter=1)
    few_rows = [graduate()]
    many_rows = [
        graduate(
            nik=make_nik(sex="L", birth_date=datetime.date(2000, 1, 1), serial=100 + i), name=f"Lulusan {letters(i)}"
        )
        for i in range(50)
    ]
    fill_in(logged_in, report, few_rows)
    fill_in(logged_in, many, many_rows)
    for name in ("report_detail", "report_edit"):
        few = _queries(logged_in, reverse(f"lpk_registry:{name}", args=[report.pk]))
        lots = _queries(logged_in, reverse(f"lpk_registry:{name}", args=[many.pk]))
        assert few == lots, name
    lists = [reverse("lpk_registry:report_list"), reverse("lpk_registry:dashboard")]
    before = [_queries(logged_in, url) for url in lists]
    for index in range(48):
        GraduateReportFactory(
            institution=operator.lpk_operator.institution, year=2010 + index // 4, quarter=index % 4 + 1
        )
    assert [_queries(logged_in, url) for url in lists] == before


# --- Read-only once submitted; returned, corrected, accepted ---------------------------------


def test_a_submitted_report_cannot_be_changed_by_the_operator(logged_in, report):
    fill_in(logged_in, report)
    logged_in.post(reverse("lpk_registry:report_submit", args=[report.pk]))
    edit_url = reverse("lpk_registry:report_edit", args=[report.pk])
    assert logged_in.get(edit_url).url == reverse("lpk_registry:report_detail", args=[report.pk])

    response = logged_in.post(edit_url, content_data([programme(programme="Lain")], [graduate(name="Diubah")]))
    assert response.url == reverse("lpk_registry:report_detail", args=[report.pk])
    assert sorted(report.graduates.values_list("name", flat=True)) == ["Budi Santoso", "Siti Aminah"]
    assert report.programme_lines.get().programme == "Pengelasan SMAW 3G"

    again = logged_in.post(reverse("lpk_registry:report_submit", args=[report.pk]), follow=True)
    assert "Laporan ini sudah dikirim dan tidak dapat diubah lagi." in again.content.decode()
    assert report.events.count() == 1
    detail = logged_in.get(reverse("lpk_registry:report_detail", args=[report.pk])).content.decode()
    assert edit_url not in detail and reverse("lpk_registry:report_submit", args=[report.pk]) not in detail


def test_a_returned_report_is_corrected_and_resubmitted_keeping_the_history(logged_in, operator, report):
    staff = UserFactory(is_staff=True)
    fill_in(logged_in, report, [graduate()])
    logged_in.post(reverse("lpk_registry:report_submit", args=[report.pk]))
    services.report_return(report=report, comment="Lulusan perempuan belum dilaporkan.", actor=staff)

    detail = logged_in.get(reverse("lpk_registry:report_detail", args=[report.pk])).content.decode()
    assert "Lulusan perempuan belum dilaporkan." in detail and "Kirim laporan yang sudah diperbaiki" in detail
    assert fill_in(logged_in, report).status_code == 302
    logged_in.post(reverse("lpk_registry:report_submit", args=[report.pk]))
    services.report_accept(report=report, actor=staff)

    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    trail = list(report.events.values_list("action", "comment", "graduates_count", "actor"))
    assert trail == [
        ("submitted", "", 1, operator.pk),
        ("returned", "Lulusan perempuan belum dilaporkan.", 1, staff.pk),
        ("submitted", "", 2, operator.pk),
        ("accepted", "", 2, staff.pk),
    ]
    statuses = list(report.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == ["draft", "submitted", "returned", "submitted", "accepted"]
    detail = logged_in.get(reverse("lpk_registry:report_detail", args=[report.pk])).content.decode()
    assert "Lulusan perempuan belum dilaporkan." in detail  # the trail keeps the comment
    assert ReportEvent.objects.filter(report=report, action="submitted").count() == 2
    assert ReportGraduate.objects.filter(report=report).count() == 2


def test_an_empty_report_cannot_be_submitted(logged_in, report):
    response = logged_in.post(reverse("lpk_registry:report_submit", args=[report.pk]), follow=True)
    assert "Laporan masih kosong" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "draft"


@pytest.mark.parametrize("name", ["logout", "report_submit"])
def test_post_only_views_refuse_get(logged_in, report, name):
    url = reverse(f"lpk_registry:{name}", kwargs={"pk": report.pk} if name == "report_submit" else {})
    assert logged_in.get(url).status_code == 405
    assert "_auth_user_id" in logged_in.session  # a GET to the logout URL did not log out


# --- The operator's journey in a real browser --------------------------------------------------


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_operator_reports_on_a_phone_and_every_page_passes_axe(live_server, page, axe):
    institution = InstitutionFactory(name="LPK Las Mandiri")
    today = timezone.localdate()
    LicenceFactory(institution=institution, issued_on=today - datetime.timedelta(days=1000),
                   valid_until=today + datetime.timedelta(days=30))  # fmt: skip
    user = lpk_operator(institution=institution)
    page.set_viewport_size({"width": 360, "height": 800})

    page.goto(live_server.url + LOGIN)
    assert axe(page) == []
    page.fill("#id_username", user.email)
    page.fill("#id_password", "rahasia-123")
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(live_server.url + reverse("lpk_registry:dashboard"))
    assert axe(page) == [] and _no_sideways_scroll(page)
    assert "Berakhir dalam 90 hari" in page.content()

    page.get_by_role("link", name="Mulai laporan").click()
    assert axe(page) == []
    page.get_by_role("button", name="Buat laporan").click()
    page.wait_for_url("**/ubah/")
    assert axe(page) == [] and _no_sideways_scroll(page)

    page.fill("#id_programmes-0-programme", "Pengelasan SMAW 3G")
    counts = {"enrolled_male": "2", "enrolled_female": "1", "graduates_male": "1", "graduates_female": "1"}
    for name, value in counts.items():
        page.fill(f"#id_programmes-0-{name}", value)
    page.fill("#id_graduates-0-nik", NIK_WOMAN)
    page.fill("#id_graduates-0-name", "Siti Aminah")
    page.select_option("#id_graduates-0-sex", "L")  # the NIK says a woman
    page.fill("#id_graduates-0-programme", "Pengelasan SMAW 3G")
    page.select_option("#id_graduates-0-status", "not_working")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "Jenis kelamin tidak sesuai dengan NIK" in page.content()
    assert axe(page) == [] and _no_sideways_scroll(page)

    page.select_option("#id_graduates-0-sex", "P")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_url("**/laporan/*/")
    assert axe(page) == [] and _no_sideways_scroll(page)
    page.get_by_role("button", name="Kirim laporan ke dinas").click()
    page.wait_for_load_state()
    assert "Laporan sudah dikirim ke dinas" in page.content()
    assert axe(page) == []
    report = GraduateReport.objects.get(institution=institution)
    assert report.status == ReportStatus.SUBMITTED and report.graduates.get().sex == "P"

    # A job seeker who opens the LPK portal learns why they cannot use it.
    page.context.clear_cookies()
    seeker = job_seeker()
    page.goto(live_server.url + reverse("account_login"))
    page.fill("#id_username", seeker.email)
    page.fill("#id_password", "rahasia-123")
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_load_state()
    response = page.goto(live_server.url + reverse("lpk_registry:dashboard"))
    assert response.status == 403
    assert "bukan akun operator LPK" in page.content()
    assert axe(page) == []
