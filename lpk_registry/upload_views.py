"""A graduate report uploaded as a spreadsheet: template, upload, preview, confirm.

The steps are the spreadsheet kit's (``disnaker.spreadsheets.flow``): the file waits between upload
and confirmation in private storage, the session holding its name and the report's id. Confirming
reads the file again and replaces the report's content all at once, then deletes the file.
"""

from collections import Counter

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from disnaker.models import Sex
from disnaker.nik import mask_nik
from disnaker.spreadsheets import UploadSteps, errors_context, template_response

from . import services
from .access import get_report_for_operator, operator_required
from .imports import PENDING, build_template, parse_report_file
from .models import GraduateReport, GraduateStatus

SESSION_KEY = PENDING.session_key
PREVIEW_ROWS = 50
STEPS = UploadSteps(
    steps=(
        gettext_lazy(
            "Download the template and fill it in: the sheet “Program” with one row per programme, the sheet "
            "“Lulusan” with one row per graduate. Delete the grey example rows."
        ),
        gettext_lazy(
            "Type each NIK in full, 16 digits, in the NIK column (it is formatted as text; a NIK typed as a number "
            "loses its last digit in Excel)."
        ),
        gettext_lazy(
            "Status is one of: bekerja, wirausaha, belum bekerja, melanjutkan studi. Working and self-employed "
            "graduates need the company or business."
        ),
        gettext_lazy("Upload the file. We check every row and show you what would be saved before anything is saved."),
    ),
    csv_note=gettext_lazy(
        "A CSV file (separated by commas or semicolons) with the columns of the sheet “Lulusan” is accepted too; "
        "the programme lines are then counted from the graduates."
    ),
    replace_note=gettext_lazy("Saving the file replaces the programmes and graduates now in the report."),
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet file"),
        help_text=gettext_lazy("The filled-in template (.xlsx), or a CSV of the graduates. At most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


@never_cache
@operator_required
@require_GET
def template_download(request):
    return template_response(build_template(), "templat-laporan-lulusan-lpk.xlsx")


def _locked(request, report: GraduateReport):
    messages.warning(request, _("This report has been submitted and can no longer be changed."))
    PENDING.forget(request)
    return redirect("lpk_registry:report_detail", pk=report.pk)


@never_cache
@operator_required
@require_http_methods(["GET", "POST"])
def upload(request, pk):
    report = get_report_for_operator(request, pk)
    if not report.is_editable_by_operator:
        return _locked(request, report)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    result = None
    if request.method == "POST" and form.is_valid():
        result = parse_report_file(form.cleaned_data["file"])
        if result.ok:
            PENDING.keep(request, form.cleaned_data["file"], report=report.pk)
            return redirect("lpk_registry:report_upload_preview", pk=report.pk)
    context = {"report": report, "form": form, "result": result, "upload_steps": STEPS}
    if result is not None:
        context |= errors_context(result.errors)
    return render(request, "lpk_registry/upload.html", context)


def _pending(request, report: GraduateReport):
    """The report's upload waiting for confirmation, parsed again; None (and a message) if there is none."""
    return PENDING.result(request, parse_report_file, report=report.pk)


@never_cache
@operator_required
@require_GET
def upload_preview(request, pk):
    report = get_report_for_operator(request, pk)
    if not report.is_editable_by_operator:
        return _locked(request, report)
    result = _pending(request, report)
    if result is None:
        return redirect("lpk_registry:report_upload", pk=report.pk)
    return render(request, "lpk_registry/upload_preview.html", _preview_context(report, result))


def _preview_context(report: GraduateReport, result) -> dict:
    graduates = result.content.graduates
    by_status = Counter(g.status for g in graduates)
    return {
        "report": report,
        "result": result,
        "programmes": result.content.programmes,
        "graduates_count": len(graduates),
        "by_status": [(label, by_status[value]) for value, label in GraduateStatus.choices],
        "certified_count": sum(g.certified for g in graduates),
        "rows": [
            {"graduate": g, "nik": mask_nik(g.nik), "sex": Sex(g.sex).label, "status": GraduateStatus(g.status).label}
            for g in graduates[:PREVIEW_ROWS]
        ],
        "more_rows": max(0, len(graduates) - PREVIEW_ROWS),
        "current_programmes": report.programme_lines.count(),
        "current_graduates": report.graduates.count(),
    }


@never_cache
@require_POST
@operator_required
def upload_confirm(request, pk):
    report = get_report_for_operator(request, pk)
    if not report.is_editable_by_operator:
        return _locked(request, report)
    if "cancel" in request.POST:
        PENDING.forget(request)
        messages.info(request, _("The upload was cancelled; the report has not changed."))
        return redirect("lpk_registry:report_detail", pk=report.pk)
    result = _pending(request, report)
    if result is None:
        return redirect("lpk_registry:report_upload", pk=report.pk)
    try:
        services.report_replace_content(report=report, content=result.content, actor=request.user)
    except ValidationError as error:
        PENDING.forget(request)
        for message in error.messages:
            messages.error(request, message)
        return redirect("lpk_registry:report_upload", pk=report.pk)
    PENDING.forget(request)
    messages.success(
        request,
        _("Saved from the file: %(programmes)s programmes and %(graduates)s graduates.")
        % {
            "programmes": number_format(len(result.content.programmes)),
            "graduates": number_format(len(result.content.graduates)),
        },
    )
    return redirect("lpk_registry:report_detail", pk=report.pk)
