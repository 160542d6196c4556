"""The job seeker's account at /akun/: sign-up, login, logout, home, profile, password reset."""

import datetime
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from disnaker import services
from disnaker.models import EducationLevel, NikClaim, PendingSignup, Person
from tests.factories import (
    SIGNUP_BIRTH,
    PersonFactory,
    UserFactory,
    confirmation_link,
    confirmed_signup,
    job_seeker,
    make_nik,
    signup_form,
)

User = get_user_model()
BIRTH = SIGNUP_BIRTH
NEW_NIK = make_nik(sex="P", birth_date=BIRTH, serial=77)  # the NIK of signup_form
SIGNUP_URL = "/akun/daftar/"


def counts():
    return User.objects.count(), Person.objects.count(), NikClaim.objects.count()


def without_csrf(content: bytes) -> bytes:
    """A page with its CSRF token blanked: the token is masked anew on every answer."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def errors_of(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# --- Sign-up -------------------------------------------------------------------------------------


def sign_up_and_confirm(client, mailoutbox, **overrides):
    """Posts the sign-up, opens the e-mailed link and presses its button; the final response, followed."""
    assert client.post(SIGNUP_URL, signup_form(**overrides)).url == reverse("account_signup_sent")
    return client.post(confirmation_link(mailoutbox), follow=True)


@pytest.mark.django_db
def test_signup_opens_nothing_until_the_emailed_link_makes_the_person_and_logs_in(client, mailoutbox):
    response = client.post(SIGNUP_URL, signup_form())
    assert response.status_code == 302
    assert response.url == reverse("account_signup_sent")
    user = User.objects.get()
    assert (user.username, user.email, user.is_active) == ("sri.wahyuni@example.org",) * 2 + (False,)
    assert user.check_password("kartu-kuning-2026")
    assert not Person.objects.exists()  # no NIK is held by an address nobody confirmed
    assert "_auth_user_id" not in client.session
    assert "Periksa e-mail Anda" in client.get(response.url).content.decode()
    # An unconfirmed account cannot log in.
    login = client.post(reverse("account_login"), {"username": user.email, "password": "kartu-kuning-2026"})
    assert login.status_code == 200 and "_auth_user_id" not in client.session
    # The e-mail holds the link; opening it only shows a button (a mail scanner confirms nothing).
    assert [m.to for m in mailoutbox] == [["sri.wahyuni@example.org"]]
    assert mailoutbox[0].subject == "Konfirmasi alamat e-mail Anda untuk Disnaker Kota Cilegon"
    link = confirmation_link(mailoutbox)
    assert "Konfirmasi dan buka akun saya" in client.get(link).content.decode()
    assert not Person.objects.exists() and not User.objects.get().is_active
    response = client.post(link)
    assert response.url == reverse("account_home")
    user.refresh_from_db()
    person = Person.objects.get(nik=NEW_NIK)
    assert user.is_active and person.user == user
    assert (person.name, person.sex, person.birth_date, person.disability) == ("Sri Wahyuni", "P", BIRTH, "netra")
    assert person.kelurahan is not None and person.education.code == "smk"
    assert (person.address, person.phone, person.email) == ("Jl. Kenari No. 3", "0812 3456 7890", user.email)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert not NikClaim.objects.exists() and not PendingSignup.objects.exists()
    home = client.get(response.url).content.decode()
    assert "Alamat e-mail Anda sudah dikonfirmasi dan akun Anda sudah dibuat." in home
    assert NEW_NIK not in home and person.nik_masked in home
    # The link works once.
    client.logout()
    assert client.post(link).status_code == 400
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_signup_matching_an_unclaimed_record_makes_a_claim_not_a_link(client, mailoutbox):
    """Name and birth date are on the KTP (and in the NIK): they prove nothing."""
    person = PersonFactory(nik=NEW_NIK, name="Sri  Wahyuni", sex="P", birth_date=BIRTH, address="Jl. Lama 1")
    html = sign_up_and_confirm(client, mailoutbox, name="  sri WAHYUNI ").content.decode()
    person.refresh_from_db()
    assert person.user is None
    assert person.address == "Jl. Lama 1"  # the record staff keep is not overwritten by the sign-up
    assert Person.objects.count() == 1
    claim = NikClaim.objects.get()
    assert (claim.user.email, claim.status) == ("sri.wahyuni@example.org", "open")
    assert "Tunjukkan bahwa data itu milik Anda" in html
    assert "Jl. Lama 1" not in html


@pytest.mark.django_db
def test_signup_with_details_that_differ_makes_an_account_without_person_and_reveals_nothing(client, mailoutbox):
    PersonFactory(nik=NEW_NIK, name="Ratna Dewi Lestari", sex="P", birth_date=BIRTH, address="Jl. Rahasia No. 7")
    response = sign_up_and_confirm(client, mailoutbox)
    user = User.objects.get()
    assert not Person.objects.filter(user=user).exists()
    claim = NikClaim.objects.get()
    assert (claim.user, claim.status, claim.nik, claim.name) == (user, "open", NEW_NIK, "Sri Wahyuni")
    assert response.redirect_chain == [(reverse("account_home"), 302)]
    html = response.content.decode()
    assert "Tunjukkan bahwa data itu milik Anda" in html
    assert "Kirim KTP saya" in html and "Kirimi saya kode" in html
    for secret in ("Ratna", "Lestari", "Jl. Rahasia", NEW_NIK):
        assert secret not in html
    # The profile waits for proof: it sends the user back to the explanation.
    assert client.get(reverse("account_profile")).url == reverse("account_home")


@pytest.mark.django_db
def test_signup_with_a_nik_that_another_account_holds_makes_a_claim_and_leaves_the_holder_alone(client, mailoutbox):
    person = PersonFactory(nik=NEW_NIK, name="Sri Wahyuni", sex="P", birth_date=BIRTH)
    holder = job_seeker(person=person, email="pemilik@example.org")
    response = sign_up_and_confirm(client, mailoutbox)
    assert response.status_code == 200
    claim = NikClaim.objects.get()
    assert claim.user.email == "sri.wahyuni@example.org"
    assert claim.reason == "NIK ini sudah tertaut ke akun lain."  # for staff; not shown to the applicant
    assert "akun lain" not in response.content.decode()
    person.refresh_from_db()
    assert person.user == holder


@pytest.mark.django_db
def test_the_same_email_twice_gets_the_same_answer_and_an_email_saying_the_account_exists(client, mailoutbox):
    sign_up_and_confirm(client, mailoutbox)
    before = counts()
    other = Client()
    nik = make_nik(sex="L", birth_date=datetime.date(1998, 1, 2), serial=5)
    response = other.post(
        SIGNUP_URL,
        signup_form(nik=nik, name="Budi", sex="L", birth_date="1998-01-02", email="  SRI.wahyuni@example.ORG"),
    )
    assert (response.status_code, response.url) == (302, reverse("account_signup_sent"))
    assert counts() == before
    assert User.objects.get().check_password("kartu-kuning-2026")
    mail = mailoutbox[-1]
    assert mail.to == ["sri.wahyuni@example.org"]
    assert mail.subject == "Anda sudah punya akun di Disnaker Kota Cilegon"
    assert "/akun/masuk/" in mail.body and "/akun/sandi/lupa/" in mail.body
    assert "konfirmasi" not in mail.body


@pytest.mark.django_db
def test_a_second_signup_before_confirmation_replaces_the_first_and_kills_its_link(client, mailoutbox):
    client.post(SIGNUP_URL, signup_form())
    first_link = confirmation_link(mailoutbox)
    client.post(
        SIGNUP_URL, signup_form(name="Sri Wahyuningsih", password1="sandi-kedua-2026", password2="sandi-kedua-2026")
    )
    second_link = confirmation_link(mailoutbox)
    assert first_link != second_link
    assert client.post(first_link).status_code == 400
    assert client.post(second_link).url == reverse("account_home")
    user = User.objects.get()
    assert user.check_password("sandi-kedua-2026") and user.person.name == "Sri Wahyuningsih"


@pytest.mark.django_db
def test_the_link_can_be_sent_again_and_the_answer_is_the_same_for_any_address(client, mailoutbox):
    client.post(SIGNUP_URL, signup_form())
    job_seeker(email="budi@example.org")
    answers = []
    for address in ("sri.wahyuni@example.org", "budi@example.org", "tidak.ada@example.org"):
        response = client.post(reverse("account_signup_sent"), {"email": address}, follow=True)
        answers.append((response.status_code, response.redirect_chain, without_csrf(response.content)))
    assert answers[0] == answers[1] == answers[2]
    assert b"tautannya sudah kami kirim lagi" in answers[0][2]
    assert [m.to for m in mailoutbox] == [["sri.wahyuni@example.org"]] * 2
    assert client.post(confirmation_link(mailoutbox)).url == reverse("account_home")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"nik": "3672 0149"}, "nik", "NIK harus terdiri dari tepat 16 digit angka."),
        ({"nik": "9972014903010077"}, "nik", "NIK diawali 99, yang bukan kode provinsi di Indonesia."),
        ({"sex": "L"}, "sex", "Jenis kelamin tidak sesuai dengan NIK (pada NIK perempuan, tanggal lahir ditambah 40)."),
        ({"birth_date": "2001-03-10"}, "birth_date", "Tanggal lahir tidak sesuai dengan NIK (09-03-2001)."),
        ({"phone": "12"}, "phone", "Masukkan nomor telepon 8 sampai 20 digit."),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "Kata sandi ini terlalu umum."),
        ({"password2": "lain-sekali-2026"}, "password2", "Kedua kata sandi tidak sama."),
        ({"name": ""}, "name", "Bidang ini tidak boleh kosong."),
    ],
)
def test_bad_input_is_answered_in_indonesian_beside_the_field_and_nothing_is_saved(client, overrides, field, message):
    response = client.post(SIGNUP_URL, signup_form(**overrides))
    assert response.status_code == 200
    assert message in errors_of(response, field)
    assert f'id="id_{field}_error"' in response.content.decode()
    assert counts() == (0, 0, 0)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_sex_is_shown_beside_the_radio_buttons(client):
    html = client.post(SIGNUP_URL, signup_form(sex="L")).content.decode()
    fieldset = re.search(r'<fieldset[^>]*aria-describedby="([^"]+)"[^>]*>\s*<legend[^>]*>\s*Jenis kelamin', html)
    assert fieldset, "the sex radio group is a fieldset described by its error"
    assert "id_sex_error" in fieldset.group(1)
    assert 'href="#id_sex_0"' in html  # the error summary leads to the first radio button


@pytest.mark.django_db
def test_a_failure_inside_the_confirmation_leaves_the_account_unconfirmed(client, monkeypatch, mailoutbox):
    """The account is activated before the person is made: a later error must take it back too."""
    client.post(SIGNUP_URL, signup_form())
    user = User.objects.get()

    def failing_person_create(**kwargs):
        raise ValidationError({"address": "Alamat ditolak."})

    monkeypatch.setattr(services, "person_create", failing_person_create)
    with pytest.raises(ValidationError):
        services.account_confirm(user=user)
    user.refresh_from_db()
    assert not user.is_active
    assert PendingSignup.objects.filter(user=user).exists()
    assert counts() == (1, 0, 0)


@pytest.mark.django_db
def test_signup_page_is_accessible_indonesian_and_asks_for_the_nik_without_revealing_it_in_the_url(client):
    response = client.get(SIGNUP_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Buat akun pencari kerja" in html
    assert re.search(r'<label\s+for="id_nik"[^>]*>\s*NIK', html) and 'inputmode="numeric"' in html
    assert 'type="date"' in html
    assert "Saya tinggal di luar Kota Cilegon" in html  # the explicit empty choice of the kelurahan
    assert 'method="post"' in html


@pytest.mark.django_db
def test_a_logged_in_user_is_sent_from_signup_to_the_account(client):
    client.force_login(job_seeker())
    assert client.get(SIGNUP_URL).url == reverse("account_home")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_confirmations_with_the_same_new_nik_make_one_person_and_one_claim(
    postgres, monkeypatch, mailoutbox
):
    """Both links find no person; both then insert it. One wins, the other gets a claim, neither a 500."""
    links = []
    for email in ("satu@example.org", "dua@example.org"):
        Client().post(SIGNUP_URL, signup_form(email=email))
        links.append(confirmation_link(mailoutbox))
    real_person_create = services.person_create
    both_looked = threading.Barrier(2)

    outcomes = []

    def person_create_after_both_looked(**kwargs):
        both_looked.wait(timeout=30)
        try:
            person = real_person_create(**kwargs)
        except ValidationError as error:
            outcomes.append(error.message_dict)
            raise
        outcomes.append("created")
        return person

    monkeypatch.setattr(services, "person_create", person_create_after_both_looked)

    def confirm(link):
        try:
            return Client().post(link)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each request raised
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(confirm, links))

    assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
    # The loser's insert waited for the winner's commit, failed on the unique NIK, and was turned into a claim.
    assert sorted(outcomes, key=str) == ["created", {"nik": ["Penduduk dengan NIK ini sudah terdaftar."]}]
    person = Person.objects.get(nik=NEW_NIK)
    claim = NikClaim.objects.get()
    assert {person.user.email, claim.user.email} == {"satu@example.org", "dua@example.org"}
    assert claim.status == "open"
    assert User.objects.filter(is_active=True).count() == 2


# --- Login and logout ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_with_the_email_in_any_case_opens_the_account(client):
    user = job_seeker(email="budi@example.org")
    page = client.get(reverse("account_login")).content.decode()
    assert re.search(r'<label\s+for="id_username"[^>]*>\s*E-mail<', page)
    response = client.post(reverse("account_login"), {"username": " Budi@Example.org", "password": "rahasia-123"})
    assert response.status_code == 302
    assert response.url == reverse("account_home")
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_login_with_a_wrong_password_says_so_in_indonesian(client):
    job_seeker(email="budi@example.org")
    response = client.post(reverse("account_login"), {"username": "budi@example.org", "password": "salah"})
    assert response.status_code == 200
    assert "E-mail atau kata sandi salah." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_login(client, settings):
    job_seeker(email="budi@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("account_login"), {"username": "budi@example.org", "password": "salah"})
    assert response.status_code == 429
    again = client.post(reverse("account_login"), {"username": "budi@example.org", "password": "rahasia-123"})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_user_with_an_open_claim_and_no_person_can_log_in_and_sees_the_claim(client):
    user, claim = confirmed_signup(
        nik=PersonFactory(name="Orang Lain").nik, email="baru@example.org", name="Nama Baru", sex="L",
        birth_date=datetime.date(1990, 1, 1),
    )  # fmt: skip
    assert claim is not None
    response = client.post(
        reverse("account_login"), {"username": "baru@example.org", "password": "kartu-kuning-2026"}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("account_home")
    assert "Tunjukkan bahwa data itu milik Anda" in html
    assert "Orang Lain" not in html


@pytest.mark.django_db
def test_logout_refuses_get_and_logs_out_on_post(client):
    client.force_login(job_seeker())
    assert client.get(reverse("account_logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_navbar_offers_login_and_signup_to_visitors_and_account_and_logout_to_users(client):
    html = client.get("/").content.decode()
    assert f'href="{reverse("account_login")}">Masuk</a>' in html
    assert f'href="{reverse("account_signup")}">Daftar</a>' in html
    assert "Keluar" not in html
    client.force_login(job_seeker())
    html = client.get("/").content.decode()
    assert f'href="{reverse("account_home")}">Akun saya</a>' in html
    assert re.search(rf'<form action="{reverse("account_logout")}" method="post">.*?Keluar</button>', html, re.S)
    assert ">Masuk</a>" not in html


# --- Account home and profile ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["account_home", "account_profile"])
def test_account_pages_require_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={reverse(name)}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "home", "profile"),
    [("anonymous", 302, 302), ("job_seeker", 200, 200), ("staff", 200, 302), ("claimant", 200, 302)],
)
def test_url_by_role_matrix(client, staff_user, role, home, profile):
    if role == "job_seeker":
        client.force_login(job_seeker())
    elif role == "staff":
        client.force_login(staff_user("Petugas Pelatihan"))
    elif role == "claimant":
        client.force_login(
            confirmed_signup(
                nik=PersonFactory().nik, email="c@example.org", name="X Y", sex="L",
                birth_date=datetime.date(1990, 1, 1),
            )[0]
        )  # fmt: skip
    assert client.get(reverse("account_home")).status_code == home
    assert client.get(reverse("account_profile")).status_code == profile
    assert client.post(reverse("account_home")).status_code in (302, 405)


@pytest.mark.django_db
def test_account_home_shows_the_profile_with_the_nik_masked_and_links_to_the_services(client):
    person = PersonFactory(name="Dewi Sartika", address="Jl. Melati 4")
    client.force_login(job_seeker(person=person))
    response = client.get(reverse("account_home"))
    html = response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    assert "Dewi Sartika" in html and "Jl. Melati 4" in html
    assert person.nik_masked in html and person.nik not in html
    assert f'href="{reverse("account_profile")}"' in html
    assert 'href="/akun/pelatihan/"' in html  # training:my_registrations
    assert "Kartu AK/1 saya" in html and f'href="{reverse("placement:ak1_home")}"' in html


@pytest.mark.django_db
def test_staff_without_a_person_get_a_short_explanation(client, staff_user):
    client.force_login(staff_user("Petugas Pelatihan"))
    html = client.get(reverse("account_home")).content.decode()
    assert "Ini akun petugas" in html
    assert f'href="{reverse("admin:index")}"' in html


@pytest.mark.django_db
def test_profile_edit_saves_contact_details_but_never_nik_name_sex_or_birth_date(client):
    person = PersonFactory(name="Dewi Sartika", sex="P")
    original = (person.nik, person.name, person.sex, person.birth_date)
    client.force_login(job_seeker(person=person))
    other_nik = make_nik(sex="L", birth_date=datetime.date(1990, 1, 1), serial=999)
    response = client.post(
        reverse("account_profile"),
        {
            "phone": "0877-1111-2222",
            "email": "dewi.baru@example.org",
            "address": "Jl. Baru 8",
            "kelurahan": "",
            "education": str(EducationLevel.objects.get(code="d3").pk),
            "disability": "",
            "disability_notes": "",
            # Posted anyway, as a crafted request would:
            "nik": other_nik, "name": "Orang Lain", "sex": "L", "birth_date": "1990-01-01",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert response.url == reverse("account_home")
    person.refresh_from_db()
    assert (person.nik, person.name, person.sex, person.birth_date) == original
    assert (person.phone, person.email, person.address) == ("0877-1111-2222", "dewi.baru@example.org", "Jl. Baru 8")
    assert person.kelurahan is None and person.education.code == "d3"
    assert person.history.count() == 3  # created, linked, edited: every change is audited
    assert "Profil Anda sudah disimpan." in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_profile_shows_errors_beside_the_field_and_saves_nothing(client):
    person = PersonFactory(phone="0811111111")
    client.force_login(job_seeker(person=person))
    response = client.post(reverse("account_profile"), {"phone": "abc", "email": "x", "education": ""})
    assert response.status_code == 200
    assert errors_of(response, "phone") == ["Masukkan nomor telepon 8 sampai 20 digit."]
    assert errors_of(response, "email") == ["Masukkan alamat email yang valid."]
    assert errors_of(response, "education") == ["Bidang ini tidak boleh kosong."]
    person.refresh_from_db()
    assert person.phone == "0811111111"
    html = response.content.decode()
    assert person.nik not in html and person.nik_masked in html


# --- Password reset --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_sends_an_indonesian_email_whose_link_sets_a_new_password(client, mailoutbox):
    job_seeker(email="budi@example.org")
    response = client.post(reverse("password_reset"), {"email": "Budi@example.org"})
    assert response.url == reverse("password_reset_done")
    assert "Periksa e-mail Anda" in client.get(response.url).content.decode()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["budi@example.org"]
    assert mail.subject == "Atur ulang kata sandi di Disnaker Kota Cilegon"
    link = re.search(r"http://testserver(/akun/sandi/atur/\S+)", mail.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Pilih kata sandi baru" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "sandi-baru-2026", "new_password2": "sandi-baru-2026"}
    )
    assert done.url == reverse("password_reset_complete")
    assert User.objects.get(email="budi@example.org").check_password("sandi-baru-2026")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_email_says_the_same_and_sends_nothing(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "tidak.ada@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


def test_account_urls_carry_no_personal_data():
    for name in ("account_home", "account_signup", "account_login", "account_logout", "account_profile"):
        assert re.fullmatch(r"/akun/[a-z/]*", reverse(name))


# --- The sign-up service's matching rules ----------------------------------------------------------


@pytest.mark.django_db
def test_names_without_latin_letters_are_refused_and_link_nothing():
    """A KTP prints Latin letters: such a name is refused beside the field, even when an older
    record holds the same characters, and neither an account nor a claim is made."""
    person = PersonFactory(name="李娜", sex="L", birth_date=BIRTH, nik=make_nik(sex="L", birth_date=BIRTH, serial=3))
    with pytest.raises(ValidationError) as refused:
        services.account_signup(
            nik=person.nik, email="x@example.org", password="kartu-kuning-2026", name="李娜", sex="L", birth_date=BIRTH
        )
    assert list(refused.value.message_dict) == ["name"]
    assert "“李”, “娜”" in refused.value.message_dict["name"][0]
    person.refresh_from_db()
    assert person.user is None
    assert not User.objects.filter(email="x@example.org").exists() and not NikClaim.objects.exists()


@pytest.mark.django_db
def test_a_name_with_an_emoji_is_refused_beside_the_field_at_sign_up(client):
    response = client.post(SIGNUP_URL, signup_form(name="Uji Coba Pengguna 😀"))
    assert response.status_code == 200
    assert errors_of(response, "name") == [
        "Tulis nama sesuai KTP: hanya huruf Latin (boleh beraksen), spasi, dan tanda ' . , - saja. "
        "Tidak diperbolehkan: “😀”."
    ]
    assert counts() == (0, 0, 0)


@pytest.mark.django_db
def test_a_name_is_saved_normalised_at_sign_up(client, mailoutbox):
    """Decomposed accents are composed (NFC), runs of spaces (no-break ones too) become one."""
    typed = {"name": "  Zoe\u0308   N\u0303u\u0301n\u0303ez ", "birth_place": "Kota\u00a0 Cilegon"}
    assert sign_up_and_confirm(client, mailoutbox, **typed).status_code == 200
    person = Person.objects.get(nik=NEW_NIK)
    assert (person.name, person.birth_place) == ("Zo\u00eb \u00d1\u00fa\u00f1ez", "Kota Cilegon")


@pytest.mark.django_db
def test_an_email_that_another_account_uses_gets_the_same_answer_and_no_account(client, mailoutbox):
    UserFactory(username="petugas", email="Budi@example.org", is_staff=True)
    response = client.post(SIGNUP_URL, signup_form(email="budi@example.org"))
    assert response.url == reverse("account_signup_sent")
    assert Person.objects.count() == 0 and User.objects.count() == 1
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["budi@example.org"], "Anda sudah punya akun di Disnaker Kota Cilegon")
    ]
