"""Registering for a batch and following one's own registrations, as a job seeker does."""

import datetime
import re
import threading
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disnaker.models import EducationLevel, NikClaim
from tests.factories import PDF_BYTES, BatchFactory, RegistrationFactory, UserFactory, job_seeker
from tests.submission import submit
from training import services, views
from training.models import ParticipantCertificate, Registration

from .conftest import seeker_person

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return " ".join(response.content.decode().split())


def _register_url(batch) -> str:
    return reverse("training:register", args=[batch.pk])


def _years_ago(years: int, day: datetime.date) -> datetime.date:
    if (day.month, day.day) == (2, 29):
        day -= datetime.timedelta(days=1)
    return day.replace(year=day.year - years)


# --- Anonymous visitors, other people's registrations, wrong methods ------------------------


@pytest.fixture
def own_registration(seeker):
    return RegistrationFactory(person=seeker.person, status="accepted", confirm_by=timezone.localdate())


@pytest.fixture
def others_registration(db):
    other = job_seeker(person=seeker_person(serial=9500))
    return RegistrationFactory(person=other.person, status="accepted", confirm_by=timezone.localdate())


PER_REGISTRATION = [
    ("get", "training:registration_detail"),
    ("post", "training:registration_confirm"),
    ("post", "training:registration_decline"),
    ("get", "training:certificate_download"),
]


class TestAccess:
    @pytest.mark.parametrize(("method", "name"), [*PER_REGISTRATION, ("get", "training:register")])
    def test_anonymous_is_sent_to_login_and_back(self, client, own_registration, method, name):
        pk = own_registration.batch_id if name == "training:register" else own_registration.pk
        url = reverse(name, args=[pk])
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={quote(url, safe='/')}"

    def test_anonymous_my_registrations_is_sent_to_login(self, client):
        response = client.get(reverse("training:my_registrations"))
        assert response.status_code == 302
        assert response["Location"] == reverse("account_login") + "?next=/akun/pelatihan/"

    @pytest.mark.parametrize(("method", "name"), PER_REGISTRATION)
    def test_another_persons_registration_is_not_found(self, seeker_client, others_registration, method, name):
        response = getattr(seeker_client, method)(reverse(name, args=[others_registration.pk]))
        assert response.status_code == 404
        others_registration.refresh_from_db()
        assert others_registration.status == "accepted"

    @pytest.mark.parametrize("name", ["training:registration_confirm", "training:registration_decline"])
    def test_get_is_refused_for_actions(self, seeker_client, own_registration, name):
        assert seeker_client.get(reverse(name, args=[own_registration.pk])).status_code == 405
        own_registration.refresh_from_db()
        assert own_registration.status == "accepted"

    def test_register_refuses_other_methods(self, seeker_client):
        batch = BatchFactory()
        assert seeker_client.put(_register_url(batch)).status_code == 405

    @pytest.mark.parametrize("status", ["draft", "cancelled"])
    def test_register_for_a_draft_or_cancelled_batch_is_not_found(self, seeker_client, status):
        assert seeker_client.get(_register_url(BatchFactory(status=status))).status_code == 404

    @pytest.mark.parametrize("url_name", ["training:register", "training:my_registrations"])
    def test_an_account_without_a_person_is_told_why(self, client, url_name):
        user = UserFactory()
        NikClaim.objects.create(
            user=user, nik="3672011204990001", name="Budi", sex="L", birth_date=datetime.date(1999, 4, 12), reason="x"
        )
        client.force_login(user)
        args = [BatchFactory().pk] if url_name == "training:register" else []
        response = client.get(reverse(url_name, args=args))
        html = _html(response)
        assert response.status_code == 200
        assert "Akun Anda belum terhubung dengan NIK" in html
        # The claim waits for the applicant's proof, which is given on the account page.
        assert "Tunjukkan bahwa data itu milik Anda" in html
        assert 'type="file"' not in html


# --- The registration form ------------------------------------------------------------------


class TestRegisterForm:
    def test_an_eligible_person_sees_the_form_with_labelled_inputs(self, seeker_client, seeker):
        html = _html(seeker_client.get(_register_url(BatchFactory())))
        assert "Anda belum dapat mendaftar" not in html
        assert '<label class="form-label fw-semibold mb-1" for="id_ktp_document">' in html
        assert '<label class="form-label fw-semibold mb-1" for="id_diploma_document">' in html
        assert 'aria-describedby="id_ktp_document_helptext"' in html
        assert 'accept=".pdf,.jpg,.jpeg,.png' in html
        assert seeker.person.nik_masked in html and seeker.person.nik not in html
        assert 'name="join_reserve"' not in html  # seats are left

    def test_registering_stores_the_documents_privately_and_shows_the_registration(
        self, seeker_client, seeker, private_files, uploads
    ):
        batch = BatchFactory()
        response = submit(seeker_client, _register_url(batch), uploads.documents())
        registration = Registration.objects.get(person=seeker.person, batch=batch)
        assert response.status_code == 302
        assert response["Location"] == reverse("training:registration_detail", args=[registration.pk])
        assert (registration.status, registration.channel) == ("registered", "online")
        assert registration.ktp_document.name.startswith("ktp/") and registration.ktp_document.name.endswith(".pdf")
        assert registration.diploma_document.name.endswith(".png")
        assert private_files.exists(registration.ktp_document.name)
        with registration.ktp_document.open("rb") as stored:
            assert stored.read() == PDF_BYTES
        page = _html(seeker_client.get(response["Location"]))
        assert "Pendaftaran Anda sudah kami terima" in page
        assert "Tunggu hasil seleksi" in page

    def test_a_registering_post_reads_the_eligibility_once(self, seeker_client, seeker, private_files, uploads):
        batch = BatchFactory()
        with CaptureQueriesContext(connection) as queries:
            response = submit(seeker_client, _register_url(batch), uploads.documents())
        assert response.status_code == 302
        own_registrations = [
            query["sql"]
            for query in queries.captured_queries
            if query["sql"].startswith("SELECT") and 'FROM "training_registration"' in query["sql"]
            and '"training_registration"."person_id" =' in query["sql"]
        ]  # fmt: skip
        assert len(own_registrations) == 1, own_registrations

    def test_a_photo_named_pdf_is_accepted_and_stored_by_its_real_type(
        self, seeker_client, seeker, private_files, uploads
    ):
        batch = BatchFactory()
        submit(
            seeker_client,
            _register_url(batch),
            {"ktp_document": uploads.png(name="ktp.pdf"), "diploma_document": uploads.pdf()},
        )
        registration = Registration.objects.get(person=seeker.person, batch=batch)
        assert registration.ktp_document.name.endswith(".png")

    def test_a_text_file_renamed_pdf_is_refused_beside_the_field(self, seeker_client, private_files, uploads):
        batch = BatchFactory()
        fake = SimpleUploadedFile("ktp.pdf", b"Ini hanya teks, bukan PDF.\n", content_type="application/pdf")
        response = submit(
            seeker_client, _register_url(batch), {"ktp_document": fake, "diploma_document": uploads.png()}
        )
        html = _html(response)
        assert response.status_code == 200
        assert not Registration.objects.exists()
        assert (
            '<div class="invalid-feedback d-block text-danger-emphasis fw-semibold mb-1" id="id_ktp_document_error">'
            in html
        )
        assert "Berkas ini bukan PDF, JPG, atau PNG" in html
        assert 'aria-describedby="id_ktp_document_helptext id_ktp_document_error"' in html
        assert 'aria-invalid="true"' in html
        assert 'href="#id_ktp_document"' in html  # the error summary links to the field
        assert "Pilih lagi berkas Anda" in html

    def test_a_file_over_2_mb_is_refused(self, seeker_client, private_files, uploads):
        batch = BatchFactory()
        big = uploads.pdf(name="ijazah.pdf", size=2 * 1024 * 1024 + 1)
        response = submit(seeker_client, _register_url(batch), {"ktp_document": uploads.pdf(), "diploma_document": big})
        html = _html(response)
        assert 'id="id_diploma_document_error"' in html
        assert "paling besar 2 MB" in html
        assert not Registration.objects.exists()

    def test_a_file_of_exactly_2_mb_is_accepted(self, seeker_client, seeker, private_files, uploads):
        batch = BatchFactory()
        exact = uploads.pdf(name="ijazah.pdf", size=2 * 1024 * 1024)
        submit(seeker_client, _register_url(batch), {"ktp_document": uploads.pdf(), "diploma_document": exact})
        assert Registration.objects.filter(person=seeker.person, batch=batch).exists()

    def test_both_documents_are_required(self, seeker_client, private_files, uploads):
        html = _html(submit(seeker_client, _register_url(BatchFactory()), {"ktp_document": uploads.pdf()}))
        assert 'id="id_diploma_document_error"' in html
        assert "Bidang ini tidak boleh kosong" in html
        assert not Registration.objects.exists()


# --- Eligibility shown before anything is filled in -----------------------------------------


def _blocked_page(client, batch, person) -> str:
    user = job_seeker(person=person)
    client.force_login(user)
    response = client.get(_register_url(batch))
    assert response.status_code == 200
    html = _html(response)
    assert "Anda belum dapat mendaftar di angkatan ini" in html
    assert 'type="file"' not in html
    return html


class TestEligibilityMessages:
    def test_too_young(self, client):
        batch = BatchFactory()
        html = _blocked_page(client, batch, seeker_person(birth_date=_years_ago(17, batch.start_date)))
        assert "Tanggal lahir:" in html
        assert "Usia Anda minimal harus 18 tahun pada hari pertama pelatihan." in html

    def test_too_old(self, client):
        batch = BatchFactory()
        html = _blocked_page(client, batch, seeker_person(birth_date=_years_ago(40, batch.start_date)))
        assert "Tanggal lahir:" in html
        assert "Program ini menerima peserta berusia paling tinggi 35 tahun." in html

    def test_education_too_low(self, client):
        batch = BatchFactory(programme__min_education=EducationLevel.objects.get(code="sma"))
        person = seeker_person(education=EducationLevel.objects.get(code="smp"))
        html = _blocked_page(client, batch, person)
        assert "Pendidikan terakhir:" in html
        assert "Program ini mensyaratkan pendidikan minimal SMA/MA." in html

    def test_outside_the_registration_window(self, client):
        today = timezone.localdate()
        batch = BatchFactory(
            registration_opens=today + datetime.timedelta(days=3),
            registration_closes=today + datetime.timedelta(days=9),
        )
        html = _blocked_page(client, batch, seeker_person())
        opens = (today + datetime.timedelta(days=3)).strftime("%d-%m-%Y")
        assert f"Pendaftaran angkatan ini dibuka dari {opens} sampai" in html

    def test_not_a_city_resident(self, client):
        html = _blocked_page(client, BatchFactory(), seeker_person(kelurahan=None))
        assert "Kelurahan domisili:" in html
        assert "Angkatan ini khusus untuk penduduk kota" in html

    def test_a_batch_open_to_anyone_takes_people_from_elsewhere(self, client):
        batch = BatchFactory(programme__domicile_rule="any")
        client.force_login(job_seeker(person=seeker_person(kelurahan=None)))
        assert 'type="file"' in client.get(_register_url(batch)).content.decode()

    def test_profile_problems_link_to_the_profile(self, client):
        html = _blocked_page(client, BatchFactory(), seeker_person(kelurahan=None))
        assert 'href="{}">Periksa kelurahan domisili di profil Anda</a>'.format(reverse("account_profile")) in html

    def test_a_problem_outside_the_profile_has_no_profile_link(self, client):
        today = timezone.localdate()
        batch = BatchFactory(registration_opens=today + datetime.timedelta(days=3))
        html = _blocked_page(client, batch, seeker_person())
        assert "di profil Anda</a>" not in html

    def test_posting_while_not_eligible_registers_nothing(self, client, private_files, uploads):
        batch = BatchFactory()
        client.force_login(job_seeker(person=seeker_person(kelurahan=None)))
        response = submit(client, _register_url(batch), uploads.documents())
        assert response.status_code == 200
        assert not Registration.objects.exists()


# --- Full batches and the reserve list ------------------------------------------------------


class TestReserveList:
    def _full_first_come_batch(self, reserve_seats=3):
        batch = BatchFactory(selection_method="first_come", quota=1, reserve_seats=reserve_seats)
        services.registration_create(person=seeker_person(serial=9300), batch=batch)
        batch.refresh_from_db()
        assert batch.seats_left == 0
        return batch

    def test_a_full_first_come_batch_offers_the_reserve_list(self, seeker_client):
        html = _html(seeker_client.get(_register_url(self._full_first_come_batch())))
        assert "Semua kursi sudah terisi" in html
        assert 'name="join_reserve"' in html
        assert "Masuk daftar cadangan" in html

    def test_ticking_it_makes_the_person_reserve_number_1(self, seeker_client, seeker, private_files, uploads):
        batch = self._full_first_come_batch()
        response = submit(seeker_client, _register_url(batch), uploads.documents() | {"join_reserve": "on"})
        registration = Registration.objects.get(person=seeker.person, batch=batch)
        assert response.status_code == 302
        assert (registration.status, registration.reserve_rank) == ("reserve", 1)
        html = _html(seeker_client.get(reverse("training:my_registrations")))
        assert "Anda cadangan nomor 1." in html

    def test_not_ticking_it_explains_why_nothing_happened(self, seeker_client, seeker, private_files, uploads):
        batch = self._full_first_come_batch()
        response = submit(seeker_client, _register_url(batch), uploads.documents())
        html = _html(response)
        assert response.status_code == 200
        assert "Angkatan ini sudah penuh. Centang “masuk daftar cadangan”" in html
        assert 'name="join_reserve"' in html
        assert not Registration.objects.filter(person=seeker.person).exists()

    def test_a_batch_whose_reserve_list_is_full_too_says_so_before_the_form(self, seeker_client):
        batch = self._full_first_come_batch(reserve_seats=0)
        html = _html(seeker_client.get(_register_url(batch)))
        assert "Angkatan ini sudah penuh, begitu pula daftar cadangannya" in html
        assert 'type="file"' not in html

    def test_a_batch_without_reserve_places_is_not_offered_as_a_reserve_when_it_fills_meanwhile(
        self, seeker_client, seeker, private_files, uploads, monkeypatch
    ):
        """The page was loaded with a seat left; the last one went before the form was sent."""
        batch = BatchFactory(selection_method="first_come", quota=1, reserve_seats=0)
        real_create = services.registration_create

        def someone_else_first(**kwargs):
            real_create(person=seeker_person(serial=9310), batch=batch)
            return real_create(**kwargs)

        monkeypatch.setattr(views.services, "registration_create", someone_else_first)
        html = _html(submit(seeker_client, _register_url(batch), uploads.documents()))
        assert "Angkatan ini sudah penuh, begitu pula daftar cadangannya" in html
        assert "Centang" not in html
        assert 'name="join_reserve"' not in html
        assert not Registration.objects.filter(person=seeker.person).exists()

    def test_a_selection_batch_does_not_offer_the_reserve_list_at_registration(self, seeker_client):
        batch = BatchFactory(selection_method="selection", quota=1)
        batch.seats_taken = 1
        batch.save()
        html = seeker_client.get(_register_url(batch)).content.decode()
        assert 'name="join_reserve"' not in html
        assert 'type="file"' in html


# --- Double submits -------------------------------------------------------------------------


class TestDoubleSubmit:
    def test_a_second_submit_is_a_form_error_not_a_500(self, seeker_client, seeker, private_files, uploads):
        batch = BatchFactory()
        assert submit(seeker_client, _register_url(batch), uploads.documents()).status_code == 302
        response = submit(seeker_client, _register_url(batch), uploads.documents())
        assert response.status_code == 200
        assert "Anda sudah terdaftar di angkatan ini." in _html(response)
        assert Registration.objects.filter(person=seeker.person).count() == 1

    def test_a_submit_that_loses_the_race_to_the_database_is_a_form_error(
        self, seeker_client, seeker, private_files, uploads, monkeypatch
    ):
        """Both requests passed the eligibility check; the other one saved first."""
        batch = BatchFactory()
        real_create = services.registration_create

        def other_request_wins(**kwargs):
            RegistrationFactory(person=seeker.person, batch=batch)
            monkeypatch.setattr(services, "check_eligible", lambda **kw: None)
            return real_create(**kwargs)

        monkeypatch.setattr(views.services, "registration_create", other_request_wins)
        response = submit(seeker_client, _register_url(batch), uploads.documents())
        assert response.status_code == 200
        assert "Anda sudah terdaftar di angkatan ini." in _html(response)

    @pytest.mark.services
    @pytest.mark.django_db(transaction=True)
    def test_two_simultaneous_submits_on_postgres_make_one_registration(self, postgres, private_files, uploads):
        seeker = job_seeker(person=seeker_person())
        batch = BatchFactory(selection_method="first_come", quota=5)
        clients = [Client(), Client()]
        for client in clients:
            client.force_login(seeker)
        barrier, results = threading.Barrier(2), []

        def send(client):
            try:
                barrier.wait(timeout=10)
                response = submit(client, _register_url(batch), uploads.documents())
                results.append((response.status_code, _html(response)))
            finally:
                connection.close()

        threads = [threading.Thread(target=send, args=[c]) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(status for status, _ in results) == [200, 302]
        refused = next(html for status, html in results if status == 200)
        told = re.findall(r"<li[^>]*>\s*([^<]+?)\s*</li>", refused)
        assert "Anda sudah terdaftar di angkatan ini." in refused, told
        assert Registration.objects.filter(person=seeker.person).count() == 1
        batch.refresh_from_db()
        assert batch.seats_taken == 1


# --- My registrations -----------------------------------------------------------------------


def _certificate(registration, *, generated=True):
    certificate = ParticipantCertificate.objects.create(
        registration=registration,
        number=f"BLK/2026/{registration.batch.code}/{registration.pk:06d}",
        issued_on=timezone.localdate(),
    )
    if generated:
        certificate.pdf.save("sertifikat.pdf", ContentFile(PDF_BYTES), save=False)
        certificate.generated_at = timezone.now()
        certificate.save()
    return certificate


class TestMyRegistrations:
    def test_lists_only_my_registrations_with_what_to_do_next(
        self, seeker_client, seeker, others_registration, private_files
    ):
        person = seeker.person
        today = timezone.localdate()
        start = today + datetime.timedelta(days=30)
        accepted = RegistrationFactory(
            person=person,
            batch__programme__name="Operator Forklift",
            status="accepted",
            confirm_by=datetime.date(2031, 1, 9),
        )
        RegistrationFactory(
            person=person, batch__programme__name="Menjahit", batch__start_date=start, status="reserve", reserve_rank=4
        )
        graduated = RegistrationFactory(
            person=person, batch__programme__name="Tata Rias", status="confirmed", outcome="graduated"
        )
        _certificate(graduated)
        RegistrationFactory(person=person, batch__programme__name="Bahasa Jepang")
        others_registration.batch.programme.name = "Program Orang Lain"
        others_registration.batch.programme.save()

        html = _html(seeker_client.get(reverse("training:my_registrations")))
        assert "Program Orang Lain" not in html
        assert "Operator Forklift" in html and "Diterima — menunggu konfirmasi" in html
        assert "Konfirmasi tempat Anda paling lambat Kamis, 9 Januari 2031" in html
        # Rank 4 is the only reserve left in that batch: first in line.
        assert "Anda cadangan nomor 1." in html
        assert "Sertifikat Anda sudah siap" in html
        assert 'href="{}"'.format(reverse("training:certificate_download", args=[graduated.pk])) in html
        assert "Tunggu hasil seleksi" in html
        assert accepted.person.nik not in html

    def test_reserve_number_counts_only_those_still_waiting_ahead(self, seeker_client, seeker):
        batch = BatchFactory(quota=1, reserve_seats=5)
        for rank, status in ((1, "accepted"), (3, "reserve")):
            RegistrationFactory(
                batch=batch,
                person=seeker_person(serial=9400 + rank),
                status=status,
                reserve_rank=rank if status == "reserve" else None,
            )
        RegistrationFactory(batch=batch, person=seeker.person, status="reserve", reserve_rank=5)
        assert "Anda cadangan nomor 2." in _html(seeker_client.get(reverse("training:my_registrations")))

    def test_nothing_yet_points_to_the_catalogue(self, seeker_client):
        html = _html(seeker_client.get(reverse("training:my_registrations")))
        assert "Anda belum mendaftar pelatihan apa pun." in html
        assert 'href="{}"'.format(reverse("training:catalogue")) in html

    def test_same_number_of_queries_for_1_and_20_registrations(self, seeker_client, seeker, private_files):
        def add(n):
            for i in range(n):
                status = ("registered", "accepted", "reserve", "confirmed")[i % 4]
                registration = RegistrationFactory(
                    person=seeker.person,
                    status=status,
                    reserve_rank=i + 1 if status == "reserve" else None,
                    confirm_by=timezone.localdate() if status == "accepted" else None,
                    outcome="graduated" if status == "confirmed" else "",
                )
                if status == "confirmed":
                    _certificate(registration)

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert seeker_client.get(reverse("training:my_registrations")).status_code == 200
            return len(queries)

        add(1)
        one = count()
        add(19)
        assert count() == one


# --- One registration: detail, confirm, withdraw --------------------------------------------


class TestRegistrationDetail:
    def test_accepted_shows_confirm_and_withdraw_buttons(self, seeker_client, own_registration):
        html = _html(seeker_client.get(reverse("training:registration_detail", args=[own_registration.pk])))
        assert 'action="{}"'.format(reverse("training:registration_confirm", args=[own_registration.pk])) in html
        assert 'action="{}"'.format(reverse("training:registration_decline", args=[own_registration.pk])) in html
        assert "Konfirmasi tempat saya" in html

    def test_a_withdrawn_registration_has_no_buttons(self, seeker_client, seeker):
        registration = RegistrationFactory(person=seeker.person, status="withdrawn")
        html = _html(seeker_client.get(reverse("training:registration_detail", args=[registration.pk])))
        assert "registration_confirm" not in html and "/konfirmasi/" not in html and "/mundur/" not in html
        assert "Anda sudah mengundurkan diri dari angkatan ini." in html


class TestConfirm:
    def test_confirming_makes_a_participant(self, seeker_client, own_registration):
        response = seeker_client.post(reverse("training:registration_confirm", args=[own_registration.pk]), follow=True)
        own_registration.refresh_from_db()
        assert own_registration.status == "confirmed"
        assert response.redirect_chain[-1][0] == reverse("training:registration_detail", args=[own_registration.pk])
        assert "Terima kasih, tempat Anda sudah dikonfirmasi." in _html(response)

    def test_after_the_deadline_it_says_so(self, seeker_client, own_registration):
        own_registration.confirm_by = timezone.localdate() - datetime.timedelta(days=1)
        own_registration.save()
        response = seeker_client.post(reverse("training:registration_confirm", args=[own_registration.pk]), follow=True)
        assert "Batas waktu konfirmasi sudah lewat." in _html(response)
        own_registration.refresh_from_db()
        assert own_registration.status == "accepted"

    def test_nothing_to_confirm_is_a_message_not_an_error_page(self, seeker_client, seeker):
        registration = RegistrationFactory(person=seeker.person)
        response = seeker_client.post(reverse("training:registration_confirm", args=[registration.pk]), follow=True)
        assert response.status_code == 200
        assert "Tidak ada yang perlu dikonfirmasi untuk pendaftaran ini." in _html(response)


class TestDecline:
    def test_withdrawing_frees_the_seat_for_the_first_reserve(self, seeker_client, seeker):
        batch = BatchFactory(quota=1, reserve_seats=2, seats_taken=1)
        mine = RegistrationFactory(batch=batch, person=seeker.person, status="accepted")
        reserve = RegistrationFactory(batch=batch, person=seeker_person(serial=9600), status="reserve", reserve_rank=1)
        response = seeker_client.post(reverse("training:registration_decline", args=[mine.pk]), follow=True)
        mine.refresh_from_db()
        reserve.refresh_from_db()
        assert mine.status == "declined"
        assert reserve.status == "accepted"
        assert "Anda sudah mengundurkan diri dari angkatan ini." in _html(response)

    def test_a_finished_registration_cannot_be_withdrawn(self, seeker_client, seeker):
        registration = RegistrationFactory(person=seeker.person, status="rejected")
        response = seeker_client.post(reverse("training:registration_decline", args=[registration.pk]), follow=True)
        assert "Pendaftaran ini tidak dapat dibatalkan lagi." in _html(response)


# --- Certificate download -------------------------------------------------------------------


class TestCertificateDownload:
    def _graduate(self, seeker):
        return RegistrationFactory(person=seeker.person, status="confirmed", outcome="graduated")

    def test_downloads_my_certificate_as_an_attachment_without_my_nik(self, seeker_client, seeker, private_files):
        registration = self._graduate(seeker)
        _certificate(registration)
        response = seeker_client.get(reverse("training:certificate_download", args=[registration.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;") and ".pdf" in disposition
        assert seeker.person.nik not in disposition
        assert b"".join(response.streaming_content) == PDF_BYTES

    def test_no_certificate_is_not_found(self, seeker_client, seeker):
        registration = self._graduate(seeker)
        assert seeker_client.get(reverse("training:certificate_download", args=[registration.pk])).status_code == 404

    def test_a_certificate_whose_file_is_missing_is_not_found(self, seeker_client, seeker, private_files):
        registration = self._graduate(seeker)
        certificate = _certificate(registration)
        private_files.delete(certificate.pdf.name)
        assert seeker_client.get(reverse("training:certificate_download", args=[registration.pk])).status_code == 404

    def test_a_certificate_not_rendered_yet_is_not_found(self, seeker_client, seeker):
        registration = self._graduate(seeker)
        _certificate(registration, generated=False)
        assert seeker_client.get(reverse("training:certificate_download", args=[registration.pk])).status_code == 404
        html = _html(seeker_client.get(reverse("training:my_registrations")))
        assert "Sertifikat Anda sedang disiapkan" in html


# --- In a real browser ----------------------------------------------------------------------


@pytest.mark.browser
def test_a_job_seeker_finds_a_batch_and_registers_on_a_phone(live_server, page, axe, private_files, uploads):
    """The main journey at 360 px: every page passes axe (WCAG 2.1 AA) and nothing scrolls sideways."""
    from playwright.sync_api import expect

    seeker = job_seeker(person=seeker_person())
    batch = BatchFactory(programme__name="Operator Forklift", is_accessible=True, accessibility_notes="Lantai dasar.")
    client = Client()
    client.force_login(seeker)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 360, "height": 800})

    def assert_accessible():
        assert axe(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(live_server.url + reverse("training:catalogue"))
    assert_accessible()
    page.get_by_role("link", name="Operator Forklift").click()
    page.wait_for_url(live_server.url + reverse("training:batch_detail", args=[batch.pk]))
    assert page.get_by_role("heading", level=1).inner_text() == "Operator Forklift"
    assert_accessible()
    page.get_by_role("link", name="Daftar", exact=True).click()
    page.wait_for_url(live_server.url + _register_url(batch))
    page.get_by_label("Pindaian atau foto KTP Anda").set_input_files(
        files=[{"name": "ktp.pdf", "mimeType": "application/pdf", "buffer": b"bukan pdf"}]
    )
    page.get_by_role("button", name="Kirim pendaftaran saya").click()
    page.locator("#error-summary").wait_for()
    # The focus moves once the page's script (a static file, as the CSP requires) has run.
    expect(page.locator("#error-summary")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert_accessible()
    documents = uploads.documents()
    for label, upload in (
        ("Pindaian atau foto KTP Anda", documents["ktp_document"]),
        ("Pindaian atau foto ijazah terakhir Anda", documents["diploma_document"]),
    ):
        page.get_by_label(label).set_input_files(
            files=[{"name": upload.name, "mimeType": upload.content_type, "buffer": upload.read()}]
        )
    page.get_by_role("button", name="Kirim pendaftaran saya").click()
    page.wait_for_url("**/akun/pelatihan/*/")
    registration = Registration.objects.get(person=seeker.person, batch=batch)
    assert page.url == live_server.url + reverse("training:registration_detail", args=[registration.pk])
    assert page.get_by_text("Pendaftaran Anda sudah kami terima.").first.is_visible()
    assert_accessible()
