from . import admin_ak1  # noqa: F401 - registers the AK/1 admin

# isort: split
# Admin of companies, vacancy and placement reports, apprenticeships and layoffs.
# Company decisions go through placement.services; staff see NIKs only with the reveal permission.

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from disnaker.admin import can_reveal_personal_data
from disnaker.admin_actions import ServiceAction, ServiceActionsMixin, form_page
from disnaker.admin_site import (
    DisnakerModelAdmin,
    HistoryAdmin,
    QueueStatusFilter,
    SelectedRelatedFilter,
    YearFilter,
    related_count,
)
from disnaker.nik import mask_nik
from disnaker.readaudit import PersonalDataAdmin

from . import services
from .models import Apprenticeship, Company, CompanyUser, LayoffReport, Placement, Vacancy


class ReasonForm(forms.Form):
    required_css_class = "required"
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


def _reason_action(apply, *, label, title, intro, button, done) -> ServiceAction:
    """An action that needs a reason: the form first, then ``apply(obj, actor, reason)`` for each row."""
    page = form_page("admin/placement/reason.html", title=title, intro=intro, button=button)
    return ServiceAction(label=label, service=apply, form=ReasonForm, page=page, done=done)


# --- Companies ------------------------------------------------------------------------------


class CompanyStatusFilter(QueueStatusFilter):
    """The verification queue: companies waiting for a decision by default."""

    status_choices = Company.Status.choices
    default = Company.Status.PENDING


class CompanyUserInline(admin.TabularInline):
    model = CompanyUser
    fk_name = "company"
    fields = ("user", "is_active", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Company)
class CompanyAdmin(ServiceActionsMixin, HistoryAdmin, DisnakerModelAdmin):
    list_display = ("name", "nib", "kbli_code", "kbli_section", "size", "status", "vacancy_count", "created_at")
    list_select_related = ("kbli_section",)
    search_fields = ("name", "=nib", "kbli_code", "email")
    list_filter = (CompanyStatusFilter, "kbli_section", "size")
    autocomplete_fields = ("kelurahan",)
    readonly_fields = ("status", "status_note", "verified_at", "verified_by", "created_at")
    inlines = [CompanyUserInline]
    actions = ("verify", "reject")
    fieldsets = (
        (None, {"fields": ("name", "nib", "kbli_section", "kbli_code", "size")}),
        (_("Address and contact"), {"fields": ("address", "kelurahan", "phone", "email", "contact_name")}),
        (_("Verification"), {"fields": ("status", "status_note", "verified_at", "verified_by", "created_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(vacancy_count=related_count(Vacancy, "company"))

    @admin.display(description=_("vacancies"), ordering="vacancy_count")
    def vacancy_count(self, obj):
        if not obj.vacancy_count:
            return 0
        url = reverse("admin:placement_vacancy_changelist")
        return format_html('<a href="{}?company__id__exact={}">{}</a>', url, obj.pk, obj.vacancy_count)

    verify = ServiceAction(
        label=_("Verify the selected companies"),
        service=lambda company, actor: services.company_verify(company=company, actor=actor),
        done=_("%(count)d companies verified."),
    )
    reject = _reason_action(
        lambda company, actor, reason: services.company_reject(company=company, actor=actor, note=reason),
        label=_("Reject (asks for the reason)…"),
        title=_("Reject companies"),
        intro=_("These companies' registrations will be rejected; their HR users read the reason."),
        button=_("Reject"),
        done=_("%(count)d companies rejected."),
    )


@admin.register(CompanyUser)
class CompanyUserAdmin(HistoryAdmin, DisnakerModelAdmin):
    list_display = ("user", "company", "is_active", "created_at")
    list_select_related = ("user", "company")
    search_fields = ("user__email", "user__username", "company__name")
    list_filter = ("is_active",)
    autocomplete_fields = ("company",)
    raw_id_fields = ("user", "invited_by")


# --- Vacancies ------------------------------------------------------------------------------


@transaction.atomic
def _set_hidden(vacancy: Vacancy, *, hidden: bool, reason: str, actor) -> None:
    """Hides a vacancy from the public list (or shows it again); the history records who and why."""
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    vacancy.is_hidden = hidden
    vacancy.hidden_reason = reason if hidden else ""
    vacancy._change_reason = reason or gettext("shown again")
    vacancy._history_user = actor
    vacancy.save(update_fields=["is_hidden", "hidden_reason"])


@admin.register(Vacancy)
class VacancyAdmin(ServiceActionsMixin, HistoryAdmin, DisnakerModelAdmin):
    list_display = (
        "title", "company", "kbji_group", "positions", "open_until", "status", "is_hidden", "reported_at",
        "candidates_link",
    )  # fmt: skip
    list_select_related = ("company", "kbji_group")
    search_fields = ("title", "=registration_number", "company__name", "required_certification")
    list_filter = (
        "status", "is_hidden", "kbji_group", "work_type", ("reported_at", YearFilter),
        ("company", SelectedRelatedFilter),
    )  # fmt: skip
    autocomplete_fields = ("company", "kbji_group", "min_education")
    raw_id_fields = ("reported_by",)
    readonly_fields = ("registration_number", "filled", "candidates_link")
    actions = ("hide", "unhide")
    fieldsets = (
        (None, {"fields": ("company", "registration_number", "title", "kbji_group", "kbji_code", "description")}),
        (_("Positions"), {"fields": ("headcount", "filled", "status", ("open_from", "open_until"), "candidates_link")}),
        (
            _("Requirements"),
            {
                "fields": (
                    ("min_age", "max_age"),
                    "sex",
                    "min_education",
                    "required_certification",
                    "skills",
                    "experience_years",
                    "local_residents_only",
                )
            },
        ),  # fmt: skip
        (_("Work"), {"fields": (("wage_min", "wage_max"), "location", "work_type")}),
        (_("Public list"), {"fields": ("is_hidden", "hidden_reason")}),
        (_("Report"), {"fields": ("reported_at", "reported_by")}),
    )

    @admin.display(description=_("positions"))
    def positions(self, obj):
        return f"{obj.filled}/{obj.headcount}"

    @admin.display(description=_("candidates"))
    def candidates_link(self, obj):
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("placement:staff_matching", args=[obj.pk]), gettext("Recommend candidates")
        )

    hide = _reason_action(
        lambda vacancy, actor, reason: _set_hidden(vacancy, hidden=True, reason=reason, actor=actor),
        label=_("Hide from the public list (asks for the reason)…"),
        title=_("Hide vacancies"),
        intro=_("These vacancies will no longer be shown on the public list."),
        button=_("Hide"),
        done=_("%(count)d vacancies hidden from the public list."),
    )
    unhide = ServiceAction(
        label=_("Show again on the public list"),
        service=lambda vacancy, actor: _set_hidden(vacancy, hidden=False, reason="", actor=actor),
        done=_("%(count)d vacancies shown again on the public list."),
    )


# --- Placements -----------------------------------------------------------------------------


@admin.register(Placement)
class PlacementAdmin(PersonalDataAdmin, HistoryAdmin, DisnakerModelAdmin):
    """Placements come from the companies' reports (portal or upload), which decide the source."""

    list_display = ("name", "nik", "position", "company", "start_date", "contract_type", "source", "is_local_resident")
    list_select_related = ("company",)
    search_fields = ("name", "=nik", "=registration_number", "position", "company__name")
    list_filter = ("source", "is_local_resident", "contract_type", "start_date", ("start_date", YearFilter))
    autocomplete_fields = ("company", "person")
    raw_id_fields = ("vacancy", "reported_by")
    readonly_fields = ("registration_number", "source", "is_local_resident", "nik_masked")

    @admin.display(description=_("NIK"))
    def nik_masked(self, obj):
        return mask_nik(obj.nik)

    def has_add_permission(self, request):
        return False

    def get_list_display(self, request):
        names = list(self.list_display)
        if not can_reveal_personal_data(request.user):
            names[names.index("nik")] = "nik_masked"
        return names

    def get_fields(self, request, obj=None):
        fields = [
            "registration_number", "company", "vacancy", "person", "nik", "name", "position", "start_date",
            "contract_type", "wage_band", "source", "is_local_resident", "reported_at", "reported_by",
        ]  # fmt: skip
        if not can_reveal_personal_data(request.user):
            return ["nik_masked" if f == "nik" else f for f in fields]
        return fields

    def history_view(self, request, object_id, extra_context=None):
        # Past versions show the full NIK.
        if not can_reveal_personal_data(request.user):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


# --- Apprenticeships and layoffs ------------------------------------------------------------


class ApprenticeshipForm(forms.ModelForm):
    class Meta:
        model = Apprenticeship
        fields = ("company", "programme", "destination", "duration_months", "start_date", "status", "participants")
        error_messages = {
            "duration_months": {
                "max_value": _("An apprenticeship lasts at most 12 months (Permenaker 6/2020)."),
                "min_value": _("An apprenticeship lasts at least one month."),
            }
        }


@admin.register(Apprenticeship)
class ApprenticeshipAdmin(HistoryAdmin, DisnakerModelAdmin):
    form = ApprenticeshipForm
    list_display = (
        "programme", "company", "destination", "start_date", "duration_months", "status", "participant_count",
    )  # fmt: skip
    list_select_related = ("company",)
    search_fields = ("programme", "company__name")
    list_filter = ("destination", "status", "start_date")
    autocomplete_fields = ("company", "participants")
    date_hierarchy = "start_date"

    def get_queryset(self, request):
        participants = related_count(Apprenticeship.participants.through, "apprenticeship")
        return super().get_queryset(request).annotate(participant_count=participants)

    @admin.display(description=_("participants"), ordering="participant_count")
    def participant_count(self, obj):
        return obj.participant_count


@admin.register(LayoffReport)
class LayoffReportAdmin(HistoryAdmin, DisnakerModelAdmin):
    list_display = ("company", "date", "count", "reported_at")
    list_select_related = ("company",)
    search_fields = ("company__name", "reason")
    list_filter = ("date", ("company", SelectedRelatedFilter))
    autocomplete_fields = ("company",)
    raw_id_fields = ("reported_by",)
    date_hierarchy = "date"
