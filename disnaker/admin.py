import os

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import readaudit
from .admin_actions import ServiceAction, ServiceActionsMixin
from .admin_import_export import ReferenceImportExportMixin
from .admin_site import DisnakerModelAdmin, HistoryAdmin, QueueStatusFilter, YearFilter
from .fields import NikFormField
from .models import Certification, EducationLevel, KbjiMajorGroup, KbliSection, Kecamatan, Kelurahan, NikClaim, Person
from .nik import check_person_matches_nik, validate_nik
from .readaudit import PersonalDataAdmin
from .resources import (
    EducationLevelResource,
    KbjiMajorGroupResource,
    KbliSectionResource,
    KecamatanResource,
    KelurahanResource,
)
from .services import nik_claim_correct, nik_claim_link, nik_claim_reject
from .storage import file_download

# Fields that identify or describe a person beyond name and region; shown only to staff
# holding ``disnaker.reveal_person_nik``.
PERSONAL_FIELDS = ("nik", "birth_date", "birth_place", "address", "disability", "disability_notes", "phone", "email")


def can_reveal_personal_data(user) -> bool:
    return user.has_perm("disnaker.reveal_person_nik")


class KelurahanInline(admin.TabularInline):
    model = Kelurahan
    fields = ("code", "name", "code_verified")
    extra = 0
    show_change_link = True


@admin.register(Kecamatan)
class KecamatanAdmin(ReferenceImportExportMixin, HistoryAdmin, DisnakerModelAdmin):
    resource_classes = [KecamatanResource]
    list_display = ("code", "name")
    list_select_related = ()
    search_fields = ("code", "name")
    list_filter = ()
    inlines = [KelurahanInline]


@admin.register(Kelurahan)
class KelurahanAdmin(ReferenceImportExportMixin, HistoryAdmin, DisnakerModelAdmin):
    resource_classes = [KelurahanResource]
    list_display = ("code", "name", "kecamatan", "code_verified")
    list_select_related = ("kecamatan",)
    search_fields = ("code", "name", "kecamatan__name")
    list_filter = ("kecamatan", "code_verified")
    autocomplete_fields = ("kecamatan",)


@admin.register(EducationLevel)
class EducationLevelAdmin(ReferenceImportExportMixin, DisnakerModelAdmin):
    resource_classes = [EducationLevelResource]
    list_display = ("rank", "code", "label", "ak1_group")
    list_select_related = ()
    search_fields = ("code", "label")
    list_filter = ("ak1_group",)


@admin.register(KbliSection)
class KbliSectionAdmin(ReferenceImportExportMixin, DisnakerModelAdmin):
    resource_classes = [KbliSectionResource]
    list_display = ("section", "divisions", "name")
    list_select_related = ()
    search_fields = ("section", "name")
    list_filter = ()


@admin.register(KbjiMajorGroup)
class KbjiMajorGroupAdmin(ReferenceImportExportMixin, DisnakerModelAdmin):
    resource_classes = [KbjiMajorGroupResource]
    list_display = ("code", "name")
    list_select_related = ()
    search_fields = ("code", "name")
    list_filter = ()


class CertificationInline(admin.TabularInline):
    model = Certification
    fields = ("scheme", "number", "issuer", "issued_on", "valid_until")
    extra = 0


@admin.register(Person)
class PersonAdmin(PersonalDataAdmin, HistoryAdmin, DisnakerModelAdmin):
    personal_person = ""  # the row is the person
    list_display = ("name", "nik", "sex", "birth_date", "kelurahan", "education", "disability")
    list_select_related = ("kelurahan__kecamatan", "education")
    search_fields = ("name", "=nik", "email", "phone")
    list_filter = ("sex", "disability", "education", "kelurahan__kecamatan")
    autocomplete_fields = ("kelurahan", "user")
    readonly_fields = ("nik_masked", "created_at", "updated_at")
    inlines = [CertificationInline]

    @admin.display(description=_("NIK"))
    def nik_masked(self, obj):
        return obj.nik_masked

    def get_list_display(self, request):
        if can_reveal_personal_data(request.user):
            return self.list_display
        return ("name", "nik_masked", "sex", "kelurahan", "education")

    def get_list_filter(self, request):
        if can_reveal_personal_data(request.user):
            return self.list_filter
        return ("sex", "education", "kelurahan__kecamatan")

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f not in ("nik_masked",)]
        if can_reveal_personal_data(request.user):
            return fields
        return ["nik_masked"] + [f for f in fields if f not in PERSONAL_FIELDS]

    def history_view(self, request, object_id, extra_context=None):
        # Past versions show every field, so the audit trail is for those who may see them.
        if not can_reveal_personal_data(request.user):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


@admin.register(Certification)
class CertificationAdmin(HistoryAdmin, DisnakerModelAdmin):
    list_display = ("person", "scheme", "number", "issuer", "issued_on", "valid_until")
    list_select_related = ("person",)
    search_fields = ("scheme", "number", "person__name", "=person__nik")
    list_filter = ("issuer", "issued_on", ("issued_on", YearFilter))
    autocomplete_fields = ("person",)


class NikClaimStatusFilter(QueueStatusFilter):
    """Open claims by default: they are the ones waiting for staff."""

    status_choices = NikClaim.Status.choices
    default = NikClaim.Status.OPEN


class NikClaimForm(forms.ModelForm):
    correct_nik = NikFormField(
        label=_("Correct NIK"),
        required=False,
        validators=[validate_nik],
        help_text=_(
            "Only when the applicant mistyped the NIK and you have seen the KTP: a new person is made "
            "with this NIK and linked to the account. Leave empty to only save the note."
        ),
    )

    class Meta:
        model = NikClaim
        fields = ("staff_note",)
        help_texts = {
            "staff_note": _(
                "Required to reject; the applicant sees it then, so do not write details of the existing record."
            )
        }

    def clean_correct_nik(self):
        nik = self.cleaned_data["correct_nik"]
        if not nik:
            return nik
        claim = self.instance
        errors = check_person_matches_nik(nik=nik, sex=claim.sex, birth_date=claim.birth_date)
        if errors:
            raise ValidationError(list(errors.values()))
        if Person.objects.by_nik(nik).exists():
            raise ValidationError(
                _("A person with this NIK is already registered; if it is the applicant's, use 'link' on that claim.")
            )
        return nik


@admin.register(NikClaim)
class NikClaimAdmin(ServiceActionsMixin, HistoryAdmin, DisnakerModelAdmin):
    """Sign-ups whose NIK staff must check against the KTP: link, correct or reject."""

    form = NikClaimForm
    list_display = ("created_at", "name", "nik", "birth_date", "status", "has_ktp", "reason", "user", "decided_at")
    list_select_related = ("user",)
    search_fields = ("name", "=nik", "user__username", "user__email")
    list_filter = (NikClaimStatusFilter, "created_at")
    raw_id_fields = ("user", "decided_by")  # both are shown read-only; decided_by as decided_by_name
    readonly_fields = (
        "status", "created_at", "user", "nik", "name", "sex", "birth_date", "reason", "existing_record",
        "ktp", "decided_at", "decided_by_name",
    )  # fmt: skip
    actions = ["link_to_existing_person", "reject"]

    @admin.display(description=_("NIK entered"))
    def nik_masked(self, obj):
        return obj.nik_masked

    @admin.display(description=_("decided by"))
    def decided_by_name(self, obj):
        # The model field has no translated verbose name; this label has.
        return obj.decided_by.get_username() if obj.decided_by else "-"

    @admin.display(description=_("Record with this NIK"))
    def existing_record(self, obj):
        person = Person.objects.select_related("user").filter(nik=obj.nik).first()
        if person is None:
            return _("No person has this NIK.")
        return format_html(
            _('<a href="{url}">{name}</a>, born {born}; account: {account}'),
            url=reverse("admin:disnaker_person_change", args=[person.pk]),
            name=person.name,
            born=date_format(person.birth_date),
            account=person.user.get_username() if person.user else _("none"),
        )

    @admin.display(description=_("KTP uploaded"), boolean=True)
    def has_ktp(self, obj):
        return bool(obj.ktp_document)

    @admin.display(description=_("KTP scan"))
    def ktp(self, obj):
        if not obj.ktp_document:
            return _("Not uploaded: link only after seeing the KTP at the office.")
        url = reverse("admin:disnaker_nikclaim_ktp", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the KTP scan"))

    def _without_personal_data(self, request, names) -> list:
        """Masks the NIK, and hides the other record and the KTP, from staff who may not see personal data."""
        if can_reveal_personal_data(request.user):
            return list(names)
        return ["nik_masked" if name == "nik" else name for name in names if name not in ("existing_record", "ktp")]

    def get_urls(self):
        ktp = path("<int:pk>/ktp/", self.admin_site.admin_view(self.ktp_view), name="disnaker_nikclaim_ktp")
        return [ktp, *super().get_urls()]

    def ktp_view(self, request, pk: int):
        """The applicant's KTP scan, always as a download, for staff who may see personal data."""
        if not self.has_view_permission(request) or not can_reveal_personal_data(request.user):
            raise PermissionDenied
        claim = get_object_or_404(NikClaim, pk=pk)
        extension = os.path.splitext(claim.ktp_document.name)[1].lower() if claim.ktp_document else ""
        response = file_download(claim.ktp_document, filename=f"klaim-{claim.pk}-ktp{extension}")
        # Recorded for the record the claim is about, whose owner may ask who looked at a KTP in its name.
        person = Person.objects.filter(nik=claim.nik).values_list("pk", flat=True).first()
        readaudit.record_document(request, person=person, what=readaudit.DOCUMENT_NAMES["ktp"])
        return response

    def get_list_display(self, request):
        return self._without_personal_data(request, self.list_display)

    def get_fields(self, request, obj=None):
        fields = [*self.readonly_fields, "staff_note"]
        if obj is not None and obj.status == NikClaim.Status.OPEN and self.has_change_permission(request, obj):
            fields.append("correct_nik")
        return self._without_personal_data(request, fields)

    def get_readonly_fields(self, request, obj=None):
        fields = [*self.readonly_fields, "nik_masked"]
        if obj is not None and obj.status != NikClaim.Status.OPEN:
            fields.append("staff_note")  # decided: the record stays as decided
        return fields

    def has_add_permission(self, request):
        return False  # claims come from sign-ups only

    def save_model(self, request, obj, form, change):
        correct_nik = form.cleaned_data.get("correct_nik")
        if not correct_nik:
            return super().save_model(request, obj, form, change)
        try:
            nik_claim_correct(claim=obj, correct_nik=correct_nik, actor=request.user, note=obj.staff_note)
        except ValidationError as error:  # only when something changed since the form was checked
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, _("NIK corrected: a new person was made and linked to the account."))

    def history_view(self, request, object_id, extra_context=None):
        # Past versions show the full NIK.
        if not can_reveal_personal_data(request.user):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    link_to_existing_person = ServiceAction(
        label=_("Link to the existing person with this NIK (KTP checked)"),
        service=lambda claim, actor: nik_claim_link(claim=claim, actor=actor, note=claim.staff_note),
        done=_("%(count)d claim(s) linked to their person; any other account lost the record."),
    )
    reject = ServiceAction(
        label=_("Reject (uses each claim's staff note)"),
        service=lambda claim, actor: nik_claim_reject(claim=claim, actor=actor, note=claim.staff_note),
        done=_("%(count)d claim(s) rejected."),
    )


from . import admin_outbox, admin_readaudit, admin_schedules, admin_summaries, admin_users  # noqa: E402, F401  (register on the one site)
