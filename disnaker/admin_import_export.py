"""Bulk import and export of reference and master data in the admin (django-import-export).

Staff keep regions, education levels, KBLI/KBJI groups and vocations in a spreadsheet: they
export the list, change it and import it back. An import matches rows by their code (each
resource's ``import_id_fields``), shows the dry run first and saves only once confirmed.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpResponseRedirect
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

from .exports import safe_cell


class ReferenceResource(resources.ModelResource):
    """A resource whose exported cells never open as formulas (``disnaker.exports.safe_cell``).

    Rows a re-imported export leaves as they were are skipped, so the preview lists only the changes.
    """

    class Meta:
        skip_unchanged = True
        report_skipped = False

    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))


class ReferenceImportExportMixin(ImportExportMixin):
    """Import and export buttons for a reference-data admin, behind the model's own permissions.

    An import may add rows and change others, so it needs both permissions; an export shows what
    the list shows, so the view permission is enough.
    """

    import_formats = export_formats = [base_formats.CSV, base_formats.XLSX]

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def export_action(self, request):
        # A filter the list does not have (a damaged link): the export page without it, as the changelist
        # itself answers, instead of a 500.
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
