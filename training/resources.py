"""Import/export resources of the training part's reference data."""

from disnaker.admin_import_export import ReferenceResource

from .models import Vocation


class VocationResource(ReferenceResource):
    class Meta:
        model = Vocation
        fields = ("code", "name", "description")
        import_id_fields = ("code",)
        clean_model_instances = True  # a vocation's name is published: checked like the admin form checks it
