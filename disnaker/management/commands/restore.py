from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from disnaker.backup import BackupError, backup_restore, identities_read, media_places

from .backup import size


class Command(BaseCommand):
    help = (
        "Restores a backup folder into the database of DATABASE_URL (created when it does not exist) and "
        "into MEDIA_ROOT, then compares the rows of every table with the backup's manifest. "
        "A database that already holds rows is replaced only with --yes. An encrypted backup needs its "
        "secret key: BACKUP_AGE_IDENTITY, BACKUP_AGE_IDENTITY_FILE or --identity-file."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a backup folder, e.g. backups/20261015-020000")
        parser.add_argument("--yes", action="store_true", help="replace the rows the database already holds")
        parser.add_argument(
            "--identity-file",
            default=settings.BACKUP_AGE_IDENTITY_FILE,
            help="file with the age secret key of an encrypted backup (default: BACKUP_AGE_IDENTITY_FILE)",
        )

    def handle(self, *args, folder, yes, identity_file, **options):
        target = connection.settings_dict
        try:
            identities = identities_read(identity=settings.BACKUP_AGE_IDENTITY, identity_file=identity_file)
            result = backup_restore(
                folder=Path(folder),
                settings_dict=target,
                media_root=Path(settings.MEDIA_ROOT),
                replace=yes,
                identities=identities,
            )
        except (BackupError, DatabaseError) as error:
            raise CommandError(str(error)) from None
        database = result.manifest["database"]
        created = " (created)" if result.database_created else ""
        self.stdout.write(
            f"Restored {folder} (made {result.manifest['created_at']} from {database['vendor']} "
            f"{database['name']!r}) into {target['NAME']!r}{created} and {media_places(Path(settings.MEDIA_ROOT))}"
        )
        if options["verbosity"] > 1:
            for name, count in result.tables.items():
                self.stdout.write(f"  {name:50} {count:>10}")
        self.stdout.write(
            f"  database  {len(result.tables)} tables, {sum(result.tables.values())} rows "
            f"(backup: {len(database['tables'])} tables, {database['rows']} rows)"
        )
        self.stdout.write(f"  media     {result.media_files} files, {size(result.media_bytes)}")
        if result.media_left_in_place:
            self.stdout.write(f"  media     {result.media_left_in_place} other media files were left in place")
        self._verdict(result)

    def _verdict(self, result) -> None:
        if result.ok:
            self.stdout.write(self.style.SUCCESS("Every table and the media files match the manifest."))
            return
        for problem in result.mismatches:
            self.stderr.write(f"MISMATCH {problem}")
        raise CommandError(f"The restore does not match the manifest: {len(result.mismatches)} differences.")
