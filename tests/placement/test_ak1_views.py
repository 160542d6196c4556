"""The job seeker's AK/1 pages and the staff's admin queue."""

import datetime
import io
import os

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from disnaker.models import Person
from placement import cards
from placement.models import CardReport, CardStatus, JobSeekerCard
from tests.disnaker.test_documents import HOSTILE, hostile_upload
from tests.factories import PersonFactory, UserFactory, job_seeker
from tests.submission import submit

from .test_ak1 import PDF_BYTES, PNG_BYTES, apply, private_files  # noqa: F401 - the fixture is used

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def seeker(client):
    user = job_seeker()
    client.force_login(user)
    return user


@pytest.fixture
def officer(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def others_card(officer):
    return cards.card_approve(card=apply(job_seeker().person), actor=officer)


def _upload_data(**overrides) -> dict:
    return {
        "education_history": "SMK Negeri 2 Cilegon, 2020",
        "skills": "Forklift",
        "experience": "",
        "photo": SimpleUploadedFile("foto.png", PNG_BYTES, content_type="image/png"),
        "ktp_document": SimpleUploadedFile("3672.pdf", PDF_BYTES, content_type="application/pdf"),
        "diploma_document": SimpleUploadedFile("ijazah.pdf", PDF_BYTES, content_type="application/pdf"),
        **overrides,
    }


# --- Access ---------------------------------------------------------------------------------

PER_CARD = [
    ("get", "placement:ak1_revise"),
    ("post", "placement:ak1_rereport"),
    ("post", "placement:ak1_renew"),
    ("get", "placement:ak1_card_pdf"),
]


@pytest.mark.parametrize(("method", "name"), PER_CARD)
def test_another_persons_card_is_not_found(client, seeker, others_card, method, name):
    response = getattr(client, method)(reverse(name, args=[others_card.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "name"), [*PER_CARD, ("get", "placement:ak1_home"), ("get", "placement:ak1_apply")])
def test_anonymous_visitors_are_sent_to_login(client, others_card, method, name):
    args = [] if name in ("placement:ak1_home", "placement:ak1_apply") else [others_card.pk]
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["placement:ak1_rereport", "placement:ak1_renew"])
def test_post_only_views_refuse_get(client, seeker, officer, name):
    card = cards.card_approve(card=apply(seeker.person), actor=officer)
    assert client.get(reverse(name, args=[card.pk])).status_code == 405


# --- Happy paths ----------------------------------------------------------------------------


def test_apply_then_home_shows_the_waiting_application(client, seeker):
    assert "Ajukan" in _html(client.get(reverse("placement:ak1_home")))
    response = submit(client, reverse("placement:ak1_apply"), _upload_data())
    assert response.status_code == 302
    card = JobSeekerCard.objects.get(person=seeker.person)
    assert card.status == CardStatus.APPLIED
    assert card.photo.name.endswith(".png") and "3672" not in card.ktp_document.name
    assert card.get_status_display() in _html(client.get(reverse("placement:ak1_home")))


def test_second_application_is_a_form_error(client, seeker):
    apply(seeker.person)
    response = submit(client, reverse("placement:ak1_apply"), _upload_data())
    assert response.status_code == 200
    assert 'id="error-summary"' in _html(response)
    assert JobSeekerCard.objects.filter(person=seeker.person).count() == 1


def test_a_record_whose_name_holds_an_emoji_gets_no_card_until_staff_correct_it(client, seeker):
    """A name from before names were checked is never printed on an AK/1 card."""
    Person.objects.filter(pk=seeker.person.pk).update(name="Uji Coba Pengguna 😀")
    response = submit(client, reverse("placement:ak1_apply"), _upload_data())
    assert response.status_code == 200
    assert "Nama atau tempat lahir pada data Anda memuat karakter yang tidak ada di KTP." in _html(response)
    assert not JobSeekerCard.objects.exists()
    Person.objects.filter(pk=seeker.person.pk).update(name="Uji Coba Pengguna")
    assert submit(client, reverse("placement:ak1_apply"), _upload_data()).status_code == 302


def test_a_pdf_is_refused_as_photo(client, seeker):
    photo = SimpleUploadedFile("foto.pdf", PDF_BYTES, content_type="application/pdf")
    response = submit(client, reverse("placement:ak1_apply"), _upload_data(photo=photo))
    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    assert not JobSeekerCard.objects.exists()


def test_revise_shows_the_note_and_resubmits(client, seeker, officer):
    card = cards.card_request_revision(card=apply(seeker.person), note="Foto buram, unggah ulang", actor=officer)
    url = reverse("placement:ak1_revise", args=[card.pk])
    assert "Foto buram, unggah ulang" in _html(client.get(url))
    response = client.post(url, {"education_history": "SMK Negeri 2 Cilegon, 2020", "skills": "Las", "experience": ""})
    assert response.status_code == 302
    card.refresh_from_db()
    assert (card.status, card.skills) == (CardStatus.APPLIED, "Las")


def test_revise_is_refused_when_not_in_revision(client, seeker):
    card = apply(seeker.person)
    response = client.get(reverse("placement:ak1_revise", args=[card.pk]))
    assert response.status_code == 302


def test_rereport_and_print_an_active_card(client, seeker, officer, pdftotext):
    card = cards.card_approve(card=apply(seeker.person), actor=officer)
    response = client.post(reverse("placement:ak1_rereport", args=[card.pk]), {"still_looking": "1"})
    assert response.status_code == 302
    assert CardReport.objects.filter(card=card, channel="online", still_looking=True).count() == 1
    home = _html(client.get(reverse("placement:ak1_home")))
    assert card.number in home

    response = client.get(reverse("placement:ak1_card_pdf", args=[card.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert seeker.person.nik not in response["Content-Disposition"]
    assert card.number in pdftotext(response.content)


def test_pdf_only_for_an_active_card(client, seeker):
    card = apply(seeker.person)
    assert client.get(reverse("placement:ak1_card_pdf", args=[card.pk])).status_code == 404


def test_renew_an_expired_card(client, seeker, officer):
    card = cards.card_approve(card=apply(seeker.person), actor=officer)
    cards.cards_expire(today=card.valid_until + datetime.timedelta(days=1))
    response = client.post(reverse("placement:ak1_renew", args=[card.pk]))
    assert response.status_code == 302
    renewal = JobSeekerCard.objects.get(renews=card)
    assert renewal.status == CardStatus.APPLIED


# --- Staff ----------------------------------------------------------------------------------


@pytest.fixture
def verifier(staff_user):
    """A staff member who may change AK/1 cards and see personal data."""
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_jobseekercard", "change_jobseekercard", "reveal_person_nik"])
    )
    return user


def _changelist():
    return reverse("admin:placement_jobseekercard_changelist")


def test_queue_shows_applications_waiting_and_masks_the_nik_without_permission(client, officer):
    from django.contrib.auth.models import Permission

    officer.user_permissions.add(Permission.objects.get(codename="view_jobseekercard"))
    waiting = apply(PersonFactory())
    active = cards.card_approve(card=apply(PersonFactory()), actor=officer)
    client.force_login(officer)
    page = _html(client.get(_changelist()))
    assert waiting.person.name in page and active.person.name not in page
    assert waiting.person.nik not in page and waiting.person.nik_masked in page


def test_admin_approve_and_desk_rereport(client, verifier):
    card = apply(PersonFactory())
    client.force_login(verifier)
    client.post(_changelist(), {"action": "approve", ACTION_CHECKBOX_NAME: [card.pk]})
    card.refresh_from_db()
    assert card.status == CardStatus.ACTIVE and card.decided_by == verifier
    client.post(_changelist() + "?status=active", {"action": "record_desk_rereport", ACTION_CHECKBOX_NAME: [card.pk]})
    assert CardReport.objects.get(card=card).channel == "desk"


@pytest.mark.parametrize(("action", "status"), [("request_revision", "revision"), ("reject", "rejected")])
def test_admin_note_actions_ask_for_the_note_first(client, verifier, action, status):
    card = apply(PersonFactory())
    client.force_login(verifier)
    response = client.post(_changelist(), {"action": action, ACTION_CHECKBOX_NAME: [card.pk]})
    assert response.status_code == 200 and 'name="note"' in response.content.decode()
    card.refresh_from_db()
    assert card.status == CardStatus.APPLIED
    client.post(
        _changelist(), {"action": action, "apply": "1", "note": "KTP tidak terbaca", ACTION_CHECKBOX_NAME: [card.pk]}
    )
    card.refresh_from_db()
    assert (card.status, card.staff_note) == (status, "KTP tidak terbaca")


def test_staff_document_needs_the_reveal_permission(client, officer, verifier):
    card = apply(PersonFactory())
    url = reverse("placement:ak1_staff_document", args=[card.pk, "ktp"])
    client.force_login(officer)
    assert client.get(url).status_code == 403
    client.force_login(verifier)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert client.get(reverse("placement:ak1_staff_document", args=[card.pk, "other"])).status_code == 404


@pytest.mark.parametrize("name", list(HOSTILE))
@pytest.mark.parametrize("field", ["photo", "ktp_document", "diploma_document"])
def test_a_hostile_document_is_refused_beside_its_field_and_nothing_is_stored(client, seeker, field, name):
    response = submit(client, reverse("placement:ak1_apply"), _upload_data(**{field: hostile_upload(name)}))
    html = _html(response)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert list(errors) == [field]
    assert f'id="id_{field}_error"' in html
    assert html.split(f'id="id_{field}_error">', 1)[1].split("</div>", 1)[0].strip()
    assert not JobSeekerCard.objects.exists()
    folder = JobSeekerCard._meta.get_field("photo").storage.location  # the temporary folder of private_files
    assert [n for _root, _dirs, names in os.walk(folder) for n in names] == []


def test_a_clean_photo_is_stored_re_encoded_without_its_metadata(client, seeker):
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Sri Wahyuni, Jl. Kenari No. 3")
    buffer = io.BytesIO()
    Image.new("RGB", (3, 4), "white").save(buffer, format="PNG", pnginfo=info)
    photo = SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")
    submit(client, reverse("placement:ak1_apply"), _upload_data(photo=photo))
    card = JobSeekerCard.objects.get(person=seeker.person)
    with card.photo.open("rb") as stored:
        kept = stored.read()
    assert b"Kenari" not in kept and Image.open(io.BytesIO(kept)).size == (3, 4)
    assert card.photo.name.endswith(".png") and card.ktp_document.name.endswith(".pdf")
