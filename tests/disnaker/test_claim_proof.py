"""A record the office, an LPK or a company made is linked to a sign-up only after proof that the KTP
does not give: a code sent to the e-mail already on the record, or staff comparing the KTP scan."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disnaker import services
from disnaker.models import DataAccess, EducationLevel, Kelurahan, NikClaim, Person
from disnaker.roles import HEAD_OF_OFFICE, TRAINING_OFFICER
from lpk_registry import services as lpk_services
from placement import services as placement_services
from tests.factories import (
    BatchFactory,
    CompanyFactory,
    GraduateReportFactory,
    confirmation_link,
    job_seeker,
    make_nik,
    signup_form,
)
from tests.training.conftest import pdf_upload
from training import services as training_services

pytestmark = pytest.mark.django_db

BORN = datetime.date(2000, 5, 5)
CLAIMANT = "penyerobot@example.org"
CLAIM_TITLE = "Tunjukkan bahwa data itu milik Anda"


def walk_in_person(staff) -> Person:
    """A job seeker registered at the office desk by a training officer."""
    fields = {
        "name": "Siti Aminah", "sex": "P", "birth_date": BORN, "address": "Jl. Meja Depan 5",
        "phone": "0812 1111 2222", "email": "siti.asli@example.org", "kelurahan": Kelurahan.objects.first(),
        "education": EducationLevel.objects.get(code="sma"),
    }  # fmt: skip
    nik = make_nik(sex="P", birth_date=BORN, serial=501)
    return training_services.walk_in_register(nik=nik, person_fields=fields, batch=BatchFactory(), actor=staff).person


def lpk_person(staff) -> Person:
    """A graduate an LPK reported (the report's rows make the people)."""
    row = lpk_services.GraduateRow(
        nik=make_nik(sex="L", birth_date=BORN, serial=502), name="Lulus Santoso", sex="L", programme="Las",
        status="working",
    )  # fmt: skip
    content = lpk_services.ReportContent(graduates=[row])
    lpk_services.report_replace_content(report=GraduateReportFactory(), content=content, actor=None)
    person = Person.objects.get(nik=row.nik)
    services.person_update(person=person, address="Jl. Lulusan 9", phone="0813 3333 4444")
    return person


def placement_person(staff) -> Person:
    """A worker a company reported as placed."""
    placement = placement_services.placement_report(
        company=CompanyFactory(), actor=None, nik=make_nik(sex="L", birth_date=BORN, serial=503), name="Joko Susilo",
        position="Welder", start_date=datetime.date(2026, 9, 1), contract_type="contract",
    )  # fmt: skip
    person = placement.person
    services.person_update(person=person, address="Jl. Pabrik 3", phone="0815 5555 6666")
    return person


ORIGINS = {"walk_in": walk_in_person, "lpk_report": lpk_person, "placement": placement_person}


def sign_up_as(client, mailoutbox, person: Person, *, email: str = CLAIMANT):
    """Signs up with the NIK, name, sex and birth date on the person's KTP, and confirms the e-mail."""
    data = signup_form(
        nik=person.nik, name=person.name, sex=person.sex, birth_date=person.birth_date.isoformat(), email=email,
        address="Jl. Lain 1", phone="0899 9999 9999",
    )  # fmt: skip
    assert client.post("/akun/daftar/", data).url == reverse("account_signup_sent")
    assert client.post(confirmation_link(mailoutbox)).url == reverse("account_home")
    return NikClaim.objects.get(user__email=email)


def pages_of_the_account(client) -> dict[str, str]:
    pages = {}
    for name in ("account_home", "account_profile", "training:my_registrations", "placement:ak1_home"):
        response = client.get(reverse(name), follow=True)
        assert response.status_code == 200
        pages[name] = response.content.decode()
    return pages


def assert_sees_nothing_of(client, person: Person) -> None:
    person.refresh_from_db()
    assert person.user is None
    for name, html in pages_of_the_account(client).items():
        for secret in (person.address, person.phone, person.nik, person.nik_masked):
            assert secret not in html, (name, secret)
    assert CLAIM_TITLE in client.get(reverse("account_home")).content.decode()


def code_from(mail) -> str:
    return re.search(r"^\s*(\d{6})\s*$", mail.body, re.M).group(1)


@pytest.fixture
def officer(staff_user):
    return staff_user(TRAINING_OFFICER)


@pytest.mark.parametrize("origin", ORIGINS)
def test_a_sign_up_with_the_ktp_details_of_a_record_sees_nothing_until_staff_approve(
    client, mailoutbox, officer, origin
):
    person = ORIGINS[origin](officer)
    claim = sign_up_as(client, mailoutbox, person)
    assert claim.status == NikClaim.Status.OPEN
    assert_sees_nothing_of(client, person)

    # The claimant sends the KTP; it reveals nothing either.
    response = client.post(reverse("account_claim_ktp"), {"ktp": pdf_upload()})
    assert response.url == reverse("account_home")
    claim.refresh_from_db()
    assert claim.ktp_document.name.endswith(".pdf")
    assert_sees_nothing_of(client, person)

    # Staff compare the KTP with the record and link.
    staff = Client()
    staff.force_login(officer)
    ktp = staff.get(reverse("admin:disnaker_nikclaim_ktp", args=[claim.pk]))
    assert ktp.status_code == 200 and ktp["Content-Disposition"].startswith("attachment")
    assert b"".join(ktp.streaming_content).startswith(b"%PDF-")
    # The record's owner can later see that staff opened a KTP sent in its name.
    assert [(a.kind, a.user, a.person_id) for a in DataAccess.objects.all()] == [
        (DataAccess.Kind.DOCUMENT, officer, person.pk)
    ]
    staff.post(
        reverse("admin:disnaker_nikclaim_changelist"),
        {"action": "link_to_existing_person", "_selected_action": [str(claim.pk)]},
    )
    claim.refresh_from_db()
    person.refresh_from_db()
    assert (claim.status, claim.decided_by, person.user) == (NikClaim.Status.LINKED, officer, claim.user)
    home = client.get(reverse("account_home")).content.decode()
    assert person.address in home and person.phone in home


def test_a_code_sent_to_the_records_email_links_the_record(client, mailoutbox, officer):
    person = walk_in_person(officer)
    claim = sign_up_as(client, mailoutbox, person)
    assert_sees_nothing_of(client, person)
    response = client.post(reverse("account_claim_send_code"), follow=True)
    assert "kode 6 digit sudah kami kirim" in response.content.decode()
    mail = mailoutbox[-1]
    assert mail.to == ["siti.asli@example.org"]  # the address on the record, not the claimant's
    code = code_from(mail)
    claim.refresh_from_db()
    assert claim.code_hash and code not in claim.code_hash  # only a keyed hash is kept
    assert claim.code_expires_at > timezone.now()

    response = client.post(reverse("account_claim_check_code"), {"code": f" {code} "}, follow=True)
    assert "Akun Anda kini tertaut ke data Anda." in response.content.decode()
    claim.refresh_from_db()
    person.refresh_from_db()
    assert (claim.status, person.user) == (NikClaim.Status.CODE, claim.user)
    assert claim.code_hash == ""
    assert person.email == "siti.asli@example.org"  # the record's contact e-mail stays
    registrations = client.get(reverse("training:my_registrations")).content.decode()
    assert person.registrations.get().batch.programme.name in registrations


def test_a_wrong_code_fails_and_the_code_dies_after_five_wrong_tries(client, mailoutbox, officer, settings):
    person = walk_in_person(officer)
    claim = sign_up_as(client, mailoutbox, person)
    client.post(reverse("account_claim_send_code"))
    code = code_from(mailoutbox[-1])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for attempt in range(1, settings.CLAIM_CODE_ATTEMPTS + 1):
        response = client.post(reverse("account_claim_check_code"), {"code": wrong})
        assert response.status_code == 400
        assert "Kode ini salah." in response.content.decode()
        claim.refresh_from_db()
        assert claim.code_attempts == attempt
    response = client.post(reverse("account_claim_check_code"), {"code": code})
    assert response.status_code == 400
    assert "Kode ini sudah tidak berlaku. Mintalah kode baru." in response.content.decode()
    assert_sees_nothing_of(client, person)
    # A new code starts again.
    client.post(reverse("account_claim_send_code"))
    client.post(reverse("account_claim_check_code"), {"code": code_from(mailoutbox[-1])})
    person.refresh_from_db()
    assert person.user == claim.user


def test_an_expired_code_fails(client, mailoutbox, officer):
    person = walk_in_person(officer)
    claim = sign_up_as(client, mailoutbox, person)
    services.nik_claim_send_code(claim=claim, now=timezone.now() - datetime.timedelta(minutes=15))
    response = client.post(reverse("account_claim_check_code"), {"code": code_from(mailoutbox[-1])})
    assert response.status_code == 400
    assert "Kode ini sudah kedaluwarsa. Mintalah kode baru." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == NikClaim.Status.OPEN
    assert_sees_nothing_of(client, person)


def test_a_code_from_another_claim_or_none_at_all_fails(client, mailoutbox, officer):
    person = walk_in_person(officer)
    sign_up_as(client, mailoutbox, person)
    response = client.post(reverse("account_claim_check_code"), {"code": "123456"})
    assert "Kode ini sudah tidak berlaku." in response.content.decode()
    response = client.post(reverse("account_claim_check_code"), {"code": "12345"})
    assert "Ketik 6 digit kode." in response.content.decode()
    assert_sees_nothing_of(client, person)


def test_a_record_without_email_sends_no_code_and_says_the_same(client, mailoutbox, officer):
    person = lpk_person(officer)
    sign_up_as(client, mailoutbox, person)
    sent = len(mailoutbox)
    response = client.post(reverse("account_claim_send_code"), follow=True)
    assert "kode 6 digit sudah kami kirim" in response.content.decode()
    assert len(mailoutbox) == sent


def test_a_record_held_by_another_account_moves_only_with_the_code(client, mailoutbox, officer):
    person = walk_in_person(officer)
    holder = job_seeker(person=person, email="pemegang@example.org")
    claim = sign_up_as(client, mailoutbox, person)
    person.refresh_from_db()
    assert person.user == holder
    client.post(reverse("account_claim_send_code"))
    assert mailoutbox[-1].to == ["siti.asli@example.org"]
    client.post(reverse("account_claim_check_code"), {"code": code_from(mailoutbox[-1])})
    person.refresh_from_db()
    assert person.user == claim.user


def test_claim_pages_answer_404_without_an_open_claim(client):
    client.force_login(job_seeker())
    for name in ("account_claim_send_code", "account_claim_check_code", "account_claim_ktp"):
        assert client.post(reverse(name), {"code": "123456"}).status_code == 404


def test_head_of_office_may_not_download_the_ktp(client, mailoutbox, officer, staff_user):
    claim = sign_up_as(client, mailoutbox, walk_in_person(officer))
    client.post(reverse("account_claim_ktp"), {"ktp": pdf_upload()})
    head = Client()
    head.force_login(staff_user(HEAD_OF_OFFICE))
    assert head.get(reverse("admin:disnaker_nikclaim_ktp", args=[claim.pk])).status_code == 403
    assert (
        "Unduh pindaian KTP"
        not in head.get(reverse("admin:disnaker_nikclaim_change", args=[claim.pk])).content.decode()
    )


def test_a_script_named_ktp_is_refused(client, mailoutbox, officer):
    claim = sign_up_as(client, mailoutbox, walk_in_person(officer))
    fake = SimpleUploadedFile("ktp.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    response = client.post(reverse("account_claim_ktp"), {"ktp": fake})
    assert response.status_code == 400
    assert "Berkas ini bukan PDF, JPG, atau PNG" in response.content.decode()
    claim.refresh_from_db()
    assert not claim.ktp_document


# --- No enumeration: the sign-up answers the same whatever is known ----------------------------------


def without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_the_sign_up_answers_the_same_for_known_and_unknown_nik_and_email(mailoutbox, officer):
    known = walk_in_person(officer)
    job_seeker(email="sudah.ada@example.org")
    unknown_nik = make_nik(sex="P", birth_date=BORN, serial=777)
    cases = {
        "unknown nik, new e-mail": (unknown_nik, "Siti Baru", "baru1@example.org"),
        "known nik, new e-mail": (known.nik, known.name, "baru2@example.org"),
        "unknown nik, known e-mail": (unknown_nik, "Siti Baru", "sudah.ada@example.org"),
        "known nik, known e-mail": (known.nik, known.name, "sudah.ada@example.org"),
        "known nik, other name": (known.nik, "Nama Lain", "baru3@example.org"),
    }
    answers = {}
    for case, (nik, name, email) in cases.items():
        client = Client()
        data = signup_form(nik=nik, name=name, sex="P", birth_date=BORN.isoformat(), email=email)
        response = client.post("/akun/daftar/", data)
        page = client.get(response.url)
        answers[case] = (response.status_code, response.url, page.status_code, without_csrf(page.content))
        assert mailoutbox[-1].to == [email]  # one e-mail, to the address typed, whatever it says
    assert len(set(answers.values())) == 1, answers.keys()
    assert b"Kami sudah mengirim tautan ke alamat yang Anda isikan." in next(iter(answers.values()))[3]
    assert len(mailoutbox) == len(cases)
    known.refresh_from_db()
    assert known.user is None
