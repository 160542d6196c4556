"""Admin of the BLK training part. Seats and statuses change only through actions calling services."""

from collections import Counter

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from disnaker.admin import can_reveal_personal_data
from disnaker.admin_actions import ServiceAction, ServiceActionsMixin, form_page
from disnaker.admin_import_export import ReferenceImportExportMixin
from disnaker.admin_site import (
    DisnakerModelAdmin,
    EstimatedCountPaginator,  # noqa: F401  (its old home: training's admin had it first)
    HistoryAdmin,
    SelectedRelatedFilter,
    YearFilter,
)
from disnaker.forms import add_service_errors
from disnaker.readaudit import PersonalDataAdmin

from . import services
from .forms_staff import BatchAdminForm, CompetencyForm, RejectForm, TracerPhoneForm
from .models import (
    Attendance,
    Batch,
    BatchStatus,
    Channel,
    Outcome,
    ParticipantCertificate,
    Programme,
    Registration,
    RegistrationStatus,
    TracerResponse,
    Vocation,
)
from .resources import VocationResource


class BatchCodeFilter(SelectedRelatedFilter):
    """Filter by batch, by code: the batches open or running now, and the one chosen.

    A national database has 10,000 batches; any other batch is reached from its own page.
    """

    RECENT = 30

    def label_queryset(self, queryset):
        return queryset.only("pk", "code")

    def label(self, obj) -> str:
        return obj.code  # str(batch) would load each programme

    def recent_choices(self, related_manager, request):
        current = related_manager.filter(status__in=(BatchStatus.PUBLISHED, BatchStatus.RUNNING))
        return current.order_by("-start_date", "code").only("pk", "code")[: self.RECENT]


def _changelist_url(model: str, **params) -> str:
    return f"{reverse(f'admin:training_{model}_changelist')}?{urlencode(params)}"


# --- Vocations and programmes -------------------------------------------------------------------


@admin.register(Vocation)
class VocationAdmin(ReferenceImportExportMixin, HistoryAdmin, DisnakerModelAdmin):
    resource_classes = [VocationResource]
    list_display = ("name", "code", "programme_count")
    list_select_related = ()
    search_fields = ("name", "code")
    list_filter = ()
    prepopulated_fields = {"code": ("name",)}

    def get_queryset(self, request):
        # A grouped query drops Meta.ordering: the autocomplete's pages need it back.
        return super().get_queryset(request).annotate(programme_count=Count("programmes")).order_by("name")

    @admin.display(description=_("programmes"), ordering="programme_count")
    def programme_count(self, obj):
        return obj.programme_count


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdmin, DisnakerModelAdmin):
    list_display = ("name", "vocation", "competency_scheme", "hours", "days", "age_range", "min_education", "is_active")
    list_select_related = ("vocation", "min_education")
    search_fields = ("name", "competency_scheme", "vocation__name")
    list_filter = ("is_active", "vocation", "domicile_rule")
    autocomplete_fields = ("vocation",)
    fieldsets = (
        (None, {"fields": ("vocation", "name", "description", "is_active")}),
        (_("Competency"), {"fields": ("competency_scheme", "competency_units", "hours", "days")}),
        (_("Requirements"), {"fields": ("min_age", "max_age", "min_education", "domicile_rule")}),
    )

    @admin.display(description=_("age"))
    def age_range(self, obj):
        return f"{obj.min_age}–{obj.max_age}" if obj.max_age else f"≥ {obj.min_age}"


# --- Batches ----------------------------------------------------------------------------------

# Registration statuses counted per batch on the changelist (one annotated query for the page).
COUNTED_STATUSES = (
    RegistrationStatus.REGISTERED,
    RegistrationStatus.VERIFIED,
    RegistrationStatus.ACCEPTED,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.RESERVE,
    RegistrationStatus.REJECTED,
)
COUNT_LABELS = {
    RegistrationStatus.REGISTERED: _("new"),
    RegistrationStatus.VERIFIED: _("verified"),
    RegistrationStatus.ACCEPTED: _("accepted"),
    RegistrationStatus.CONFIRMED: _("confirmed"),
    RegistrationStatus.RESERVE: _("reserve"),
    RegistrationStatus.REJECTED: _("rejected"),
    Outcome.GRADUATED: _("graduated"),
}


@admin.register(Batch)
class BatchAdmin(ServiceActionsMixin, HistoryAdmin, DisnakerModelAdmin):
    form = BatchAdminForm
    list_display = (
        "code", "programme_name", "dates", "funding_code", "seats", "status", "registration_summary",
    )  # fmt: skip
    list_select_related = ("programme",)
    search_fields = ("code", "programme__name", "venue")
    list_filter = ("status", "funding", "venue_type", "programme__vocation", "start_date")
    autocomplete_fields = ("programme",)
    date_hierarchy = "start_date"
    readonly_fields = ("seats_taken", "seats_left_display", "registration_counts", "staff_links")
    actions = ("run_selection", "promote_reserves", "complete_training")
    fieldsets = (
        (None, {"fields": ("programme", "code", "phase", "status", "selection_method", "funding")}),
        (_("Registrations"), {"fields": ("registration_counts", "staff_links")}),
        (_("Dates"), {"fields": (("registration_opens", "registration_closes"), ("start_date", "end_date"))}),
        (_("Venue"), {"fields": ("venue_type", "venue", "instructors", "is_accessible", "accessibility_notes")}),
        (
            _("Seats"),
            {"fields": ("quota", "reserve_seats", "seats_taken", "seats_left_display", "confirm_days")},
        ),
        (_("Completion"), {"fields": ("min_attendance_percent",)}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # nothing to count on a new batch
            return [
                (name, options) for name, options in self.fieldsets if "registration_counts" not in options["fields"]
            ]
        return self.fieldsets

    def get_changelist_instance(self, request):
        """The page's registration counts in one grouped query (annotating would count for every batch)."""
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)
        counts = {f"n_{status}": Count("pk", filter=Q(status=status)) for status in COUNTED_STATUSES}
        counts["n_graduated"] = Count("pk", filter=Q(outcome=Outcome.GRADUATED))
        by_batch = {
            row.pop("batch"): row
            for row in Registration.objects.filter(batch__in=[b.pk for b in rows])
            .order_by()
            .values("batch")
            .annotate(**counts)
        }
        empty = dict.fromkeys(counts, 0)
        for batch in rows:
            for name, value in by_batch.get(batch.pk, empty).items():
                setattr(batch, name, value)
        return changelist

    @admin.display(description=_("programme"), ordering="programme__name")
    def programme_name(self, obj):
        return obj.programme.name  # a method, so long names wrap (the admin keeps FK columns on one line)

    @admin.display(description=_("dates"), ordering="start_date")
    def dates(self, obj):
        return f"{date_format(obj.start_date, 'SHORT_DATE_FORMAT')} – {date_format(obj.end_date, 'SHORT_DATE_FORMAT')}"

    @admin.display(description=_("funding"), ordering="funding")
    def funding_code(self, obj):
        return format_html('<span title="{}">{}</span>', obj.get_funding_display(), obj.funding.upper())

    @admin.display(description=_("seats"), ordering="seats_taken")
    def seats(self, obj):
        left = gettext("%(left)d left") % {"left": obj.seats_left}
        return format_html('{}&nbsp;/&nbsp;{}<br><span class="quiet">{}</span>', obj.seats_taken, obj.quota, left)

    @admin.display(description=_("registrations"))
    def registration_summary(self, obj):
        """The statuses that have registrations, each linked to the filtered registration list."""
        parts = [
            (
                _changelist_url("registration", batch__id__exact=obj.pk, status__exact=status),
                count,
                COUNT_LABELS[status],
            )
            for status in COUNTED_STATUSES
            if (count := getattr(obj, f"n_{status}"))
        ]
        if obj.n_graduated:
            url = _changelist_url("registration", batch__id__exact=obj.pk, outcome__exact=Outcome.GRADUATED)
            parts.append((url, obj.n_graduated, COUNT_LABELS[Outcome.GRADUATED]))
        if not parts:
            return "—"
        return format_html_join(" · ", '<a href="{}">{}&nbsp;{}</a>', parts)

    @admin.display(description=_("seats left"))
    def seats_left_display(self, obj):
        return obj.seats_left if obj.pk else "—"  # an unsaved batch has no quota yet

    @admin.display(description=_("registrations by status"))
    def registration_counts(self, obj):
        if not obj.pk:
            return "—"
        counts = dict(obj.registrations.values_list("status").annotate(n=Count("pk")).order_by())
        graduated = obj.registrations.filter(outcome=Outcome.GRADUATED).count()
        rows = [
            (label, _changelist_url("registration", batch__id__exact=obj.pk, status__exact=value), counts.get(value, 0))
            for value, label in RegistrationStatus.choices
        ]
        rows.append(
            (
                gettext("Graduated"),
                _changelist_url("registration", batch__id__exact=obj.pk, outcome__exact=Outcome.GRADUATED),
                graduated,
            )
        )
        body = format_html_join("", '<tr><th scope="row">{}</th><td><a href="{}">{}</a></td></tr>', rows)
        total_url = _changelist_url("registration", batch__id__exact=obj.pk)
        return format_html(
            '<table class="registration-counts">{}<tr><th scope="row">{}</th><td><a href="{}">{}</a></td></tr></table>',
            body,
            gettext("All registrations"),
            total_url,
            sum(counts.values()),
        )

    @admin.display(description=_("staff pages"))
    def staff_links(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}?batch={}">{}</a>',
            reverse("training:staff_attendance", args=[obj.pk]),
            gettext("Attendance"),
            reverse("training:staff_walk_in"),
            obj.pk,
            gettext("Walk-in registration"),
        )

    def save_model(self, request, obj, form, change):
        if change:
            # seats_taken is changed only by the seat services under the row lock: never write back
            # the value this form read, which may be stale by now.
            fields = [f.name for f in Batch._meta.concrete_fields if not f.primary_key and f.name != "seats_taken"]
            obj.save(update_fields=fields)
        else:
            obj.save()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = (extra_context or {}) | {
            "attendance_url": reverse("training:staff_attendance", args=[object_id]) if object_id.isdigit() else "",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    run_selection = ServiceAction(
        label=_("Run selection: accept the top scores, then reserves, reject the rest"),
        service=lambda batch, actor: services.batch_select(batch=batch, actor=actor),
        done=lambda results: (
            gettext(
                "Selection done: %(accepted)d accepted, %(reserve)d on the reserve list, %(rejected)d not accepted."
            )
            % _totals(results, "accepted", "reserve", "rejected")
        ),
    )
    promote_reserves = ServiceAction(
        label=_("Fill free seats: expire unconfirmed places, promote reserves"),
        service=lambda batch, actor: services.batch_promote_reserves(batch=batch, actor=actor),
        done=lambda results: (
            gettext("%(expired)d places expired unconfirmed, %(promoted)d reserves promoted.")
            % _totals(results, "expired", "promoted")
        ),
    )
    complete_training = ServiceAction(
        label=_("Complete training: graduate by attendance"),
        service=lambda batch, actor: _complete(batch, actor),
        done=lambda results: (
            gettext("Training completed: %(graduated)d graduated, %(dropped)d dropped out.")
            % _totals(results, graduated=Outcome.GRADUATED, dropped=Outcome.DROPPED_OUT)
        ),
    )


def _totals(results, *keys, **renamed) -> dict:
    """The services' tallies added up, under the names the message uses."""
    total = sum((Counter(result) for result in results), Counter())
    return {key: total[key] for key in keys} | {name: total[key] for name, key in renamed.items()}


def _complete(batch: Batch, actor):
    if batch.end_date > timezone.localdate():
        # Completing early would count the days still to come as absences.
        raise ValidationError(
            gettext("It ends on %(day)s: complete it after the last day.")
            % {"day": batch.end_date.strftime("%d-%m-%Y")}
        )
    return services.batch_complete(batch=batch, actor=actor)


# --- Registrations ----------------------------------------------------------------------------


def _score(score) -> str:
    if score is None:
        return "—"
    return number_format(score.to_integral_value() if score == score.to_integral_value() else score)


def _person_columns(reveal: bool) -> tuple[str, ...]:
    return ("person_name", "person_nik" if reveal else "person_nik_masked")


def _with_person_and_batch(registrations):
    return registrations.select_related("person", "batch")


def _in_score_order(registrations):
    return _with_person_and_batch(registrations).order_by(
        F("test_score").desc(nulls_last=True), F("interview_score").desc(nulls_last=True), "created_at"
    )


def _outcome_action(outcome: str, *, label, done) -> ServiceAction:
    return ServiceAction(
        label=label,
        service=lambda registration, actor: services.registration_set_outcome(
            registration=registration, outcome=outcome, actor=actor
        ),
        rows=_with_person_and_batch,
        done=done,
    )


@admin.register(Registration)
class RegistrationAdmin(PersonalDataAdmin, ServiceActionsMixin, HistoryAdmin, DisnakerModelAdmin):
    list_display = (
        "person_name", "person_nik", "batch_code", "status_rank", "scores", "outcome_display", "certificate_link",
    )  # fmt: skip
    list_select_related = ("person", "batch", "certificate")
    search_fields = ("person__name", "=person__nik", "batch__code")
    list_filter = ("status", "outcome", "channel", "batch__programme__vocation", ("batch", BatchCodeFilter))
    autocomplete_fields = ("person", "batch")
    # What the change page shows read-only (per user, see get_readonly_fields): statuses and seats
    # change only through the actions; the scores are the only editable fields.
    readonly_fields = (
        "person_display", "person_display_full", "batch", "channel", "status", "reserve_rank", "reason",
        "confirm_by", "decided_at", "confirmed_at", "total_score_display", "documents", "outcome",
        "completed_at", "competency", "certificate_detail", "created_by", "created_at",
    )  # fmt: skip
    actions = (
        "verify_documents", "accept_by_score", "reject", "mark_graduated", "mark_dropped_out",
        "issue_certificate", "regenerate_certificate",
    )  # fmt: skip
    editable_fields = ("test_score", "interview_score")

    # -- columns

    @admin.display(description=_("name"), ordering="person__name")
    def person_name(self, obj):
        return obj.person.name

    @admin.display(description=_("NIK"))
    def person_nik(self, obj):
        return obj.person.nik

    @admin.display(description=_("NIK"))
    def person_nik_masked(self, obj):
        return obj.person.nik_masked

    @admin.display(description=_("batch"), ordering="batch__code")
    def batch_code(self, obj):
        return obj.batch.code

    @admin.display(description=_("total score"))
    def total_score_display(self, obj):
        return "—" if obj.total_score is None else _score(obj.total_score)

    @admin.display(description=_("status"), ordering="status")
    def status_rank(self, obj):
        """The status, the rank of a reserve, and "walk-in" for those registered at the office."""
        status = obj.get_status_display()
        if obj.status == RegistrationStatus.RESERVE:
            status = f"{status} #{obj.reserve_rank}"
        if obj.channel == Channel.WALK_IN:
            return format_html('{}<br><span class="quiet">{}</span>', status, gettext("walk-in"))
        return status

    @admin.display(description=_("scores (test / interview)"), ordering=F("test_score").desc(nulls_last=True))
    def scores(self, obj):
        if obj.total_score is None:
            return "—"
        return " / ".join(_score(score) for score in (obj.test_score, obj.interview_score))

    @admin.display(description=_("outcome"), ordering="outcome")
    def outcome_display(self, obj):
        parts = [obj.get_outcome_display(), obj.get_competency_result_display()]
        return " · ".join(p for p in parts if p) or "—"

    @admin.display(description=_("certificate"))
    def certificate_link(self, obj):
        certificate = getattr(obj, "certificate", None)
        if certificate is None:
            return "—"
        if not certificate.pdf:
            return format_html('<span title="{}">{}</span>', certificate.number, gettext("being prepared"))
        url = reverse("training:staff_certificate", args=[certificate.pk])
        return format_html('<a href="{}" title="{}">PDF</a>', url, certificate.number)

    @admin.display(description=_("certificate"))
    def certificate_detail(self, obj):
        certificate = getattr(obj, "certificate", None)
        if certificate is None:
            return "—"
        return format_html("{} ({})", certificate.number, self.certificate_link(obj))

    @admin.display(description=_("person"))
    def person_display(self, obj):
        url = reverse("admin:disnaker_person_change", args=[obj.person_id])
        return format_html('<a href="{}">{}</a> ({})', url, obj.person.name, obj.person.nik_masked)

    @admin.display(description=_("person"))
    def person_display_full(self, obj):
        url = reverse("admin:disnaker_person_change", args=[obj.person_id])
        return format_html('<a href="{}">{}</a> ({})', url, obj.person.name, obj.person.nik)

    @admin.display(description=_("documents"))
    def documents(self, obj):
        links = [
            (reverse("training:staff_document", args=[obj.pk, kind]), label)
            for kind, label, file in (
                ("ktp", gettext("KTP (scan)"), obj.ktp_document),
                ("diploma", gettext("Latest diploma"), obj.diploma_document),
            )
            if file
        ]
        if not links:
            return gettext("No documents uploaded.")
        return format_html_join(" · ", '<a href="{}" target="_blank" rel="noopener">{}</a>', links)

    @admin.display(description=_("competency test"))
    def competency(self, obj):
        if not obj.competency_result:
            return "—"
        text = obj.get_competency_result_display()
        if obj.competency_tested_on:
            text += f", {date_format(obj.competency_tested_on, 'SHORT_DATE_FORMAT')}"
        if obj.certification_id:
            certification = obj.certification
            text += f" — {certification.scheme} ({certification.number}, {certification.issuer})"
        return text

    # -- per user: personal data only for those who may see it

    def get_list_display(self, request):
        reveal = can_reveal_personal_data(request.user)
        return (*_person_columns(reveal), *self.list_display[2:])

    def get_search_fields(self, request):
        if can_reveal_personal_data(request.user):
            return self.search_fields
        return ("person__name", "batch__code")

    def get_fieldsets(self, request, obj=None):
        reveal = can_reveal_personal_data(request.user)
        main = ("person_display_full" if reveal else "person_display", "batch", "channel", "status", "reserve_rank")
        fieldsets = [
            (None, {"fields": main}),
            (_("Decision"), {"fields": ("reason", "confirm_by", "decided_at", "confirmed_at")}),
            (_("Scores"), {"fields": ("test_score", "interview_score", "total_score_display")}),
            (_("After the training"), {"fields": ("outcome", "completed_at", "competency", "certificate_detail")}),
            (_("Entry"), {"fields": ("created_by", "created_at")}),
        ]
        if reveal:
            fieldsets.insert(1, (_("Documents"), {"fields": ("documents",)}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        shown = [field for _name, options in self.get_fieldsets(request, obj) for field in options["fields"]]
        return [field for field in shown if field not in self.editable_fields]

    def has_add_permission(self, request):
        # Registrations are made by the applicant or at the walk-in page, which check eligibility and seats.
        return False

    def has_delete_permission(self, request, obj=None):
        # A deleted registration would leave its seat counted: withdraw or reject it instead.
        return False

    def history_view(self, request, object_id, extra_context=None):
        if not can_reveal_personal_data(request.user):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        services.registration_score(
            registration=obj,
            test_score=form.cleaned_data.get("test_score"),
            interview_score=form.cleaned_data.get("interview_score"),
            actor=request.user,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        registration = self.get_object(request, object_id)
        if registration and registration.outcome == Outcome.GRADUATED and self.has_change_permission(request):
            extra_context["competency_url"] = reverse("admin:training_registration_competency", args=[object_id])
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/competency/",
                self.admin_site.admin_view(self.competency_view),
                name="training_registration_competency",
            )
        ]
        return urls + super().get_urls()

    def competency_view(self, request, object_id):
        registration = get_object_or_404(
            self.get_queryset(request).select_related("person", "batch__programme", "certification"), pk=object_id
        )
        if not self.has_change_permission(request, registration):
            raise PermissionDenied
        initial = {
            "result": registration.competency_result,
            "tested_on": registration.competency_tested_on,
        }
        if registration.certification_id:
            certification = registration.certification
            initial |= {
                "certificate_number": certification.number,
                "issuer": certification.issuer,
                "issued_on": certification.issued_on,
                "valid_until": certification.valid_until,
            }
        form = CompetencyForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.competency_record(
                    registration=registration, result=data["result"], tested_on=data["tested_on"],
                    certificate_number=data["certificate_number"], issuer=data["issuer"],
                    issued_on=data["issued_on"], valid_until=data["valid_until"], actor=request.user,
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, _competency_error(error))
            else:
                self.message_user(request, gettext("The competency test result is saved."), messages.SUCCESS)
                return redirect("admin:training_registration_change", registration.pk)
        context = self.admin_site.each_context(request) | {
            "title": gettext("Competency test"),
            "subtitle": str(registration),
            "opts": self.opts,
            "original": registration,
            "form": form,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/training/registration/competency.html", context)

    # -- actions

    verify_documents = ServiceAction(
        label=_("Verify documents"),
        service=lambda registration, actor: services.registration_verify(registration=registration, actor=actor),
        rows=_with_person_and_batch,
        done=_("%(count)d registrations verified."),
    )
    accept_by_score = ServiceAction(
        label=_("Accept in score order (reserve list when the quota is full)"),
        service=lambda registration, actor: services.registration_accept(registration=registration, actor=actor),
        rows=_in_score_order,
        done=lambda results: (
            gettext("%(accepted)d accepted, %(reserve)d put on the reserve list.")
            % {
                "accepted": sum(r.status == RegistrationStatus.ACCEPTED for r in results),
                "reserve": sum(r.status == RegistrationStatus.RESERVE for r in results),
            }
        ),
    )
    reject = ServiceAction(
        label=_("Reject (asks for the reason)…"),
        service=lambda registration, actor, reason: services.registration_reject(
            registration=registration, reason=reason, actor=actor
        ),
        rows=_with_person_and_batch,
        form=RejectForm,
        page=form_page("admin/training/registration/reject.html", title=_("Reject registrations")),
        done=_("%(count)d registrations rejected."),
    )
    mark_graduated = _outcome_action(
        Outcome.GRADUATED, label=_("Mark as graduated"), done=_("%(count)d participants marked graduated.")
    )
    mark_dropped_out = _outcome_action(
        Outcome.DROPPED_OUT, label=_("Mark as dropped out"), done=_("%(count)d participants marked dropped out.")
    )
    issue_certificate = ServiceAction(
        label=_("Issue the participant certificate"),
        service=lambda registration, actor: services.certificate_issue(registration=registration),
        rows=_with_person_and_batch,
        done=_("%(count)d certificates issued; their PDFs are being prepared."),
    )
    regenerate_certificate = ServiceAction(
        label=_("Regenerate the certificate PDF"),
        service=lambda certificate, actor: services.certificate_render_later(certificate),
        rows=lambda registrations: ParticipantCertificate.objects.filter(registration__in=registrations),
        done=_("%(count)d certificate PDFs are being regenerated."),
    )


def _competency_error(error: ValidationError) -> ValidationError:
    """The certificate's own fields (``number``) are named differently in the form."""
    if not hasattr(error, "error_dict"):
        return error
    names = {"number": "certificate_number", "scheme": None, "person": None}
    mapped = {}
    for field, errors in error.error_dict.items():
        mapped.setdefault(names.get(field, field), []).extend(errors)
    return ValidationError(mapped)


# --- Attendance, certificates, tracer -----------------------------------------------------------


class RegistrationColumns:
    """Columns naming the participant of a row that belongs to a registration."""

    @admin.display(description=_("name"), ordering="registration__person__name")
    def person_name(self, obj):
        return obj.registration.person.name

    @admin.display(description=_("batch"), ordering="registration__batch__code")
    def batch_code(self, obj):
        return obj.registration.batch.code


@admin.register(Attendance)
class AttendanceAdmin(RegistrationColumns, HistoryAdmin, DisnakerModelAdmin):
    """Read-mostly: attendance is taken on the attendance page; here a day can be corrected."""

    list_display = ("person_name", "batch_code", "day", "present", "recorded_by", "recorded_at")
    list_select_related = ("registration__person", "registration__batch", "recorded_by")
    search_fields = ("registration__person__name", "registration__batch__code")
    list_filter = ("present", ("registration__batch", BatchCodeFilter), "day", ("day", YearFilter))
    raw_id_fields = ("registration",)
    fields = ("registration", "day", "present", "recorded_by", "recorded_at")
    readonly_fields = ("registration", "day", "recorded_by", "recorded_at")

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        obj.save(update_fields=["present", "recorded_by", "recorded_at"])


class AnsweredFilter(admin.SimpleListFilter):
    title = _("answered")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(answered_at__isnull=self.value() == "no")
        return queryset


@admin.register(ParticipantCertificate)
class ParticipantCertificateAdmin(ServiceActionsMixin, RegistrationColumns, HistoryAdmin, DisnakerModelAdmin):
    list_display = ("number", "person_name", "batch_code", "issued_on", "generated_at", "download")
    list_select_related = ("registration__person", "registration__batch")
    search_fields = ("number", "registration__person__name", "registration__batch__code")
    list_filter = ("issued_on", ("issued_on", YearFilter), "registration__batch__programme__vocation")
    raw_id_fields = ("registration",)
    fields = ("number", "registration", "issued_on", "code", "generated_at", "download")
    readonly_fields = fields
    actions = ("regenerate",)

    @admin.display(description=_("PDF"))
    def download(self, obj):
        if not obj.pdf:
            return gettext("being prepared")
        return format_html(
            '<a href="{}">{}</a>', reverse("training:staff_certificate", args=[obj.pk]), gettext("Download")
        )

    def has_add_permission(self, request):
        return False  # issued from the registrations, to graduates only

    def has_delete_permission(self, request, obj=None):
        return False  # an issued certificate stays verifiable

    regenerate = ServiceAction(
        label=_("Regenerate the PDF"),
        service=lambda certificate, actor: services.certificate_render_later(certificate),
        done=_("%(count)d certificate PDFs are being regenerated."),
    )


@admin.register(TracerResponse)
class TracerResponseAdmin(RegistrationColumns, HistoryAdmin, DisnakerModelAdmin):
    """Staff enter the answers of an alumnus reached by phone; saving records them as a phone answer."""

    form = TracerPhoneForm
    list_display = (
        "person_name", "batch_code", "months_after", "requested_at", "answered_at", "channel", "status",
        "company", "wage_band", "relevance",
    )  # fmt: skip
    list_select_related = ("registration__person", "registration__batch")
    search_fields = ("registration__person__name", "=registration__person__nik", "company")
    list_filter = ("months_after", AnsweredFilter, "status", "channel", "registration__batch__programme__vocation")
    raw_id_fields = ("registration",)
    fieldsets = (
        (None, {"fields": ("registration", "months_after", "requested_at", "answered_at", "channel", "entered_by")}),
        (_("Answer"), {"fields": ("status", "company", "position", "wage_band", "relevance")}),
    )
    readonly_fields = ("registration", "months_after", "requested_at", "answered_at", "channel", "entered_by")

    def has_add_permission(self, request):
        return False  # opened by the tracer task at +3/+6/+12 months

    def get_search_fields(self, request):
        if can_reveal_personal_data(request.user):
            return self.search_fields
        return ("registration__person__name", "company")

    def save_model(self, request, obj, form, change):
        services.tracer_answer(response=obj, data=form.cleaned_data, channel="phone", actor=request.user)
