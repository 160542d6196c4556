"""Placements uploaded as a spreadsheet by a company's HR: template, upload, preview, confirm.

The steps are the spreadsheet kit's (``disnaker.spreadsheets.flow``): a file without problems waits
in private storage, the session holding its name, the company and the vacancy chosen with it.
Nothing is reported before the HR user confirms the preview; then every row is reported at once,
or none.
"""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from disnaker.nik import mask_nik
from disnaker.spreadsheets import UploadSteps, errors_context, template_response

from . import services
from .access import company_user_required, get_company, vacancies_for_company, verified_company_required
from .forms_company import PlacementUploadForm, check_start_date
from .models import VacancyStatus, WageBand, WorkType
from .placement_import import PENDING, build_template, parse_placement_file

PREVIEW_ROWS = 50
STEPS = UploadSteps(
    steps=(
        gettext_lazy(
            "Download the template and fill in the sheet “Penempatan”, one row per worker. The sheet “Petunjuk” "
            "explains each column. Delete the grey example row."
        ),
        gettext_lazy(
            "Type each NIK in full, 16 digits, in the NIK column (it is formatted as text; a NIK typed as a number "
            "loses its last digit in Excel)."
        ),
        gettext_lazy(
            "Jenis Kelamin: L or P. Tanggal Mulai: DD-MM-YYYY. Jenis Kontrak: PKWT, PKWTT, harian, paruh waktu or "
            "magang. Kisaran Upah: <2, 2-4, 4-6 or >6 (million rupiah), or empty."
        ),
        gettext_lazy(
            "Upload the file. We check every row and show you what would be reported before anything is saved."
        ),
    ),
    csv_note=gettext_lazy("A CSV file (separated by commas or semicolons) with the same columns is accepted too."),
)


def _parse(uploaded_file):
    return parse_placement_file(uploaded_file, check_start_date=check_start_date)


@never_cache
@company_user_required
@require_GET
def template_download(request):
    return template_response(build_template(), "templat-laporan-penempatan.xlsx")


@never_cache
@company_user_required
@verified_company_required
@require_http_methods(["GET", "POST"])
def upload(request):
    form = PlacementUploadForm(request.POST or None, request.FILES or None, company=get_company(request))
    result = _parse(form.cleaned_data["file"]) if request.method == "POST" and form.is_valid() else None
    if result is not None and result.ok:
        vacancy = form.cleaned_data["vacancy"] and form.cleaned_data["vacancy"].pk
        PENDING.keep(request, form.cleaned_data["file"], company=get_company(request).pk, vacancy=vacancy)
        return redirect("placement:company_placement_upload_preview")
    context = {"form": form, "result": result, "upload_steps": STEPS}
    context |= errors_context(result.errors) if result else {}
    return render(request, "placement/company/placement_upload.html", context)


def _pending_vacancy(request):
    """The vacancy chosen with the upload (None: none was); refused once it is no longer open."""
    pk = PENDING.value(request, "vacancy")
    if pk is None:
        return None
    vacancy = vacancies_for_company(request).exclude(status=VacancyStatus.CLOSED).filter(pk=pk).first()
    if vacancy is None:
        raise ValidationError(_("The vacancy chosen with the upload is no longer open. Upload the file again."))
    return vacancy


def _refused(request, error: ValidationError):
    PENDING.forget(request)
    for message in error.messages:
        messages.error(request, _("Nothing has been reported. %(problem)s") % {"problem": message})
    return redirect("placement:company_placement_upload")


@never_cache
@company_user_required
@verified_company_required
@require_GET
def upload_preview(request):
    company = get_company(request)
    result = PENDING.result(request, _parse, company=company.pk)
    if result is None:
        return redirect("placement:company_placement_upload")
    try:
        vacancy = _pending_vacancy(request)
    except ValidationError as error:
        return _refused(request, error)
    by_contract = Counter(row.contract_type for row in result.rows)
    context = {
        "company": company,
        "vacancy": vacancy,
        "count": len(result.rows),
        "by_contract": [(label, by_contract[value]) for value, label in WorkType.choices if by_contract[value]],
        "rows": [
            {
                "row": row,
                "nik": mask_nik(row.nik),
                "contract": WorkType(row.contract_type).label,
                "wage": WageBand(row.wage_band).label if row.wage_band else "",
            }
            for row in result.rows[:PREVIEW_ROWS]
        ],  # fmt: skip
        "more_rows": max(0, len(result.rows) - PREVIEW_ROWS),
    }
    return render(request, "placement/company/placement_upload_preview.html", context)


@never_cache
@company_user_required
@verified_company_required
@require_POST
def upload_confirm(request):
    company = get_company(request)
    if "cancel" in request.POST:
        PENDING.forget(request)
        messages.info(request, _("The upload was cancelled; nothing has been reported."))
        return redirect("placement:company_placements")
    result = PENDING.result(request, _parse, company=company.pk)
    if result is None:
        return redirect("placement:company_placement_upload")
    try:
        placements = services.placement_report_many(
            company=company, actor=request.user, rows=result.rows, vacancy=_pending_vacancy(request)
        )
    except ValidationError as error:
        return _refused(request, error)
    PENDING.forget(request)
    messages.success(request, _("%(count)s placements have been reported.") % {"count": number_format(len(placements))})
    return redirect("placement:company_placements")
