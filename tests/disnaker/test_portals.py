"""The portal kit (``disnaker.portals``), checked on every declared portal.

The portals come from the kit's registry, and their pages from the URLconf, so a new portal or a
new page is covered without touching this file (a new portal only needs a way to make a member,
``MEMBERS``, or ``test_every_declared_portal_is_covered`` fails).
"""

import datetime
import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from disnaker.models import NikClaim
from disnaker.portals import registered
from disnaker.ratelimit import rate_limits_clear
from tests.factories import UserFactory, VacancyFactory, company_hr, job_seeker, lpk_operator
from tests.submission import submit

PORTALS = registered()
MEMBERS = {
    "job_seekers": lambda email: job_seeker(email=email),
    "lpk_operators": lambda email: lpk_operator(email=email),
    "company_hr": lambda email: company_hr(email=email),
}
NEW_PASSWORD = "Sandi-Baru-Cilegon-2026"
LIMIT = 2  # every rate is set to this many POSTs an hour, so a test needs only a few requests


def _urls(patterns=None, namespace=None):
    """(name, path, view) of every named URL pattern; arguments are filled with dummies (1, "x")."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "admin":
            continue  # the staff workspace: no portal's page, and regex routes without converters
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part) or None
            yield from _urls(entry.url_patterns, inner)
        elif entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            kwargs = {
                key: 1 if isinstance(converter, IntConverter) else "x"
                for key, converter in entry.pattern.converters.items()
            }
            yield name, reverse(name, kwargs=kwargs), entry.callback


def portal_urls(portal):
    return [(name, url, view) for name, url, view in _urls() if url.startswith(portal.prefixes)]


def person_pages():
    return [
        pytest.param(portal, name, url, id=name)
        for portal in PORTALS
        for name, url, view in _urls()
        if getattr(view, "person_page", False) and view.portal is portal
    ]


def by_portal():
    return pytest.mark.parametrize("portal", PORTALS, ids=[portal.name for portal in PORTALS])


def sent_to_login(response, portal) -> bool:
    return response.status_code == 302 and response.url.startswith(portal.url("login") + "?next=")


def test_every_declared_portal_is_covered():
    assert {portal.name for portal in PORTALS} == set(MEMBERS)
    for portal in PORTALS:
        assert portal_urls(portal), f"{portal.name}: no page under {portal.prefixes}"


# --- Password reset ------------------------------------------------------------------------------


def _set_password_path(portal, body: str) -> str:
    """The one link of the e-mail that opens the portal's set-password page."""
    paths = [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"https?://\S+", body)]
    name = portal.urls["set_password"]
    links = [path for path in paths if resolve(path).view_name == name]
    assert len(links) == 1, body
    return links[0]


@by_portal()
@pytest.mark.django_db
def test_password_reset_works_end_to_end(portal, client, mailoutbox):
    user = MEMBERS[portal.name]("lupa@example.org")
    asked = client.post(portal.url("password_reset"), {"email": "Lupa@Example.org"}, follow=True)
    assert asked.status_code == 200
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["lupa@example.org"]
    assert "kata sandi" in mailoutbox[0].subject.lower() + mailoutbox[0].body.lower()  # Indonesian
    link = _set_password_path(portal, mailoutbox[0].body)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    saved = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert saved.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    client.logout()
    assert not client.get(link, follow=True).context["validlink"]  # the link works once
    login = client.post(portal.url("login"), {"username": "lupa@example.org", "password": NEW_PASSWORD})
    assert login.status_code == 302 and login.url == portal.url("home")
    assert int(client.session["_auth_user_id"]) == user.pk


@by_portal()
@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_gets_the_same_answer_and_no_mail(portal, client, mailoutbox):
    MEMBERS[portal.name]("ada@example.org")
    known = client.post(portal.url("password_reset"), {"email": "ada@example.org"})
    unknown = client.post(portal.url("password_reset"), {"email": "tidak-ada@example.org"})
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url) == (302, unknown.url)
    assert [mail.to for mail in mailoutbox] == [["ada@example.org"]]


@pytest.mark.django_db
def test_a_set_password_link_opens_only_for_the_accounts_of_its_portal(client):
    """One token generator serves every portal: the page itself checks the membership."""
    members = {portal.name: MEMBERS[portal.name](f"{portal.name}@example.org") for portal in PORTALS}
    refused = 0
    for portal in PORTALS:
        for user in members.values():
            link = reverse(
                portal.urls["set_password"],
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            opens = client.get(link, follow=True).context["validlink"]
            assert opens == (portal.member(user) is not None), (portal.name, user.email)
            refused += not opens
    assert refused >= 2  # an operator's link on the company portal, and the other way round


@pytest.mark.django_db
def test_the_company_login_links_to_its_password_reset(client):
    company = next(portal for portal in PORTALS if portal.name == "company_hr")
    assert f'href="{company.url("password_reset")}"' in client.get(company.url("login")).content.decode()


# --- Rate limits on every public POST ------------------------------------------------------------


@pytest.fixture
def low_limits(settings):
    """Every rate of the portal set to LIMIT POSTs an hour, with no attempt counted yet."""
    for name in dir(django_settings):
        if name.startswith("RATELIMIT_") and re.fullmatch(r"\d+/[smhd]", str(getattr(django_settings, name))):
            setattr(settings, name, f"{LIMIT}/h")
    rate_limits_clear()
    yield
    rate_limits_clear()


def refused_in_indonesian(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert '<html lang="id">' in html
    with translation.override("id"):
        assert gettext("Too many attempts") in html


@pytest.mark.ratelimit
@by_portal()
@pytest.mark.django_db
def test_every_public_post_answers_429_past_its_limit_in_indonesian(portal, low_limits):
    limited = []
    for name, url, _view in portal_urls(portal):
        if name == portal.urls["logout"]:
            continue  # ending a session sends nothing and creates nothing
        client = Client(REMOTE_ADDR=f"10.0.0.{len(limited) + 1}")  # each form counted on its own
        first = client.post(url, {})
        if first.status_code == 405 or sent_to_login(first, portal):
            continue  # no form, or a member's page: not public
        for _ in range(LIMIT - 1):
            assert client.post(url, {}).status_code != 429, name
        refused_in_indonesian(client.post(url, {}))
        assert client.get(url).status_code != 429  # the page itself is never limited
        limited.append(name)
    kit_forms = {portal.urls[kind] for kind in ("login", "password_reset", "set_password")}
    assert kit_forms <= set(limited)


@pytest.mark.ratelimit
@pytest.mark.django_db
def test_company_registration_is_limited_per_address(low_limits):
    url = reverse("placement:company_register")
    client = Client(REMOTE_ADDR="10.0.1.1")
    for _ in range(LIMIT):
        client.post(url, {})
    refused_in_indonesian(client.post(url, {}))
    assert Client(REMOTE_ADDR="10.0.1.2").post(url, {}).status_code == 200  # another address is not refused


@pytest.mark.ratelimit
@pytest.mark.django_db
def test_hr_invitations_are_limited(low_limits, client, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(company_hr())
    url = reverse("placement:company_users")
    for index in range(LIMIT):
        with django_capture_on_commit_callbacks(execute=False):
            assert client.post(url, {"email": f"rekan{index}@pt.example.org"}).status_code == 302
    refused_in_indonesian(client.post(url, {"email": "rekan-lagi@pt.example.org"}))


@pytest.mark.ratelimit
@pytest.mark.django_db
def test_ak1_applications_are_limited(low_limits, client):
    client.force_login(job_seeker())
    url = reverse("placement:ak1_apply")
    for _ in range(LIMIT):
        assert submit(client, url, {}).status_code == 200  # the form with its errors
    refused_in_indonesian(client.post(url, {}))


# --- Cache-Control: no-store on every page that shows personal data --------------------------------


@by_portal()
@pytest.mark.django_db
def test_every_page_of_the_portal_is_sent_with_no_store(portal):
    member = Client()
    member.force_login(MEMBERS[portal.name]("anggota@example.org"))
    shown = []
    for name, url, view in portal_urls(portal):
        anonymous = Client().get(url)
        if sent_to_login(anonymous, portal):
            # Behind the membership check, which sends every answer with no-store (the dummy
            # arguments reach no object, so the check itself is what is asserted here).
            assert getattr(view, "portal", None) is portal, name
        for response in (anonymous, member.get(url)):
            if response.status_code == 200:
                assert "no-store" in response.get("Cache-Control", ""), name
                shown.append(name)
    assert shown


@pytest.mark.django_db
def test_staff_pages_with_full_niks_are_sent_with_no_store(superuser):
    client = Client()
    client.force_login(superuser)
    for url in (
        reverse("training:staff_alumni"),
        reverse("placement:staff_matching", kwargs={"pk": VacancyFactory().pk}),
    ):
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], url


# --- The page of an account without a person record ------------------------------------------------


def _claim_status(html: str) -> str:
    return re.search(r'<div id="claim-status">(.*?)</div>\s*</div>', html, re.S).group(1)


@pytest.fixture
def waiting_for_staff(client):
    """A job seeker whose NIK claim and KTP staff have not checked yet: an account without a person."""
    user = UserFactory(email="menunggu@example.org")
    NikClaim.objects.create(
        user=user, nik="3672011204990001", name="Budi", sex="L", birth_date=datetime.date(1999, 4, 12), reason="x",
        ktp_document="claims/ktp/document.pdf",
    )  # fmt: skip
    client.force_login(user)
    return client


@pytest.mark.parametrize(("portal", "name", "url"), person_pages())
@pytest.mark.django_db
def test_a_pending_nik_claim_shows_the_same_explanation(waiting_for_staff, portal, name, url):
    response = waiting_for_staff.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Akun Anda belum terhubung dengan NIK" in html
    explanation = _claim_status(html)
    assert "Petugas sedang memeriksa NIK" in explanation and "Jika lebih lama dari itu" in explanation
    assert explanation == _claim_status(waiting_for_staff.get(portal.url("home")).content.decode())


@pytest.mark.parametrize(("portal", "name", "url"), person_pages())
@pytest.mark.django_db
def test_without_a_claim_the_page_says_to_contact_the_office_and_nothing_dangles(client, portal, name, url):
    client.force_login(UserFactory())
    html = client.get(url).content.decode()
    assert "Akun Anda belum memiliki data pribadi" in _claim_status(html)
    assert "Jika lebih lama dari itu" not in html


def test_the_job_seekers_pages_that_need_a_person_are_found():
    names = {param.values[1] for param in person_pages()}
    assert {"training:register", "training:my_registrations", "placement:ak1_home", "placement:ak1_apply"} <= names
