"""E-mails to LPK operators, written in Indonesian (the operator's language is not known)."""

import datetime
import re

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from disnaker.context_processors import office

from .models import Operator


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def set_password_url(user) -> str:
    """The one-time link to choose a password; it expires after ``PASSWORD_RESET_TIMEOUT``."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute(reverse("lpk_registry:set_password", kwargs={"uidb64": uidb64, "token": token}))


def link_expires_at(now: datetime.datetime | None = None) -> datetime.datetime:
    return timezone.localtime(now or timezone.now()) + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def email_context() -> dict:
    """What both operator e-mails (invitation, password reset) say about the portal and the link."""
    return {
        **office(None),
        "portal_base_url": settings.PORTAL_BASE_URL.rstrip("/"),
        "login_url": absolute(reverse("lpk_registry:login")),
        "reset_url": absolute(reverse("lpk_registry:password_reset")),
        "expires_at": link_expires_at(),
    }


def tidy(body: str) -> str:
    """Template tags on lines of their own leave blank runs and trailing spaces: keep one blank line."""
    lines = [line.rstrip() for line in body.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def send_operator_invitation(operator: Operator) -> bool:
    user = operator.user
    if not user.email:
        return False
    context = {
        **email_context(),
        "operator": operator,
        "institution": operator.institution,
        "set_password_url": set_password_url(user),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("lpk_registry/email/invitation_subject.txt", context).split())
        body = tidy(render_to_string("lpk_registry/email/invitation.txt", context))
    send_mail(subject, body, None, [user.email])
    return True
