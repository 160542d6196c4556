"""The LPK operator portal at /lpk/: dashboard, institution profile, graduate reports.

Login, logout and the password pages come from the portal kit (``portal.py``). Every page after
the login goes through ``operator_required`` (which also sends it with ``no-store``) and reaches a report only
through ``access.get_report_for_operator`` (another institution's report answers 404).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from disnaker.forms import add_service_errors
from disnaker.idempotency import submitted_once

from . import services
from .access import get_operator, get_report_for_operator, operator_required, reports_for_operator
from .forms import ProfileForm, ReportContentForms, ReportCreateForm, last_finished_quarter
from .models import REPORT_DUE_DAYS, GraduateReport, Licence, quarter_bounds

# A licence or accreditation this close to its end gets the "expires soon" badge.
EXPIRY_WARNING_DAYS = 90

# --- Dashboard -----------------------------------------------------------------------------


def _validity(document, today: datetime.date) -> dict | None:
    """A licence or accreditation with its days left and its badge: valid, expiring, expired, revoked."""
    if document is None:
        return None
    days_left = document.days_left(today)
    if getattr(document, "status", None) == Licence.Status.REVOKED:
        state = "revoked"
    elif days_left < 0 or getattr(document, "status", None) == Licence.Status.EXPIRED:
        state = "expired"
    elif days_left <= EXPIRY_WARNING_DAYS:
        state = "expiring"
    else:
        state = "valid"
    return {"document": document, "days_left": days_left, "state": state}


def _report_due(reports: list[GraduateReport], today: datetime.date) -> dict | None:
    """The last finished quarter's report while it still has to be sent (missing, draft or returned)."""
    year, quarter = last_finished_quarter(today)
    report = next((r for r in reports if (r.year, r.quarter) == (year, quarter)), None)
    if report is not None and not report.is_editable_by_operator:
        return None
    due_date = quarter_bounds(year, quarter)[1] + datetime.timedelta(days=REPORT_DUE_DAYS)
    label = f"{year} Q{quarter}"
    return {"label": label, "report": report, "due_date": due_date, "overdue": today > due_date}


@operator_required
@require_GET
def dashboard(request):
    institution = get_operator(request).institution
    today = timezone.localdate()
    reports = list(reports_for_operator(request))
    context = {
        "institution": institution,
        "today": today,
        "licence": _validity(institution.licences.first(), today),
        "accreditation": _validity(institution.accreditations.first(), today),
        "reports": reports,
        "returned": [r for r in reports if r.status == "returned"],
        "due": _report_due(reports, today),
    }
    return render(request, "lpk_registry/dashboard.html", context)


# --- Institution profile -------------------------------------------------------------------


@operator_required
@require_http_methods(["GET", "POST"])
def profile(request):
    institution = get_operator(request).institution
    form = ProfileForm(request.POST or None, instance=institution)
    if request.method == "POST" and form.is_valid():
        form.save()  # one row of contact details; simple-history records who changed what
        messages.success(request, _("The contact details of your institution have been saved."))
        return redirect("lpk_registry:dashboard")
    return render(request, "lpk_registry/profile.html", {"form": form, "institution": institution})


# --- Reports -------------------------------------------------------------------------------


@operator_required
@require_GET
def report_list(request):
    reports = reports_for_operator(request)
    return render(request, "lpk_registry/report_list.html", {"reports": reports, "today": timezone.localdate()})


@operator_required
@require_http_methods(["GET", "POST"])
@submitted_once
def report_create(request):
    institution = get_operator(request).institution
    today = timezone.localdate()
    year, quarter = last_finished_quarter(today)
    form = ReportCreateForm(
        request.POST or None, institution=institution, today=today, initial={"year": year, "quarter": quarter}
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(institution=institution, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, non_field="quarter")
        else:
            messages.success(request, _("The report has been created. Now fill in its programmes and graduates."))
            return redirect("lpk_registry:report_edit", pk=report.pk)
    return render(request, "lpk_registry/report_create.html", {"form": form})


@operator_required
@require_GET
def report_detail(request, pk):
    report = get_report_for_operator(request, pk)
    context = {
        "report": report,
        "programme_lines": report.programme_lines.all(),
        "graduates": report.graduates.all(),
        "events": report.events.select_related("actor"),
        "today": timezone.localdate(),
    }
    return render(request, "lpk_registry/report_detail.html", context)


def _locked(request, report: GraduateReport):
    """A submitted or accepted report is read-only: say so on its page, change nothing."""
    messages.warning(request, _("This report has been submitted and can no longer be changed."))
    return redirect("lpk_registry:report_detail", pk=report.pk)


@operator_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    report = get_report_for_operator(request, pk)
    if not report.is_editable_by_operator:
        return _locked(request, report)
    forms = ReportContentForms(request.POST if request.method == "POST" else None, report=report)
    if request.method == "POST" and forms.is_valid():
        try:
            services.report_replace_content(report=report, content=forms.content(), actor=request.user)
        except ValidationError as error:
            forms.add_service_error(error)
        else:
            messages.success(request, _("The report has been saved. It is sent to the office only when you submit it."))
            if "continue" in request.POST:
                return redirect("lpk_registry:report_edit", pk=report.pk)
            return redirect("lpk_registry:report_detail", pk=report.pk)
    return render(request, "lpk_registry/report_edit.html", {"report": report, "forms": forms})


@operator_required
@require_POST
def report_submit(request, pk):
    report = get_report_for_operator(request, pk)
    try:
        services.report_submit(report=report, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The report has been sent to the office. You will see here when it is reviewed."))
    return redirect("lpk_registry:report_detail", pk=report.pk)
