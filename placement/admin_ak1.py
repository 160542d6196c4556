"""Admin of the AK/1 card: the verification queue, decisions and desk re-reports, all through services."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from disnaker.admin import can_reveal_personal_data
from disnaker.admin_actions import ServiceAction, ServiceActionsMixin, form_page
from disnaker.admin_site import DisnakerModelAdmin, HistoryAdmin, QueueStatusFilter, YearFilter
from disnaker.readaudit import PersonalDataAdmin

from . import cards
from .forms_ak1 import StaffNoteForm
from .models import CardReport, CardStatus, JobSeekerCard


class CardStatusFilter(QueueStatusFilter):
    """Applications waiting for verification by default: the queue staff work through."""

    status_choices = CardStatus.choices
    default = CardStatus.APPLIED


def _with_person(applications):
    return applications.select_related("person")


def _note_action(decide, *, label, title, done) -> ServiceAction:
    """A decision that needs the staff note the applicant will read: the note page first."""
    return ServiceAction(
        label=label,
        service=decide,
        rows=_with_person,
        form=StaffNoteForm,
        page=form_page("placement/ak1/admin_note.html", title=title),
        done=done,
    )


@admin.register(JobSeekerCard)
class JobSeekerCardAdmin(PersonalDataAdmin, ServiceActionsMixin, HistoryAdmin, DisnakerModelAdmin):
    list_display = ("applied_at", "person_name", "person_nik", "status", "number", "issued_on", "valid_until")
    list_select_related = ("person",)
    search_fields = ("number", "person__name", "=person__nik")
    list_filter = (CardStatusFilter, "issued_on", ("applied_at", YearFilter), "person__kelurahan__kecamatan")
    raw_id_fields = ("person", "renews", "decided_by")
    actions = ("approve", "request_revision", "reject", "record_desk_rereport")
    readonly_fields = (
        "person_display", "status", "number", "issued_on", "valid_until", "education_history", "skills",
        "experience", "documents", "staff_note", "renews", "applied_at", "decided_at", "decided_by",
        "placed_at", "placed_with", "reports_display",
    )  # fmt: skip

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
            (reverse("placement:ak1_staff_document", args=[obj.pk, kind]), label)
            for kind, label, file in (
                ("photo", gettext("Photo"), obj.photo),
                ("ktp", gettext("KTP (scan)"), obj.ktp_document),
                ("diploma", gettext("Latest diploma"), obj.diploma_document),
            )
            if file
        ]
        return format_html_join(" · ", '<a href="{}" target="_blank" rel="noopener">{}</a>', links) or "—"

    @admin.display(description=_("re-reports"))
    def reports_display(self, obj):
        slots = cards.rereport_slots(obj)
        if not slots:
            return "—"
        return format_html_join(
            "<br>",
            "{}: {} → {}",
            (
                (
                    gettext("month %(months)d") % {"months": s["months"]},
                    s["due"].strftime("%d-%m-%Y"),
                    s["report"].reported_on.strftime("%d-%m-%Y") if s["report"] else "—",
                )
                for s in slots
            ),
        )

    # -- per user: personal data only for those who may see it

    def get_list_display(self, request):
        if can_reveal_personal_data(request.user):
            return self.list_display
        return [("person_nik_masked" if name == "person_nik" else name) for name in self.list_display]

    def get_search_fields(self, request):
        if can_reveal_personal_data(request.user):
            return self.search_fields
        return ("number", "person__name")

    def get_fields(self, request, obj=None):
        reveal = can_reveal_personal_data(request.user)
        fields = ["person_display_full" if reveal else "person_display", *self.readonly_fields[1:]]
        return fields if reveal else [name for name in fields if name != "documents"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request):
        return False  # applications come from the job seeker's page

    def has_delete_permission(self, request, obj=None):
        return False  # cards are closed by their status, never deleted

    def history_view(self, request, object_id, extra_context=None):
        if not can_reveal_personal_data(request.user):
            raise PermissionDenied  # past versions name the documents
        return super().history_view(request, object_id, extra_context)

    # -- actions

    approve = ServiceAction(
        label=_("Approve and issue the card"),
        service=lambda card, actor: cards.card_approve(card=card, actor=actor),
        rows=_with_person,
        done=_("%(count)d card(s) issued."),
    )
    request_revision = _note_action(
        lambda card, actor, note: cards.card_request_revision(card=card, note=note, actor=actor),
        label=_("Request a revision (asks for the note)…"),
        title=_("Request a revision"),
        done=_("%(count)d application(s) sent back for revision."),
    )
    reject = _note_action(
        lambda card, actor, note: cards.card_reject(card=card, reason=note, actor=actor),
        label=_("Reject (asks for the reason)…"),
        title=_("Reject applications"),
        done=_("%(count)d application(s) rejected."),
    )
    record_desk_rereport = ServiceAction(
        label=_("Record a re-report at the desk (still looking for work)"),
        service=lambda card, actor: cards.card_rereport(card=card, channel="desk", still_looking=True, actor=actor),
        rows=_with_person,
        done=_("%(count)d re-report(s) recorded."),
    )


@admin.register(CardReport)
class CardReportAdmin(HistoryAdmin, DisnakerModelAdmin):
    list_display = ("reported_on", "card", "person_name", "channel", "still_looking", "recorded_by")
    list_select_related = ("card__person", "recorded_by")
    search_fields = ("card__number", "card__person__name")
    list_filter = ("channel", "still_looking", "reported_on", ("reported_on", YearFilter))
    raw_id_fields = ("card", "recorded_by")
    readonly_fields = ("card", "reported_on", "channel", "still_looking", "recorded_by")
    fields = ("card", "reported_on", "channel", "still_looking", "note", "recorded_by")

    @admin.display(description=_("name"), ordering="card__person__name")
    def person_name(self, obj):
        return obj.card.person.name

    def has_add_permission(self, request):
        return False  # recorded through the card's "re-report at the desk" action, which checks the card
