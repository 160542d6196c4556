"""Private uploads: stored with random names in the ``private`` storage, never served statically.

The storage is MEDIA_ROOT/private on one host, or a private bucket of an S3-compatible object store
shared by several hosts (settings, AWS_STORAGE_BUCKET_NAME). Code that writes or reads stored files
goes through the storage API and the helpers below, never through a path on the disk, so it works on
both. Views that are allowed to hand out a file do so with ``file_download`` after their access check.
"""

import mimetypes
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible


def private_storage():
    """The ``private`` storage of settings.STORAGES (a callable, so migrations hold no paths)."""
    return storages["private"]


def is_local(storage: Storage) -> bool:
    """Whether the storage keeps its files on this host's disk (FileSystemStorage)."""
    try:
        storage.path("")
    except NotImplementedError:
        return False
    return True


def storage_overwrite(storage: Storage, name: str, content: bytes) -> str:
    """Stores ``content`` under exactly ``name``, replacing an earlier file in one step.

    A reader sees the old file or the new one, never a part of either: on a disk the bytes are
    written beside the file and renamed over it; an object store replaces an object in one PUT.
    """
    if not is_local(storage):
        return storage.overwrite(name, ContentFile(content))
    final = Path(storage.path(name))
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(final.name + ".partial")
    partial.write_bytes(content)
    os.replace(partial, final)
    return name


def storage_walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """The names of every file under ``folder``, sorted by folder; nothing when the folder is missing."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a disk folder not made yet; an object store has no folders to miss
        return
    prefix = f"{folder.rstrip('/')}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for child in sorted(folders):
        yield from storage_walk(storage, prefix + child)


@deconstructible
class private_upload_to:  # noqa: N801 - used like a function in model fields
    """``<folder>/<yyyy>/<random>.<ext>``: the original name (often the owner's NIK) is dropped."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        from django.utils import timezone

        extension = os.path.splitext(filename)[1].lower()[:8]
        return f"{self.folder}/{timezone.now():%Y}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, private_upload_to) and other.folder == self.folder


# A document is never shown as a page of the portal: it is saved by the browser, never sniffed into
# another type, and if a browser still renders it, it runs in a sandbox with nothing allowed.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, no-store",
}


DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def file_download(file, *, filename: str) -> FileResponse:
    """The stored ``file`` as an attachment named ``filename``; 404 when there is none.

    Every view that hands out an uploaded or stored document answers through this, after its own
    access check. ``filename`` says what the file is, never whose (no NIK or name).
    """
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(filename)[0]
    if content_type not in DOCUMENT_TYPES:
        content_type = "application/octet-stream"  # an older upload of another kind is bytes, nothing more
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    for header, value in DOWNLOAD_HEADERS.items():
        response[header] = value
    return response
