from django.core.management.base import BaseCommand

from disnaker.readaudit import accesses_purge


class Command(BaseCommand):
    help = "Removes read-audit rows older than READ_AUDIT_RETENTION_DAYS. Safe to run again."

    def handle(self, *args, **options):
        self.stdout.write(f"{accesses_purge()} read-audit rows removed")
