"""An upload checked, previewed, then saved: the steps every import shares.

``parse`` reads a file with an import's row reader and answers its data with every problem, in
reading order; nothing is saved. A file without problems waits in private storage under a random
name (``PendingUpload``) while its preview is shown; the session holds only that name and what the
upload belongs to (thousands of parsed rows would not fit in a session). Confirming parses the
stored file again, saves it all at once through the import's service, then deletes the file.
"""

import datetime
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disnaker.storage import private_storage, storage_walk

from .reading import FileProblem, Layout, Limits, RowError, read_upload

ERRORS_SHOWN = 200


@dataclass
class Parsed:
    kind: str = ""  # "xlsx" or "csv"; empty when the file could not be read at all
    data: Any = None  # what the import's row reader made of the rows
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse(uploaded_file, layout: Layout, read_rows, *, limits: Limits = Limits()) -> Parsed:  # noqa: B008
    """``read_rows(upload, errors)`` turns the tables into the import's data, adding each bad cell to errors."""
    try:
        upload = read_upload(uploaded_file, layout, limits)
    except FileProblem as problem:
        return Parsed(errors=[problem.error])
    errors: list[RowError] = []
    data = read_rows(upload, errors)
    errors.sort(key=layout.reading_order)
    return Parsed(upload.kind, data, errors)


@dataclass(frozen=True)
class UploadSteps:
    """What an import's upload page says: the steps (the first one gets the template's link), a note on
    CSV files, and what saving replaces, if anything."""

    steps: tuple
    csv_note: str
    replace_note: str = ""


def errors_context(errors: list[RowError]) -> dict:
    """The problems as the upload page shows them: the file's, then the first rows' (a long list helps nobody)."""
    rows = [e for e in errors if e.row is not None]
    return {
        "file_errors": [e for e in errors if e.row is None],
        "row_errors": rows[:ERRORS_SHOWN],
        "errors_hidden": max(0, len(rows) - ERRORS_SHOWN),
    }


class PendingUpload:
    """Uploads of one kind waiting for their confirmation, one per session."""

    def __init__(self, *, session_key: str, folder: str):
        self.session_key, self.folder = session_key, folder

    def keep(self, request, uploaded_file, **owner) -> None:
        """Stores the file; ``owner`` (ids, choices made with the upload) must match to confirm it."""
        self.forget(request)
        request.session[self.session_key] = {**owner, "file": self.store(uploaded_file)}

    def value(self, request, key: str):
        return (request.session.get(self.session_key) or {}).get(key)

    def result(self, request, parse_file, **owner):
        """The owner's waiting upload parsed again; None, the user told, when there is none to save."""
        pending = request.session.get(self.session_key) or {}
        result = None
        if "file" in pending and all(pending.get(key) == value for key, value in owner.items()):
            result = self.parse_stored(pending["file"], parse_file)
        if result is not None and result.ok:
            return result
        self.forget(request)  # another owner's upload, or a file gone from storage
        messages.warning(request, _("No uploaded file is waiting to be saved. Upload the file again."))
        return None

    def forget(self, request) -> None:
        """Deletes the waiting file (once the transaction commits) and its trace in the session."""
        pending = request.session.pop(self.session_key, None)
        if pending:
            transaction.on_commit(lambda: self.discard(pending["file"]))

    # --- The files --------------------------------------------------------------------------

    def store(self, uploaded_file) -> str:
        """Keeps an uploaded file in private storage under a random name until it is confirmed."""
        extension = ".csv" if os.path.splitext(uploaded_file.name)[1].lower() == ".csv" else ".xlsx"
        uploaded_file.seek(0)
        # The portal's clock is written into the name: object stores keep no trustworthy modification time.
        stamp = int(timezone.now().timestamp())
        return private_storage().save(f"{self.folder}/{stamp}-{uuid.uuid4().hex}{extension}", uploaded_file)

    def parse_stored(self, name: str, parse_file):
        """The stored upload parsed again, or None when it is gone."""
        storage = private_storage()
        if not name.startswith(f"{self.folder}/") or not storage.exists(name):
            return None
        with storage.open(name, "rb") as stored:
            return parse_file(stored)

    def discard(self, name: str) -> None:
        if name.startswith(f"{self.folder}/"):
            private_storage().delete(name)

    @staticmethod
    def stored_at(storage, name: str) -> datetime.datetime:
        """When the portal stored the upload: the stamp in its name, else the file's modification time."""
        stamp = os.path.basename(name).split("-", 1)[0]
        if stamp.isdigit():
            return datetime.datetime.fromtimestamp(int(stamp), tz=datetime.UTC)
        return storage.get_modified_time(name)

    def discard_stale(self, *, now: datetime.datetime | None = None, max_age=datetime.timedelta(days=1)) -> int:
        """Deletes uploads never confirmed (they hold NIKs); for a daily task. Returns how many."""
        now = now or timezone.now()
        storage = private_storage()
        stale = [name for name in storage_walk(storage, self.folder) if now - self.stored_at(storage, name) > max_age]
        for name in stale:
            storage.delete(name)
        return len(stale)
