"""Bad input anywhere gets a 400 or a 404 (or a form error), never a 500.

Every URL pattern of the project (walked from the root URLconf, the admin included, so a new pattern is
fuzzed without being listed) is asked for with damaged values in its arguments and its query string, by
each kind of visitor, with GET and POST. Every form the portals and the admin show (found in the pages
of those patterns) is sent back with damaged values: in each field in turn, the others as shown, and in
all fields at once. The values are fixed, so every run sends the same requests; on PostgreSQL, which
refuses text SQLite accepts (NUL).

The people and objects are the security matrix's (tests/test_security_matrix.py); each request runs in
a savepoint rolled back after it, so whatever one POST changes, the next finds the world as it was.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import Resolver404, resolve

from tests.conftest import require
from tests.factories import PDF_BYTES, png_bytes
from tests.security_roles import Route, autocomplete_fields, routes
from tests.test_security_matrix import EXPECTED, URLS, world  # noqa: F401 (world: the matrix's module fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.services]

# The kinds of visitor: nobody, a job seeker, an LPK operator, a company's HR, a superuser.
KINDS = ("anonymous", "seeker", "operator", "hr", "superuser")
# Damaged values: text PostgreSQL cannot store, too long, non-ASCII, impossible dates, numbers out of range.
TEXT = ("\x00", "x" * 3000, "😀 Ünïcödé ☃ 日本語", "../../etc/passwd", "' OR 1=1 --", "<script>alert(1)</script>")
DATES = ("0001-01-01", "9999-12-31", "2026-02-31", "31/02/2026", "99999-01-01")
NUMBERS = ("-1", "99999999999999999999", "1e309", "NaN", "0x1F", "1.5")
CHOICES = ("bukan-pilihan", "99999999999999999999")
EVERY_VALUE = TEXT + DATES + NUMBERS + CHOICES[:1]
# In all the fields of a form at once (each field also gets a value of its kind on its own).
ALL_AT_ONCE = ("\x00", TEXT[1], TEXT[2], DATES[1], NUMBERS[1], NUMBERS[0], CHOICES[0])
# Values for a URL argument; the "/" and "%" ones may not match the pattern (then the resolver's 404).
URL_VALUES = ("\x00", "%00", "x" * 3000, "Ünïcödé-😀", "-1", "99999999999999999999", "0", "..", "../x", "%ff", "%")
QUERY_KEYS = ("q", "page", "p", "o", "e", "next", "status", "year", "period", "kind", "term", "field_name", "id")
# Uploads that are not what a form asks for.
BAD_FILES = (
    ("ktp.pdf", b"this is not a pdf"),
    ("kosong.pdf", b""),
    ("foto.png", PDF_BYTES),
    ("program.exe", b"MZ\x90\x00" + b"\x00" * 64),
    ("y" * 250 + ".png", png_bytes()),
    ("..%2F..%2Fetc%2Fpasswd.pdf", PDF_BYTES),
)
# A path converter, or a group of a regular expression (named or not).
CONVERTER = re.compile(r"<(?:(?P<type>[^>:]+):)?(?P<name>[^>]+)>|\((?:\?P<(?P<regex_name>[^>]+)>)?[^)]*\)")


# --- Sending: every answer is recorded, a 500 with what raised it ------------------------------------


@dataclass
class Fuzzer:
    world: object
    sent: int = 0
    failures: list = field(default_factory=list)

    def send(self, role: str, method: str, url: str, data=None, *, note: str = "") -> int:
        """One request in a rolled-back savepoint, from an address of its own (no lockout, no rate limit)."""
        self.sent += 1
        client = self.world.client(role)
        client.raise_request_exception = False
        address = f"10.{self.sent // 65536 % 256}.{self.sent // 256 % 256}.{self.sent % 256}"
        with transaction.atomic():
            try:
                response = getattr(client, method)(url, data or {}, REMOTE_ADDR=address)
                if response.streaming:
                    b"".join(response.streaming_content)
                status, error = response.status_code, getattr(response, "exc_info", None)
            except Exception as exc:  # raised outside the handler (a middleware's response, the client)
                status, error = 500, (type(exc), exc, None)
            transaction.set_rollback(True)
        if status >= 500:
            what = f"{error[0].__name__}: {str(error[1])[:200]}" if error else "no exception"
            self.failures.append(f"{status} {method.upper()} {url[:150]!r} as {role} {note}: {what}")
        return status

    def check(self):
        assert not self.failures, f"{len(self.failures)} of {self.sent} requests answered 500:\n" + "\n".join(
            self.failures[:40]
        )


@pytest.fixture
def fuzzer(world):  # noqa: F811 (the matrix's fixture, imported above)
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL): SQLite stores the NUL it refuses")
    return Fuzzer(world)


# --- Every URL pattern ------------------------------------------------------------------------------

ALL_ROUTES = routes()


def fuzzed_paths(route: Route, valid_url: str) -> list[str]:
    """The pattern's path with each of ``URL_VALUES`` in every argument, then (with several arguments) in
    each one alone, the others as in ``valid_url``; percent-encoded as a browser sends it, except the
    values that are escapes already."""
    template = route.route.replace("^", "").replace("$", "")
    match = resolve(valid_url)
    valid = [str(v) for v in match.args] or [str(v) for v in match.kwargs.values()]
    count = len(CONVERTER.findall(template))
    chosen = [None] + (list(range(count)) if count > 1 and len(valid) == count else [])
    paths = []
    for only in chosen:
        for value in URL_VALUES:
            encoded = value if value.startswith("%") else quote(value, safe="/")
            arguments = iter(range(count))

            def argument(_match, only=only, encoded=encoded, arguments=arguments):
                i = next(arguments)
                return encoded if only is None or i == only else quote(valid[i], safe="/")

            paths.append("/" + CONVERTER.sub(argument, template).replace("\\", ""))
    return paths


@pytest.mark.parametrize("route", ALL_ROUTES, ids=[r.key for r in ALL_ROUTES])
def test_every_url_pattern_answers_damaged_input_without_a_500(fuzzer, route):
    # Arguments: every value once, the kinds of visitor and GET/POST taking turns (every pairing comes up).
    methods = ("get", "post")
    assert route.key in URLS, "a URL pattern without a row in the security matrix: add one there"
    url = URLS[route.key](fuzzer.world)
    if CONVERTER.search(route.route):
        for i, path in enumerate(fuzzed_paths(route, url)):
            fuzzer.send(KINDS[i % len(KINDS)], methods[i % 2], path, {"x": path[-20:]})
    # The query string (and the form) of the page itself, its arguments valid: each kind of visitor.
    shift = ALL_ROUTES.index(route)  # so that each kind of visitor sends both methods over the patterns
    for i, role in enumerate(KINDS):
        value = EVERY_VALUE[(shift + i) % len(EVERY_VALUE)]
        fuzzer.send(
            role,
            methods[(shift + i) % 2],
            f"{url}?{urlencode(dict.fromkeys(QUERY_KEYS, value))}",
            dict.fromkeys(QUERY_KEYS, value),
        )
    fuzzer.check()


def test_the_urls_of_the_issue_answer_400_with_the_portal_page(fuzzer):
    for url in ("/verifikasi/%00/", "/bukti-lapor/%00/", "/pelatihan/tracer/%00/"):
        response = fuzzer.world.client("anonymous").get(url)
        assert response.status_code == 400, url
        assert "Permintaan tidak dapat dibaca" in response.content.decode()
    autocomplete = "/admin/autocomplete/?app_label=training&model_name=registration&field_name=batch&term=%00"
    assert fuzzer.world.client("superuser").get(autocomplete).status_code == 400


def test_every_autocomplete_field_answers_damaged_search_terms_without_a_500(fuzzer):
    for model, name in autocomplete_fields():
        params = {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": name}
        for i, term in enumerate(EVERY_VALUE):
            method = ("get", "post")[i % 2]  # the private autocomplete sends its term in a POST body
            fuzzer.send("superuser", method, "/admin/autocomplete/", params | {"term": term, "page": term})
    fuzzer.check()


# --- Every form -------------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    fields: list = field(default_factory=list)  # (name, kind, value shown, choices)
    files: list = field(default_factory=list)  # names of file inputs

    def shown(self) -> dict:
        """What a browser sends for the form as shown."""
        data: dict = {}
        for name, _kind, value, _choices in self.fields:
            if value is not None:
                data.setdefault(name, []).append(value)
        return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


class FormParser(HTMLParser):
    """The forms of a page: their fields, what each holds as shown, and which are dates, numbers or choices."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._select = None
        self._textarea = None
        self._submit_named = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            method = a.get("method", "get").lower()
            self.forms.append(Form(a.get("action", ""), method, "multipart" in a.get("enctype", "")))
            self._submit_named = False
            return
        if not self.forms or "name" not in a:
            return
        form, name = self.forms[-1], a["name"]
        if tag == "input":
            self._input(form, name, a)
        elif tag == "select":
            self._select = [name, None, []]
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[2].append(value)
            if "selected" in a or self._select[1] is None and "multiple" not in a:
                self._select[1] = value
        elif tag == "textarea":
            self._textarea = name
            form.fields.append((name, _kind(name, a), "", ()))

    def _input(self, form: Form, name: str, a: dict):
        kind = a.get("type", "text").lower()
        if kind == "file":
            form.files.append(name)
        elif kind in ("submit", "image", "button"):
            if not self._submit_named:  # the first named button, as a click on it sends
                self._submit_named = True
                form.fields.append((name, "text", a.get("value", ""), ()))
        elif kind in ("checkbox", "radio"):
            form.fields.append((name, "choice", a.get("value", "on") if "checked" in a else None, ()))
        else:
            form.fields.append((name, _kind(name, a), a.get("value", ""), ()))

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self.forms:
            name, value, choices = self._select
            self.forms[-1].fields.append((name, "choice", value, tuple(choices)))
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            name, kind, value, choices = self.forms[-1].fields[-1]
            self.forms[-1].fields[-1] = (name, kind, value + data, choices)


def _kind(name: str, a: dict) -> str:
    kind, value, css = a.get("type", "text").lower(), a.get("value", ""), a.get("class", "")
    if kind in ("date", "datetime-local", "month") or "vDateField" in css or re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return "date"
    if re.search(r"(date|tanggal|_on$|^day$|_at_0$)", name):
        return "date"
    if kind == "number" or "vIntegerField" in css or re.fullmatch(r"-?\d+(\.\d+)?", value):
        return "number"
    return "text"


VALUES_OF_KIND = {"date": DATES, "number": NUMBERS, "choice": CHOICES, "text": TEXT}
# The first visitor of these kinds who may open a page sends its forms (the owner before the superuser).
FORM_SENDERS = ("seeker", "operator", "hr", "anonymous", "superuser")


def _sender(key: str) -> str | None:
    return next((role for role in FORM_SENDERS if EXPECTED[key][role] == 200), None)


def _forms_of(fuzzer: Fuzzer, role: str, url: str) -> list[Form]:
    response = fuzzer.world.client(role).get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    parser = FormParser()
    parser.feed(response.content.decode())
    return [form for form in parser.forms if form.fields or form.files]


def _target(form: Form, page: str) -> str | None:
    """The URL the form is sent to, when it is the portal's; None for another site's."""
    target = urlsplit(form.action or page)
    if target.netloc:
        return None
    return target.path + (f"?{target.query}" if target.query else "") if target.path else page


def _form_key(url: str, form: Form) -> tuple:
    try:
        view = resolve(urlsplit(url).path).view_name
    except Resolver404:
        view = url
    # An admin's add page and change page (and a past version) show one form: sent once.
    view = re.sub(r"_(add|change|simple_history)$", "", view)
    return view, form.method, frozenset(name for name, *_ in form.fields), frozenset(form.files)


def damaged_posts(form: Form):
    """(data, note): each field damaged in turn (others as shown), then all at once with each value."""
    shown = form.shown()
    kinds = {name: kind for name, kind, *_ in form.fields}  # a name shown twice (checkboxes) is sent once
    for i, (name, kind) in enumerate(kinds.items()):
        values = VALUES_OF_KIND[kind]
        yield shown | {name: values[i % len(values)]}, f"field {name}"
    for value in ALL_AT_ONCE:
        yield {name: value for name, *_ in form.fields} | dict.fromkeys(form.files, value), f"all fields {value[:20]!r}"
    for upload in form.files:
        for name, content in BAD_FILES[:4]:
            yield shown | {upload: SimpleUploadedFile(name, content)}, f"file {upload}={name[:20]}"


FORM_ROUTES = [r for r in ALL_ROUTES if _sender(r.key) is not None]


def test_every_form_answers_damaged_input_without_a_500(fuzzer):
    sent_forms: set = set()
    for route in FORM_ROUTES:
        role = _sender(route.key)
        page = URLS[route.key](fuzzer.world)
        for form in _forms_of(fuzzer, role, page):
            url = _target(form, page)
            key = url and _form_key(url, form)
            if url is None or key in sent_forms:
                continue
            sent_forms.add(key)
            for data, note in damaged_posts(form):
                if form.method == "get":
                    data = {k: v for k, v in data.items() if isinstance(v, str | list)}
                fuzzer.send(role, form.method if form.method == "get" else "post", url, data, note=note)
    assert len(sent_forms) > 50, sorted(sent_forms)
    print(f"{len(sent_forms)} forms, {fuzzer.sent} requests")
    fuzzer.check()
