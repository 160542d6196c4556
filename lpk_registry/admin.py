"""Admin of the LPK registry: institutions and their documents, supervision, the report review queue.

Statuses change only through actions and buttons that call the services; a report's lines are
what the institution sent and are never edited here.
"""

import datetime
import os

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from disnaker.admin import can_reveal_personal_data
from disnaker.admin_actions import ServiceAction, ServiceActionsMixin, failure_text
from disnaker.admin_site import (
    DisnakerModelAdmin,
    HistoryAdmin,
    IdsCheckedAutocompleteMixin,
    QueueStatusFilter,
    ReadOnlyAdminMixin,
    YearFilter,
    related_count,
)
from disnaker.formkit import DocumentField
from disnaker.nik import mask_nik
from disnaker.readaudit import PersonalDataAdmin
from disnaker.storage import file_download

from . import compliance, reminders, services
from .models import (
    Accreditation,
    GraduateReport,
    Institution,
    Licence,
    Operator,
    ReminderSent,
    ReportEvent,
    ReportGraduate,
    ReportProgrammeLine,
    ReportStatus,
    SupervisionActivity,
    SupervisionParticipation,
)

SOON_DAYS = 90  # "expires soon": the first reminder goes out this many days before


# --- Shared pieces ---------------------------------------------------------------------------


def _short(day: datetime.date | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else "—"


def expiry_badge(valid_until: datetime.date | None, *, revoked: bool = False, today=None) -> str:
    """A coloured label: valid (beyond 90 days), expiring within 90 days, expired, revoked or none."""
    if valid_until is None:
        return format_html('<span class="lpk-badge lpk-badge-none">{}</span>', gettext("none"))
    days = (valid_until - (today or timezone.localdate())).days
    if revoked:
        css, text = "expired", gettext("revoked")
    elif days < 0:
        css, text = "expired", gettext("expired %(date)s") % {"date": _short(valid_until)}
    elif days <= SOON_DAYS:
        css, text = "soon", ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
    else:
        css, text = "ok", gettext("until %(date)s") % {"date": _short(valid_until)}
    title = gettext("valid until %(date)s") % {"date": _short(valid_until)}
    return format_html('<span class="lpk-badge lpk-badge-{}" title="{}">{}</span>', css, title, text)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


class ExpiryFilter(admin.SimpleListFilter):
    """Documents (or institutions, by their current document) by how soon they expire."""

    title = _("expiry")
    parameter_name = "expiry"
    date_field = "valid_until"
    revoked_q = None  # rows whose document is revoked are neither valid nor expiring
    offer_none = False

    def lookups(self, request, model_admin):
        choices = [
            ("soon", _("Expires within 90 days")),
            ("expired", _("Expired")),
            ("valid", _("Valid for more than 90 days")),
        ]
        if self.offer_none:
            choices.append(("none", _("None on record")))
        return choices

    def queryset(self, request, queryset):
        today = timezone.localdate()
        field = self.date_field
        conditions = {
            "soon": Q(**{f"{field}__gte": today, f"{field}__lte": today + datetime.timedelta(days=SOON_DAYS)}),
            "expired": Q(**{f"{field}__lt": today}),
            "valid": Q(**{f"{field}__gt": today + datetime.timedelta(days=SOON_DAYS)}),
            "none": Q(**{f"{field}__isnull": True}),
        }
        condition = conditions.get(self.value())
        if condition is None:
            return queryset
        if self.revoked_q is not None and self.value() in ("soon", "valid"):
            condition &= ~self.revoked_q
        return queryset.filter(condition)


class ChangeRequiredMixin:
    def _require_change(self, request, obj=None) -> None:
        if not self.has_change_permission(request, obj):
            raise PermissionDenied


# --- Institutions ---------------------------------------------------------------------------


def _latest(model):
    return model.objects.filter(institution=OuterRef("pk")).order_by("-valid_until", "-pk")


class LicenceExpiryFilter(ExpiryFilter):
    title = _("licence")
    parameter_name = "licence"
    date_field = "licence_until"
    revoked_q = Q(licence_status=Licence.Status.REVOKED)
    offer_none = True


class AccreditationExpiryFilter(ExpiryFilter):
    title = _("accreditation")
    parameter_name = "accreditation"
    date_field = "accreditation_until"
    offer_none = True


class LastQuarterReportFilter(admin.SimpleListFilter):
    """Whether the report of the quarter that ended last has come in (submitted or accepted)."""

    parameter_name = "last_quarter"

    def __init__(self, request, params, model, model_admin):
        self.quarter = compliance.last_finished_quarter()
        self.title = gettext("report for %(quarter)s") % {"quarter": compliance.quarter_label(self.quarter)}
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return (("missing", _("No report submitted")), ("submitted", _("Submitted")))

    def queryset(self, request, queryset):
        missing = compliance.missing_report(quarter=self.quarter).values("pk")
        if self.value() == "missing":
            return queryset.filter(pk__in=missing)
        if self.value() == "submitted":
            year, quarter = self.quarter
            return queryset.filter(
                reports__year=year, reports__quarter=quarter, reports__status__in=compliance.SUBMITTED_STATUSES
            )
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("reports overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", _("A report is overdue")),)

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=compliance.overdue().values("pk"))
        return queryset


class LicenceForm(forms.ModelForm):
    """The licence scan is checked like every uploaded document: it cannot carry code."""

    document = DocumentField(label=_("licence document"), required=False, help_text=_("PDF, JPG or PNG, at most 2 MB."))

    class Meta:
        model = Licence
        fields = ("institution", "number", "issued_on", "valid_until", "status", "document")


def licence_document_link(licence: Licence):
    """A link to download the stored scan (private files have no public URL), or a dash."""
    if not licence.pk or not licence.document:
        return "-"
    url = reverse("admin:lpk_registry_licence_document", args=[licence.pk])
    return format_html('<a href="{}">{}</a>', url, gettext("Download"))


class LicenceInline(admin.TabularInline):
    model = Licence
    form = LicenceForm
    fields = ("number", "issued_on", "valid_until", "status", "document", "stored_document")
    readonly_fields = ("stored_document",)
    extra = 0
    show_change_link = True

    @admin.display(description=_("stored document"))
    def stored_document(self, obj):
        return licence_document_link(obj)


class AccreditationInline(admin.TabularInline):
    model = Accreditation
    fields = ("body", "result", "certificate_number", "valid_from", "valid_until")
    extra = 0


class OperatorInline(admin.TabularInline):
    """Operators are added by invitation (the action) and deactivated on the operator page."""

    model = Operator
    fields = ("email", "is_active", "invited_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("e-mail"))
    def email(self, obj):
        return obj.user.email

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InviteOperatorForm(forms.Form):
    email = forms.EmailField(
        label=_("Operator's e-mail"),
        help_text=_("An account is made for this address and a link to set the password is e-mailed to it."),
    )


@admin.register(Institution)
class InstitutionAdmin(ServiceActionsMixin, ChangeRequiredMixin, HistoryAdmin, DisnakerModelAdmin):
    list_display = ("name_nib", "kelurahan_name", "status", "licence", "accreditation", "compliance_rate")
    list_select_related = ("kelurahan",)
    search_fields = ("name", "=nib", "head_name", "email")
    list_filter = (
        "status",
        "legal_form",
        ("kelurahan__kecamatan", admin.RelatedOnlyFieldListFilter),
        LicenceExpiryFilter,
        AccreditationExpiryFilter,
        LastQuarterReportFilter,
        OverdueFilter,
    )
    autocomplete_fields = ("kelurahan",)
    readonly_fields = ("created_at",)
    fieldsets = (
        (None, {"fields": ("name", "nib", "legal_form", "status", "head_name", "created_at")}),
        (_("Address and contact"), {"fields": ("address", "kelurahan", "phone", "email")}),
        (_("Training"), {"fields": ("vocations", "instructors_count")}),
    )
    inlines = [LicenceInline, AccreditationInline, OperatorInline]
    actions = ("invite_operator",)

    def get_queryset(self, request):
        licence, accreditation = _latest(Licence), _latest(Accreditation)
        return (
            super()
            .get_queryset(request)
            .annotate(
                licence_until=Subquery(licence.values("valid_until")[:1]),
                licence_status=Subquery(licence.values("status")[:1]),
                accreditation_until=Subquery(accreditation.values("valid_until")[:1]),
                accreditation_result=Subquery(accreditation.values("result")[:1]),
            )
        )

    def get_changelist_instance(self, request):
        """The page's compliance figures in two queries, whatever the number of rows."""
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)
        figures = compliance.institution_compliance([row.pk for row in rows])
        for row in rows:
            row.compliance = figures.get(row.pk)
        return changelist

    @admin.display(description=_("name / NIB"), ordering="name")
    def name_nib(self, obj):
        # The NIB under the name, so the row fits beside the filters on an office screen.
        return format_html('{}<br><span class="quiet">{}</span>', obj.name, obj.nib)

    @admin.display(description=_("kelurahan"), ordering="kelurahan__name")
    def kelurahan_name(self, obj):
        return obj.kelurahan.name if obj.kelurahan else "—"

    @admin.display(description=_("licence"), ordering="licence_until")
    def licence(self, obj):
        return expiry_badge(obj.licence_until, revoked=obj.licence_status == Licence.Status.REVOKED)

    @admin.display(description=_("accreditation"), ordering="accreditation_until")
    def accreditation(self, obj):
        if obj.accreditation_until is None:
            return expiry_badge(None)
        return format_html("{} {}", obj.accreditation_result, expiry_badge(obj.accreditation_until))

    @admin.display(description=_("reporting"))
    def compliance_rate(self, obj):
        figures = getattr(obj, "compliance", None)
        if figures is None or not figures.due:
            return "—"
        title = gettext("%(submitted)d of %(due)d reports due in the last four quarters submitted") % {
            "submitted": figures.submitted,
            "due": figures.due,
        }
        return format_html(
            '<span class="lpk-nowrap" title="{}">{} <span class="quiet">({}/{})</span></span>',
            title,
            _percent(figures.rate),
            figures.submitted,
            figures.due,
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("compliance/", view(self.compliance_view), name="lpk_registry_institution_compliance"),
            path(
                "<path:object_id>/invite-operator/",
                view(self.invite_operator_view),
                name="lpk_registry_institution_invite",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id.isdigit() and self.has_change_permission(request):
            extra_context["invite_url"] = reverse("admin:lpk_registry_institution_invite", args=[object_id])
        return super().change_view(request, object_id, form_url, extra_context)

    # -- operators

    @admin.action(description=_("Invite an operator (asks for the e-mail)…"), permissions=["change"])
    def invite_operator(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Choose exactly one institution to invite an operator."), messages.WARNING
            )
            return None
        return redirect("admin:lpk_registry_institution_invite", queryset.get().pk)

    def invite_operator_view(self, request, object_id):
        institution = get_object_or_404(Institution, pk=object_id)
        self._require_change(request, institution)
        form = InviteOperatorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                operator = services.operator_invite(
                    institution=institution, email=form.cleaned_data["email"], actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error if set(getattr(error, "error_dict", ())) <= {"email"} else error.messages)
            else:
                message = gettext("%(email)s is an operator of %(institution)s; the invitation is being e-mailed.")
                self.message_user(
                    request, message % {"email": operator.user.email, "institution": institution}, messages.SUCCESS
                )
                return redirect("admin:lpk_registry_institution_change", institution.pk)
        context = self.admin_site.each_context(request) | {
            "title": gettext("Invite an operator"),
            "subtitle": str(institution),
            "opts": self.opts,
            "original": institution,
            "form": form,
            "operators": institution.operators.select_related("user"),
        }
        return TemplateResponse(request, "admin/lpk_registry/institution/invite_operator.html", context)

    # -- compliance page

    def compliance_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        quarters = compliance.due_quarters(today=today)
        institutions = Institution.objects.filter(status__in=compliance.OBLIGED_STATUSES).select_related("kelurahan")
        figures = compliance.institution_compliance(institutions, quarters=quarters, today=today)
        rows = sorted(
            ((institution, figures[institution.pk]) for institution in institutions),
            key=lambda row: (row[1].rate is None, row[1].rate or 0, row[0].name),
        )
        page = Paginator(rows, 100).get_page(request.GET.get("p"))
        due = sum(f.due for f in figures.values())
        submitted = sum(f.submitted for f in figures.values())
        on_time = sum(f.on_time for f in figures.values())
        context = self.admin_site.each_context(request) | {
            "title": gettext("Report compliance"),
            "opts": self.opts,
            "quarters": [{"label": compliance.quarter_label(q), "due": compliance.due_date(q)} for q in quarters],
            "page": page,
            "rows": [(institution, figures, _percent(figures.rate)) for institution, figures in page],
            "totals": {
                "due": due,
                "submitted": submitted,
                "on_time": on_time,
                "rate": _percent(submitted / due if due else None),
            },
            "overdue_url": reverse("admin:lpk_registry_institution_changelist") + "?overdue=yes",
        }
        return TemplateResponse(request, "admin/lpk_registry/institution/compliance.html", context)


# --- Licences and accreditations ------------------------------------------------------------


class LicenceOwnExpiryFilter(ExpiryFilter):
    revoked_q = Q(status=Licence.Status.REVOKED)


@admin.register(Licence)
class LicenceAdmin(HistoryAdmin, DisnakerModelAdmin):
    list_display = ("number", "institution", "issued_on", "valid_until", "expiry", "status")
    list_select_related = ("institution",)
    search_fields = ("number", "institution__name", "=institution__nib")
    list_filter = (LicenceOwnExpiryFilter, "status")
    autocomplete_fields = ("institution",)
    ordering = ("valid_until",)
    form = LicenceForm
    readonly_fields = ("stored_document",)

    @admin.display(description=_("expiry"), ordering="valid_until")
    def expiry(self, obj):
        return expiry_badge(obj.valid_until, revoked=obj.status == Licence.Status.REVOKED)

    @admin.display(description=_("stored document"))
    def stored_document(self, obj):
        return licence_document_link(obj)

    def get_urls(self):
        document = self.admin_site.admin_view(self.document_view)
        return [
            path("<int:pk>/dokumen/", document, name="lpk_registry_licence_document"),
            *super().get_urls(),
        ]

    def document_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        licence = get_object_or_404(Licence, pk=pk)
        extension = os.path.splitext(licence.document.name)[1].lower() if licence.document else ""
        return file_download(licence.document, filename=f"izin-lpk-{licence.pk}{extension}")


@admin.register(Accreditation)
class AccreditationAdmin(HistoryAdmin, DisnakerModelAdmin):
    list_display = ("institution", "body", "result", "certificate_number", "valid_from", "valid_until", "expiry")
    list_select_related = ("institution",)
    search_fields = ("institution__name", "=institution__nib", "certificate_number", "result")
    list_filter = (ExpiryFilter, "body", "result")
    autocomplete_fields = ("institution",)
    ordering = ("valid_until",)

    @admin.display(description=_("expiry"), ordering="valid_until")
    def expiry(self, obj):
        return expiry_badge(obj.valid_until)


# --- Operators ------------------------------------------------------------------------------


@admin.register(Operator)
class OperatorAdmin(ServiceActionsMixin, HistoryAdmin, DisnakerModelAdmin):
    """Operators come from invitations; here they are looked up and deactivated."""

    list_display = ("email", "institution", "is_active", "invited_at", "invited_by")
    list_select_related = ("user", "institution", "invited_by")
    search_fields = ("user__email", "user__username", "institution__name")
    list_filter = ("is_active", "invited_at")
    fields = ("user", "institution", "is_active", "invited_by", "invited_at")
    readonly_fields = fields
    actions = ("deactivate",)

    @admin.display(description=_("e-mail"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    def has_add_permission(self, request):
        return False  # through "invite an operator" on the institution

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate: who reported what stays known

    deactivate = ServiceAction(
        label=_("Deactivate: they can no longer use the LPK portal"),
        service=lambda operator, actor: services.operator_deactivate(operator=operator, actor=actor),
        rows=lambda operators: operators.filter(is_active=True).select_related("user", "institution"),
        done=_("%(count)d operators deactivated."),
    )


# --- Supervision ----------------------------------------------------------------------------


class ParticipationInline(IdsCheckedAutocompleteMixin, admin.TabularInline):
    model = SupervisionParticipation
    fields = ("institution", "headcount")
    autocomplete_fields = ("institution",)
    extra = 0


@admin.register(SupervisionActivity)
class SupervisionActivityAdmin(HistoryAdmin, DisnakerModelAdmin):
    list_display = ("date", "title", "kind", "location", "institution_count", "participants")
    list_select_related = ()
    search_fields = ("title", "location", "notes")
    list_filter = ("kind", "date")
    date_hierarchy = "date"
    fields = ("date", "title", "kind", "location", "notes", "participants_summary")
    readonly_fields = ("participants_summary",)
    inlines = [ParticipationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_institutions=related_count(SupervisionParticipation, "activity"),
                n_participants=related_count(SupervisionParticipation, "activity", total=Sum("headcount")),
            )
        )

    @admin.display(description=_("institutions"), ordering="n_institutions")
    def institution_count(self, obj):
        return obj.n_institutions

    @admin.display(description=_("participants"), ordering="n_participants")
    def participants(self, obj):
        return obj.n_participants or 0

    @admin.display(description=_("participants in all"))
    def participants_summary(self, obj):
        if not obj.pk:
            return "—"
        return ngettext(
            "%(people)d participants from %(count)d institution",
            "%(people)d participants from %(count)d institutions",
            obj.n_institutions,
        ) % {"people": obj.n_participants or 0, "count": obj.n_institutions}


# --- Graduate reports: the review queue ---------------------------------------------------------


class ReviewStatusFilter(QueueStatusFilter):
    """Submitted reports by default: the queue waiting for a reviewer."""

    status_choices = ReportStatus.choices
    default = ReportStatus.SUBMITTED


def _due_passed() -> Q:
    """Reports whose due date has passed (their quarter is at or before the last such quarter)."""
    year, quarter = compliance.due_quarters(count=1)[0]
    return Q(year__lt=year) | Q(year=year, quarter__lte=quarter)


class OverdueReportFilter(admin.SimpleListFilter):
    title = _("due date")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return (("overdue", _("Overdue (not submitted, due date passed)")),)

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(_due_passed(), status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED))
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProgrammeLineInline(ReadOnlyInline):
    model = ReportProgrammeLine
    fields = (
        "programme", "vocation", "enrolled_male", "enrolled_female", "graduates_male", "graduates_female",
    )  # fmt: skip
    readonly_fields = fields


class GraduateInline(ReadOnlyInline):
    model = ReportGraduate
    fields = ("name", "nik", "sex", "programme", "certified", "certificate_number", "status", "company")
    readonly_fields = (*fields, "nik_masked")

    @admin.display(description=_("NIK"))
    def nik_masked(self, obj):
        return mask_nik(obj.nik)

    def get_fields(self, request, obj=None):
        if can_reveal_personal_data(request.user):
            return self.fields
        return [("nik_masked" if f == "nik" else f) for f in self.fields]


class EventInline(ReadOnlyInline):
    model = ReportEvent
    verbose_name_plural = _("review trail")
    fields = ("at", "action", "actor_name", "comment", "graduates_count")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("by"))
    def actor_name(self, obj):
        if obj.actor is None:
            return "—"
        return obj.actor.get_full_name() or obj.actor.get_username()


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What must the institution correct?"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("The operators see this comment on the report and correct it before sending it again."),
    )


def _graduates_count():
    counts = ReportGraduate.objects.filter(report=OuterRef("pk")).order_by().values("report").annotate(n=Count("pk"))
    return Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), 0)


@admin.register(GraduateReport)
class GraduateReportAdmin(
    PersonalDataAdmin, ServiceActionsMixin, ChangeRequiredMixin, HistoryAdmin, DisnakerModelAdmin
):
    personal_changelist = False  # the list shows institutions; the change page lists the graduates

    def people_on_change_page(self, obj):
        return list(obj.graduates.values_list("person_id", flat=True))

    list_display = (
        "institution_name", "period", "status", "submitted_at", "due", "on_time", "graduates_count",
    )  # fmt: skip
    list_select_related = ("institution",)
    search_fields = ("institution__name", "=institution__nib")
    list_filter = (ReviewStatusFilter, OverdueReportFilter, ("year", YearFilter), "quarter")
    autocomplete_fields = ("institution",)
    ordering = (F("submitted_at").asc(nulls_last=True), "pk")  # first come, first reviewed
    fieldsets = (
        (None, {"fields": ("institution", "period", "status", "due", "totals")}),
        (_("Submission"), {"fields": ("submitted_at", "submitted_by", "on_time")}),
        (_("Review"), {"fields": ("reviewed_at", "reviewed_by", "review_comment")}),
    )
    readonly_fields = (
        "institution", "period", "status", "due", "totals", "submitted_at", "submitted_by", "on_time",
        "reviewed_at", "reviewed_by", "review_comment",
    )  # fmt: skip
    inlines = [ProgrammeLineInline, GraduateInline, EventInline]
    actions = ("accept_reports", "return_reports")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(first_at=compliance.first_submitted_at(), n_graduates=_graduates_count())
        )

    def has_add_permission(self, request):
        return False  # institutions report through the LPK portal

    def has_delete_permission(self, request, obj=None):
        return False  # a report and its review trail are records

    # -- columns

    @admin.display(description=_("institution"), ordering="institution__name")
    def institution_name(self, obj):
        return obj.institution.name

    @admin.display(description=_("period"), ordering="year")
    def period(self, obj):
        return obj.period_label

    @admin.display(description=_("due date"))
    def due(self, obj):
        return _short(obj.due_date)

    @admin.display(description=_("on time"), boolean=True)
    def on_time(self, obj):
        first = getattr(obj, "first_at", None) or obj.submitted_at
        if first is None:
            return None
        return timezone.localdate(first) <= obj.due_date

    @admin.display(description=_("graduates"), ordering="n_graduates")
    def graduates_count(self, obj):
        return obj.n_graduates

    @admin.display(description=_("content"))
    def totals(self, obj):
        lines = list(obj.programme_lines.all())
        text = ngettext(
            "%(count)d programme: %(enrolled)d enrolled, %(graduates)d graduated",
            "%(count)d programmes: %(enrolled)d enrolled, %(graduates)d graduated",
            len(lines),
        ) % {
            "count": len(lines),
            "enrolled": sum(line.enrolled for line in lines),
            "graduates": sum(line.graduates for line in lines),
        }
        listed = gettext("%(count)d graduates listed by name") % {"count": obj.n_graduates}
        return f"{text}; {listed}"

    # -- the change page: read-only, with the review buttons

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        extra_context = (extra_context or {}) | {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        if report and report.status == ReportStatus.SUBMITTED and self.has_change_permission(request, report):
            extra_context |= {
                "accept_url": reverse("admin:lpk_registry_graduatereport_accept", args=[report.pk]),
                "return_url": reverse("admin:lpk_registry_graduatereport_return", args=[report.pk]),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/accept/", view(self.accept_view), name="lpk_registry_graduatereport_accept"),
            path("<path:object_id>/return/", view(self.return_view), name="lpk_registry_graduatereport_return"),
            *super().get_urls(),
        ]

    def _get_report(self, request, object_id) -> GraduateReport:
        report = get_object_or_404(GraduateReport.objects.select_related("institution"), pk=object_id)
        self._require_change(request, report)
        return report

    def accept_view(self, request, object_id):
        return require_POST(self._accept)(request, object_id)

    def _accept(self, request, object_id):
        report = self._get_report(request, object_id)
        try:
            services.report_accept(report=report, actor=request.user)
        except ValidationError as error:
            self.message_user(request, failure_text(report, error), messages.ERROR)
            return redirect("admin:lpk_registry_graduatereport_change", report.pk)
        self.message_user(request, gettext("%(report)s accepted.") % {"report": report}, messages.SUCCESS)
        return redirect("admin:lpk_registry_graduatereport_changelist")

    def return_view(self, request, object_id):
        report = self._get_report(request, object_id)
        form = ReturnForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.report_return(report=report, comment=form.cleaned_data["comment"], actor=request.user)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                message = gettext("%(report)s returned to the institution for revision.") % {"report": report}
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:lpk_registry_graduatereport_changelist")
        return self._return_page(request, [report], form, single=True)

    def _return_page(self, request, reports, form, *, single: bool):
        context = self.admin_site.each_context(request) | {
            "title": gettext("Return for revision"),
            "opts": self.opts,
            "reports": reports,
            "form": form,
            "single": single,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/lpk_registry/graduatereport/return.html", context)

    # -- actions

    accept_reports = ServiceAction(
        label=_("Accept the selected submitted reports"),
        service=lambda report, actor: services.report_accept(report=report, actor=actor),
        rows=lambda reports: reports.select_related("institution"),
        done=_("%(count)d reports accepted."),
    )
    return_reports = ServiceAction(
        label=_("Return for revision (asks for a comment)…"),
        service=lambda report, actor, comment: services.report_return(report=report, comment=comment, actor=actor),
        rows=lambda reports: reports.select_related("institution"),
        form=ReturnForm,
        page=lambda model_admin, request, action, rows, form: model_admin._return_page(
            request, list(rows), form, single=False
        ),
        done=_("%(count)d reports returned for revision."),
    )


@admin.register(ReportGraduate)
class ReportGraduateAdmin(PersonalDataAdmin, DisnakerModelAdmin):
    """The graduates reported by the LPKs, read-only; found by exact NIK by staff who may see it."""

    list_display = ("name", "nik", "sex", "programme", "certified", "status", "company", "institution", "period")
    list_select_related = ("report__institution",)
    search_fields = ("name", "=nik", "report__institution__name", "company")
    list_filter = ("status", "certified", "sex", ("report__year", YearFilter), "report__quarter")
    fields = (
        "report", "name", "nik", "sex", "programme", "certified", "certificate_number", "status", "company",
    )  # fmt: skip
    readonly_fields = (*fields, "nik_masked", "person")

    @admin.display(description=_("NIK"))
    def nik_masked(self, obj):
        return mask_nik(obj.nik)

    @admin.display(description=_("institution"), ordering="report__institution__name")
    def institution(self, obj):
        return obj.report.institution.name

    @admin.display(description=_("period"), ordering="report__year")
    def period(self, obj):
        url = reverse("admin:lpk_registry_graduatereport_change", args=[obj.report_id])
        return format_html('<a href="{}">{}</a>', url, obj.report.period_label)

    def _masked(self, request, names) -> list:
        if can_reveal_personal_data(request.user):
            return list(names)
        return [("nik_masked" if name == "nik" else name) for name in names]

    def get_list_display(self, request):
        return self._masked(request, self.list_display)

    def get_fields(self, request, obj=None):
        return self._masked(request, self.fields)

    def get_search_fields(self, request):
        if can_reveal_personal_data(request.user):
            return self.search_fields
        return tuple(f for f in self.search_fields if f != "=nik")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # what the institution reported stays as reported

    def has_delete_permission(self, request, obj=None):
        return False


# --- Reminders ---------------------------------------------------------------------------------

REMINDER_KINDS = {
    "licence": _("Licence expiry"),
    "accreditation": _("Accreditation expiry"),
    "report_due": _("Report due"),
    "report_overdue": _("Report overdue"),
}


class SentAtFilter(admin.DateFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = gettext("sent at")  # the model field has no translated name


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdminMixin, DisnakerModelAdmin):
    """What the daily reminder job sent, and above the list what it will send next."""

    list_display = ("sent", "reminder_kind", "reminder_key")
    list_select_related = ()
    search_fields = ("key",)
    list_filter = (("sent_at", SentAtFilter),)
    ordering = ("-sent_at",)
    fields = ("sent", "reminder_kind", "reminder_key")
    readonly_fields = fields

    @admin.display(description=_("sent at"), ordering="sent_at")
    def sent(self, obj):
        return obj.sent_at

    @admin.display(description=_("key"), ordering="key")
    def reminder_key(self, obj):
        return obj.key

    @admin.display(description=_("reminder"))
    def reminder_kind(self, obj):
        return REMINDER_KINDS.get(obj.key.split(":", 1)[0], "—")

    # A national database has thousands of reminders due at once (every LPK late with a report):
    # the table shows the first ones and how many more there are. Working them out takes a while
    # there, so the table is kept a minute in the cache; a reminder sent starts a new one at once.
    PENDING_SHOWN = 100
    PENDING_TIMEOUT = 60

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, (extra_context or {}) | self.pending_panel())

    def pending_panel(self) -> dict:
        today = timezone.localdate()
        last_sent = ReminderSent.objects.order_by("-pk").values_list("pk", flat=True).first()
        key = f"lpk-reminders-pending:{today.isoformat()}:{last_sent}:{get_language()}"
        panel = cache.get(key)
        if panel is None:
            due = reminders.pending_reminders(today=today)
            shown = [
                {
                    "kind": str(REMINDER_KINDS[r.kind]),
                    "institution": r.institution.name,
                    "detail": _reminder_detail(r),
                    "recipients": r.recipients,
                    "url": reverse("admin:lpk_registry_institution_change", args=[r.institution.pk]),
                }
                for r in reminders.with_recipients(due[: self.PENDING_SHOWN])
            ]
            panel = {
                "pending": shown,
                "pending_more": max(len(due) - self.PENDING_SHOWN, 0),
                "pending_at": timezone.now(),
            }
            cache.set(key, panel, self.PENDING_TIMEOUT)
        return panel


def _reminder_detail(reminder) -> str:
    if reminder.kind in ("licence", "accreditation"):
        document = reminder.context["document"]
        return gettext("valid until %(date)s (%(days)d days left)") % {
            "date": _short(document.valid_until),
            "days": reminder.context["days_left"],
        }
    return gettext("%(quarter)s, due %(date)s") % {
        "quarter": reminder.context["quarter"],
        "date": _short(reminder.context["due_date"]),
    }
