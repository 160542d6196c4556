from django.db import migrations, models


def fill_totals(apps, schema_editor):
    from disnaker.models import totals_of

    Summary = apps.get_model("disnaker", "Summary")
    for summary in Summary.objects.only("pk", "figures").iterator():
        Summary.objects.filter(pk=summary.pk).update(totals=totals_of(summary.figures))


class Migration(migrations.Migration):
    dependencies = [
        ("disnaker", "0006_more_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="summary",
            name="totals",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="totals"),
        ),
        migrations.RunPython(fill_totals, migrations.RunPython.noop),
    ]
