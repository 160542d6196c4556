from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import exports, personal_data, services
from .access import job_seeker_required
from .forms import ProfileForm, SignupForm, add_service_errors
from .portals import latest_claim, person_of
from .ratelimit import limit_posts
from .readaudit import accesses_for_person
from .reports import small_cells, summary_csv, summary_indicators, summary_tables
from .selectors import latest_published_summary, published_periods, published_summary


@require_GET
def home(request):
    return render(request, "disnaker/home.html")


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
    if request.user.is_authenticated:
        return redirect("account_home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, claim = services.account_signup(**form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error, aliases={"username": "email"})
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if claim is None:  # with a claim, the account page explains what happens next
                messages.success(request, _("Your account has been created."))
            return redirect("account_home")
    return render(request, "disnaker/account/signup.html", {"form": form})


@job_seeker_required
@require_GET
def account_home(request):
    person = person_of(request.user)
    claim = None if person else latest_claim(request.user)
    return render(request, "disnaker/account/home.html", {"person": person, "claim": claim})


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
# Aggregates only, from published summaries: small breakdown cells are suppressed, no one is named.


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
