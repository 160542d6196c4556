from django.core.management.base import BaseCommand
from django.utils import timezone

from disnaker.backup import keypair_generate


class Command(BaseCommand):
    help = (
        "Prints a new age key pair for the backups, in the format of age-keygen: "
        "`python manage.py backup_keygen > backup-key.txt`. The public key goes into BACKUP_AGE_RECIPIENTS; "
        "the file with the secret key is needed to restore and belongs off the server."
    )

    def handle(self, *args, **options):
        public, secret = keypair_generate()
        self.stdout.write(f"# created: {timezone.localtime().isoformat(timespec='seconds')}")
        self.stdout.write(f"# public key: {public}")
        self.stdout.write(secret)
        # On stderr, so that stdout is the key file alone; not in the red of errors.
        plain = str
        self.stderr.write(f"Public key: {public}", style_func=plain)
        self.stderr.write(
            "Put the public key in BACKUP_AGE_RECIPIENTS. Keep the secret key (AGE-SECRET-KEY-1...) "
            "off this server, in two safe places: without it no backup can be restored.",
            style_func=plain,
        )
