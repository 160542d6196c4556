"""Every /lpk/ URL × every kind of visitor: who gets the page, who is sent to log in, who is refused.

The rows come from ``lpk_registry.urls.urlpatterns``: a URL added without a row here fails
``test_every_url_has_a_row``, and its matrix cells fail with a KeyError.

Chosen answers:
- the operator of the report's institution: 200 (or 302 where the view redirects by design);
- an operator of another institution: 404 for a report's URL (its existence is not revealed);
  the same as the owner for pages without an object (they show the visitor's own institution);
- anonymous: a redirect to the LPK login, ``/lpk/masuk/?next=<the URL>``;
- staff and job seekers (logged in, but not operators): 403, with a page saying what the LPK portal
  is and how to log out. Sending them to the login page would loop: they are logged in already.
The login and password pages are public (200 for everyone; an operator is sent on to the dashboard).
"""

from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.urls import reverse

from lpk_registry import urls as lpk_urls
from lpk_registry.models import GraduateReport, ReportStatus
from tests.factories import GraduateReportFactory, InstitutionFactory, UserFactory, job_seeker, lpk_operator

ROLES = ("own", "other", "anonymous", "staff", "job_seeker")
LOGIN = "/lpk/masuk/"


@dataclass(frozen=True)
class Row:
    method: str = "GET"
    own: int = 200
    other: int | None = None  # None: 404 for a report's URL, else the same as own
    public: bool = False  # login and password pages: everyone gets them
    object_kwargs: bool = False  # the URL names a report
    extra: dict = field(default_factory=dict)

    def expected(self, role: str) -> int:
        if role == "own":
            return self.own
        if role == "other" and self.other is not None:
            return self.other
        if self.public:
            return self.own if self.method == "POST" else 200
        if role == "other":
            return 404 if self.object_kwargs else self.own
        if role == "anonymous":
            return 302
        return 403


OBJECT = {"object_kwargs": True}
ROWS = {
    "dashboard": Row(),
    "login": Row(own=302, other=302, public=True),  # an operator logged in already goes on to the dashboard
    "logout": Row(method="POST", own=302, public=True),  # everybody is logged out and sent to the login
    "set_password": Row(public=True),  # an invalid link: the page says so and offers a new one
    "password_reset": Row(public=True),
    "profile": Row(),
    "report_list": Row(),
    "report_create": Row(),
    "report_detail": Row(**OBJECT),
    "report_edit": Row(**OBJECT),
    "report_submit": Row(method="POST", own=302, **OBJECT),  # an empty draft: refused with a message
    "report_template": Row(),
    "report_upload": Row(**OBJECT),
    "report_upload_preview": Row(own=302, **OBJECT),  # nothing uploaded yet: back to the upload form
    "report_upload_confirm": Row(method="POST", own=302, **OBJECT),
}
URL_NAMES = [pattern.name for pattern in lpk_urls.urlpatterns]


def test_every_url_has_a_row():
    assert sorted(URL_NAMES) == sorted(ROWS), "add a row for each new /lpk/ URL"
    assert all(str(pattern.pattern).startswith("lpk/") for pattern in lpk_urls.urlpatterns)


def _url(name: str, report: GraduateReport) -> str:
    pattern = next(p for p in lpk_urls.urlpatterns if p.name == name)
    kwargs = {}
    if "pk" in pattern.pattern.converters:
        kwargs["pk"] = report.pk
    if "uidb64" in str(pattern.pattern):
        kwargs |= {"uidb64": "MQ", "token": "bukan-token-yang-sah"}
    return reverse(f"lpk_registry:{name}", kwargs=kwargs)


@pytest.fixture
def report(db):
    """A draft of the "own" institution, which every visitor asks for."""
    return GraduateReportFactory(institution=InstitutionFactory(name="LPK Pemilik Laporan"))


def _visitor(role: str, report: GraduateReport):
    if role == "own":
        return lpk_operator(institution=report.institution)
    if role == "other":
        return lpk_operator(institution=InstitutionFactory(name="LPK Tetangga"))
    if role == "staff":
        return UserFactory(is_staff=True, is_superuser=True)  # even a superuser is no operator
    if role == "job_seeker":
        return job_seeker()
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", URL_NAMES)
def test_url_answers_each_visitor_as_documented(client, report, name, role):
    row = ROWS[name]
    user = _visitor(role, report)
    if user is not None:
        client.force_login(user)
    url = _url(name, report)
    response = client.post(url) if row.method == "POST" else client.get(url)

    assert response.status_code == row.expected(role), (name, role)
    if role == "anonymous" and not row.public:
        assert response.url == f"{LOGIN}?next={quote(url)}"
    if name == "logout":
        assert response.url == LOGIN and "_auth_user_id" not in client.session
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT  # nobody's visit changed the report


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "job_seeker"])
def test_a_logged_in_non_operator_is_told_why_and_how_to_log_out(client, report, role):
    client.force_login(_visitor(role, report))
    response = client.get(reverse("lpk_registry:dashboard"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "bukan akun operator LPK" in html
    assert f'action="{reverse("lpk_registry:logout")}"' in html


@pytest.mark.django_db
def test_another_institutions_operator_learns_nothing_about_the_report(client, report):
    report.institution.name = "LPK Rahasia Sejahtera"
    report.institution.save()
    client.force_login(lpk_operator(institution=InstitutionFactory()))
    for name in ("report_detail", "report_edit", "report_upload"):
        response = client.get(_url(name, report))
        assert response.status_code == 404
        assert "LPK Rahasia Sejahtera" not in response.content.decode()
    listing = client.get(reverse("lpk_registry:report_list")).content.decode()
    assert reverse("lpk_registry:report_detail", args=[report.pk]) not in listing
