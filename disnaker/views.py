from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import exports, personal_data, services
from .access import job_seeker_required
from .forms import ClaimCodeForm, ClaimKtpForm, ProfileForm, SignupForm, SignupResendForm, add_service_errors
from .models import NikClaim
from .portals import latest_claim, person_of
from .ratelimit import limit_posts
from .readaudit import accesses_for_person
from .reports import small_cells, summary_csv, summary_indicators, summary_tables
from .selectors import latest_published_summary, published_periods, published_summary


@require_GET
def home(request):
    return render(request, "disnaker/home.html")


def bad_request(request, exception=None):
    """``handler400``: what was sent cannot be read (e.g. a link damaged when it was copied)."""
    return render(request, "400.html", status=400)


@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


# --- The job seeker's account -----------------------------------------------------------------
# Personal data never goes into a URL: every page here works on the logged-in user's own person.


@never_cache
@limit_posts(group="signup", rate_setting="RATELIMIT_SIGNUP", keys=("ip",))
@require_http_methods(["GET", "POST"])
def account_signup(request):
    """Every valid sign-up gets the same answer, whether its NIK or e-mail is known or not: what
    differs is only the e-mail sent to the address, which its owner alone reads."""
    if request.user.is_authenticated:
        return redirect("account_home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind, user = services.account_signup(**form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error, aliases={"username": "email"})
        else:
            services.account_signup_notify(kind=kind, user=user, email=form.cleaned_data["email"])
            return redirect("account_signup_sent")
    return render(request, "disnaker/account/signup.html", {"form": form})


@never_cache
@limit_posts(group="signup-resend", rate_setting="RATELIMIT_SIGNUP_RESEND", keys=("ip",))
@require_http_methods(["GET", "POST"])
def account_signup_sent(request):
    """ "Check your e-mail", with a form to have the link sent again (same answer for any address)."""
    form = SignupResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_signup_resend(email=form.cleaned_data["email"])
        messages.success(
            request, _("If an account at this address is waiting for confirmation, we sent the link again.")
        )
        return redirect("account_signup_sent")
    return render(request, "disnaker/account/signup_sent.html", {"form": form})


@never_cache
@limit_posts(group="signup-confirm", rate_setting="RATELIMIT_SET_PASSWORD", keys=("ip",))
@require_http_methods(["GET", "POST"])
def account_confirm(request, uidb64: str, token: str):
    """The link of the confirmation e-mail. Opening it only shows a button: a mail scanner that
    follows links confirms nothing and gets no session."""
    user = _signup_user(uidb64, token)
    if user is None:
        return render(request, "disnaker/account/confirm.html", {"valid": False}, status=400)
    if request.method == "POST":
        claim = services.account_confirm(user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if claim is None:
            messages.success(request, _("Your e-mail address is confirmed and your account has been created."))
        return redirect("account_home")
    return render(request, "disnaker/account/confirm.html", {"valid": True})


def _signup_user(uidb64: str, token: str):
    """The unconfirmed account the link names, when its token is valid; else None."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = get_user_model()._default_manager.get(pk=pk, is_active=False, pending_signup__isnull=False)
    except (TypeError, ValueError, OverflowError, ObjectDoesNotExist, UnicodeDecodeError):
        return None
    return user if services.signup_token.check_token(user, token) else None


@job_seeker_required
@require_GET
def account_home(request):
    return _account_home(request)


def _account_home(request, *, code_form=None, ktp_form=None, status=200):
    person = person_of(request.user)
    claim = None if person else latest_claim(request.user)
    context = {
        "person": person,
        "claim": claim,
        "code_form": code_form or ClaimCodeForm(),
        "ktp_form": ktp_form or ClaimKtpForm(),
    }
    return render(request, "disnaker/account/home.html", context, status=status)


def _open_claim(request) -> NikClaim:
    """The account's claim that waits for proof; 404 for anyone else (there is nothing to prove)."""
    claim = latest_claim(request.user)
    if claim is None or claim.status != NikClaim.Status.OPEN:
        raise Http404
    return claim


limit_claim_posts = limit_posts(group="claim", rate_setting="RATELIMIT_CLAIM_CODE", keys=("user", "ip"))


@job_seeker_required
@limit_claim_posts
@require_POST
def account_claim_send_code(request):
    services.nik_claim_send_code(claim=_open_claim(request))
    messages.info(
        request,
        _(
            "If your record at the office holds an e-mail address, we sent a 6-digit code to it. "
            "No code? Upload your KTP instead."
        ),
    )
    return redirect("account_home")


def _claim_proof_step(request, form, field: str, prove, done: str):
    """One way of proving the open claim: the form, then the service; its errors beside the field."""
    claim = _open_claim(request)
    if form.is_valid():
        try:
            prove(claim, form.cleaned_data[field])
        except ValidationError as error:
            add_service_errors(form, error, non_field=field)
        else:
            messages.success(request, done)
            return redirect("account_home")
    return _account_home(request, **{f"{field}_form": form}, status=400)


@job_seeker_required
@limit_claim_posts
@require_POST
def account_claim_check_code(request):
    return _claim_proof_step(
        request,
        ClaimCodeForm(request.POST),
        "code",
        lambda claim, code: services.nik_claim_check_code(claim=claim, code=code),
        _("Your account is now linked to your record."),
    )


@job_seeker_required
@limit_claim_posts
@require_POST
def account_claim_ktp(request):
    return _claim_proof_step(
        request,
        ClaimKtpForm(request.POST, request.FILES),
        "ktp",
        lambda claim, document: services.nik_claim_attach_ktp(claim=claim, document=document),
        _("Your KTP has been sent. Staff will compare it with the record."),
    )


@job_seeker_required
@require_GET
def account_data_access(request):
    """ "Riwayat akses data": who at the office looked at the person's data, when and from where."""
    person = person_of(request.user)
    if person is None:
        return redirect("account_home")
    accesses = accesses_for_person(person).prefetch_related("user__groups")
    page = Paginator(accesses, 50).get_page(request.GET.get("page"))
    return render(request, "disnaker/account/data_access.html", {"person": person, "page_obj": page})


@job_seeker_required
@require_GET
def account_data_download(request):
    """Everything the portal holds on the person, as JSON or (``?format=pdf``) PDF; the URL names no one."""
    person = person_of(request.user)
    if person is None:
        return redirect("account_home")
    if request.GET.get("format") == "pdf":
        content, content_type, extension = personal_data.personal_data_pdf(person), "application/pdf", "pdf"
    else:
        content, content_type, extension = personal_data.personal_data_json(person), "application/json", "json"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="data-saya-{timezone.localdate():%Y%m%d}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


@job_seeker_required
@require_http_methods(["GET", "POST"])
def account_profile(request):
    person = person_of(request.user)
    if person is None:
        return redirect("account_home")  # which explains why there is no profile yet
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("account_home")
    return render(request, "disnaker/account/profile.html", {"form": form, "person": person})


# --- Public statistics ------------------------------------------------------------------------
# Aggregates only, from published summaries: small breakdown cells are suppressed so that no total
# gives them away (disnaker.disclosure), no one is named.


@require_GET
def statistics(request, period_key: str | None = None):
    summary = published_summary(period_key) if period_key else latest_published_summary()
    context = {
        "periods": published_periods(),
        "summary": summary,
        "sections": summary_tables(summary, public=True) if summary else [],
        "indicators": summary_indicators(summary) if summary else [],
        "small_cells": small_cells(),
    }
    return render(request, "disnaker/statistics.html", context)


STATISTICS_EXPORT = exports.declare("disnaker.statistics", formats=("csv",))


@require_GET
def statistics_csv(request, period_key: str):
    summary = published_summary(period_key)
    return STATISTICS_EXPORT.download(summary_csv(summary, public=True), filename=f"statistik-{summary.period.key}")
