from importlib import import_module

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction

from disnaker import registry
from disnaker.audit import AuditedCommand


class Command(AuditedCommand):
    help = "Creates demo users and data (idempotent) and prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Seed even when DEBUG is off.")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data with known passwords: run with DJANGO_DEBUG=1 or --force.")
        self.stdout.write("Demo logins (username / password):")
        with transaction.atomic():
            for seed in registry.collect("demo", "seed"):  # each app's demo.py, in app order
                seed(log=self.stdout.write)
            # The summaries count what every part just seeded.
            import_module("disnaker.demo").seed_summaries(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
