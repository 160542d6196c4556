from django.apps import apps
from django.conf import settings
from django.db import transaction

from disnaker.audit import AuditedCommand
from disnaker.reference import load_all


class Command(AuditedCommand):
    help = "Loads (or refreshes) regions, education levels, KBLI and KBJI from disnaker/data/."

    def add_arguments(self, parser):
        parser.add_argument("--regions", default=str(settings.REGIONS_CSV), help="Regions CSV of the city.")

    @transaction.atomic
    def handle(self, *args, regions, **options):
        counts = load_all(get_model=lambda name: apps.get_model("disnaker", name), regions_path=regions)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
