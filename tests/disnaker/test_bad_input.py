"""Text PostgreSQL cannot store (NUL, surrogates) and broken UTF-8 get the portal's 400 page before any view."""

import pytest
from django.core.exceptions import BadRequest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory

from disnaker.middleware import BadInputMiddleware

PAGE_TITLE = "Permintaan tidak dapat dibaca"
middleware = BadInputMiddleware(lambda request: HttpResponse("ok"))


def passes(request) -> bool:
    try:
        middleware(request)
    except BadRequest:
        return False
    return True


factory = RequestFactory()

REFUSED = {
    "NUL in the path": lambda: factory.get("/verifikasi/%00/"),
    "broken UTF-8 in the path": lambda: factory.get("/verifikasi/%FF/"),
    "an escape left in the path": lambda: factory.get("/lowongan/%2541/"),
    "NUL in the query": lambda: factory.get("/admin/autocomplete/?term=%00"),
    "broken UTF-8 in the query": lambda: factory.get("/lowongan/?q=%C3%28"),
    "an encoded surrogate in the query": lambda: factory.get("/lowongan/?q=%ED%A0%80"),
    "NUL in a cookie": lambda: factory.get("/", HTTP_COOKIE='sessionid="abcdefgh\\000"'),
    "NUL in a header": lambda: factory.get("/", HTTP_USER_AGENT="Mozilla\x00"),
    "NUL in a form value": lambda: factory.post("/akun/masuk/", {"username": "a\x00b"}),
    "NUL in a form field name": lambda: factory.post("/akun/masuk/", {"user\x00name": "a"}),
}
ACCEPTED = {
    "a plain page": lambda: factory.get("/lowongan/?q=las&page=2"),
    "non-ASCII text in the query": lambda: factory.get("/lowongan/?q=Tangerang%20%C3%A9%20%F0%9F%98%80"),
    "non-ASCII text in the path": lambda: factory.get("/verifikasi/%C3%9Cn%C3%AF/"),
    "a plus sign and a percent sign in the query": lambda: factory.get("/lowongan/?q=100%25+C%2B%2B"),
    "non-ASCII form values": lambda: factory.post("/akun/masuk/", {"username": "Ünï 😀", "next": "/"}),
    "NUL bytes inside an uploaded file": lambda: factory.post(
        "/akun/daftar/", {"ktp": SimpleUploadedFile("ktp.pdf", b"%PDF-1.4\x00\x00\xff")}
    ),
    "NUL in a JSON body (not a form)": lambda: factory.post(
        "/admin/autocomplete/", '{"term": "\\u0000"}', content_type="application/json"
    ),
}


@pytest.mark.parametrize("make", REFUSED.values(), ids=REFUSED.keys())
def test_text_postgresql_cannot_store_is_refused(make):
    assert not passes(make())


@pytest.mark.parametrize("make", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_ordinary_text_passes(make):
    assert passes(make())


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/verifikasi/%00/", "/bukti-lapor/%00/", "/pelatihan/tracer/%00/", "/lowongan/%FF/"])
def test_a_damaged_link_gets_the_portal_page_in_indonesian(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert PAGE_TITLE in response.content.decode()


@pytest.mark.django_db
def test_a_nul_in_a_posted_field_answers_400_and_saves_nothing(client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.count()
    response = client.post("/akun/daftar/", {"email": "a\x00@contoh.id", "password1": "x", "password2": "x"})
    assert response.status_code == 400
    assert PAGE_TITLE in response.content.decode()
    assert get_user_model().objects.count() == users


def test_every_autocomplete_widget_of_the_admin_survives_a_damaged_value():
    from django.contrib import admin

    from disnaker.admin_site import IdsCheckedAutocompleteMixin

    admins = [(m, a) for m, a in admin.site._registry.items() if a.autocomplete_fields]
    inlines = [inline for _m, a in admin.site._registry.items() for inline in a.inlines if inline.autocomplete_fields]
    assert admins and inlines
    assert [m for m, a in admins if not isinstance(a, IdsCheckedAutocompleteMixin)] == []
    assert [i for i in inlines if not issubclass(i, IdsCheckedAutocompleteMixin)] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/training/batch/bukan-angka/history/",  # simple-history's list of past versions
        "/admin/training/batch/1/history/bukan-angka/",  # one past version
        "/admin/training/registration/bukan-angka/competency/",  # a custom view of a ModelAdmin
        "/admin/lpk_registry/institution/../invite-operator/",
    ],
)
def test_an_admin_object_id_that_cannot_be_one_answers_404(client, superuser, url):
    client.force_login(superuser)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_an_export_with_a_filter_the_list_does_not_have_goes_back_to_the_export_page(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/training/vocation/export/?halaman=2")
    assert response.status_code == 302
    assert response.url == "/admin/training/vocation/export/?e=1"


@pytest.mark.django_db
def test_an_overlong_username_is_a_failed_login_not_a_500(client):
    from axes.models import AccessAttempt

    response = client.post("/akun/masuk/", {"username": "x" * 3000, "password": "salah"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "x" * 255
