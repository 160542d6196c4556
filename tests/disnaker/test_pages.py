import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_is_indonesian_and_names_the_services(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id"' in html
    assert "Dinas Tenaga Kerja Kota Cilegon" in html
    for service in ("Pelatihan BLK", "Kartu pencari kerja AK/1", "Portal LPK", "Pelaporan perusahaan"):
        assert service in html


def test_home_page_is_english_when_chosen(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html
    assert "BLK training" in html
    assert "Company reporting" in html


def test_assets_are_served_locally(client):
    """Every script, stylesheet, image and font the page loads comes from this server (a random CSRF
    token is no asset, so the check reads the page's asset addresses, not its whole text)."""
    import re

    html = client.get("/").content.decode()
    assert "/static/vendor/bootstrap/" in html
    addresses = re.findall(r'<(?:script|link|img|source|iframe)\b[^>]*?\b(?:src|href)="([^"]*)"', html)
    assert addresses
    assert [a for a in addresses if a.startswith("//") or not a.startswith(("/", "data:"))] == []


def test_admin_login_page_carries_the_office_name(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert "Dinas Tenaga Kerja Kota Cilegon" in response.content.decode()


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_home_refuses_post(client):
    assert client.post("/").status_code == 405


def test_an_english_browser_still_gets_indonesian_until_the_visitor_switches(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id"' in html
    assert "Layanan kami" in html
