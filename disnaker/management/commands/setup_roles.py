from django.core.management.base import BaseCommand

from disnaker.roles import roles_sync


class Command(BaseCommand):
    help = "Creates the staff groups (roles) and sets their permissions. Safe to run again."

    def handle(self, *args, **options):
        for name, count in roles_sync().items():
            self.stdout.write(f"{name}: {count} permissions")
