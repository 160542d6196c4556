"""Private uploads: stored under MEDIA_ROOT/private with random names, never served statically.

Views that are allowed to show a file stream it with ``FileResponse`` after their access check.
"""

import os
import uuid

from django.core.files.storage import storages
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
