"""Rate limits on sign-up and training registration: POSTs counted per address (and account) in the cache."""

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from disnaker.ratelimit import client_ip, rate_limits_clear
from tests.factories import (
    PDF_BYTES,
    SIGNUP_BIRTH,
    BatchFactory,
    PersonFactory,
    job_seeker,
    make_nik,
    png_bytes,
    signup_form,
)
from tests.submission import submit
from training.models import Registration

pytestmark = pytest.mark.ratelimit

User = get_user_model()
SIGNUP_URL = "/akun/daftar/"


@pytest.fixture(autouse=True)
def _no_attempts_counted():
    """Each test starts and ends with no counted attempt, so no limit leaks into another test."""
    rate_limits_clear()
    yield
    rate_limits_clear()


def signup_data(serial: int) -> dict:
    """A sign-up of a new person each time (the NIK and the e-mail differ by ``serial``)."""
    nik = make_nik(sex="P", birth_date=SIGNUP_BIRTH, serial=serial)
    return signup_form(nik=nik, email=f"sri{serial}@example.org")


def refused_in_indonesian(response) -> str:
    """The 429 page; its text in the default language (Indonesian), with Django's own "menit"."""
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    with translation.override("id"):
        assert gettext("Too many attempts") in html
    assert '<html lang="id">' in html
    assert "menit" in html  # "in 42 minutes", from Django's Indonesian catalogue
    return html


def post_invalid_signups(client, count: int) -> None:
    for _ in range(count):
        assert client.post(SIGNUP_URL, {"nik": "salah"}).status_code == 200  # the form with its errors


@pytest.mark.django_db
def test_the_eleventh_signup_from_one_address_is_refused_and_creates_no_account(settings):
    assert settings.RATELIMIT_SIGNUP == "10/h"
    post_invalid_signups(Client(), 9)
    assert Client().post(SIGNUP_URL, signup_data(1)).status_code == 302  # the 10th still signs up
    assert User.objects.filter(email="sri1@example.org").exists()

    refused_in_indonesian(Client().post(SIGNUP_URL, signup_data(2)))
    assert not User.objects.filter(email="sri2@example.org").exists()


@pytest.mark.django_db
def test_another_address_still_signs_up_and_the_page_itself_is_never_limited():
    post_invalid_signups(Client(), 10)
    refused_in_indonesian(Client().post(SIGNUP_URL, signup_data(3)))

    assert Client().get(SIGNUP_URL).status_code == 200
    assert Client(REMOTE_ADDR="10.1.2.3").post(SIGNUP_URL, signup_data(3)).status_code == 302
    assert User.objects.filter(email="sri3@example.org").exists()


@pytest.mark.django_db
def test_behind_the_proxy_each_client_is_counted_by_its_forwarded_address(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1

    def through_proxy(forwarded_for: str) -> Client:
        return Client(REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR=forwarded_for)

    post_invalid_signups(through_proxy("203.0.113.7"), 10)
    # A forged entry on the left is the client's own; the proxy's entry on the right still counts.
    refused_in_indonesian(through_proxy("1.2.3.4, 203.0.113.7").post(SIGNUP_URL, signup_data(4)))
    assert through_proxy("203.0.113.8").post(SIGNUP_URL, signup_data(4)).status_code == 302


@pytest.mark.parametrize(
    ("count", "meta", "expected"),
    [
        (0, {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}, "172.18.0.5"),  # no proxy: the header is the client's
        (1, {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7"}, "203.0.113.7"),
        (2, {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7, 10.0.0.2"}, "203.0.113.7"),
        (1, {}, "172.18.0.5"),  # not through the proxy (a health check inside the network)
        (1, {"HTTP_X_FORWARDED_FOR": "bukan-alamat"}, "172.18.0.5"),
        (1, {"HTTP_X_FORWARDED_FOR": " 2001:db8::1 "}, "2001:db8::1"),
    ],
)
def test_client_address_uses_the_proxy_count_of_the_login_lockout(settings, count, meta, expected):
    settings.AXES_IPWARE_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="172.18.0.5", **meta)
    assert client_ip(request) == expected


# --- Training registration ------------------------------------------------------------------------


@pytest.fixture
def private_files(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path / "private")
    for name in ("ktp_document", "diploma_document"):
        monkeypatch.setattr(Registration._meta.get_field(name), "storage", storage)


def documents() -> dict:
    return {
        "ktp_document": SimpleUploadedFile("ktp.pdf", PDF_BYTES, content_type="application/pdf"),
        "diploma_document": SimpleUploadedFile("ijazah.png", png_bytes(size=(4, 4)), content_type="image/png"),
    }


def seeker_client(serial: int, address: str = "127.0.0.1") -> Client:
    birth = datetime.date(2000, 5, 5)
    person = PersonFactory(birth_date=birth, sex="L", nik=make_nik(birth_date=birth, serial=serial))
    client = Client(REMOTE_ADDR=address)
    client.force_login(job_seeker(person=person))
    return client


def post_invalid_registrations(client, url: str, count: int) -> None:
    for _ in range(count):
        assert submit(client, url).status_code == 200  # the form: both documents are required


@pytest.mark.django_db
def test_the_21st_registration_post_of_an_account_is_refused_and_registers_nothing(settings, private_files):
    assert settings.RATELIMIT_REGISTRATION == "20/h"
    batch = BatchFactory()
    url = reverse("training:register", args=[batch.pk])
    client = seeker_client(801)
    post_invalid_registrations(client, url, 20)

    refused_in_indonesian(client.post(url, documents()))
    assert not Registration.objects.filter(batch=batch).exists()
    assert client.get(url).status_code == 200  # the page itself stays open


@pytest.mark.django_db
def test_registration_is_limited_per_account_and_per_address(private_files):
    batch = BatchFactory()
    url = reverse("training:register", args=[batch.pk])
    tired = seeker_client(802, address="10.0.0.1")
    post_invalid_registrations(tired, url, 20)

    # The same account from another address (a phone that changed network) is still refused…
    tired.defaults["REMOTE_ADDR"] = "10.0.0.2"
    refused_in_indonesian(tired.post(url, documents()))
    # …another account from the first address too (that address sent 20 already)…
    refused_in_indonesian(seeker_client(803, address="10.0.0.1").post(url, documents()))
    # …while another account elsewhere registers.
    assert submit(seeker_client(804, address="10.0.0.3"), url, documents()).status_code == 302
    assert Registration.objects.filter(batch=batch).count() == 1


# --- The counters live in the cache ---------------------------------------------------------------


@pytest.fixture
def redis_cache(redis_url, settings):
    """The default cache on Redis under a prefix of its own; its keys are deleted afterwards."""
    import redis

    prefix = f"test-ratelimit-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    server = redis.Redis.from_url(redis_url)
    yield server, prefix
    for key in server.keys(f"{prefix}:*"):
        server.delete(key)


@pytest.mark.django_db
def test_with_redis_two_clients_share_the_counts_kept_in_redis(redis_cache):
    server, prefix = redis_cache
    first, second = Client(), Client()
    post_invalid_signups(first, 10)
    refused_in_indonesian(second.post(SIGNUP_URL, signup_data(5)))

    counters = server.keys(f"{prefix}:*:rl:*")
    assert [int(server.get(key)) for key in counters] == [11]
    rate_limits_clear()
    assert server.keys(f"{prefix}:*") == []
    assert second.post(SIGNUP_URL, signup_data(5)).status_code == 302


def test_the_rate_limit_checks_of_the_cache_pass():
    call_command("check", "--tag", "caches", "--fail-level", "WARNING")
