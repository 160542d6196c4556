"""Backups of the database and the media files, and their restore (README, "Backup and restore").

A backup is a folder holding the database (``database.dump`` from ``pg_dump``, or ``database.sqlite3``
copied with SQLite's backup API), ``media.tar.gz`` (MEDIA_ROOT, relative paths, and the files of
the object store when media live there: ``private/...`` as under MEDIA_ROOT) and
``manifest.json``: when it was made, which database, the rows of every table, the media files'
number and bytes, and the sha256 of both files, so that a restore can be checked against it.

MEDIA_ROOT holds KTP scans and the database holds NIKs, so both files are encrypted with age
(https://age-encryption.org, through pyrage) to the public keys of BACKUP_AGE_RECIPIENTS and named
``*.age``: they are streamed through the encryption and never touch the disk in clear. Only the
manifest stays readable (counts, sizes, hashes and the public keys: nothing about a person); it
tells a restore which key it needs. Restoring decrypts both files into a private temporary folder
before anything changes. Backup folders are readable by their owner only.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyrage
from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db.utils import load_backend
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from .storage import is_local, storage_overwrite, storage_walk

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENCRYPTED_SUFFIX = ".age"
FORMAT = 2
# Format 1: the same files, never encrypted, without the "encryption" entry.
READABLE_FORMATS = (1, 2)

# libpq reads these from the environment, so neither the password nor anything else of DATABASE_URL
# has to appear on a command line that `ps` shows.
_LIBPQ_ENV = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
_LIBPQ_OPTIONS_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


def _bilingual(english: str, **values) -> str:
    """The message in the portal's language (Indonesian), then in English for whoever reads the log."""
    with translation.override(settings.LANGUAGE_CODE):
        local = gettext(english) % values
    text = english % values
    return text if local == text else f"{local}\n{text}"


# --- Keys -------------------------------------------------------------------------------------


def keypair_generate() -> tuple[str, str]:
    """A new age key pair: (public key ``age1...``, secret key ``AGE-SECRET-KEY-1...``)."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity.to_public()), str(identity)


def backup_recipients(*, configured: Sequence[str], unencrypted: bool, debug: bool) -> list[str]:
    """The public keys a backup is encrypted to; empty only for a plain backup asked for in DEBUG."""
    if unencrypted:
        if not debug:
            raise BackupError(
                _bilingual(
                    gettext_noop(
                        "--unencrypted is refused when DJANGO_DEBUG is off: a backup of the portal holds "
                        "every NIK and KTP scan. Set BACKUP_AGE_RECIPIENTS instead."
                    )
                )
            )
        return []
    recipients = [value.strip() for value in configured if value.strip()]
    if not recipients:
        raise BackupError(
            _bilingual(
                gettext_noop(
                    "BACKUP_AGE_RECIPIENTS is not set, and a backup holds every NIK and KTP scan: it is "
                    "written only encrypted. Create a key pair with `python manage.py backup_keygen`, put its "
                    "public key (age1...) in BACKUP_AGE_RECIPIENTS and keep the secret key off this server. "
                    "Nothing was written."
                )
            )
        )
    for value in recipients:
        _recipient(value)
    return recipients


def _recipient(value: str):
    try:
        return pyrage.x25519.Recipient.from_str(value)
    except pyrage.RecipientError:
        raise BackupError(
            _bilingual(
                gettext_noop(
                    "BACKUP_AGE_RECIPIENTS holds '%(value)s', which is not an age public key (age1...). "
                    "Nothing was written."
                ),
                value=value,
            )
        ) from None


def identities_read(*, identity: str = "", identity_file: str = "") -> list[str]:
    """The secret keys given in BACKUP_AGE_IDENTITY and in the file BACKUP_AGE_IDENTITY_FILE.

    Both hold keys as ``backup_keygen`` (or ``age-keygen``) prints them: one per line, ``#`` comments.
    """
    text = identity
    if identity_file:
        try:
            text += "\n" + Path(identity_file).read_text()
        except OSError as error:
            raise BackupError(
                _bilingual(
                    gettext_noop("The key file %(file)s cannot be read (%(error)s). Nothing was changed."),
                    file=identity_file,
                    error=error.strerror or error,
                )
            ) from None
    lines = (line.strip() for line in text.replace(",", "\n").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _identities(secrets: Sequence[str], recipients: Sequence[str]) -> list:
    """The parsed secret keys, refused before anything changes when none opens the backup."""
    if not secrets:
        raise BackupError(
            _bilingual(
                gettext_noop(
                    "This backup is encrypted and no key was given. Set BACKUP_AGE_IDENTITY to the secret "
                    "key (AGE-SECRET-KEY-1...) of the public key %(recipients)s, or BACKUP_AGE_IDENTITY_FILE "
                    "(or --identity-file) to the file holding it. Nothing was changed."
                ),
                recipients=", ".join(recipients),
            )
        )
    identities = []
    for secret in secrets:
        try:
            identities.append(pyrage.x25519.Identity.from_str(secret))
        except pyrage.IdentityError:
            raise BackupError(
                _bilingual(
                    gettext_noop("The key given is not an age secret key (AGE-SECRET-KEY-1...). Nothing was changed.")
                )
            ) from None
    publics = [str(identity.to_public()) for identity in identities]
    if not set(publics) & set(recipients):
        raise _wrong_key(recipients, publics)
    return identities


def _wrong_key(recipients: Sequence[str], publics: Sequence[str]) -> BackupError:
    return BackupError(
        _bilingual(
            gettext_noop(
                "The key given does not open this backup: it was encrypted to %(recipients)s, and the key "
                "given belongs to %(publics)s. Nothing was changed."
            ),
            recipients=", ".join(recipients),
            publics=", ".join(publics),
        )
    )


def _seal(source: BinaryIO, path: Path, recipients: Sequence[str]) -> None:
    """Writes what ``source`` yields into ``path``, encrypted as it streams when there are recipients."""
    with open(path, "xb") as target:
        os.chmod(path, 0o600)
        if recipients:
            pyrage.encrypt_io(source, target, [_recipient(value) for value in recipients])
        else:
            shutil.copyfileobj(source, target, 1 << 20)


def _unseal(path: Path, target: Path, identities: list, recipients: Sequence[str]) -> None:
    with open(path, "rb") as source, open(target, "xb") as plain:
        try:
            pyrage.decrypt_io(source, plain, identities)
        except (pyrage.DecryptError, OSError) as error:
            # A damaged payload is an OSError("decryption error") from pyrage; a full disk is one too.
            if "no matching keys" in str(error).lower():
                raise _wrong_key(recipients, [str(i.to_public()) for i in identities]) from None
            raise BackupError(
                _bilingual(
                    gettext_noop("%(file)s cannot be decrypted (%(error)s). Nothing was changed."),
                    file=path,
                    error=error,
                )
            ) from None


@dataclass
class RestoreResult:
    manifest: dict
    database_created: bool
    tables: dict[str, int]
    media_files: int
    media_bytes: int
    media_left_in_place: int
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def backup_create(
    *,
    settings_dict: dict,
    media_root: Path,
    parent: Path,
    recipients: Sequence[str],
    now: datetime.datetime | None = None,
) -> tuple[Path, dict]:
    """Writes ``<parent>/<YYYYmmdd-HHMMSS>/``; returns it and its manifest. A failure leaves no folder.

    Both files are encrypted to ``recipients`` (age public keys); with none they are written in clear,
    which ``backup_recipients`` allows only in DEBUG and on request.
    """
    for value in recipients:
        _recipient(value)
    now = timezone.localtime(now)
    parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = parent / f"{now:%Y%m%d-%H%M%S}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        raise BackupError(f"{folder} already exists; wait a second and run the backup again.") from None
    try:
        return folder, _write_backup(
            folder=folder, settings_dict=settings_dict, media_root=media_root, recipients=list(recipients), now=now
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _write_backup(
    *, folder: Path, settings_dict: dict, media_root: Path, recipients: list[str], now: datetime.datetime
) -> dict:
    vendor = _vendor(settings_dict)
    suffix = ENCRYPTED_SUFFIX if recipients else ""
    dump = folder / (DUMP_FILES[vendor] + suffix)
    if vendor == "postgresql":
        tables = _dump_postgresql(settings_dict, dump, recipients)
    else:
        tables = _dump_sqlite(settings_dict, dump, recipients)
    archive = folder / (MEDIA_ARCHIVE + suffix)
    files, size = _media_archive(media_root, archive, recipients)
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(timespec="seconds"),
        "encryption": {"method": "age", "recipients": recipients} if recipients else None,
        "database": {
            "vendor": vendor,
            "name": str(settings_dict["NAME"]),
            "file": dump.name,
            "bytes": dump.stat().st_size,
            "sha256": _sha256(dump),
            "rows": sum(tables.values()),
            "tables": tables,
        },
        "media": {"file": archive.name, "files": files, "bytes": size, "sha256": _sha256(archive)},
    }
    # Written last, under its final name only once complete: a folder without it is no backup.
    partial = folder / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    partial.rename(folder / MANIFEST)
    for path in folder.iterdir():
        path.chmod(0o600)
    return manifest


def manifest_read(*, folder: Path) -> dict:
    """The manifest of a complete backup whose files are the ones it describes."""
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} is not a complete backup: {MANIFEST} is missing.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") not in READABLE_FORMATS:
        raise BackupError(
            f"{path} has format {manifest.get('format')!r}; this portal reads formats "
            f"{', '.join(map(str, READABLE_FORMATS))}."
        )
    manifest.setdefault("encryption", None)
    for part in ("database", "media"):
        file = folder / manifest[part]["file"]
        if not file.is_file():
            raise BackupError(f"{file} is missing.")
        if _sha256(file) != manifest[part]["sha256"]:
            raise BackupError(f"{file} is damaged: its sha256 is not the one in {MANIFEST}.")
    return manifest


def backup_restore(
    *, folder: Path, settings_dict: dict, media_root: Path, replace: bool, identities: Sequence[str] = ()
) -> RestoreResult:
    """Restores the backup in ``folder`` into the database of ``settings_dict`` and into ``media_root``.

    Everything is checked before anything changes: the manifest and sha256 of both files, that
    ``identities`` (age secret keys) decrypt an encrypted backup, the vendor, the archive's paths,
    and, unless ``replace``, that the target database holds no rows.
    """
    manifest = manifest_read(folder=folder)
    vendor = _vendor(settings_dict)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"This backup is of a {manifest['database']['vendor']} database; DATABASE_URL points at {vendor}."
        )
    encryption = manifest["encryption"]
    if not encryption:
        return _restore_files(
            manifest, folder / manifest["database"]["file"], folder / manifest["media"]["file"],
            settings_dict=settings_dict, media_root=media_root, replace=replace,
        )  # fmt: skip
    keys = _identities(identities, encryption["recipients"])
    # Decrypted in full first: a wrong key or a damaged file stops the restore before anything changes.
    with tempfile.TemporaryDirectory(prefix="disnaker-restore-") as plain:
        files = {}
        for part in ("database", "media"):
            name = manifest[part]["file"].removesuffix(ENCRYPTED_SUFFIX)
            files[part] = Path(plain, name)
            _unseal(folder / manifest[part]["file"], files[part], keys, encryption["recipients"])
        return _restore_files(
            manifest, files["database"], files["media"],
            settings_dict=settings_dict, media_root=media_root, replace=replace,
        )  # fmt: skip


def _restore_files(
    manifest: dict, dump: Path, archive: Path, *, settings_dict: dict, media_root: Path, replace: bool
) -> RestoreResult:
    _check_archive(archive, media_root)
    if _vendor(settings_dict) == "postgresql":
        created = _restore_postgresql(settings_dict, dump, replace=replace)
    else:
        created = _restore_sqlite(settings_dict, dump, replace=replace)
    files, size, others = _media_extract(archive, media_root)
    tables = table_counts(settings_dict=settings_dict)
    result = RestoreResult(manifest, created, tables, files, size, others)
    result.mismatches = _mismatches(manifest, result)
    return result


def table_counts(*, settings_dict: dict) -> dict[str, int]:
    """Rows of every table (views left out) of the database, by table name."""
    connection = _connect(settings_dict)
    try:
        with connection.cursor() as cursor:
            return _count_rows(connection, cursor)
    finally:
        connection.close()


def _count_rows(connection, cursor) -> dict[str, int]:
    names = sorted(t.name for t in connection.introspection.get_table_list(cursor) if t.type == "t")
    counts = {}
    for name in names:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
        counts[name] = cursor.fetchone()[0]
    return counts


def _mismatches(manifest: dict, result: RestoreResult) -> list[str]:
    expected = manifest["database"]["tables"]
    problems = [
        f"table {name}: {expected.get(name, 'not in the backup')} rows in the backup, "
        f"{result.tables.get(name, 'no table')} restored"
        for name in sorted(expected.keys() | result.tables.keys())
        if expected.get(name) != result.tables.get(name)
    ]
    media = manifest["media"]
    if (media["files"], media["bytes"]) != (result.media_files, result.media_bytes):
        problems.append(
            f"media: {media['files']} files of {media['bytes']} bytes in the backup, "
            f"{result.media_files} files of {result.media_bytes} bytes restored"
        )
    return problems


# --- Databases --------------------------------------------------------------------------------


def _vendor(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    for vendor in DUMP_FILES:
        if engine.endswith(vendor) or engine.endswith(f"{vendor}3"):
            return vendor
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def _connect(settings_dict: dict, name: str | None = None):
    """A connection of its own (not Django's shared one), to ``name`` or to the configured database."""
    settings_dict = {**settings_dict, "NAME": name or settings_dict["NAME"]}
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict)


def _refuse_if_rows(settings_dict: dict, *, replace: bool) -> None:
    if replace:
        return
    counts = table_counts(settings_dict=settings_dict)
    rows = sum(counts.values())
    if rows:
        tables = sum(1 for count in counts.values() if count)
        raise BackupError(
            f"The database {settings_dict['NAME']!r} already holds {rows} rows in {tables} tables. "
            "A restore replaces all of them with the backup. Nothing was changed; "
            "run again with --yes (make restore ... YES=1) to replace them."
        )


def _dump_sqlite(settings_dict: dict, path: Path, recipients: Sequence[str]) -> dict[str, int]:
    """A consistent copy through SQLite's backup API; the rows are counted in the copy itself.

    The API writes a file, so the copy is made beside ``path`` and then sealed into it; the
    database it copies is on the same disk in clear anyway.
    """
    copy = path.with_name(f".{DUMP_FILES['sqlite']}.copy")
    source = _connect(settings_dict)
    source.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        source.connection.backup(target)
    finally:
        target.close()
        source.close()
    try:
        tables = table_counts(settings_dict={**settings_dict, "NAME": str(copy)})
        with open(copy, "rb") as plain:
            _seal(plain, path, recipients)
    finally:
        copy.unlink()
    return tables


def _restore_sqlite(settings_dict: dict, dump: Path, *, replace: bool) -> bool:
    target = Path(settings_dict["NAME"])
    if _connect(settings_dict).is_in_memory_db():
        raise BackupError("DATABASE_URL points at an in-memory SQLite database: there is nothing to restore into.")
    created = not target.exists()
    if not created:
        _refuse_if_rows(settings_dict, replace=replace)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
    return created


def _libpq_env(settings_dict: dict, name: str | None = None) -> dict[str, str]:
    values = {**settings_dict, "NAME": name or settings_dict["NAME"]}
    env = {var: str(values[key]) for key, var in _LIBPQ_ENV.items() if values.get(key)}
    options = settings_dict.get("OPTIONS") or {}
    env |= {var: str(options[key]) for key, var in _LIBPQ_OPTIONS_ENV.items() if options.get(key)}
    return os.environ | env


def _missing_program(program: str) -> None:
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client).")


def _run(command: list[str], *, env: dict[str, str]) -> None:
    """Runs a PostgreSQL client program; its error output becomes the message of a BackupError."""
    _missing_program(command[0])
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{command[0]} failed (exit {done.returncode}):\n{done.stderr.strip()}")


def _dump_postgresql(settings_dict: dict, path: Path, recipients: Sequence[str]) -> dict[str, int]:
    """pg_dump inside a snapshot exported by a transaction that counts the rows: both see one state.

    pg_dump writes to a pipe that is sealed into ``path`` as it streams: no clear copy on disk.
    """
    _missing_program("pg_dump")
    connection = _connect(settings_dict)
    try:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count_rows(connection, cursor)
            command = ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}"]
            _pipe_into(command, path, recipients, env=_libpq_env(settings_dict))
            cursor.execute("COMMIT")
    finally:
        connection.close()
    return counts


def _pipe_into(command: list[str], path: Path, recipients: Sequence[str], *, env: dict[str, str]) -> None:
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=errors)
        try:
            with process.stdout:
                _seal(process.stdout, path, recipients)
        finally:
            returncode = process.wait()
        if returncode:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            raise BackupError(f"{command[0]} failed (exit {returncode}):\n{message}")


def _restore_postgresql(settings_dict: dict, dump: Path, *, replace: bool) -> bool:
    created = _pg_create_database(settings_dict)
    if not created:
        _refuse_if_rows(settings_dict, replace=replace)
    # One transaction: a restore that fails half-way leaves the database as it was.
    command = [
        "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
        f"--dbname={settings_dict['NAME']}", str(dump),
    ]  # fmt: skip
    _run(command, env=_libpq_env(settings_dict))
    return created


def _pg_maintenance(settings_dict: dict):
    """A connection to the server's ``postgres`` database, falling back to ``template1`` as Django does."""
    from django.db import DatabaseError

    for name in ("postgres", "template1"):
        connection = _connect(settings_dict, name)
        try:
            connection.ensure_connection()
            return connection
        except DatabaseError as error:
            connection.close()
            reason = str(error).strip()
    raise BackupError(f"Cannot connect to the PostgreSQL server of database {settings_dict['NAME']!r}: {reason}")


def _pg_create_database(settings_dict: dict) -> bool:
    """Creates the target database when it does not exist yet; True when it did so."""
    name = settings_dict["NAME"]
    connection = _pg_maintenance(settings_dict)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            quoted = '"' + name.replace('"', '""') + '"'
            # template0: the dump brings every object, so the new database must start with none.
            cursor.execute(f"CREATE DATABASE {quoted} TEMPLATE template0")
            return True
    finally:
        connection.close()


# --- Media ------------------------------------------------------------------------------------


def _media_files(media_root: Path) -> list[Path]:
    """Regular files under MEDIA_ROOT (symbolic links are not uploads), sorted."""
    if not media_root.is_dir():
        return []
    paths = (Path(directory, name) for directory, _dirs, names in os.walk(media_root) for name in names)
    return sorted(path for path in paths if path.is_file() and not path.is_symlink())


def _object_stores() -> dict[str, Storage]:
    """The object stores that hold media instead of MEDIA_ROOT, by the folder their files take in
    the archive: the one they would have under MEDIA_ROOT, so a backup restores onto either."""
    return {
        folder: storages[alias]
        for alias, folder in (("private", "private/"), ("default", ""))
        if not is_local(storages[alias])
    }


def media_places(media_root: Path) -> str:
    """Where the media a backup holds live, for the commands' reports."""
    buckets = [f"s3://{store.bucket_name}/{store.location}" for store in _object_stores().values()]
    return " and ".join([str(media_root), *buckets])


def _media_archive(media_root: Path, archive: Path, recipients: Sequence[str]) -> tuple[int, int]:
    """Tars MEDIA_ROOT and the object stores' files into a pipe that a second thread reads and seals
    into ``archive``; objects are streamed into the tar one by one, never gathered on the disk."""
    files = _media_files(media_root)
    objects = [(folder, store, name) for folder, store in _object_stores().items() for name in storage_walk(store)]
    read_end, write_end = os.pipe()
    failures: list[BaseException] = []
    sizes: list[int] = [path.stat().st_size for path in files]

    def write_tar() -> None:
        try:
            with open(write_end, "wb") as pipe, tarfile.open(fileobj=pipe, mode="w|gz") as tar:
                for path in files:
                    tar.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
                for folder, storage, name in objects:
                    sizes.append(_add_object(tar, storage, name, arcname=folder + name))
        except BaseException as error:  # noqa: BLE001 - raised again by the caller's thread
            failures.append(error)

    writer = threading.Thread(target=write_tar, name="backup-media-tar")
    writer.start()
    try:
        with open(read_end, "rb") as pipe:
            _seal(pipe, archive, recipients)
    finally:
        writer.join()
    if failures:
        raise failures[0]
    return len(sizes), sum(sizes)


def _add_object(tar: tarfile.TarFile, storage: Storage, name: str, *, arcname: str) -> int:
    info = tarfile.TarInfo(arcname)
    info.size = storage.size(name)
    info.mtime = int(storage.get_modified_time(name).timestamp())
    info.mode = 0o600
    with storage.open(name, "rb") as source:
        tar.addfile(info, source)
    return info.size


def _check_archive(archive: Path, media_root: Path) -> None:
    """Refuses an archive with a path that would land outside MEDIA_ROOT, a link or a device."""
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            try:
                tarfile.data_filter(member, str(media_root))
            except tarfile.FilterError as error:
                raise BackupError(f"{archive} holds an unsafe entry: {error}") from None


def _media_extract(archive: Path, media_root: Path) -> tuple[int, int, int]:
    """Extracts into MEDIA_ROOT, and into the object stores the files that belong there, replacing
    files of the same name; returns files, bytes, and how many other files were left in place."""
    stores = _object_stores()
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        remote = {m.name: _store_of(m.name, stores) for m in members if _store_of(m.name, stores)}
        tar.extractall(media_root, members=[m for m in members if m.name not in remote], filter="data")
        for member in members:
            if member.name in remote:
                folder, storage = remote[member.name]
                storage_overwrite(storage, member.name.removeprefix(folder), tar.extractfile(member).read())
    local = [media_root / m.name for m in members if m.name not in remote]
    restored = {path for path in local if path.is_file()}
    size = sum(path.stat().st_size for path in restored) + sum(m.size for m in members if m.name in remote)
    others = sum(1 for path in _media_files(media_root) if path not in restored)
    for folder, storage in stores.items():
        others += sum(1 for name in storage_walk(storage) if folder + name not in remote)
    return len(restored) + len(remote), size, others


def _store_of(arcname: str, stores: dict[str, Storage]) -> tuple[str, Storage] | None:
    """The object store (and its folder in the archive) a file of the archive goes back to, if any."""
    for folder in sorted(stores, key=len, reverse=True):  # "private/" before the catch-all ""
        if arcname.startswith(folder):
            return folder, stores[folder]
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
