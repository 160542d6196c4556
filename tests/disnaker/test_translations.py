"""Indonesian is the default language: every user-facing string must have its translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

from tests.conftest import require

PROJECT_DIR = Path(__file__).resolve().parents[2]
CATALOGUE = PROJECT_DIR / "locale" / "id" / "LC_MESSAGES" / "django.po"


def test_indonesian_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(CATALOGUE))
    assert not [e.msgid for e in po.untranslated_entries()]
    assert not [e.msgid for e in po.fuzzy_entries()]


def test_catalogue_covers_every_string_in_the_source(tmp_path):
    require(bool(shutil.which("xgettext")), "gettext (apt-get install gettext)")
    copy = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "media", "staticfiles", "node_modules", "*.sqlite3", "test-artifacts", "__pycache__"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "id",
            "--no-obsolete",
            "--ignore",
            "static/*",
            "--ignore",
            "tests/*",
            "--ignore",
            "bench/*",
            "-v0",
        ],
        cwd=copy,
        check=True,
        env={"DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale" / "id" / "LC_MESSAGES" / "django.po"))}
    committed = {e.msgid for e in polib.pofile(str(CATALOGUE)) if e.msgstr or e.msgstr_plural}
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new strings"
