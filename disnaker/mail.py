"""The one mail kit: links, templates, sending, and the ledger that sends each reminder once.

Every part's e-mails go through here. They are written in Indonesian (the reader's language is not
known), their links are absolute on ``PORTAL_BASE_URL`` (never the Host header of a request a task
does not have), and a template ``<name>_subject.txt`` / ``<name>.txt`` pair renders each one.

Reminders that a scheduled job may find due on several runs are sent with ``send_once`` under a
(kind, key) of their own: the ``SentReminder`` row is inserted in the transaction that sends the
message, so a failed send is not recorded and is tried again, while a repeated run, two runs at
once (the unique constraint makes the second wait, then skip) or a flushed cache never send twice.
"""

import re
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .context_processors import office
from .models import SentReminder


def absolute_url(path: str) -> str:
    """``path`` on the portal's public address (the one setting every link in an e-mail uses)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def absolute_reverse(viewname: str, *args, **kwargs) -> str:
    return absolute_url(reverse(viewname, args=args or None, kwargs=kwargs or None))


def set_password_url(user, viewname: str) -> str:
    """The one-time link ``viewname(uidb64, token)`` to choose a password; it expires after
    ``PASSWORD_RESET_TIMEOUT`` or once the password changes."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_reverse(viewname, uidb64=uidb64, token=default_token_generator.make_token(user))


def tidy(body: str) -> str:
    """Template tags on lines of their own leave blank runs and trailing spaces: keep one blank line."""
    lines = [line.rstrip() for line in body.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def render(template: str, context: dict) -> tuple[str, str]:
    """The subject (one line) and body of ``template`` (e.g. ``"training/email/status"``), in Indonesian."""
    context = {**office(None), **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = tidy(render_to_string(f"{template}.txt", context))
    return subject, body


def message(template: str, context: dict, to: Iterable[str]) -> EmailMessage:
    subject, body = render(template, context)
    return EmailMessage(subject, body, to=[address for address in to if address])


def send(template: str, context: dict, to: Iterable[str]) -> bool:
    """Sends the e-mail; False when there is nobody to send it to."""
    email = message(template, context, to)
    if not email.to:
        return False
    email.send()
    return True


def send_once(*, kind: str, key: str, email: EmailMessage) -> bool:
    """Sends ``email`` unless the (kind, key) reminder already went out; True when it is sent now.

    Without recipients nothing is recorded, so the reminder goes out once someone can read it. An
    error while sending propagates and rolls the ledger row back: the next run tries again.
    """
    if not email.to:
        return False
    with transaction.atomic():
        _row, created = SentReminder.objects.get_or_create(kind=kind, key=key)
        if not created:
            return False  # sent before, or by a run that committed meanwhile
        email.send()
    return True


def sent_keys(kind: str, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` of ``kind`` have been sent (to show or skip what is pending)."""
    return set(SentReminder.objects.filter(kind=kind, key__in=list(keys)).values_list("key", flat=True))
