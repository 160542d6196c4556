"""Removes a staff member's authenticator device: at the next login they set up the app again."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from disnaker import second_factor


class Command(BaseCommand):
    help = "Reset a staff member's authenticator app (TOTP); they enrol again at the next login."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account with the username {username!r}.")
        removed = second_factor.device_reset(user=user)
        self.stdout.write(f"{removed} device(s) of {username} removed; the next login asks to set up the app again.")
