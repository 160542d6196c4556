"""The company HR portal at /perusahaan/: registration, login, dashboard, vacancy, placement and layoff reports.

Every page after the login goes through ``access.company_user_required``; the pages that report
also through ``access.verified_company_required``. Objects are reached only through
``access.get_*_for_company`` (another company's object answers 404).
"""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from disnaker.forms import add_service_errors
from disnaker.idempotency import submitted_once
from disnaker.pdf import qr_svg, render_pdf
from disnaker.ratelimit import limit_posts

from . import services
from .access import (
    active_company_user,
    company_user_required,
    get_company,
    get_placement_for_company,
    get_vacancy_for_company,
    placements_for_company,
    vacancies_for_company,
    verified_company_required,
)
from .forms_company import (
    CompanyRegisterForm,
    InviteForm,
    LayoffForm,
    PlacementForm,
    VacancyForm,
    VacancyStatusForm,
)
from .notifications import absolute

RECENT_PLACEMENTS = 10

# --- Registration (login, logout and the password pages: the portal kit, see access.py) ---------------


@never_cache
@limit_posts(group="company-register", rate_setting="RATELIMIT_COMPANY_SIGNUP", keys=("ip",))
@require_http_methods(["GET", "POST"])
def company_register(request):
    if active_company_user(request.user):
        return redirect("placement:company_dashboard")
    form = CompanyRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company_user = services.company_register(**form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, company_user.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your company has been registered and is waiting for verification."))
            return redirect("placement:company_dashboard")
    return render(request, "placement/company/register.html", {"form": form})


# --- Dashboard and users ------------------------------------------------------------------------


@never_cache
@company_user_required
@require_GET
def company_dashboard(request):
    company = get_company(request)
    context = {
        "company": company,
        "vacancies": vacancies_for_company(request).exclude(status="closed")[:20],
        "placements": placements_for_company(request).select_related("vacancy")[:RECENT_PLACEMENTS],
    }
    return render(request, "placement/company/dashboard.html", context)


@company_user_required
@limit_posts(group="company-invitation", rate_setting="RATELIMIT_INVITATION", keys=("user", "ip"))
@require_http_methods(["GET", "POST"])
def company_users(request):
    company = get_company(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not company.is_verified:
            messages.warning(
                request, _("Your company is waiting for verification: you can invite colleagues once it is verified.")
            )
            return redirect("placement:company_users")
        if form.is_valid():
            try:
                services.company_user_invite(company=company, email=form.cleaned_data["email"], actor=request.user)
            except ValidationError as error:
                add_service_errors(form, error, non_field="email")
            else:
                messages.success(request, _("The invitation has been sent."))
                return redirect("placement:company_users")
    users = company.users.select_related("user").order_by("user__email")
    return render(request, "placement/company/users.html", {"company": company, "users": users, "form": form})


# --- Vacancies ----------------------------------------------------------------------------------


@never_cache
@company_user_required
@require_GET
def vacancy_list(request):
    vacancies = vacancies_for_company(request).select_related("kbji_group")
    return render(
        request, "placement/company/vacancy_list.html", {"vacancies": vacancies, "company": get_company(request)}
    )


@never_cache
@company_user_required
@verified_company_required
@require_http_methods(["GET", "POST"])
@submitted_once
def vacancy_create(request):
    form = VacancyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = services.vacancy_report(company=get_company(request), actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The vacancy has been reported. Keep its proof of reporting."))
            return redirect("placement:company_vacancy_detail", pk=vacancy.pk)
    return render(request, "placement/company/vacancy_form.html", {"form": form})


@never_cache
@company_user_required
@require_GET
def vacancy_detail(request, pk):
    vacancy = get_vacancy_for_company(request, pk)
    context = {
        "vacancy": vacancy,
        "placements": vacancy.placements.all(),
        "status_form": VacancyStatusForm(initial={"status": vacancy.status}),
        "company": vacancy.company,
    }
    return render(request, "placement/company/vacancy_detail.html", context)


@company_user_required
@verified_company_required
@require_POST
def vacancy_status(request, pk):
    vacancy = get_vacancy_for_company(request, pk)
    form = VacancyStatusForm(request.POST)
    if form.is_valid():
        try:
            services.vacancy_update_status(vacancy=vacancy, status=form.cleaned_data["status"], actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The status of the vacancy has been changed."))
    else:
        messages.error(request, _("Choose one of the statuses."))
    return redirect("placement:company_vacancy_detail", pk=vacancy.pk)


# --- Placements and layoffs ---------------------------------------------------------------------


@never_cache
@company_user_required
@require_GET
def placement_list(request):
    placements = placements_for_company(request).select_related("vacancy")
    return render(
        request, "placement/company/placement_list.html", {"placements": placements, "company": get_company(request)}
    )


@never_cache
@company_user_required
@verified_company_required
@require_http_methods(["GET", "POST"])
@submitted_once
def placement_create(request):
    company = get_company(request)
    form = PlacementForm(request.POST or None, company=company, initial={"vacancy": request.GET.get("lowongan")})
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_report(company=company, actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The placement of %(name)s has been reported.") % {"name": placement.name})
            return redirect("placement:company_placements")
    return render(request, "placement/company/placement_form.html", {"form": form})


@never_cache
@company_user_required
@verified_company_required
@require_http_methods(["GET", "POST"])
@submitted_once
def layoff_create(request):
    form = LayoffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.layoff_report(company=get_company(request), actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The layoff report has been sent to the office."))
            return redirect("placement:company_dashboard")
    return render(request, "placement/company/layoff_form.html", {"form": form})


# --- Proof of reporting -------------------------------------------------------------------------


@company_user_required
@require_GET
def proof_pdf(request, kind, pk):
    if kind == "lowongan":
        report = get_vacancy_for_company(request, pk)
    elif kind == "penempatan":
        report = get_placement_for_company(request, pk)
    else:
        raise Http404
    verify_url = absolute(reverse("placement:report_verify", kwargs={"number": report.registration_number}))
    context = {
        "kind": kind,
        "report": report,
        "company": report.company,
        "verify_url": verify_url,
        "qr_svg": qr_svg(verify_url),
        "printed_at": timezone.localtime(),
    }
    pdf = render_pdf("placement/pdf/proof.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bukti-lapor-{report.registration_number}.pdf"'
    return response
