"""The public training pages: catalogue, batch page, certificate verification, alumni tracer."""

import datetime
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disnaker.models import EducationLevel
from tests.factories import BatchFactory, RegistrationFactory, VocationFactory
from training.models import ParticipantCertificate, TracerResponse

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("training:catalogue")


def _today():
    return timezone.localdate()


def _days(n: int) -> datetime.date:
    return _today() + datetime.timedelta(days=n)


def _html(response) -> str:
    return " ".join(response.content.decode().split())


# --- Catalogue ------------------------------------------------------------------------------


class TestCatalogue:
    def test_lists_only_batches_open_for_registration(self, client):
        BatchFactory(programme__name="Las Terbuka")
        BatchFactory(programme__name="Las Draf", status="draft")
        BatchFactory(programme__name="Las Batal", status="cancelled")
        BatchFactory(programme__name="Las Tutup", registration_opens=_days(-20), registration_closes=_days(-1))
        BatchFactory(programme__name="Las Nanti", registration_opens=_days(1), registration_closes=_days(10))
        html = _html(client.get(CATALOGUE))
        assert "Las Terbuka" in html
        for hidden in ("Las Draf", "Las Batal", "Las Tutup", "Las Nanti"):
            assert hidden not in html
        assert "Angkatan yang dibuka: 1" in html

    def test_card_shows_what_a_job_seeker_needs_to_choose(self, client):
        batch = BatchFactory(
            programme__name="Operator Forklift",
            programme__vocation__name="Alat Berat",
            venue="UPT BLK Kota Cilegon",
            funding="apbn",
            quota=16,
            is_accessible=True,
            accessibility_notes="Ruang kelas di lantai dasar, ada juru bahasa isyarat.",
            registration_closes=datetime.date(2031, 3, 14),
        )
        batch.seats_taken = 4
        batch.save()
        html = _html(client.get(CATALOGUE))
        assert 'href="{}"'.format(reverse("training:batch_detail", args=[batch.pk])) in html
        assert "Alat Berat" in html
        assert "UPT BLK Kota Cilegon" in html
        assert "APBN (anggaran negara)" in html
        assert "Sisa kursi" in html and "12 dari 16" in html
        assert "Pendaftaran ditutup" in html and "14 Maret 2031" in html
        assert "Ramah penyandang disabilitas" in html
        assert "juru bahasa isyarat" in html

    def test_filters_by_vocation_funding_dates_and_accessibility(self, client):
        welding = VocationFactory(code="las", name="Pengelasan")
        sewing = VocationFactory(code="jahit", name="Menjahit")
        BatchFactory(programme__name="Las A", programme__vocation=welding, funding="apbd", start_date=_days(30))
        BatchFactory(
            programme__name="Jahit B",
            programme__vocation=sewing,
            funding="apbn",
            start_date=_days(60),
            is_accessible=True,
        )

        def names(**params):
            html = _html(client.get(CATALOGUE, params))
            return {name for name in ("Las A", "Jahit B") if name in html}

        assert names() == {"Las A", "Jahit B"}
        assert names(vocation=welding.pk) == {"Las A"}
        assert names(funding="apbn") == {"Jahit B"}
        assert names(start_from=_days(45).isoformat()) == {"Jahit B"}
        assert names(start_to=_days(45).isoformat()) == {"Las A"}
        assert names(accessible="on") == {"Jahit B"}

    def test_a_bad_filter_value_is_explained_beside_its_field(self, client):
        BatchFactory(programme__name="Las A")
        html = _html(client.get(CATALOGUE, {"start_from": "kemarin"}))
        assert 'id="id_start_from_error"' in html
        assert 'aria-describedby="id_start_from_error"' in html
        assert "Las A" in html  # the other filters still apply

    def test_is_paginated_and_keeps_the_filters_in_page_links(self, client):
        for _ in range(13):
            BatchFactory(funding="apbd")
        first = _html(client.get(CATALOGUE, {"funding": "apbd"}))
        assert first.count('class="card h-100') == 12
        assert "?funding=apbd&amp;page=2" in first
        second = _html(client.get(CATALOGUE, {"funding": "apbd", "page": 2}))
        assert second.count('class="card h-100') == 1

    @pytest.mark.parametrize("logged_in", [False, True])
    def test_same_number_of_queries_for_1_and_50_batches(self, client, logged_in, seeker):
        if logged_in:
            client.force_login(seeker)
        BatchFactory()

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(CATALOGUE).status_code == 200
            return len(queries)

        one = count()
        for _ in range(49):
            BatchFactory()
        assert count() == one

    def test_refuses_post(self, client):
        assert client.post(CATALOGUE).status_code == 405


# --- Batch page -----------------------------------------------------------------------------


class TestBatchDetail:
    def _batch(self, **kwargs):
        return BatchFactory(
            programme__name="Pengelasan SMAW 3G",
            programme__min_age=18,
            programme__max_age=35,
            programme__min_education=EducationLevel.objects.get(code="smp"),
            programme__competency_scheme="Juru Las 3G SMAW",
            programme__competency_units="Membaca gambar teknik\nMengelas pelat posisi tegak (3G)",
            instructors="Budi Santoso, Siti Aminah",
            venue="UPT BLK Kota Cilegon",
            is_accessible=True,
            accessibility_notes="Bengkel dapat diakses kursi roda.",
            quota=16,
            **kwargs,
        )

    def test_shows_requirements_competencies_and_seats(self, client):
        batch = self._batch()
        html = _html(client.get(reverse("training:batch_detail", args=[batch.pk])))
        assert "<h1" in html and "Pengelasan SMAW 3G" in html
        assert "Usia 18 sampai 35 tahun pada hari pertama pelatihan" in html
        assert "Pendidikan: minimal SMP/MTs" in html
        assert "hanya penduduk Kota Cilegon" in html
        assert "Juru Las 3G SMAW" in html and "Mengelas pelat posisi tegak (3G)" in html
        assert "Budi Santoso, Siti Aminah" in html
        assert "16 dari 16" in html
        assert "Bengkel dapat diakses kursi roda." in html
        assert batch.registration_closes.strftime("%Y") in html

    def test_anonymous_register_button_leads_to_login_and_back(self, client):
        batch = self._batch()
        html = client.get(reverse("training:batch_detail", args=[batch.pk])).content.decode()
        register_url = reverse("training:register", args=[batch.pk])
        login_url = reverse("account_login")
        assert f'href="{login_url}?next={quote(register_url, safe="")}">Daftar</a>' in html

    def test_logged_in_register_button_leads_to_the_form(self, client, seeker):
        batch = self._batch()
        client.force_login(seeker)
        html = client.get(reverse("training:batch_detail", args=[batch.pk])).content.decode()
        assert 'href="{}"'.format(reverse("training:register", args=[batch.pk])) in html

    @pytest.mark.parametrize("status", ["draft", "cancelled"])
    def test_draft_and_cancelled_batches_are_not_found(self, client, status):
        batch = self._batch(status=status)
        assert client.get(reverse("training:batch_detail", args=[batch.pk])).status_code == 404

    def test_a_running_batch_is_shown_without_a_register_button(self, client):
        batch = self._batch(status="running", registration_opens=_days(-30), registration_closes=_days(-10))
        response = client.get(reverse("training:batch_detail", args=[batch.pk]))
        html = _html(response)
        assert response.status_code == 200
        assert "Pendaftaran untuk angkatan ini sedang tidak dibuka" in html
        assert quote(reverse("training:register", args=[batch.pk]), safe="") not in html
        assert reverse("training:register", args=[batch.pk]) not in html

    def test_refuses_post(self, client):
        batch = self._batch()
        assert client.post(reverse("training:batch_detail", args=[batch.pk])).status_code == 405


# --- Certificate verification ---------------------------------------------------------------


@pytest.fixture
def certificate(db):
    registration = RegistrationFactory(
        person__name="Ahmad Fauzi Ramadhan",
        person__address="Jl. Rahasia No. 7",
        batch__programme__name="Pengelasan SMAW Posisi 3G",
        batch__code="BLK-2026-LAS-01",
        batch__start_date=datetime.date(2026, 10, 1),
        batch__end_date=datetime.date(2026, 10, 28),
        batch__registration_opens=datetime.date(2026, 9, 1),
        batch__registration_closes=datetime.date(2026, 9, 20),
        batch__status="finished",
        status="confirmed",
        outcome="graduated",
    )
    return ParticipantCertificate.objects.create(
        registration=registration, number="BLK/2026/BLK-2026-LAS-01/000042", issued_on=datetime.date(2026, 11, 2)
    )


class TestCertificateVerify:
    def test_a_valid_code_shows_the_certificate_without_personal_details(self, client, certificate):
        response = client.get(reverse("training:certificate_verify", args=[certificate.code]))
        html = _html(response)
        assert response.status_code == 200
        assert "Sertifikat sah" in html
        for text in (
            "BLK/2026/BLK-2026-LAS-01/000042",
            "Ahmad Fauzi Ramadhan",
            "Pengelasan SMAW Posisi 3G",
            "1 Oktober 2026",
            "28 Oktober 2026",
            "2 November 2026",
        ):
            assert text in html
        person = certificate.registration.person
        assert person.nik not in html
        assert person.nik_masked not in html
        assert "Jl. Rahasia" not in html
        assert '<meta name="robots" content="noindex">' in html

    def test_an_unknown_code_is_a_clear_404(self, client, certificate):
        response = client.get(reverse("training:certificate_verify", args=["tidak-ada-kode-ini"]))
        assert response.status_code == 404
        html = _html(response)
        assert "Sertifikat tidak ditemukan" in html
        assert "Ahmad Fauzi Ramadhan" not in html

    def test_refuses_post(self, client, certificate):
        assert client.post(reverse("training:certificate_verify", args=[certificate.code])).status_code == 405


# --- Alumni tracer --------------------------------------------------------------------------


@pytest.fixture
def tracer(db):
    registration = RegistrationFactory(
        batch__programme__name="Operator Forklift", status="confirmed", outcome="graduated"
    )
    return TracerResponse.objects.create(registration=registration, months_after=3)


class TestTracerAnswer:
    def url(self, tracer):
        return reverse("training:tracer_answer", args=[tracer.token])

    def test_the_form_asks_the_short_questions(self, client, tracer):
        html = _html(client.get(self.url(tracer)))
        assert "Operator Forklift" in html
        assert "<legend" in html and "Apa kegiatan Anda sekarang?" in html
        assert '<label class="form-label fw-semibold mb-1" for="id_company">' in html
        assert tracer.registration.person.nik not in html

    def test_an_answer_is_saved_and_then_thanked(self, client, tracer):
        data = {"status": "working", "company": "PT Krakatau Steel", "position": "Operator", "wage_band": "4to6"}
        response = client.post(self.url(tracer), data | {"relevance": "5"})
        assert response.status_code == 302
        assert response["Location"] == self.url(tracer)
        tracer.refresh_from_db()
        assert tracer.is_answered
        assert (tracer.status, tracer.company, tracer.wage_band, tracer.relevance) == (
            "working",
            "PT Krakatau Steel",
            "4to6",
            5,
        )
        assert tracer.channel == "online"
        assert "Terima kasih" in _html(client.get(self.url(tracer)))

    def test_already_answered_shows_the_thank_you_page_and_changes_nothing(self, client, tracer):
        tracer.answered_at = timezone.now()
        tracer.status = "studying"
        tracer.save()
        assert "Terima kasih" in _html(client.get(self.url(tracer)))
        response = client.post(self.url(tracer), {"status": "working", "company": "PT Lain", "relevance": "1"})
        assert "Terima kasih" in _html(response)
        tracer.refresh_from_db()
        assert tracer.status == "studying"

    def test_working_without_a_company_is_explained_beside_the_company_field(self, client, tracer):
        response = client.post(self.url(tracer), {"status": "working", "relevance": "4"})
        html = _html(response)
        assert response.status_code == 200
        assert 'id="id_company_error"' in html
        assert "Sebutkan tempat Anda bekerja" in html
        tracer.refresh_from_db()
        assert not tracer.is_answered

    def test_a_missing_answer_is_explained_in_indonesian(self, client, tracer):
        html = _html(client.post(self.url(tracer), {"relevance": "3"}))
        assert 'id="id_status_error"' in html
        assert "Bidang ini tidak boleh kosong" in html

    def test_a_bad_token_is_not_found(self, client, tracer):
        assert client.get(reverse("training:tracer_answer", args=["bukan-token"])).status_code == 404
