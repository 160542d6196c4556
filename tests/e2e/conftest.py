"""The browser journeys of each user: a screenshot per main step, and no NIK in any URL or log line."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.signals import request_started
from django.urls import reverse

from tests.conftest import ARTIFACTS_DIR, authenticator, totp_code
from tests.disnaker.conftest import summary_files  # noqa: F401 - fixture, shared with the summary tests
from tests.training.conftest import uploads  # noqa: F401 - fixture, shared with the registration tests

from .privacy import Recorder, loggers_to_watch


@pytest.fixture(scope="session")
def nik_recorder():
    """One recorder for the session; each journey starts it afresh and is checked when it ends."""
    return Recorder()


@pytest.fixture(autouse=True)
def _record_urls_and_logs(request, nik_recorder, tmp_path_factory, monkeypatch):
    """Records while one journey runs: its log records, the URLs the live server answers (API requests
    included) and those the browser requests, and what the Celery worker writes to its log."""

    def on_request(sender, environ, **kwargs):
        query = environ.get("QUERY_STRING", "")
        nik_recorder.url(environ.get("PATH_INFO", "") + (f"?{query}" if query else ""))

    nik_recorder.clear()
    nik_recorder.follow(lambda: sorted(tmp_path_factory.getbasetemp().glob("celery*/*.log")))
    loggers = loggers_to_watch()
    for logger in loggers:
        logger.addHandler(nik_recorder)
    request_started.connect(on_request, weak=False, dispatch_uid="e2e-nik-recorder")
    nik_recorder.csp_violations = []
    if "browser" in request.fixturenames:
        _record_browser_requests(request.getfixturevalue("browser"), nik_recorder, monkeypatch)
    yield nik_recorder
    request_started.disconnect(dispatch_uid="e2e-nik-recorder")
    for logger in loggers:  # the other suites of a `make test` run are not recorded
        logger.removeHandler(nik_recorder)


def _record_browser_requests(browser, recorder, monkeypatch):
    """Each context and page the journey opens reports every request it makes."""
    new_context, new_page = browser.new_context, browser.new_page

    def recording_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("request", lambda r: recorder.url(r.url))
        _watch_csp(context, recorder)
        return context

    def recording_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        page.on("request", lambda r: recorder.url(r.url))
        _watch_csp(page, recorder)
        return page

    monkeypatch.setattr(browser, "new_context", recording_context)
    monkeypatch.setattr(browser, "new_page", recording_page)


# Every page reports what its Content-Security-Policy blocked (the DOM's securitypolicyviolation event) to
# the test, and counts it in window.__cspViolations. Playwright's init scripts and bindings go through the
# DevTools protocol, which the page's policy does not govern.
CSP_LISTENER = """
window.__cspViolations = 0;
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reportCspViolation(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile || e.documentURI}:${e.lineNumber}` +
    (e.sample ? ` (${e.sample})` : "")
  ).then(() => { window.__cspViolations += 1; });  // counted once the test holds the report
});
"""


def _watch_csp(target, recorder):
    """``target``: a browser context or a page."""
    target.expose_binding("__reportCspViolation", lambda source, text: recorder.csp_violations.append(text))
    target.add_init_script(CSP_LISTENER)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A journey that put a NIK in a URL or a log line, or whose pages broke the Content-Security-Policy,
    fails, even if all its own assertions held."""
    result = yield
    recorder = item.funcargs.get("_record_urls_and_logs")
    if recorder is not None:
        recorder.assert_no_nik()
        assert not recorder.csp_violations, "the Content-Security-Policy blocked:\n" + "\n".join(
            recorder.csp_violations
        )
    return result


def pass_second_factor(page, user, live_server, *, next_url=None):
    """After the password, staff who can reveal personal data enter their authenticator's code (the app
    was set up before: ``authenticator(user)``)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.wait_for_url(re.compile(re.escape(live_server.url + reverse("otp_verify")) + r"\?"))
    # A journey logs the same member in again within one 30-second step, whose code django-otp
    # accepts only once: as if the next step had come.
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    page.fill("#id_token", totp_code(user))
    page.get_by_role("button", name="Konfirmasi").click()
    page.wait_for_url(next_url or live_server.url + reverse("admin:index"))


class Shots:
    """``shot("step")`` saves test-artifacts/<journey>/NN-step.png of the page (or of ``page=``)."""

    def __init__(self, directory: Path, page):
        self.directory, self.page, self.count = directory, page, 0

    def _path(self, name: str) -> Path:
        self.count += 1
        return self.directory / f"{self.count:02d}-{name}.png"

    def __call__(self, name: str, page=None) -> Path:
        path = self._path(name)
        (page or self.page).screenshot(path=str(path), full_page=True)
        return path

    def pdf(self, name: str, content: bytes) -> Path | None:
        """The first page of a PDF as PNG (poppler's pdftoppm, beside pdftotext), to look at as it prints."""
        pdftoppm = shutil.which("pdftoppm")
        if not pdftoppm:
            return None
        path = self._path(name)
        subprocess.run(
            [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", "-", str(path.with_suffix(""))],
            input=content, check=True, capture_output=True,
        )  # fmt: skip
        return path


@pytest.fixture
def shot(request, page):
    """``shot("step")`` after each main step of a journey; ``shot.pdf("step", content)`` for a PDF it downloads."""
    journey = request.node.name.removeprefix("test_")[:200]  # the journey, as its test names it
    directory = ARTIFACTS_DIR / journey
    shutil.rmtree(directory, ignore_errors=True)  # only this run's steps, in order
    directory.mkdir(parents=True)
    return Shots(directory, page)


def admin_logged_in(browser, user, server, **context):
    """A wide page in a browser context of its own with ``user`` (a staff member of a role, from
    ``staff_user``) logged in to the admin of ``server`` (anything with a ``url``), with their
    authenticator's code where their role needs it; close it with ``page.context.close()``."""
    from disnaker.second_factor import needs_second_factor

    if needs_second_factor(user):
        authenticator(user)
    page = browser.new_context(viewport={"width": 1400, "height": 900}, **context).new_page()
    page.goto(server.url + reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "rahasia-123")
    page.locator("input[type=submit]").click()
    if needs_second_factor(user):
        pass_second_factor(page, user, server)
    page.wait_for_url(server.url + reverse("admin:index"))
    return page


@pytest.fixture
def staff_page(browser, live_server):
    """``staff_page(user)``: ``admin_logged_in`` on the test's live server."""
    return lambda user: admin_logged_in(browser, user, live_server)
