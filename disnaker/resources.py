"""Import/export resources of the core's reference data, matched by their official codes."""

from import_export import fields, widgets

from .admin_import_export import ReferenceResource
from .models import EducationLevel, KbjiMajorGroup, KbliSection, Kecamatan, Kelurahan


class KecamatanResource(ReferenceResource):
    class Meta:
        model = Kecamatan
        fields = ("code", "name")
        import_id_fields = ("code",)


class KelurahanResource(ReferenceResource):
    kecamatan = fields.Field(
        attribute="kecamatan", column_name="kecamatan", widget=widgets.ForeignKeyWidget(Kecamatan, field="code")
    )

    class Meta:
        model = Kelurahan
        fields = ("code", "name", "kecamatan", "code_verified")
        import_id_fields = ("code",)


class EducationLevelResource(ReferenceResource):
    class Meta:
        model = EducationLevel
        fields = ("code", "label", "ak1_group", "rank")
        import_id_fields = ("code",)


class KbliSectionResource(ReferenceResource):
    class Meta:
        model = KbliSection
        fields = ("section", "divisions", "name")
        import_id_fields = ("section",)


class KbjiMajorGroupResource(ReferenceResource):
    class Meta:
        model = KbjiMajorGroup
        fields = ("code", "name")
        import_id_fields = ("code",)
