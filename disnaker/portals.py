"""The portal kit: what the job seekers' account, the LPK operators' and the company HR portal share.

A portal is a declaration, ``Portal(...)``, in its app's ``access.py`` (who may use it), whose
``url_patterns(...)`` its ``urls.py`` includes. From it the kit builds the
login, logout, password reset and set-password pages (the link of an invitation and of a reset),
the membership check, the "no person yet" page, and puts the same protections on all of them:

- every public POST (login, password reset, set password, and the forms a portal marks with
  ``limit_posts``) is rate-limited and answered with the Indonesian 429 page past its limit;
- every page behind the membership check and every page the kit builds is sent with
  ``Cache-Control: no-store``, so the back button of a shared computer shows nothing after logout;
- the set-password link of one portal does not open for another portal's account.

The portals are collected in a registry (``registered()``), so tests cover a new portal by
construction (tests/disnaker/test_portals.py).
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_resolver, path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache

from .context_processors import office
from .models import NikClaim, Person
from .ratelimit import limit_posts

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
_REGISTRY: dict[str, "Portal"] = {}


def registered() -> list["Portal"]:
    """Every portal that serves pages: loading the URLconf imports every declaration."""
    get_resolver().url_patterns  # noqa: B018 -- imported for its side effect of declaring the portals
    return list(_REGISTRY.values())


def any_account(user):
    """The membership of a portal open to every logged-in account (the job seekers' area)."""
    return user if user.is_authenticated and user.is_active else None


def active_membership(model, user, *, related: str):
    """The user's active row of a membership ``model`` (a ``user`` and an ``is_active`` field), or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    return model.objects.select_related(related).filter(user=user, is_active=True).first()


def refused_page(model, template: str) -> Callable:
    """The 403 page of a logged-in non-member: a login page again would only loop. It says
    whether the account's membership was deactivated."""

    def refused(request):
        deactivated = model.objects.filter(user=request.user, is_active=False).exists()
        return render(request, template, {"deactivated": deactivated}, status=403)

    return refused


@dataclass(eq=False)
class Portal:
    """One portal. ``urls`` names its pages by kind: login, logout, home, password_reset,
    set_password, and optionally password_reset_done and password_reset_complete (pages of their own;
    without them the reset request goes back to the login with a message, and a new password logs in)."""

    name: str
    prefixes: tuple[str, ...]  # the paths of the portal's own pages
    member: Callable  # user -> their membership (set on the request) or None
    urls: dict[str, str]
    login_template: str
    login_form: type | str  # a class, or its dotted path when its module imports the declaration
    reset_form: type | str
    reset_template: str
    reset_email_template: str
    reset_subject_template: str
    set_password_template: str
    refused: Callable | None = None  # request -> the 403 page of a logged-in non-member
    request_attribute: str | None = None
    reset_sent_message: str | None = None
    welcome_message: str | None = None
    logout_to: str | None = None  # URL name; the login page by default
    views: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        _REGISTRY[self.name] = self
        self.views = self._build_views()

    def url(self, kind: str) -> str:
        return reverse(self.urls[kind])

    # --- The membership check ------------------------------------------------------------------

    def required(self, view):
        """Members only (anonymous visitors go to the login, others get the portal's 403 page);
        the answer is never stored by a browser or proxy."""

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), self.url("login"))
            membership = self.member(request.user)
            if membership is None:
                if self.refused is None:
                    raise PermissionDenied
                return self.refused(request)
            if self.request_attribute:
                setattr(request, self.request_attribute, membership)
            return view(request, *args, **kwargs)

        wrapper = never_cache(wrapper)
        wrapper.portal = self
        return wrapper

    def person_required(self, *, purpose: str):
        """Members with a person record only; others get the one page that says why, with their NIK
        claim's state. ``purpose`` says what the person record is needed for."""

        def decorator(view):
            @functools.wraps(view)
            def wrapper(request, *args, **kwargs):
                if person_of(request.user) is None:
                    return no_person(request, purpose=purpose)
                return view(request, *args, **kwargs)

            wrapper = self.required(wrapper)
            wrapper.person_page = True
            return wrapper

        return decorator

    # --- E-mail ----------------------------------------------------------------------------------

    def email_context(self) -> dict:
        """What a portal's e-mails say about the office and the link; the link points at
        PORTAL_BASE_URL, never at the Host header of the request that asked for it."""
        base = settings.PORTAL_BASE_URL.rstrip("/")
        expires_at = timezone.localtime() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
        return {
            **office(None),
            "office_name": settings.OFFICE_SHORT_NAME,
            "portal_base_url": base,
            "login_url": base + self.url("login"),
            "reset_url": base + self.url("password_reset"),
            "expires_at": expires_at,
        }

    # --- Pages -----------------------------------------------------------------------------------

    def _limited(self, view, kind: str, rate_setting: str):
        return limit_posts(group=f"{self.name}-{kind}", rate_setting=rate_setting, keys=("ip",))(view)

    def _build_views(self) -> dict:
        views = {
            "login": self._limited(never_cache(_LoginView.as_view(portal=self)), "login", "RATELIMIT_LOGIN"),
            "logout": auth_views.LogoutView.as_view(next_page=self.logout_to or self.urls["login"]),
            "password_reset": self._limited(
                never_cache(_PasswordResetView.as_view(portal=self)), "password-reset", "RATELIMIT_PASSWORD_RESET"
            ),
            "set_password": self._limited(
                _SetPasswordView.as_view(portal=self), "set-password", "RATELIMIT_SET_PASSWORD"
            ),
        }
        if "password_reset_done" in self.urls:
            views["password_reset_done"] = never_cache(auth_views.PasswordResetDoneView.as_view())
        if "password_reset_complete" in self.urls:
            views["password_reset_complete"] = never_cache(auth_views.PasswordResetCompleteView.as_view())
        return views

    def url_patterns(self, **routes: str) -> list:
        """The kit's pages at ``routes`` (kind -> route), named as declared in ``urls``."""
        return [
            path(route, self.views[kind], name=self.urls[kind].rpartition(":")[2]) for kind, route in routes.items()
        ]


def _resolve(form: type | str) -> type:
    return import_string(form) if isinstance(form, str) else form


class _LoginView(auth_views.LoginView):
    """Django's login (the lockout sees every attempt); a member already logged in goes home."""

    portal: Portal = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.template_name = self.portal.login_template
        self.authentication_form = _resolve(self.portal.login_form)
        self.next_page = self.portal.urls["home"]

    def get(self, request, *args, **kwargs):
        if self.portal.member(request.user):
            return HttpResponseRedirect(self.get_success_url())
        return super().get(request, *args, **kwargs)


class _PasswordResetView(auth_views.PasswordResetView):
    """Sends the link to the portal's own accounts; every address gets the same answer."""

    portal: Portal = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        portal = self.portal
        self.template_name = portal.reset_template
        self.form_class = _resolve(portal.reset_form)
        self.email_template_name = portal.reset_email_template
        self.subject_template_name = portal.reset_subject_template
        self.success_url = reverse_lazy(portal.urls.get("password_reset_done", portal.urls["login"]))

    def form_valid(self, form):
        self.extra_email_context = self.portal.email_context()
        if self.portal.reset_sent_message:
            messages.success(self.request, self.portal.reset_sent_message)
        return super().form_valid(form)


class _SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link of an invitation or a reset: choose a password. The same token generator serves
    every portal's accounts, so the link opens only for an account of this portal."""

    portal: Portal = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        portal = self.portal
        self.template_name = portal.set_password_template
        complete = portal.urls.get("password_reset_complete")
        self.post_reset_login = complete is None
        self.post_reset_login_backend = MODEL_BACKEND
        self.success_url = reverse_lazy(complete or portal.urls["home"])

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and self.portal.member(user) else None

    def form_valid(self, form):
        if self.portal.welcome_message:
            messages.success(self.request, self.portal.welcome_message)
        return super().form_valid(form)


# --- The person behind an account, and the page for an account without one ------------------------


def person_of(user) -> Person | None:
    """The person record linked to the account, or None (e.g. a NIK claim waiting for staff).

    A person found is kept on the user object (so read once per request: the access check, the view
    and ``user.person`` in a template share it), with the kelurahan and education the pages show;
    "none yet" is not kept, since a request may link one.
    """
    if not user.is_authenticated:
        return None
    relation = Person.user.field.remote_field  # user.person
    if relation.is_cached(user) and relation.get_cached_value(user) is not None:
        return relation.get_cached_value(user)
    person = Person.objects.select_related("kelurahan__kecamatan", "education").filter(user=user).first()
    if person is not None:
        relation.set_cached_value(user, person)
        Person.user.field.set_cached_value(person, user)
    return person


def latest_claim(user) -> NikClaim | None:
    return user.nik_claims.order_by("-created_at").first()


def no_person(request, *, purpose: str):
    """The page that says why a service needs the person record, and where the NIK claim stands."""
    context = {"purpose": purpose, "claim": latest_claim(request.user)}
    return render(request, "disnaker/account/no_person.html", context)
