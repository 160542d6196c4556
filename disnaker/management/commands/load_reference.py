from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from disnaker.reference import load_all


class Command(BaseCommand):
    help = "Loads (or refreshes) regions, education levels, KBLI and KBJI from disnaker/data/."

    def add_arguments(self, parser):
        parser.add_argument("--regions", default=str(settings.REGIONS_CSV), help="Regions CSV of the city.")

    @transaction.atomic
    def handle(self, *args, regions, **options):
        counts = load_all(get_model=lambda name: apps.get_model("disnaker", name), regions_path=regions)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
