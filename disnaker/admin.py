from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_site import DisnakerModelAdmin
from .models import Certification, EducationLevel, KbjiMajorGroup, KbliSection, Kecamatan, Kelurahan, Person

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
class KecamatanAdmin(SimpleHistoryAdmin, DisnakerModelAdmin):
    list_display = ("code", "name")
    list_select_related = ()
    search_fields = ("code", "name")
    list_filter = ()
    inlines = [KelurahanInline]


@admin.register(Kelurahan)
class KelurahanAdmin(SimpleHistoryAdmin, DisnakerModelAdmin):
    list_display = ("code", "name", "kecamatan", "code_verified")
    list_select_related = ("kecamatan",)
    search_fields = ("code", "name", "kecamatan__name")
    list_filter = ("kecamatan", "code_verified")
    autocomplete_fields = ("kecamatan",)


@admin.register(EducationLevel)
class EducationLevelAdmin(DisnakerModelAdmin):
    list_display = ("rank", "code", "label", "ak1_group")
    list_select_related = ()
    search_fields = ("code", "label")
    list_filter = ("ak1_group",)


@admin.register(KbliSection)
class KbliSectionAdmin(DisnakerModelAdmin):
    list_display = ("section", "divisions", "name")
    list_select_related = ()
    search_fields = ("section", "name")
    list_filter = ()


@admin.register(KbjiMajorGroup)
class KbjiMajorGroupAdmin(DisnakerModelAdmin):
    list_display = ("code", "name")
    list_select_related = ()
    search_fields = ("code", "name")
    list_filter = ()


class CertificationInline(admin.TabularInline):
    model = Certification
    fields = ("scheme", "number", "issuer", "issued_on", "valid_until")
    extra = 0


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin, DisnakerModelAdmin):
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
class CertificationAdmin(SimpleHistoryAdmin, DisnakerModelAdmin):
    list_display = ("person", "scheme", "number", "issuer", "issued_on", "valid_until")
    list_select_related = ("person",)
    search_fields = ("scheme", "number", "person__name", "=person__nik")
    list_filter = ("issuer", "issued_on")
    autocomplete_fields = ("person",)
    date_hierarchy = "issued_on"
