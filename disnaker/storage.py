"""Private uploads: stored under MEDIA_ROOT/private with random names, never served statically.

Views that are allowed to hand out a file do so with ``file_download`` after their access check.
"""

import mimetypes
import os
import uuid

from django.core.files.storage import storages
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible


def private_storage():
    """The ``private`` storage of settings.STORAGES (a callable, so migrations hold no paths)."""
    return storages["private"]


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
