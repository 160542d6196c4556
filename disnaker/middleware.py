import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
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
