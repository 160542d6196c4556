"""Django's request logs keep no query string: what a search or a NIK typed into a URL puts there is cut."""

import logging
import os
import subprocess
import sys

import pytest

from disnaker.logs import NoQueryStrings, strip_query_strings
from tests.conftest import _database_url
from tests.disnaker.test_compose import NIK, ROOT, _free_port, _get, _wait_for
from tests.e2e.privacy import niks_in


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"GET /admin/disnaker/person/?q={NIK} HTTP/1.1", "GET /admin/disnaker/person/ HTTP/1.1"),
        ('"GET /akun/?nik=3672+0145+0502+0003&x=1 HTTP/1.1" 200 15', '"GET /akun/ HTTP/1.1" 200 15'),
        (f"Referer: https://portal.example.org/pelatihan/staf/alumni/?q={NIK}#top", "Referer: https://portal.example.org/pelatihan/staf/alumni/#top"),
        ("Not Found: /tidak-ada/", "Not Found: /tidak-ada/"),
        ("Is this a question? Yes.", "Is this a question? Yes."),
    ],
)  # fmt: skip
def test_query_strings_are_cut_from_paths_and_urls(line, expected):
    assert strip_query_strings(line) == expected


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.mark.parametrize(
    ("name", "message", "args"),
    [
        ("django.server", '"%s" %s %s', (f"GET /admin/training/registration/?q={NIK} HTTP/1.1", "200", "1234")),
        ("django.request", "Bad Request: %s", (f"/pelatihan/staf/alumni/?q={NIK}",)),
        ("django.request", f"Forbidden: /admin/?q={NIK}", ()),
    ],
)
def test_the_request_loggers_of_the_settings_cut_query_strings(name, message, args):
    logger = logging.getLogger(name)
    assert any(isinstance(f, NoQueryStrings) for f in logger.filters), f"{name} has no NoQueryStrings filter"
    lines = _Lines()
    logger.addHandler(lines)
    try:
        logger.warning(message, *args)
    finally:
        logger.removeHandler(lines)
    assert lines.lines and not niks_in(lines.lines[0]), lines.lines


def test_the_console_handler_cuts_query_strings_of_any_logger():
    consoles = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert consoles and all(any(isinstance(f, NoQueryStrings) for f in h.filters) for h in consoles)


@pytest.mark.django_db(transaction=True)
def test_runserver_logs_paths_without_query_strings(postgres):
    """``manage.py runserver``, as in development: a NIK in the query string is not in its output."""
    port = _free_port()
    env = os.environ | {"DJANGO_DEBUG": "1", "DATABASE_URL": _database_url(postgres.settings_dict)}
    argv = [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(port, proc)
        assert _get(port, f"/healthz?q={NIK}") == 200
        assert _get(port, f"/tidak-ada/?nik={NIK}") == 404
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=60)
    leaks = [line for line in (out + err).splitlines() if niks_in(line)]
    assert not leaks, "\n".join(line[:200].replace(NIK, NIK[:4] + "…") for line in leaks)
    assert '"GET /healthz HTTP/1.1" 200' in err
    assert "Not Found: /tidak-ada/" in err
