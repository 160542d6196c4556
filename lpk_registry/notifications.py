"""E-mails to LPK operators (through the core mail kit, in Indonesian)."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from disnaker import mail
from disnaker.context_processors import office
from disnaker.mail import absolute_url as absolute

from .models import Operator


def set_password_url(user) -> str:
    return mail.set_password_url(user, "lpk_registry:set_password")


def link_expires_at(now: datetime.datetime | None = None) -> datetime.datetime:
    return timezone.localtime(now or timezone.now()) + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def email_context() -> dict:
    """What both operator e-mails (invitation, password reset) say about the portal and the link."""
    return {
        **office(None),
        "portal_base_url": absolute(""),
        "login_url": absolute(reverse("lpk_registry:login")),
        "reset_url": absolute(reverse("lpk_registry:password_reset")),
        "expires_at": link_expires_at(),
    }


def send_operator_invitation(operator: Operator) -> bool:
    user = operator.user
    context = {
        **email_context(),
        "operator": operator,
        "institution": operator.institution,
        "set_password_url": set_password_url(user),
    }
    return mail.send("lpk_registry/email/invitation", context, [user.email])
