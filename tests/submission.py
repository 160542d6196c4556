"""Posts a form the way its page sends it: with the one-time key the page gives the logged-in user."""

from disnaker.idempotency import FIELD_NAME, key_issue


def keyed(client, url: str, data: dict | None = None) -> dict:
    """``data`` with a fresh key for the form at ``url`` and the user ``client`` is logged in as."""
    user_id = int(client.session["_auth_user_id"])
    return {**(data or {}), FIELD_NAME: key_issue(user_id=user_id, path=url)}


def submit(client, url: str, data: dict | None = None, **kwargs):
    """``client.post`` of a form under ``disnaker.idempotency.submitted_once``, sent once."""
    return client.post(url, keyed(client, url, data), **kwargs)
