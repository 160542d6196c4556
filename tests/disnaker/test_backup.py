"""make backup / make restore: a round trip into a fresh database gives back every row and every media file.

Backups are encrypted with age: no file of a backup shows a NIK or a KTP scan, and a restore needs the key.
"""

import datetime
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pyrage
import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import models
from django.db.utils import load_backend

from disnaker import backup
from disnaker.backup import keypair_generate
from disnaker.models import Person, Summary
from lpk_registry.models import ReportProgrammeLine
from tests.conftest import PROJECT_DIR, _database_url
from tests.factories import BatchFactory, GraduateReportFactory, PersonFactory, RegistrationFactory

PEOPLE = "SELECT nik, name FROM disnaker_person ORDER BY id"
SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename"
NO_KEY = {"BACKUP_AGE_IDENTITY": "", "BACKUP_AGE_IDENTITY_FILE": ""}
KEY = keypair_generate()  # (public, secret): the office's backup key pair for this module
OTHER_KEY = keypair_generate()
NO_KEY_ID = "Backup ini terenkripsi dan kuncinya tidak diberikan."
NO_KEY_EN = "This backup is encrypted and no key was given."
WRONG_KEY_ID = "Kunci yang diberikan tidak dapat membuka backup ini"
WRONG_KEY_EN = "The key given does not open this backup"


def make_data() -> None:
    """People, a batch with registrations and their KTP scans, an LPK report, a summary with its PDF.

    Also run by ``manage.py shell`` for the SQLite round trip, so it uses the configured storage.
    """
    people = [PersonFactory() for _ in range(4)]
    batch = BatchFactory()
    for person in people[:3]:
        RegistrationFactory(person=person, batch=batch, ktp_document=ContentFile(os.urandom(3000), name="ktp.jpg"))
    report = GraduateReportFactory()
    ReportProgrammeLine.objects.create(report=report, programme="Las", enrolled_male=4, graduates_male=3)
    Summary.objects.create(
        period_kind="month", period_start=datetime.date(2026, 10, 1), period_end=datetime.date(2026, 10, 31),
        state="done", figures={"figures": {}}, pdf=ContentFile(b"%PDF-1.7\n" + os.urandom(5000), name="city.pdf"),
    )  # fmt: skip


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """manage.py with the office's key pair in the environment unless ``env`` says otherwise."""
    keys = {"BACKUP_AGE_RECIPIENTS": KEY[0], "BACKUP_AGE_IDENTITY": KEY[1], "BACKUP_AGE_IDENTITY_FILE": ""}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR,
        env=os.environ | {"DJANGO_DEBUG": "1", **keys, **env}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def _secrets(niks: list[str], scans: list[bytes]) -> list[bytes]:
    """What must not be readable in a backup: every NIK, and a slice from the middle of every KTP scan."""
    assert niks and scans
    return [nik.encode() for nik in niks] + [scan[len(scan) // 2 : len(scan) // 2 + 48] for scan in scans]


def _readable_without_key(path: Path) -> bytes:
    """The file's bytes, and what standard tools read from it with no key: zcat, pg_restore to SQL."""
    data = path.read_bytes()
    if data.startswith(b"\x1f\x8b"):
        data += gzip.decompress(data)
    if data.startswith(b"PGDMP"):
        sql = subprocess.run(["pg_restore", "--data-only", "--file=-", str(path)], capture_output=True, check=True)
        data += sql.stdout
    return data


def _found_in_clear(folder: Path, secrets: list[bytes]) -> dict[str, list[bytes]]:
    """The secrets each file of the backup shows to `grep`, `zgrep` or `pg_restore` without the key."""
    found = {}
    for path in sorted(folder.iterdir()):
        data = _readable_without_key(path)
        found[path.name] = [secret for secret in secrets if secret in data]
    return found


def _decrypt(path: Path, secret: str) -> bytes:
    return pyrage.decrypt(path.read_bytes(), [pyrage.x25519.Identity.from_str(secret)])


def _only_backup_in(parent: Path) -> Path:
    (folder,) = parent.iterdir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # KTP scans and NIKs: the owner's eyes only
    return folder


# --- PostgreSQL -------------------------------------------------------------------------------


def _connect(settings_dict: dict, name: str):
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper({**settings_dict, "NAME": name})


def _query(connection, sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else []


def _row_counts(connection) -> dict[str, int]:
    """Every table of the database, not a sample."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        return {name: _query(connection, f'SELECT COUNT(*) FROM "{name}"')[0][0] for name in names}


@pytest.fixture
def backup_key(settings):
    """BACKUP_AGE_RECIPIENTS of this process set to the office's public key."""
    settings.BACKUP_AGE_RECIPIENTS = [KEY[0]]
    return KEY


@pytest.fixture
def media_root(tmp_path, settings, monkeypatch):
    """MEDIA_ROOT and every file field's storage in a temporary folder."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    storage = FileSystemStorage(location=root / "private")
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                monkeypatch.setattr(field, "storage", storage)
    return root


@pytest.fixture
def fresh_database(postgres):
    """The name of a database that does not exist yet; dropped at the end."""
    name = f"test_restore_{os.getpid()}"
    server = _connect(postgres.settings_dict, "postgres")
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    _query(server, drop)
    yield name
    _query(server, drop)
    server.close()


def _backup_in_process(tmp_path: Path) -> Path:
    call_command("backup", "--dir", str(tmp_path / "backups"), stdout=io.StringIO())
    return _only_backup_in(tmp_path / "backups")


def _ktp_scans(media_root: Path) -> list[bytes]:
    return [data for name, data in _files(media_root).items() if "ktp" in name]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip_into_a_fresh_database_gives_back_every_row_and_file(
    postgres, media_root, fresh_database, tmp_path, backup_key
):
    make_data()
    source_counts, source_people = _row_counts(postgres), _query(postgres, PEOPLE)
    source_sequences = _query(postgres, SEQUENCES)
    folder = _backup_in_process(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["encryption"] == {"method": "age", "recipients": [KEY[0]]}
    assert manifest["database"]["tables"] == source_counts
    assert manifest["database"]["sha256"] == _sha256(folder / "database.dump.age")
    assert manifest["media"]["files"] == len(_files(media_root)) == 4  # three KTP scans and the summary PDF

    restored_media = tmp_path / "restored-media"
    env = {"DATABASE_URL": _database_url({**postgres.settings_dict, "NAME": fresh_database}),
           "MEDIA_ROOT": str(restored_media)}  # fmt: skip
    done = _manage("restore", str(folder), env=env)
    assert done.returncode == 0, done.stderr
    assert f"into '{fresh_database}' (created)" in done.stdout
    assert "Every table and the media files match the manifest." in done.stdout

    target = _connect(postgres.settings_dict, fresh_database)
    try:
        counts = _row_counts(target)
        assert counts == source_counts
        assert counts["disnaker_person"] == 4 and counts["training_registration"] == 3
        assert _query(target, PEOPLE) == source_people
        assert _query(target, SEQUENCES) == source_sequences  # new rows get new ids
        assert _files(restored_media) == _files(media_root)

        # Restoring again with --yes replaces what the database holds by then.
        _query(target, "UPDATE disnaker_person SET name = 'Diubah Setelah Backup'")
        _query(target, "DELETE FROM lpk_registry_reportprogrammeline")
        target.close()
        done = _manage("restore", str(folder), "--yes", env=env)
        assert done.returncode == 0, done.stderr
        assert _row_counts(target) == source_counts
        assert _query(target, PEOPLE) == source_people
    finally:
        target.close()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_postgresql_restore_without_yes_into_a_database_with_rows_refuses_and_changes_nothing(
    postgres, media_root, tmp_path, backup_key
):
    make_data()
    folder = _backup_in_process(tmp_path)
    newcomer = PersonFactory()  # a restore would remove this person
    before = _row_counts(postgres)
    restored_media = tmp_path / "restored-media"

    done = _manage(
        "restore", str(folder),
        env={"DATABASE_URL": _database_url(postgres.settings_dict), "MEDIA_ROOT": str(restored_media)},
    )  # fmt: skip

    assert done.returncode == 1
    assert "already holds" in done.stderr and "Nothing was changed" in done.stderr and "--yes" in done.stderr
    assert _row_counts(postgres) == before
    assert Person.objects.filter(pk=newcomer.pk).exists()
    assert not restored_media.exists()


def _database_exists(postgres, name: str) -> bool:
    server = _connect(postgres.settings_dict, "postgres")
    try:
        return bool(_query(server, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))
    finally:
        server.close()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_shows_no_nik_or_ktp_scan_and_restores_only_with_its_key(
    postgres, media_root, fresh_database, tmp_path, backup_key
):
    make_data()
    niks = [row[0] for row in _query(postgres, "SELECT nik FROM disnaker_person")]
    scans = _ktp_scans(media_root)
    source_counts, source_people = _row_counts(postgres), _query(postgres, PEOPLE)
    folder = _backup_in_process(tmp_path)
    secrets = _secrets(niks, scans)

    assert _found_in_clear(folder, secrets) == {"database.dump.age": [], "manifest.json": [], "media.tar.gz.age": []}
    # The same search finds them all once the files are decrypted with the key.
    decrypted = tmp_path / "decrypted"
    decrypted.mkdir()
    for name in ("database.dump", "media.tar.gz"):
        (decrypted / name).write_bytes(_decrypt(folder / f"{name}.age", KEY[1]))
    found = _found_in_clear(decrypted, secrets)
    assert found == {"database.dump": secrets[:4], "media.tar.gz": secrets[4:]}
    assert len(niks) == 4 and len(scans) == 3

    restored_media = tmp_path / "restored-media"
    env = {"DATABASE_URL": _database_url({**postgres.settings_dict, "NAME": fresh_database}),
           "MEDIA_ROOT": str(restored_media)}  # fmt: skip
    without_key = _manage("restore", str(folder), env=env | NO_KEY)
    assert without_key.returncode == 1
    assert NO_KEY_ID in without_key.stderr and NO_KEY_EN in without_key.stderr
    assert KEY[0] in without_key.stderr and "Nothing was changed." in without_key.stderr
    assert not _database_exists(postgres, fresh_database) and not restored_media.exists()

    wrong_key = _manage("restore", str(folder), env=env | {"BACKUP_AGE_IDENTITY": OTHER_KEY[1]})
    assert wrong_key.returncode == 1
    assert WRONG_KEY_ID in wrong_key.stderr and WRONG_KEY_EN in wrong_key.stderr
    assert OTHER_KEY[1] not in wrong_key.stderr + wrong_key.stdout  # a secret key is never printed
    assert not _database_exists(postgres, fresh_database) and not restored_media.exists()

    key_file = tmp_path / "backup-key.txt"
    key_file.write_text(f"# public key: {KEY[0]}\n{KEY[1]}\n")
    done = _manage("restore", str(folder), "--identity-file", str(key_file), env=env | NO_KEY)
    assert done.returncode == 0, done.stderr
    assert "Every table and the media files match the manifest." in done.stdout
    target = _connect(postgres.settings_dict, fresh_database)
    try:
        assert _row_counts(target) == source_counts
        assert _query(target, PEOPLE) == source_people
    finally:
        target.close()
    assert _files(restored_media) == _files(media_root)


# --- SQLite (runs everywhere: the source is a file database made by manage.py) ----------------


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: connection.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def _sqlite_query(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def _sqlite_env(database: Path, media: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(media), "REDIS_URL": ""}


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory):
    """A migrated SQLite file with the data of make_data(), and its backup made by manage.py backup."""
    root = tmp_path_factory.mktemp("sqlite-backup")
    source, media = root / "source.sqlite3", root / "source-media"
    setup = (
        "from django.core.management import call_command; call_command('migrate', interactive=False, verbosity=0); "
        "from tests.disnaker.test_backup import make_data; make_data()"
    )
    # Without an fsync after each of the many migrations (this file is thrown away): twice as fast.
    unsynced = _sqlite_env(source, media) | {
        "DATABASE_URL": f"sqlite:///{source}?init_command=PRAGMA+synchronous%3DOFF"
    }
    done = _manage("shell", "-c", setup, env=unsynced)
    assert done.returncode == 0, done.stderr
    done = _manage("backup", "--dir", str(root / "backups"), env=_sqlite_env(source, media))
    assert done.returncode == 0, done.stderr
    return SimpleNamespace(source=source, media=media, folder=_only_backup_in(root / "backups"), output=done.stdout)


@pytest.fixture(scope="module")
def sqlite_plain_backup(sqlite_backup, tmp_path_factory):
    """A backup of the same SQLite file written in clear, as --unencrypted allows with DJANGO_DEBUG=1."""
    parent = tmp_path_factory.mktemp("sqlite-plain-backup")
    env = _sqlite_env(sqlite_backup.source, sqlite_backup.media) | {"BACKUP_AGE_RECIPIENTS": ""}
    done = _manage("backup", "--unencrypted", "--dir", str(parent), env=env)
    assert done.returncode == 0, done.stderr
    assert "NOT encrypted" in done.stdout
    return _only_backup_in(parent)


def test_sqlite_round_trip_gives_back_every_row_and_file(sqlite_backup, tmp_path):
    source, folder = sqlite_backup.source, sqlite_backup.folder
    manifest = json.loads((folder / "manifest.json").read_text())
    source_counts = _sqlite_counts(source)
    assert manifest["database"]["tables"] == {n: c for n, c in source_counts.items() if not n.startswith("sqlite_")}
    assert manifest["database"]["sha256"] == _sha256(folder / "database.sqlite3.age")
    assert f"4 files, {manifest['media']['bytes'] / 1024:.1f} KB -> media.tar.gz.age" in sqlite_backup.output
    assert f"encrypted with age to {KEY[0]}" in sqlite_backup.output
    target, media = tmp_path / "restored" / "db.sqlite3", tmp_path / "restored-media"

    done = _manage("restore", str(folder), env=_sqlite_env(target, media))

    assert done.returncode == 0, done.stderr
    assert "(created)" in done.stdout and "Every table and the media files match the manifest." in done.stdout
    counts = _sqlite_counts(target)
    assert counts == source_counts
    assert counts["disnaker_person"] == 4 and counts["training_registration"] == 3
    assert _sqlite_query(target, PEOPLE) == _sqlite_query(source, PEOPLE)
    assert len(_files(media)) == 4
    assert _files(media) == _files(sqlite_backup.media)


def test_sqlite_restore_without_yes_into_a_database_with_rows_refuses_and_changes_nothing(sqlite_backup, tmp_path):
    target, media = tmp_path / "db.sqlite3", tmp_path / "media"
    shutil.copy(sqlite_backup.source, target)
    with sqlite3.connect(target) as connection:
        connection.execute("UPDATE disnaker_person SET name = 'Diubah Setelah Backup'")
    before = _sha256(target)

    refused = _manage("restore", str(sqlite_backup.folder), env=_sqlite_env(target, media))

    assert refused.returncode == 1
    assert "already holds" in refused.stderr and "Nothing was changed" in refused.stderr
    assert "--yes" in refused.stderr
    assert _sha256(target) == before
    assert not media.exists()

    replaced = _manage("restore", str(sqlite_backup.folder), "--yes", env=_sqlite_env(target, media))
    assert replaced.returncode == 0, replaced.stderr
    assert _sqlite_query(target, PEOPLE) == _sqlite_query(sqlite_backup.source, PEOPLE)


def test_restore_refuses_a_damaged_backup_before_touching_anything(sqlite_backup, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(sqlite_backup.folder, damaged)
    dump = damaged / "database.sqlite3.age"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    target, media = tmp_path / "db.sqlite3", tmp_path / "media"

    done = _manage("restore", str(damaged), env=_sqlite_env(target, media))

    assert done.returncode == 1
    assert "database.sqlite3.age is damaged" in done.stderr
    assert not target.exists() and not media.exists()


def test_sqlite_backup_shows_no_nik_or_ktp_scan_where_a_plain_backup_shows_them(sqlite_backup, sqlite_plain_backup):
    niks = [row[0] for row in _sqlite_query(sqlite_backup.source, "SELECT nik FROM disnaker_person")]
    secrets = _secrets(niks, _ktp_scans(sqlite_backup.media))

    encrypted = _found_in_clear(sqlite_backup.folder, secrets)
    plain = _found_in_clear(sqlite_plain_backup, secrets)

    assert encrypted == {"database.sqlite3.age": [], "manifest.json": [], "media.tar.gz.age": []}
    # The same search finds every NIK and every scan in a backup written in clear.
    assert plain["database.sqlite3"] == secrets[: len(niks)] and len(niks) == 4
    assert plain["media.tar.gz"] == secrets[len(niks) :] and len(secrets) == 7
    assert plain["manifest.json"] == []


def test_restore_with_a_wrong_key_or_none_refuses_and_changes_nothing(sqlite_backup, tmp_path):
    target, media = tmp_path / "db.sqlite3", tmp_path / "media"
    env = _sqlite_env(target, media)

    without_key = _manage("restore", str(sqlite_backup.folder), env=env | NO_KEY)
    wrong_key = _manage("restore", str(sqlite_backup.folder), env=env | {"BACKUP_AGE_IDENTITY": OTHER_KEY[1]})
    not_a_key = _manage("restore", str(sqlite_backup.folder), env=env | {"BACKUP_AGE_IDENTITY": "rahasia"})

    assert without_key.returncode == wrong_key.returncode == not_a_key.returncode == 1
    assert NO_KEY_ID in without_key.stderr and NO_KEY_EN in without_key.stderr
    assert WRONG_KEY_ID in wrong_key.stderr and WRONG_KEY_EN in wrong_key.stderr
    assert f"encrypted to {KEY[0]}, and the key given belongs to {OTHER_KEY[0]}" in wrong_key.stderr
    assert "bukan kunci rahasia age" in not_a_key.stderr and "is not an age secret key" in not_a_key.stderr
    assert not target.exists() and not media.exists()


def test_restore_of_a_tampered_encrypted_file_refuses_before_touching_anything(sqlite_backup, tmp_path):
    """The sha256 in the manifest was made to match; age's authentication still refuses the file."""
    tampered = tmp_path / "tampered"
    shutil.copytree(sqlite_backup.folder, tampered)
    dump = tampered / "database.sqlite3.age"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    manifest = json.loads((tampered / "manifest.json").read_text())
    manifest["database"]["sha256"] = _sha256(dump)
    (tampered / "manifest.json").write_text(json.dumps(manifest))
    target, media = tmp_path / "db.sqlite3", tmp_path / "media"

    done = _manage("restore", str(tampered), env=_sqlite_env(target, media))

    assert done.returncode == 1
    assert "database.sqlite3.age cannot be decrypted" in done.stderr and "tidak dapat didekripsi" in done.stderr
    assert not target.exists() and not media.exists()


def test_a_plain_backup_of_the_first_format_still_restores_without_a_key(sqlite_backup, sqlite_plain_backup, tmp_path):
    old = tmp_path / "format-1"
    shutil.copytree(sqlite_plain_backup, old)
    manifest = json.loads((old / "manifest.json").read_text())
    assert manifest.pop("encryption") is None
    (old / "manifest.json").write_text(json.dumps(manifest | {"format": 1}))
    target, media = tmp_path / "db.sqlite3", tmp_path / "media"

    done = _manage("restore", str(old), env=_sqlite_env(target, media) | NO_KEY)

    assert done.returncode == 0, done.stderr
    assert _sqlite_query(target, PEOPLE) == _sqlite_query(sqlite_backup.source, PEOPLE)
    assert _files(media) == _files(sqlite_backup.media)


def test_restore_that_does_not_match_the_manifest_says_where_and_exits_non_zero(sqlite_backup, tmp_path):
    edited = tmp_path / "edited"
    shutil.copytree(sqlite_backup.folder, edited)
    manifest = json.loads((edited / "manifest.json").read_text())
    manifest["database"]["tables"]["disnaker_person"] += 1
    (edited / "manifest.json").write_text(json.dumps(manifest))

    done = _manage("restore", str(edited), env=_sqlite_env(tmp_path / "db.sqlite3", tmp_path / "media"))

    assert done.returncode == 1
    assert "MISMATCH table disnaker_person: 5 rows in the backup, 4 restored" in done.stderr
    assert "does not match the manifest: 1 differences" in done.stderr


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_postgresql_password_reaches_pg_dump_through_the_environment_only(postgres, media_root, tmp_path, monkeypatch):
    calls = []
    real_popen = subprocess.Popen

    def spy(command, **kwargs):
        calls.append((command, kwargs["env"]))
        return real_popen(command, **kwargs)

    monkeypatch.setattr(backup.subprocess, "Popen", spy)
    # The test server trusts local connections, so the password is passed on but not needed.
    settings_dict = {**postgres.settings_dict, "PASSWORD": "rahasia-sekali"}

    backup.backup_create(
        settings_dict=settings_dict, media_root=media_root, parent=tmp_path / "backups", recipients=[KEY[0]]
    )

    ((command, env),) = calls
    assert command[0] == "pg_dump" and not any("rahasia" in arg for arg in command)
    assert env["PGPASSWORD"] == "rahasia-sekali" and env["PGDATABASE"] == postgres.settings_dict["NAME"]


# --- Keys and refusals ------------------------------------------------------------------------


def test_backup_without_recipients_refuses_in_both_languages_and_writes_nothing(settings, tmp_path):
    settings.BACKUP_AGE_RECIPIENTS = []

    with pytest.raises(CommandError) as refused:
        call_command("backup", "--dir", str(tmp_path / "backups"), stdout=io.StringIO())

    message = str(refused.value)
    assert "BACKUP_AGE_RECIPIENTS belum diisi" in message and "BACKUP_AGE_RECIPIENTS is not set" in message
    assert "backup_keygen" in message and "Nothing was written." in message
    assert not (tmp_path / "backups").exists()


def test_unencrypted_backup_is_refused_when_debug_is_off(settings, tmp_path):
    settings.DEBUG = False
    settings.BACKUP_AGE_RECIPIENTS = []

    with pytest.raises(CommandError, match="--unencrypted is refused when DJANGO_DEBUG is off"):
        call_command("backup", "--unencrypted", "--dir", str(tmp_path / "backups"), stdout=io.StringIO())
    assert not (tmp_path / "backups").exists()


def test_backup_refuses_a_recipient_that_is_not_an_age_public_key(settings, tmp_path):
    settings.BACKUP_AGE_RECIPIENTS = [KEY[0], "age1bukankunci"]

    with pytest.raises(CommandError, match="'age1bukankunci', which is not an age public key"):
        call_command("backup", "--dir", str(tmp_path / "backups"), stdout=io.StringIO())
    assert not (tmp_path / "backups").exists()


def test_backup_keygen_prints_a_key_pair_in_the_format_of_age_keygen(tmp_path):
    out, err = io.StringIO(), io.StringIO()

    call_command("backup_keygen", stdout=out, stderr=err)

    created, public_line, secret = out.getvalue().splitlines()
    public = public_line.removeprefix("# public key: ")
    assert re.fullmatch(r"# created: 2026-11-\d\dT\d\d:\d\d:\d\d\+07:00", created)  # Asia/Jakarta, as age-keygen
    assert public.startswith("age1") and secret.startswith("AGE-SECRET-KEY-1")
    assert str(pyrage.x25519.Identity.from_str(secret).to_public()) == public
    assert f"Public key: {public}" in err.getvalue() and secret not in err.getvalue()
    key_file = tmp_path / "backup-key.txt"
    key_file.write_text(out.getvalue())
    assert backup.identities_read(identity_file=str(key_file)) == [secret]
    assert out.getvalue() != _keygen_output()  # a new pair every time


def _keygen_output() -> str:
    out = io.StringIO()
    call_command("backup_keygen", stdout=out, stderr=io.StringIO())
    return out.getvalue()
