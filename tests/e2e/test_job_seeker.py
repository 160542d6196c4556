"""The job seeker's main journey in headless Chromium, from sign-up to the certificate PDF."""

import datetime
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from disnaker.models import Person
from disnaker.roles import TRAINING_OFFICER
from tests.factories import BatchFactory, confirmation_link
from training import services
from training.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NIK = "3672014505020003"  # a woman born 5 May 2002, registered in Cilegon


def _documents(uploads):
    documents = uploads.documents()
    return [
        ("#id_ktp_document", documents["ktp_document"]),
        ("#id_diploma_document", documents["diploma_document"]),
    ]


def _attach(page, selector, upload):
    upload.seek(0)
    page.set_input_files(
        selector, files=[{"name": upload.name, "mimeType": upload.content_type, "buffer": upload.read()}]
    )


def _sign_up(page, live_server, axe, shot, mailoutbox):
    page.goto(live_server.url + reverse("account_signup"))
    assert axe(page) == []
    page.fill("#id_nik", "3672 0145 0502 0003")
    page.fill("#id_name", "Nur Aini Rahmawati")
    page.check("input[name=sex][value=P]")
    page.fill("#id_birth_place", "Cilegon")
    page.fill("#id_birth_date", "2002-05-05")
    page.fill("#id_address", "Jl. Raya Cilegon No. 12")
    page.select_option("#id_kelurahan", label="Kedaleman (Kecamatan Cibeber)")
    page.select_option("#id_education", label="SMK/MAK")
    page.fill("#id_phone", "081234567890")
    page.fill("#id_email", "nur.aini@example.org")
    page.fill("#id_password1", "Cilegon-Kerja-2026")
    page.fill("#id_password2", "Cilegon-Kerja-2026")
    shot("sign-up-form")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(live_server.url + reverse("account_signup_sent"))
    assert axe(page) == []
    assert "Kami sudah mengirim tautan ke alamat yang Anda isikan." in page.content()
    shot("check-your-email")
    # The account opens only through the link in the e-mail.
    assert [m.to for m in mailoutbox] == [["nur.aini@example.org"]]
    page.goto(live_server.url + confirmation_link(mailoutbox))
    assert axe(page) == []
    shot("confirm-email")
    page.get_by_role("button", name="Konfirmasi dan buka akun saya").click()
    page.wait_for_url(live_server.url + reverse("account_home"))
    assert "Alamat e-mail Anda sudah dikonfirmasi" in page.content()
    shot("account")


def _staff_runs(staff_page, officer, live_server, action: str, registration: Registration, shot):
    """A training officer selects the registration in the changelist and runs an action on it."""
    staff = staff_page(officer)
    staff.goto(live_server.url + reverse("admin:training_registration_changelist"))
    staff.check(f"input[name=_selected_action][value='{registration.pk}']")
    staff.select_option("select[name=action]", action)
    staff.locator("button[name=index]").click()
    staff.wait_for_load_state()
    shot(f"staff-{action.replace('_', '-')}", page=staff)
    assert "errornote" not in staff.content()
    staff.context.close()


def test_job_seeker_signs_up_registers_is_accepted_and_downloads_the_certificate(
    live_server, page, staff_page, staff_user, axe, uploads, pdftotext, request, shot, mailoutbox
):
    if settings.CELERY_BROKER_URL:
        request.getfixturevalue("celery_worker")  # the certificate is rendered by a real worker
    batch = BatchFactory(programme__name="Juru Las SMAW 3G", quota=10)
    officer = staff_user(TRAINING_OFFICER)

    # 1. Sign up with the NIK and find the batch in the catalogue.
    _sign_up(page, live_server, axe, shot, mailoutbox)
    page.goto(live_server.url + reverse("training:catalogue"))
    assert axe(page) == []
    shot("catalogue")
    page.get_by_role("link", name="Juru Las SMAW 3G").click()
    assert axe(page) == []
    shot("batch")
    page.get_by_role("link", name="Daftar", exact=True).click()
    page.wait_for_url(live_server.url + reverse("training:register", args=[batch.pk]))
    assert axe(page) == []

    # 2. Register with the KTP and diploma, and see the status.
    for selector, upload in _documents(uploads):
        _attach(page, selector, upload)
    shot("registration-form")
    page.get_by_role("button", name="Kirim pendaftaran saya").click()
    page.wait_for_url("**/akun/pelatihan/*/")
    shot("registered")
    person = Person.objects.get(nik=NIK)
    registration = Registration.objects.get(person=person, batch=batch)
    assert registration.status == "registered"
    assert "Terdaftar" in page.content()

    # 3. Staff verify the documents and accept; the job seeker confirms the place.
    _staff_runs(staff_page, officer, live_server, "verify_documents", registration, shot)
    _staff_runs(staff_page, officer, live_server, "accept_by_score", registration, shot)
    registration.refresh_from_db()
    assert registration.status == "accepted"
    page.reload()
    shot("accepted")
    page.get_by_role("button", name="Konfirmasi tempat saya").click()
    page.wait_for_load_state()
    shot("confirmed")
    registration.refresh_from_db()
    assert registration.status == "confirmed"

    # 4. The training runs; the participant graduates and staff issue the certificate.
    after = timezone.make_aware(datetime.datetime.combine(batch.end_date, datetime.time(16)))
    for day in batch.training_days:
        services.attendance_record(batch=batch, day=day, present_ids={registration.pk}, actor=None)
    assert services.batch_complete(batch=batch, now=after)["graduated"] == 1
    _staff_runs(staff_page, officer, live_server, "issue_certificate", registration, shot)
    deadline = time.monotonic() + 60
    while not Registration.objects.get(pk=registration.pk).certificate.generated_at:
        assert time.monotonic() < deadline, "the certificate PDF was not rendered within 60 s"
        time.sleep(0.5)

    # 5. The participant downloads the certificate from their registration page.
    page.goto(live_server.url + reverse("training:registration_detail", args=[registration.pk]))
    shot("certificate-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh sertifikat (PDF)").click()
    certificate = Path(download.value.path()).read_bytes()
    shot.pdf("certificate-pdf", certificate)
    text = pdftotext(certificate)
    assert "Nur Aini Rahmawati" in text
    assert "Juru Las SMAW 3G" in text
    assert NIK not in text


def _choose_by_keyboard(page, attempts: int = 3):
    """Space on the focused file input opens the file chooser; on a busy machine Chromium may drop
    a key press that comes while it is still closing the previous chooser, so Space is pressed again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space")
            return chooser.value
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def test_registration_works_by_keyboard_alone_on_a_narrow_phone(live_server, browser, page, axe, uploads, shot):
    """Tab to each field, type, press Space on the file inputs and Enter to send: no mouse at all."""
    from django.test import Client

    from tests.factories import job_seeker

    batch = BatchFactory(programme__name="Public Speaking Tunanetra", is_accessible=True)
    seeker = job_seeker()
    client = Client()
    client.force_login(seeker)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(live_server.url + reverse("training:register", args=[batch.pk]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot("phone-form")
    documents = dict(_documents(uploads))
    for selector in ("#id_ktp_document", "#id_diploma_document"):
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == selector[1:]:
                break
        else:
            pytest.fail(f"{selector} cannot be reached with Tab")
        upload = documents[selector]
        upload.seek(0)
        chooser = _choose_by_keyboard(page)
        chooser.set_files(files=[{"name": upload.name, "mimeType": upload.content_type, "buffer": upload.read()}])
    shot("files-chosen-by-keyboard")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/akun/pelatihan/*/")
    shot("registered")
    assert Registration.objects.filter(person=seeker.person, batch=batch, status="registered").exists()
    assert axe(page) == []
