"""Staff pages beside the admin: walk-in registration, attendance, alumni search, private files.

Each view is for staff (``staff_member_required`` sends others to the admin login) and checks the
model permission it needs, answering 403 to a role without it: hiding a link is not access control.
"""

import datetime
import os

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from disnaker import exports, private_search, readaudit
from disnaker.admin import can_reveal_personal_data
from disnaker.forms import add_service_errors
from disnaker.idempotency import submitted_once
from disnaker.storage import file_download

from . import services
from .alumni import alumni_search as search_alumni
from .forms_staff import AlumniFilterForm, AttendanceForm, WalkInForm
from .models import Attendance, Batch, ParticipantCertificate, Registration, TracerStatus


def _require(request, *permissions: str) -> None:
    if not request.user.has_perms(permissions):
        raise PermissionDenied


def _render(request, template: str, context: dict):
    """Renders a page that looks like the admin (header, user links, sidebar)."""
    return render(request, template, admin.site.each_context(request) | context)


# --- Walk-in registration ---------------------------------------------------------------------


@staff_member_required
@permission_required(("training.add_registration", "disnaker.add_person"), raise_exception=True)
@submitted_once
def walk_in(request):
    form = WalkInForm(request.POST or None, request.FILES or None, initial={"batch": request.GET.get("batch")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.walk_in_register(
                nik=data["nik"], person_fields=form.person_data(), batch=data["batch"],
                ktp_document=data["ktp_document"], diploma_document=data["diploma_document"], actor=request.user,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered for %(batch)s (status: %(status)s).")
                % {
                    "name": registration.person.name,
                    "batch": registration.batch.code,
                    "status": registration.get_status_display(),
                },
            )
            return redirect("admin:training_registration_change", registration.pk)
    return _render(request, "training/staff/walk_in.html", {"title": _("Walk-in registration"), "form": form})


# --- Attendance -------------------------------------------------------------------------------


def _default_day(days: list[datetime.date], today: datetime.date) -> datetime.date | None:
    past = [day for day in days if day <= today]
    return past[-1] if past else (days[0] if days else None)


def _chosen_day(request, days: list[datetime.date]) -> datetime.date | None:
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = None
    return day if day in days else _default_day(days, timezone.localdate())


def _participants(batch: Batch) -> list[Registration]:
    """The confirmed participants, with the days they were present and the days recorded so far."""
    return list(
        services.participants(batch)
        .annotate(
            days_present=Count("attendance", filter=Q(attendance__present=True)),
            days_recorded=Count("attendance"),
        )
        .order_by("person__name", "pk")
    )


def _mark_participants(participants, *, batch: Batch, ticked: dict[int, bool]) -> None:
    """Sets what each row shows: ticked or not, and the attendance so far against the threshold."""
    for participant in participants:
        participant.is_present = ticked.get(participant.pk, True)  # a new day starts with everyone present
        # So far: of the days recorded; at completion every training day counts (services.batch_complete).
        recorded = participant.days_recorded
        participant.percent = round(100 * participant.days_present / recorded) if recorded else None
        participant.below_threshold = recorded > 0 and participant.percent < batch.min_attendance_percent


@staff_member_required
def attendance(request, pk: int):
    _require(request, "training.view_attendance", "training.view_registration")
    can_record = request.user.has_perms(["training.add_attendance", "training.change_attendance"])
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    batch = get_object_or_404(Batch.objects.select_related("programme"), pk=pk)
    participants = _participants(batch)
    form = AttendanceForm(request.POST or None, batch=batch, participants=participants)
    if request.method == "POST" and form.is_valid():
        day, present = form.cleaned_data["day"], set(form.cleaned_data["present"])
        recorded = services.attendance_record(batch=batch, day=day, present_ids=present, actor=request.user)
        messages.success(
            request,
            _("Attendance for %(day)s saved: %(present)d present, %(absent)d absent.")
            % {"day": day.strftime("%d-%m-%Y"), "present": len(present), "absent": recorded - len(present)},
        )
        return redirect(f"{reverse('training:staff_attendance', args=[batch.pk])}?day={day.isoformat()}")
    days = batch.training_days
    day = form.cleaned_data.get("day") if form.is_bound else None
    day = day or _chosen_day(request, days)
    recorded_rows = Attendance.objects.filter(registration__batch=batch)
    saved = dict(recorded_rows.filter(day=day).values_list("registration_id", "present"))
    if form.is_bound:  # a refused form shows the ticks as sent
        saved = {p.pk: str(p.pk) in request.POST.getlist("present") for p in participants}
    _mark_participants(participants, batch=batch, ticked=saved)
    recorded_days = set(recorded_rows.values_list("day", flat=True).distinct())
    context = {
        "title": _("Attendance"),
        "subtitle": batch.code,
        "batch": batch,
        "form": form,
        "day": day,
        "day_is_recorded": recorded_rows.filter(day=day).exists(),
        "days": [(d, d in recorded_days) for d in days],
        "participants": participants,
        "can_record": can_record,
    }
    return _render(request, "training/staff/attendance.html", context)


# --- Alumni search and export -----------------------------------------------------------------

STATUS_LABELS = dict(TracerStatus.choices)
ALUMNI_EXPORT = exports.declare("training.alumni", personal=True)


def _alumni_rows(request):
    """The filter form and the matching graduations (None while the form is invalid).

    The name or NIK searched for comes as a token when it holds a NIK (disnaker.private_search)."""
    params, kept = private_search.resolved_query(request)
    if not kept:
        messages.warning(request, _("This search is no longer kept: search again."))
    form = AlumniFilterForm(params or None)
    by_nik = can_reveal_personal_data(request.user)
    if not form.is_bound:
        return form, search_alumni(by_nik=by_nik)
    if not form.is_valid():
        return form, None
    return form, search_alumni(**form.filters(), by_nik=by_nik)


def _status_label(row) -> str:
    return STATUS_LABELS.get(row.current_status) or _("No tracer answer yet")


@never_cache  # full NIKs: a shared computer's back button must not show them
@staff_member_required
def alumni_search(request):
    _require(request, "training.view_registration")
    # The form is sent by POST and a NIK reaches the URL only as a token.
    if request.method == "POST":
        return private_search.form_redirect(request)
    if private_search.needs_redirect(request.GET.get("q", "")):
        return private_search.search_redirect(request, request.GET, request.GET["q"])
    form, rows = _alumni_rows(request)
    page = Paginator(rows if rows is not None else Registration.objects.none(), 50).get_page(request.GET.get("page"))
    for row in page:
        row.status_label = _status_label(row)
    reveal = can_reveal_personal_data(request.user)
    if reveal:
        readaudit.record_list(request, people=[row.person_id for row in page], what=_("Alumni search"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "title": _("Alumni search"),
        "form": form,
        "page": page,
        "reveal": reveal,
        "query": query.urlencode(),
    }
    return _render(request, "training/staff/alumni.html", context)


def _kelurahan(row):
    return row.person.kelurahan


# (header, value of a row, personal data shown only to staff who may see it)
ALUMNI_COLUMNS = (
    (gettext_lazy("Name"), lambda r: r.person.name, False),
    (gettext_lazy("Sex"), lambda r: r.person.get_sex_display(), False),
    (gettext_lazy("Kecamatan"), lambda r: _kelurahan(r).kecamatan.name if _kelurahan(r) else "", False),
    (gettext_lazy("Kelurahan"), lambda r: _kelurahan(r).name if _kelurahan(r) else "", False),
    (gettext_lazy("Phone"), lambda r: r.person.phone, True),
    (gettext_lazy("E-mail"), lambda r: r.person.email, True),
    (gettext_lazy("Vocation"), lambda r: r.batch.programme.vocation.name, False),
    (gettext_lazy("Programme"), lambda r: r.batch.programme.name, False),
    (gettext_lazy("Batch"), lambda r: r.batch.code, False),
    (gettext_lazy("Graduated"), lambda r: r.batch.end_date, False),
    (gettext_lazy("Certification scheme"), lambda r: r.cert_scheme, False),
    (gettext_lazy("Certificate number"), lambda r: r.cert_number, False),
    (gettext_lazy("Valid until"), lambda r: r.cert_valid_until, False),
    (gettext_lazy("Current status"), _status_label, False),
)


def _alumni_table(rows, *, reveal: bool):
    """Header and rows of the export; the NIK is masked and contacts left out unless revealed."""
    columns = [(header, value) for header, value, personal in ALUMNI_COLUMNS if reveal or not personal]
    header = [_("NIK")] + [str(h) for h, _value in columns]

    def values(row):
        nik = row.person.nik if reveal else row.person.nik_masked
        return [nik] + [value(row) for _header, value in columns]

    return header, (values(row) for row in rows.iterator(chunk_size=500))


@never_cache  # full NIKs: a shared computer's back button must not show them
@staff_member_required
def alumni_export(request):
    _require(request, "training.view_registration")
    form, rows = _alumni_rows(request)
    if rows is None:
        messages.error(request, _("Correct the filters before downloading."))
        return redirect(f"{reverse('training:staff_alumni')}?{request.GET.urlencode()}")
    header, values = _alumni_table(rows, reveal=can_reveal_personal_data(request.user))
    filename = f"alumni-{timezone.localdate():%Y%m%d}"
    return ALUMNI_EXPORT.response(
        request,
        filename=filename,
        header=header,
        rows=values,
        title=_("Alumni"),
        people=rows.values_list("person_id", flat=True),
    )


# --- Private files ----------------------------------------------------------------------------

DOCUMENT_FIELDS = {"ktp": "ktp_document", "diploma": "diploma_document"}


@staff_member_required
def document(request, pk: int, kind: str):
    _require(request, "training.view_registration")
    if not can_reveal_personal_data(request.user):
        raise PermissionDenied
    field = DOCUMENT_FIELDS.get(kind)
    if field is None:
        raise Http404
    registration = get_object_or_404(Registration, pk=pk)
    file = getattr(registration, field)
    # The name says what the file is, never whose (no NIK or name in a download).
    extension = os.path.splitext(file.name)[1].lower() if file else ""
    response = file_download(file, filename=f"{kind}-{registration.pk}{extension}")
    readaudit.record_document(request, person=registration.person_id, what=readaudit.DOCUMENT_NAMES[kind])
    return response


@staff_member_required
def certificate_download(request, pk: int):
    _require(request, "training.view_participantcertificate")
    certificate = get_object_or_404(ParticipantCertificate, pk=pk)
    return file_download(certificate.pdf, filename=f"sertifikat-{certificate.number.replace('/', '-')}.pdf")
