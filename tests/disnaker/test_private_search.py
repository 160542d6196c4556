"""A search by NIK finds the person without the NIK reaching a URL: the term is sent by POST and the
URLs (the redirect, sorting, filters, pages, each row's ``_changelist_filters``) carry only a token."""

import re
from urllib.parse import unquote_plus

import pytest
from django.test import Client
from django.urls import reverse

from disnaker import private_search
from disnaker.roles import ADMIN, ROLE_NAMES, TRAINING_OFFICER
from tests.e2e.privacy import niks_in
from tests.factories import PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:disnaker_person_changelist",
    "admin:training_registration_changelist",
    "admin:placement_jobseekercard_changelist",
]


@pytest.mark.parametrize(
    ("term", "private"),
    [
        ("3672014505020003", True),
        ("3672 0145 0502 0003", True),
        ("367201.450502.0003", True),
        ("4505020", True),  # part of a NIK (the birth date)
        ("0812-3456-7890", True),
        ("siti.rahma@example.org", True),
        ("Siti Rahmawati", False),
        ("LAS-26-01", False),
        ("", False),
    ],
)
def test_a_term_holding_a_long_number_is_private(term, private):
    assert private_search.is_private(term) is private


def _links(html: str) -> list[str]:
    return [unquote_plus(href).replace("&amp;", "&") for href in re.findall(r'(?:href|action)="([^"]*)"', html)]


def _card(person):
    from placement.models import JobSeekerCard

    return JobSeekerCard.objects.create(person=person)


@pytest.mark.parametrize("url", CHANGELISTS)
def test_a_search_by_nik_is_posted_and_only_a_token_reaches_the_url(client, staff_user, url):
    registration = RegistrationFactory(person__name="Siti Rahmawati")
    RegistrationFactory(person__name="Budi Santoso")
    person = registration.person
    _card(person)
    client.force_login(staff_user(ADMIN))
    changelist = reverse(url)

    page = client.get(changelist, {"o": "1"}).content.decode()
    assert 'id="changelist-search" method="post"' in page

    spaced = f"{person.nik[:4]} {person.nik[4:8]} {person.nik[8:12]} {person.nik[12:]}"
    response = client.post(changelist + "?o=1&p=2", {"_search": "1", "q": spaced})
    assert response.status_code == 302
    location = response["Location"]
    assert not niks_in(location)
    assert re.fullmatch(re.escape(changelist) + r"\?o=1&q=~[A-Za-z0-9_-]{8}", location), location

    result = client.get(location)
    assert result.context["cl"].result_count == 1
    html = result.content.decode()
    assert "Siti Rahmawati" in html and "Budi Santoso" not in html
    assert f'value="{spaced}" id="searchbar"' in html  # the box shows what was typed
    links = _links(html)
    token = location.rsplit("q=", 1)[1]
    assert any(f"_changelist_filters=o=1&q={token}" in link for link in links)
    assert not [link for link in links if niks_in(link)]


@pytest.mark.parametrize("url", CHANGELISTS)
def test_a_nik_in_the_query_string_is_moved_out_of_the_url(client, staff_user, url):
    person = RegistrationFactory().person
    _card(person)
    client.force_login(staff_user(ADMIN))
    response = client.get(reverse(url), {"q": person.nik})
    assert response.status_code == 302 and not niks_in(response["Location"])
    assert client.get(response["Location"]).context["cl"].result_count == 1


def test_a_name_search_stays_in_the_url(client, staff_user):
    RegistrationFactory(person__name="Siti Rahmawati")
    client.force_login(staff_user(TRAINING_OFFICER))
    changelist = reverse("admin:training_registration_changelist")
    response = client.post(changelist, {"_search": "1", "q": "rahmawati"})
    assert response["Location"] == changelist + "?q=rahmawati"
    assert client.get(response["Location"]).context["cl"].result_count == 1


def test_an_empty_search_clears_the_term(client, staff_user):
    client.force_login(staff_user(TRAINING_OFFICER))
    changelist = reverse("admin:training_registration_changelist")
    response = client.post(changelist + "?q=budi&status__exact=registered", {"_search": "1", "q": " "})
    assert response["Location"] == changelist + "?status__exact=registered"


def test_the_same_nik_gets_the_same_token_and_another_session_cannot_use_it(client, staff_user):
    person = PersonFactory()
    client.force_login(staff_user(ADMIN))
    changelist = reverse("admin:disnaker_person_changelist")
    first = client.post(changelist, {"_search": "1", "q": person.nik})["Location"]
    assert client.post(changelist, {"_search": "1", "q": person.nik})["Location"] == first

    other = Client()
    other.force_login(staff_user(ADMIN))
    response = other.get(first)
    assert response.context["cl"].result_count == 0
    assert "Pencarian ini tidak disimpan lagi" in response.content.decode()


def test_a_session_keeps_only_the_latest_searches(client, staff_user):
    client.force_login(staff_user(ADMIN))
    changelist = reverse("admin:disnaker_person_changelist")
    locations = [
        client.post(changelist, {"_search": "1", "q": f"{n:06d}99"})["Location"] for n in range(private_search.KEEP + 1)
    ]
    assert len(client.session[private_search.SESSION_KEY]) == private_search.KEEP
    assert "Pencarian ini tidak disimpan lagi" in client.get(locations[0]).content.decode()
    assert "Pencarian ini tidak disimpan lagi" not in client.get(locations[-1]).content.decode()


def test_lists_of_other_apps_keep_their_get_search(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert 'id="changelist-search" method="get"' in page


def test_an_autocomplete_field_searches_by_post_and_finds_the_person_by_nik(client, staff_user):
    person = PersonFactory(name="Siti Rahmawati")
    PersonFactory(name="Budi Santoso")
    params = {"term": person.nik, "app_label": "disnaker", "model_name": "certification", "field_name": "person"}
    staff = staff_user(ADMIN)
    client.force_login(staff)
    response = client.post(reverse("admin:autocomplete"), params)
    assert [row["text"] for row in response.json()["results"]] == [str(person)]
    # The POST is checked for its CSRF token like any other.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    assert strict.post(reverse("admin:autocomplete"), params).status_code == 403


def test_admin_pages_load_the_script_that_sends_autocomplete_searches_by_post(client, staff_user):
    client.force_login(staff_user(ADMIN))
    page = client.get(reverse("admin:disnaker_certification_add")).content.decode()
    assert "js/private_autocomplete.js" in page and "admin/js/autocomplete.js" in page


@pytest.mark.parametrize("role", [None, *ROLE_NAMES])
def test_an_autocomplete_search_by_post_is_answered_as_by_get(client, staff_user, role):
    person = PersonFactory(name="Siti Rahmawati")
    if role:
        client.force_login(staff_user(role))
    params = {"term": person.nik, "app_label": "disnaker", "model_name": "certification", "field_name": "person"}
    by_get = client.get(reverse("admin:autocomplete"), params)
    by_post = client.post(reverse("admin:autocomplete"), params)
    assert by_post.status_code == by_get.status_code
    if by_get.status_code == 200:
        assert by_post.json() == by_get.json()
