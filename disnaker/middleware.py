import re
import time
from urllib.parse import unquote_to_bytes, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.core.exceptions import BadRequest
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import second_factor


class DefaultLanguageMiddleware(LocaleMiddleware):
    """Indonesian unless the visitor picked another language with the switcher.

    Many phones and office PCs in Indonesia run an English browser, so the browser's
    Accept-Language is not taken as a choice; only the language cookie is.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# What PostgreSQL text cannot hold: the NUL character and UTF-16 surrogates (a lone one cannot be encoded).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
ESCAPE = re.compile("%[0-9A-Fa-f]{2}")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BadInputMiddleware:
    """Answers 400 to a request whose path, query string, cookies, headers or form fields (names and values;
    never the content of an uploaded file) are not UTF-8 text that PostgreSQL can store.

    Every lookup, form and audit record behind it may then pass what it received to the database as it is:
    without this a NUL byte in ``/verifikasi/%00/`` reached a query and failed it with a 500. Comes after the
    language middleware, so the error page is in the visitor's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self._problem(request)
        if problem:
            raise BadRequest(problem)
        return self.get_response(request)

    @classmethod
    def _problem(cls, request) -> str | None:
        # Django keeps the bytes of a path that are not UTF-8 as %XX escapes; no URL of the portal holds one.
        if UNSTORABLE.search(request.path_info) or ESCAPE.search(request.path_info):
            return "path"
        if not _utf8(request.META.get("QUERY_STRING", "")):
            return "query string"
        if any(UNSTORABLE.search(k) or UNSTORABLE.search(v) for k, v in request.COOKIES.items()):
            return "cookie"
        if any(k.startswith("HTTP_") and UNSTORABLE.search(str(v)) for k, v in request.META.items()):
            return "header"
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.content_type in FORM_TYPES:
            return cls._form_problem(request)
        return None

    @staticmethod
    def _form_problem(request) -> str | None:
        # Reading POST here parses nothing twice: the CSRF check and the view reuse it.
        # (Django drops NUL from the names of uploaded files itself; their content is not text.)
        texts = [text for key, values in request.POST.lists() for text in (key, *values)]
        return "form field" if any(UNSTORABLE.search(text) for text in texts) else None


def _utf8(query: str) -> bool:
    """Whether the query string (as the WSGI server passed it: bytes read as Latin-1), its escapes decoded,
    is UTF-8 text without NUL or surrogates."""
    try:
        data = unquote_to_bytes(query.replace("+", " ").encode("latin-1"))
    except UnicodeEncodeError:  # already text (not from a WSGI server)
        return not UNSTORABLE.search(query)
    try:
        return not UNSTORABLE.search(data.decode("utf-8"))
    except UnicodeDecodeError:
        return False


class PermissionsPolicyMiddleware:
    """Every response says the portal uses no camera, microphone, location, payment or USB device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


LAST_ACTIVITY_KEY = "_staff_last_activity"
# The stamp is rewritten at most this often (seconds), so most requests do not save the session.
ACTIVITY_RESOLUTION = 60


def stamp_activity(sender, request, user, **kwargs) -> None:
    """At login (``user_logged_in``): the staff member was active now."""
    if user.is_staff and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = time.time()


class StaffIdleTimeoutMiddleware:
    """Logs staff out after ``STAFF_IDLE_TIMEOUT`` seconds without a request; job seekers, LPK operators
    and company HR keep the usual session length. Comes after the message middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            self._check(request)
        return self.get_response(request)

    @staticmethod
    def _check(request) -> None:
        now = time.time()
        last = request.session.get(LAST_ACTIVITY_KEY)
        if last is not None and now - last > settings.STAFF_IDLE_TIMEOUT:
            logout(request)
            minutes = max(settings.STAFF_IDLE_TIMEOUT // 60, 1)
            message = _("You were logged out after %(minutes)d minutes without activity.")
            messages.info(request, message % {"minutes": minutes})
        elif last is None or now - last >= ACTIVITY_RESOLUTION:
            request.session[LAST_ACTIVITY_KEY] = now


class StaffSecondFactorMiddleware:
    """Staff who can reveal personal data reach no page until their session is verified with a TOTP code
    (``disnaker.second_factor``): they are sent to enrol, or to enter the code. Comes after
    django-otp's ``OTPMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and second_factor.needs_second_factor(user)
            and not user.is_verified()
            and request.path_info not in self._open_paths()
        ):
            return self._to_second_factor(request, user)
        return self.get_response(request)

    @staticmethod
    def _open_paths() -> set[str]:
        return {reverse("otp_verify"), reverse("otp_enrol"), reverse("admin:logout"), reverse("set_language")}

    @staticmethod
    def _to_second_factor(request, user):
        name = "otp_verify" if second_factor.confirmed_device(user) else "otp_enrol"
        target = reverse(name)
        if request.method == "GET":
            target += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return HttpResponseRedirect(target)
