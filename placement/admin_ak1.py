"""Admin of the AK/1 card: the verification queue, decisions and desk re-reports, all through services."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from disnaker.admin import can_reveal_personal_data
from disnaker.admin_site import DisnakerModelAdmin, HistoryAdmin, QueueStatusFilter, YearFilter
from disnaker.nik import normalize_nik

from . import cards
from .forms_ak1 import StaffNoteForm
from .models import CardReport, CardStatus, JobSeekerCard


class CardStatusFilter(QueueStatusFilter):
    """Applications waiting for verification by default: the queue staff work through."""

    status_choices = CardStatus.choices
    default = CardStatus.APPLIED


def _nik_search(search_term: str) -> str:
    """People type a NIK with the spaces or dots of the KTP: search for its digits."""
    nik = normalize_nik(search_term)
    return nik if len(nik) == 16 and nik.isdigit() else search_term


@admin.register(JobSeekerCard)
class JobSeekerCardAdmin(HistoryAdmin, DisnakerModelAdmin):
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

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, _nik_search(search_term))

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

    def _each(self, request, queryset, function, done_message: str) -> None:
        done, failures = 0, []
        for card in queryset.select_related("person"):
            try:
                function(card)
            except ValidationError as error:
                failures.append(f"{card}: {' '.join(error.messages)}")
            else:
                done += 1
        self.message_user(request, done_message % {"count": done}, messages.SUCCESS if done else messages.INFO)
        for failure in failures[:10]:
            self.message_user(request, failure, messages.WARNING)

    def _with_note(self, request, queryset, *, action: str, title: str, decide, done_message: str):
        """An intermediate page asks for the note; the decision is applied once it is given."""
        form = StaffNoteForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            note = form.cleaned_data["note"]
            self._each(request, queryset, lambda card: decide(card, note), done_message)
            return None
        context = self.admin_site.each_context(request) | {
            "title": title,
            "opts": self.opts,
            "queryset": queryset.select_related("person"),
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "placement/ak1/admin_note.html", context)

    @admin.action(description=_("Approve and issue the card"), permissions=["change"])
    def approve(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda card: cards.card_approve(card=card, actor=request.user),
            gettext("%(count)d card(s) issued."),
        )

    @admin.action(description=_("Request a revision (asks for the note)…"), permissions=["change"])
    def request_revision(self, request, queryset):
        return self._with_note(
            request, queryset, action="request_revision", title=gettext("Request a revision"),
            decide=lambda card, note: cards.card_request_revision(card=card, note=note, actor=request.user),
            done_message=gettext("%(count)d application(s) sent back for revision."),
        )  # fmt: skip

    @admin.action(description=_("Reject (asks for the reason)…"), permissions=["change"])
    def reject(self, request, queryset):
        return self._with_note(
            request, queryset, action="reject", title=gettext("Reject applications"),
            decide=lambda card, note: cards.card_reject(card=card, reason=note, actor=request.user),
            done_message=gettext("%(count)d application(s) rejected."),
        )  # fmt: skip

    @admin.action(description=_("Record a re-report at the desk (still looking for work)"), permissions=["change"])
    def record_desk_rereport(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda card: cards.card_rereport(card=card, channel="desk", still_looking=True, actor=request.user),
            gettext("%(count)d re-report(s) recorded."),
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
