"""One row per sent form: a double click, a replayed post or three identical posts create one thing.

``submitted_once`` wraps a create view. Its page carries a one-time key (``{% submission_key %}``
beside ``{% csrf_token %}``): a random value signed with the user and the form's address. On POST
the key is claimed, by inserting a ``SubmissionKey`` row, in the same transaction as the view's
service. Identical posts wait on the unique index for the first: when it commits, they (and any
later replay) are sent to the page the first one led to, which shows the same record and the same
proof number. When the view answers with the form again (a mistake to correct), the claim is rolled
back and the key can be sent again.
"""

import datetime
import functools
import secrets

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import connection, transaction
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SubmissionKey

FIELD_NAME = "submission_key"
_SALT = "disnaker.idempotency.submission"


def key_issue(*, user_id: int, path: str) -> str:
    """A new key for the form at ``path``, valid only when ``user_id`` sends it back there."""
    return signing.TimestampSigner(salt=_SALT).sign_object(
        {"u": user_id, "p": path, "k": secrets.token_urlsafe(18)}, compress=False
    )


def key_check(value: str, *, user_id: int, path: str) -> str | None:
    """The claimable part of a posted key; None when it is missing, forged, too old or not this form's."""
    try:
        data = signing.TimestampSigner(salt=_SALT).unsign_object(
            value, max_age=datetime.timedelta(days=settings.SUBMISSION_KEY_MAX_AGE_DAYS)
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("u") != user_id or data.get("p") != path:
        return None
    return str(data.get("k") or "") or None


def _replayed(request, claim: SubmissionKey):
    messages.info(request, _("This form had already been sent. Here is what it created."))
    return redirect(claim.result_url)


def _claim(*, key: str, request) -> int | None:
    """Inserts the key's row, waiting for an identical post in flight; its id, or None when another holds
    it. (``ON CONFLICT DO NOTHING``: a taken key needs no savepoint to be rolled back to.)"""
    table = connection.ops.quote_name(SubmissionKey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, user_id, path, result_url, created_at) VALUES (%s, %s, %s, '', %s) "
            "ON CONFLICT (key) DO NOTHING RETURNING id",
            [key, request.user.pk, request.path, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def submitted_once(view):
    """Makes a create view's POST happen once per key; put it nearest the view, under the access checks."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            request.submission_key = key_issue(user_id=request.user.pk, path=request.path)
            return view(request, *args, **kwargs)
        posted = request.POST.get(FIELD_NAME, "")
        key = key_check(posted, user_id=request.user.pk, path=request.path)
        if key is None:
            return render(request, "disnaker/submission_refused.html", {"form_url": request.path}, status=400)
        request.submission_key = posted
        with transaction.atomic():
            claim = _claim(key=key, request=request)
            if claim is not None:
                response = view(request, *args, **kwargs)
                if isinstance(response, HttpResponseRedirectBase):
                    SubmissionKey.objects.filter(pk=claim).update(result_url=response.url)
                else:
                    transaction.set_rollback(True)  # the form is shown again: the key stays usable
                return response
        return _replayed(request, SubmissionKey.objects.get(key=key))

    return wrapper


def submission_keys_purge(*, now: datetime.datetime | None = None) -> int:
    """Removes claims older than any key still accepted; safe to run twice."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.SUBMISSION_KEY_MAX_AGE_DAYS + 1)
    deleted, _rows = SubmissionKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
