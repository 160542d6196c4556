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
from disnaker.models import EducationLevel, NikClaim, Person
from tests.factories import SIGNUP_BIRTH, PersonFactory, UserFactory, job_seeker, make_nik, signup_form

User = get_user_model()
BIRTH = SIGNUP_BIRTH
NEW_NIK = make_nik(sex="P", birth_date=BIRTH, serial=77)  # the NIK of signup_form
SIGNUP_URL = "/akun/daftar/"


def counts():
    return User.objects.count(), Person.objects.count(), NikClaim.objects.count()


def errors_of(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# --- Sign-up -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_with_a_new_nik_creates_the_person_linked_to_the_account_and_logs_in(client):
    response = client.post(SIGNUP_URL, signup_form())
    assert response.status_code == 302
    assert response.url == reverse("account_home")
    user = User.objects.get()
    person = Person.objects.get(nik=NEW_NIK)
    assert person.user == user
    assert user.username == user.email == "sri.wahyuni@example.org"
    assert user.check_password("kartu-kuning-2026")
    assert (person.name, person.sex, person.birth_date, person.disability) == ("Sri Wahyuni", "P", BIRTH, "netra")
    assert person.kelurahan is not None and person.education.code == "smk"
    assert person.email == "sri.wahyuni@example.org"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert not NikClaim.objects.exists()
    home = client.get(response.url).content.decode()
    assert "Akun Anda sudah dibuat." in home
    assert NEW_NIK not in home and person.nik_masked in home


@pytest.mark.django_db
def test_signup_claims_an_unclaimed_record_whose_name_differs_only_in_case_and_spacing(client):
    person = PersonFactory(nik=NEW_NIK, name="Sri  Wahyuni", sex="P", birth_date=BIRTH, address="Jl. Lama 1")
    response = client.post(SIGNUP_URL, signup_form(name="  sri WAHYUNI "))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user == User.objects.get()
    assert person.address == "Jl. Lama 1"  # the record staff keep is not overwritten by the sign-up
    assert Person.objects.count() == 1
    assert not NikClaim.objects.exists()


@pytest.mark.django_db
def test_signup_with_details_that_differ_makes_an_account_without_person_and_reveals_nothing(client):
    PersonFactory(nik=NEW_NIK, name="Ratna Dewi Lestari", sex="P", birth_date=BIRTH, address="Jl. Rahasia No. 7")
    response = client.post(SIGNUP_URL, signup_form(), follow=True)
    user = User.objects.get()
    assert not Person.objects.filter(user=user).exists()
    claim = NikClaim.objects.get()
    assert (claim.user, claim.status, claim.nik, claim.name) == (user, "open", NEW_NIK, "Sri Wahyuni")
    assert response.redirect_chain == [(reverse("account_home"), 302)]
    html = response.content.decode()
    assert "Petugas akan memeriksa NIK Anda" in html
    assert "bawa KTP" in html
    for secret in ("Ratna", "Lestari", "Jl. Rahasia", NEW_NIK):
        assert secret not in html
    # The profile waits for staff: it sends the user back to the explanation.
    assert client.get(reverse("account_profile")).url == reverse("account_home")


@pytest.mark.django_db
def test_signup_with_a_nik_that_another_account_holds_makes_a_claim_and_leaves_the_holder_alone(client):
    person = PersonFactory(nik=NEW_NIK, name="Sri Wahyuni", sex="P", birth_date=BIRTH)
    holder = job_seeker(person=person, email="pemilik@example.org")
    response = client.post(SIGNUP_URL, signup_form(), follow=True)
    assert response.status_code == 200
    claim = NikClaim.objects.get()
    assert claim.user.email == "sri.wahyuni@example.org"
    assert claim.reason == "NIK ini sudah tertaut ke akun lain."  # for staff; not shown to the applicant
    assert "akun lain" not in response.content.decode()
    person.refresh_from_db()
    assert person.user == holder


@pytest.mark.django_db
def test_the_same_email_twice_is_refused_beside_the_email_field(client):
    assert client.post(SIGNUP_URL, signup_form()).status_code == 302
    before = counts()
    other = Client()
    nik = make_nik(sex="L", birth_date=datetime.date(1998, 1, 2), serial=5)
    response = other.post(
        SIGNUP_URL,
        signup_form(nik=nik, name="Budi", sex="L", birth_date="1998-01-02", email="  SRI.wahyuni@example.ORG"),
    )
    assert response.status_code == 200
    assert errors_of(response, "email") == [
        "Akun dengan e-mail ini sudah ada. Silakan masuk atau atur ulang kata sandi."
    ]
    html = response.content.decode()
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'id="id_email_error"' in html
    assert counts() == before


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
def test_a_failure_inside_the_service_leaves_no_account_behind(client, monkeypatch):
    """The user row is written before the person: a later error must take it back too."""

    def failing_person_create(**kwargs):
        raise ValidationError({"address": "Alamat ditolak."})

    monkeypatch.setattr(services, "person_create", failing_person_create)
    response = client.post(SIGNUP_URL, signup_form())
    assert response.status_code == 200
    assert errors_of(response, "address") == ["Alamat ditolak."]
    assert counts() == (0, 0, 0)


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
def test_two_simultaneous_signups_with_the_same_new_nik_make_one_person_and_one_claim(postgres, monkeypatch):
    """Both requests find no person; both then insert it. One wins, the other gets a claim, neither a 500."""
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

    def sign_up(email):
        try:
            return Client().post(SIGNUP_URL, signup_form(email=email))
        except Exception as exc:  # noqa: BLE001 - the test inspects what each request raised
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(sign_up, ["satu@example.org", "dua@example.org"]))

    assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
    # The loser's insert waited for the winner's commit, failed on the unique NIK, and was turned into a claim.
    assert sorted(outcomes, key=str) == ["created", {"nik": ["Penduduk dengan NIK ini sudah terdaftar."]}]
    person = Person.objects.get(nik=NEW_NIK)
    claim = NikClaim.objects.get()
    assert {person.user.email, claim.user.email} == {"satu@example.org", "dua@example.org"}
    assert claim.status == "open"
    assert User.objects.count() == 2


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
    user, claim = services.account_signup(
        nik=PersonFactory(name="Orang Lain").nik, email="baru@example.org", password="kartu-kuning-2026",
        name="Nama Baru", sex="L", birth_date=datetime.date(1990, 1, 1),
    )  # fmt: skip
    assert claim is not None
    response = client.post(
        reverse("account_login"), {"username": "baru@example.org", "password": "kartu-kuning-2026"}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("account_home")
    assert "Petugas akan memeriksa NIK Anda" in html
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
            services.account_signup(
                nik=PersonFactory().nik, email="c@example.org", password="kartu-kuning-2026",
                name="X Y", sex="L", birth_date=datetime.date(1990, 1, 1),
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
def test_a_name_is_saved_normalised_at_sign_up(client):
    """Decomposed accents are composed (NFC), runs of spaces (no-break ones too) become one."""
    typed = {"name": "  Zoe\u0308   N\u0303u\u0301n\u0303ez ", "birth_place": "Kota\u00a0 Cilegon"}
    response = client.post(SIGNUP_URL, signup_form(**typed))
    assert response.status_code == 302
    person = Person.objects.get(nik=NEW_NIK)
    assert (person.name, person.birth_place) == ("Zo\u00eb \u00d1\u00fa\u00f1ez", "Kota Cilegon")


@pytest.mark.django_db
def test_an_email_that_another_account_uses_is_refused(client):
    UserFactory(username="petugas", email="Budi@example.org", is_staff=True)
    response = client.post(SIGNUP_URL, signup_form(email="budi@example.org"))
    assert errors_of(response, "email") == [
        "Akun dengan e-mail ini sudah ada. Silakan masuk atau atur ulang kata sandi."
    ]
    assert Person.objects.count() == 0
