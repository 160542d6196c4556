"""The object store that holds media when the portal runs on several hosts (settings, STORAGES).

Every object is private (ACL ``private``) and this storage refuses to make a URL for one: the portal
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
