"""The object store that holds media when the portal runs on several hosts (settings, STORAGES).

Every object is private (ACL ``private``) and these storages refuse to make a URL for one: the portal
reads the object and streams it only after the view's access check (disnaker.storage.file_download),
so no link that bypasses that check, presigned or public, is ever handed out.
"""

from storages.backends.s3 import S3Storage


class PrivateObjectStorage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files are not accessible through a URL: stream them after an access check.")

    def overwrite(self, name: str, content) -> str:
        """Stores ``content`` under exactly ``name``; one PUT replaces an existing object whole."""
        return self._save(name, content)


def object_store_storages(
    *, bucket: str, endpoint_url: str = "", region: str = "", access_key: str = "", secret_key: str = ""
) -> dict:
    """The ``default`` and ``private`` entries of settings.STORAGES in one bucket, under two prefixes
    that match the folders of MEDIA_ROOT (``media/``, ``private/``)."""
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "addressing_style": "path",  # MinIO and other self-hosted stores have no per-bucket host names
        "signature_version": "s3v4",
        "default_acl": "private",
        "file_overwrite": False,  # a name already taken gets another; only overwrite() replaces
    }
    backend = f"{__name__}.PrivateObjectStorage"
    return {
        "default": {"BACKEND": backend, "OPTIONS": options | {"location": "media"}},
        "private": {"BACKEND": backend, "OPTIONS": options | {"location": "private"}},
    }
