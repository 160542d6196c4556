from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from disnaker.backup import BackupError, backup_create, backup_recipients, media_places


def size(count: int) -> str:
    """1536 -> '1.5 KB': sizes as an operator reads them."""
    value = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{count} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024


class Command(BaseCommand):
    help = (
        "Backs up the database (pg_dump, or a copy of the SQLite file) and the media (MEDIA_ROOT, or "
        "the object store) into <dir>/<YYYYmmdd-HHMMSS>/ with a manifest of the rows of every table, "
        "and prints what it wrote. "
        "Both files are encrypted with age to the public keys of BACKUP_AGE_RECIPIENTS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(settings.BASE_DIR / "backups"), help="folder that receives the backup (backups/)"
        )
        parser.add_argument(
            "--unencrypted",
            action="store_true",
            help="write the files in clear: only with DJANGO_DEBUG=1, for a developer's own test data",
        )

    def handle(self, *args, dir, unencrypted, **options):
        try:
            recipients = backup_recipients(
                configured=settings.BACKUP_AGE_RECIPIENTS, unencrypted=unencrypted, debug=settings.DEBUG
            )
            folder, manifest = backup_create(
                settings_dict=connection.settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                parent=Path(dir),
                recipients=recipients,
            )
        except (BackupError, DatabaseError) as error:
            raise CommandError(str(error)) from None
        database, media = manifest["database"], manifest["media"]
        self.stdout.write(f"Backup written to {folder}")
        self.stdout.write(
            f"  database  {database['vendor']} {database['name']!r}: {len(database['tables'])} tables, "
            f"{database['rows']} rows -> {database['file']} ({size(database['bytes'])}, "
            f"sha256 {database['sha256'][:16]}...)"
        )
        self.stdout.write(
            f"  media     {media_places(Path(settings.MEDIA_ROOT))}: {media['files']} files, {size(media['bytes'])} -> "
            f"{media['file']} ({size((folder / media['file']).stat().st_size)})"
        )
        if recipients:
            keys = ", ".join(recipients)
            self.stdout.write(f"  encrypted with age to {keys}; a restore needs its secret key")
        else:
            self.stdout.write(self.style.WARNING("  NOT encrypted (--unencrypted): keep it off any shared disk"))
        self.stdout.write(f"Restore it with: make restore FROM={folder}")
