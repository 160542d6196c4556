"""Backups of the database and the media files, and their restore (README, "Backup and restore").

A backup is a folder holding the database (``database.dump`` from ``pg_dump``, or ``database.sqlite3``
copied with SQLite's backup API), ``media.tar.gz`` (MEDIA_ROOT, relative paths) and
``manifest.json``: when it was made, which database, the rows of every table, the media files'
number and bytes, and the sha256 of both files, so that a restore can be checked against it.

MEDIA_ROOT holds KTP scans and the database holds NIKs: backup folders are readable by their owner only.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db.utils import load_backend
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1

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
    *, settings_dict: dict, media_root: Path, parent: Path, now: datetime.datetime | None = None
) -> tuple[Path, dict]:
    """Writes ``<parent>/<YYYYmmdd-HHMMSS>/``; returns it and its manifest. A failure leaves no folder."""
    now = timezone.localtime(now)
    parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = parent / f"{now:%Y%m%d-%H%M%S}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        raise BackupError(f"{folder} already exists; wait a second and run the backup again.") from None
    try:
        return folder, _write_backup(folder=folder, settings_dict=settings_dict, media_root=media_root, now=now)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _write_backup(*, folder: Path, settings_dict: dict, media_root: Path, now: datetime.datetime) -> dict:
    vendor = _vendor(settings_dict)
    dump = folder / DUMP_FILES[vendor]
    tables = _dump_postgresql(settings_dict, dump) if vendor == "postgresql" else _dump_sqlite(settings_dict, dump)
    files, size = _media_archive(media_root, folder / MEDIA_ARCHIVE)
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(timespec="seconds"),
        "database": {
            "vendor": vendor,
            "name": str(settings_dict["NAME"]),
            "file": dump.name,
            "bytes": dump.stat().st_size,
            "sha256": _sha256(dump),
            "rows": sum(tables.values()),
            "tables": tables,
        },
        "media": {"file": MEDIA_ARCHIVE, "files": files, "bytes": size, "sha256": _sha256(folder / MEDIA_ARCHIVE)},
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
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} has format {manifest.get('format')!r}; this portal reads format {FORMAT}.")
    for part in ("database", "media"):
        file = folder / manifest[part]["file"]
        if not file.is_file():
            raise BackupError(f"{file} is missing.")
        if _sha256(file) != manifest[part]["sha256"]:
            raise BackupError(f"{file} is damaged: its sha256 is not the one in {MANIFEST}.")
    return manifest


def backup_restore(*, folder: Path, settings_dict: dict, media_root: Path, replace: bool) -> RestoreResult:
    """Restores the backup in ``folder`` into the database of ``settings_dict`` and into ``media_root``.

    Everything is checked before anything changes: the manifest and sha256 of both files, the
    vendor, the archive's paths, and, unless ``replace``, that the target database holds no rows.
    """
    manifest = manifest_read(folder=folder)
    vendor = _vendor(settings_dict)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"This backup is of a {manifest['database']['vendor']} database; DATABASE_URL points at {vendor}."
        )
    archive = folder / manifest["media"]["file"]
    _check_archive(archive, media_root)
    dump = folder / manifest["database"]["file"]
    if vendor == "postgresql":
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


def _dump_sqlite(settings_dict: dict, path: Path) -> dict[str, int]:
    """A consistent copy through SQLite's backup API; the rows are counted in the copy itself."""
    source = _connect(settings_dict)
    source.ensure_connection()
    target = sqlite3.connect(path)
    try:
        source.connection.backup(target)
    finally:
        target.close()
        source.close()
    return table_counts(settings_dict={**settings_dict, "NAME": str(path)})


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


def _run(command: list[str], *, env: dict[str, str]) -> None:
    """Runs a PostgreSQL client program; its error output becomes the message of a BackupError."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{command[0]} failed (exit {done.returncode}):\n{done.stderr.strip()}")


def _dump_postgresql(settings_dict: dict, path: Path) -> dict[str, int]:
    """pg_dump inside a snapshot exported by a transaction that counts the rows: both see one state."""
    connection = _connect(settings_dict)
    try:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count_rows(connection, cursor)
            command = ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={path}"]
            _run(command, env=_libpq_env(settings_dict))
            cursor.execute("COMMIT")
    finally:
        connection.close()
    return counts


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


def _media_archive(media_root: Path, archive: Path) -> tuple[int, int]:
    files = _media_files(media_root)
    with tarfile.open(archive, "w:gz") as tar:
        for path in files:
            tar.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
    return len(files), sum(path.stat().st_size for path in files)


def _check_archive(archive: Path, media_root: Path) -> None:
    """Refuses an archive with a path that would land outside MEDIA_ROOT, a link or a device."""
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            try:
                tarfile.data_filter(member, str(media_root))
            except tarfile.FilterError as error:
                raise BackupError(f"{archive} holds an unsafe entry: {error}") from None


def _media_extract(archive: Path, media_root: Path) -> tuple[int, int, int]:
    """Extracts into MEDIA_ROOT, replacing files of the same path; returns files, bytes, others left."""
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        tar.extractall(media_root, filter="data")
    restored = {media_root / m.name for m in members if (media_root / m.name).is_file()}
    size = sum(path.stat().st_size for path in restored)
    others = sum(1 for path in _media_files(media_root) if path not in restored)
    return len(restored), size, others


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
