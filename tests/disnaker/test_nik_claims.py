"""Staff decide NIK claims in the admin: link to the record, correct the NIK, or reject."""

import datetime

import pytest
from django.urls import reverse

from disnaker import services
from disnaker.models import NikClaim, Person
from disnaker.roles import HEAD_OF_OFFICE, TRAINING_OFFICER
from tests.factories import PersonFactory, confirmed_signup, job_seeker, make_nik

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:disnaker_nikclaim_changelist"
BIRTH = datetime.date(1996, 7, 21)


@pytest.fixture
def record():
    """The real owner's record, held by an account that is not the owner's (e.g. a relative's)."""
    person = PersonFactory(
        nik=make_nik(sex="L", birth_date=BIRTH, serial=41), name="Ahmad Fauzi", sex="L", birth_date=BIRTH,
        address="Jl. Rahasia No. 7",
    )  # fmt: skip
    job_seeker(person=person, email="kerabat@example.org")
    return person


def claim_for(nik, *, email="pemilik@example.org", name="Ahmad Fauzi", sex="L", birth_date=BIRTH):
    user, claim = confirmed_signup(nik=nik, email=email, name=name, sex=sex, birth_date=birth_date)
    assert claim is not None
    return claim


@pytest.fixture
def claim(record):
    return claim_for(record.nik)


@pytest.fixture
def officer(client, staff_user):
    user = staff_user(TRAINING_OFFICER)
    client.force_login(user)
    return user


def run_action(client, action, *claims):
    return client.post(
        reverse(CHANGELIST), {"action": action, "_selected_action": [str(c.pk) for c in claims]}, follow=True
    )


def texts(response):
    """The messages the admin showed on the page the action redirected to."""
    return [str(m) for m in response.context["messages"]]


def test_changelist_lists_open_claims_by_default(client, officer, claim):
    decided = claim_for(PersonFactory(name="Orang Lain").nik, email="lain@example.org", name="Nama Keliru")
    services.nik_claim_reject(claim=decided, actor=officer, note="KTP tidak cocok")
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert claim.user.username in html
    assert "lain@example.org" not in html
    everything = client.get(reverse(CHANGELIST), {"status": "all"}).content.decode()
    assert "lain@example.org" in everything


def test_officer_sees_the_full_nik_and_the_record_to_compare_with(client, officer, claim, record):
    html = client.get(reverse("admin:disnaker_nikclaim_change", args=[claim.pk])).content.decode()
    assert record.nik in html
    assert "kerabat@example.org" in html  # the account that holds the record now
    assert 'name="correct_nik"' in html and 'name="staff_note"' in html


def test_head_of_office_sees_the_nik_masked_and_not_the_other_record(client, staff_user, claim, record):
    client.force_login(staff_user(HEAD_OF_OFFICE))
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert claim.nik_masked in listing and record.nik not in listing
    detail = client.get(reverse("admin:disnaker_nikclaim_change", args=[claim.pk])).content.decode()
    assert record.nik not in detail
    assert "kerabat@example.org" not in detail and "Jl. Rahasia" not in detail
    assert client.get(reverse("admin:disnaker_nikclaim_history", args=[claim.pk])).status_code == 403


def test_head_of_office_cannot_decide_claims(client, staff_user, claim):
    client.force_login(staff_user(HEAD_OF_OFFICE))
    run_action(client, "link_to_existing_person", claim)
    claim.refresh_from_db()
    assert claim.status == NikClaim.Status.OPEN


def test_claims_are_not_added_by_hand(client, officer):
    assert client.get(reverse("admin:disnaker_nikclaim_add")).status_code == 403


def test_link_gives_the_record_to_the_claimant_and_takes_it_from_the_other_account(client, officer, claim, record):
    old_account = record.user
    response = run_action(client, "link_to_existing_person", claim)
    assert "1 klaim ditautkan ke data penduduknya; akun lain yang memegang data itu kehilangan tautannya." in texts(
        response
    )
    record.refresh_from_db()
    claim.refresh_from_db()
    assert record.user == claim.user
    assert not Person.objects.filter(user=old_account).exists()
    assert (claim.status, claim.decided_by) == (NikClaim.Status.LINKED, officer)
    # The real owner now sees their profile.
    client.force_login(claim.user)
    html = client.get(reverse("account_home")).content.decode()
    assert "Ahmad Fauzi" in html and record.nik_masked in html


def test_link_reports_the_claims_it_could_not_change(client, officer, claim):
    # Meanwhile the claimant's account got a person by another way (e.g. staff linked one by hand).
    PersonFactory(user=claim.user)
    response = run_action(client, "link_to_existing_person", claim)
    messages = texts(response)
    assert "0 klaim ditautkan ke data penduduknya; akun lain yang memegang data itu kehilangan tautannya." in messages
    assert f"{claim}: Akun ini sudah tertaut ke data penduduk." in messages
    claim.refresh_from_db()
    assert claim.status == NikClaim.Status.OPEN


def test_reject_needs_the_staff_note_which_the_applicant_then_sees(client, officer, claim):
    response = run_action(client, "reject", claim)
    assert f"{claim}: Tuliskan alasan penolakan." in texts(response)
    claim.refresh_from_db()
    assert claim.status == NikClaim.Status.OPEN

    client.post(reverse("admin:disnaker_nikclaim_change", args=[claim.pk]), {"staff_note": "Nama di KTP berbeda."})
    response = run_action(client, "reject", claim)
    assert "1 klaim ditolak." in texts(response)
    claim.refresh_from_db()
    assert (claim.status, claim.staff_note, claim.decided_by) == (
        NikClaim.Status.REJECTED,
        "Nama di KTP berbeda.",
        officer,
    )

    client.force_login(claim.user)
    html = client.get(reverse("account_home")).content.decode()
    assert "NIK Anda tidak dapat dikonfirmasi" in html
    assert "Nama di KTP berbeda." in html


def test_correct_nik_makes_a_new_person_for_the_account_and_leaves_the_record_alone(client, officer, claim, record):
    right_nik = make_nik(sex="L", birth_date=BIRTH, serial=42)
    response = client.post(
        reverse("admin:disnaker_nikclaim_change", args=[claim.pk]),
        {"staff_note": "Salah ketik empat digit terakhir", "correct_nik": f"{right_nik[:8]} {right_nik[8:]}"},
        follow=True,
    )
    assert response.status_code == 200
    assert "NIK dibetulkan: data penduduk baru dibuat dan ditautkan ke akun." in texts(response)
    claim.refresh_from_db()
    person = Person.objects.get(nik=right_nik)
    assert person.user == claim.user
    assert (person.name, person.sex, person.birth_date) == ("Ahmad Fauzi", "L", BIRTH)
    assert (claim.status, claim.staff_note) == (NikClaim.Status.CORRECTED, "Salah ketik empat digit terakhir")
    record.refresh_from_db()
    assert record.user.email == "kerabat@example.org"
    # Decided: the change form no longer offers a correction.
    html = client.get(reverse("admin:disnaker_nikclaim_change", args=[claim.pk])).content.decode()
    assert 'name="correct_nik"' not in html and 'name="staff_note"' not in html


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        (make_nik(sex="P", birth_date=BIRTH, serial=43), "Jenis kelamin tidak sesuai dengan NIK"),
        (make_nik(sex="L", birth_date=datetime.date(1996, 7, 22), serial=43), "Tanggal lahir tidak sesuai dengan NIK"),
        ("1234", "NIK harus terdiri dari tepat 16 digit angka."),
    ],
)
def test_a_correct_nik_that_contradicts_the_claim_is_refused_beside_the_field(client, officer, claim, nik, message):
    response = client.post(reverse("admin:disnaker_nikclaim_change", args=[claim.pk]), {"correct_nik": nik})
    assert response.status_code == 200
    assert any(message in e for e in response.context["adminform"].form.errors["correct_nik"])
    claim.refresh_from_db()
    assert claim.status == NikClaim.Status.OPEN
    assert Person.objects.count() == 1  # only the record


def test_a_correct_nik_that_is_already_registered_is_refused(client, officer, claim):
    other = PersonFactory(nik=make_nik(sex="L", birth_date=BIRTH, serial=44), sex="L", birth_date=BIRTH)
    response = client.post(reverse("admin:disnaker_nikclaim_change", args=[claim.pk]), {"correct_nik": other.nik})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["correct_nik"] == [
        "Penduduk dengan NIK ini sudah terdaftar; "
        "bila itu milik pemohon, gunakan tindakan 'tautkan' pada klaim tersebut."
    ]
    claim.refresh_from_db()
    assert claim.status == NikClaim.Status.OPEN
