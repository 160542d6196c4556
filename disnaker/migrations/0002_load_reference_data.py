from django.conf import settings
from django.db import migrations

from disnaker.reference import load_all


def load(apps, schema_editor):
    load_all(get_model=lambda name: apps.get_model("disnaker", name), regions_path=settings.REGIONS_CSV)


class Migration(migrations.Migration):
    dependencies = [("disnaker", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
