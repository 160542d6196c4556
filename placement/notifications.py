"""E-mails to company HR users (through the core mail kit, in Indonesian)."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from disnaker import mail
from disnaker.mail import absolute_url as absolute

from .models import Company, CompanyUser

__all__ = ["absolute", "send_company_decision", "send_company_invitation", "set_password_url"]


def set_password_url(user) -> str:
    return mail.set_password_url(user, "placement:company_set_password")


def _send(template: str, context: dict, to: list[str]) -> bool:
    context = {"login_url": absolute(reverse("placement:company_login")), **context}
    return mail.send(f"placement/email/{template}", context, to)


def send_company_invitation(company_user_id: int) -> bool:
    company_user = CompanyUser.objects.select_related("user", "company").get(pk=company_user_id)
    expires_at = timezone.localtime() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    context = {
        "company": company_user.company,
        "email": company_user.user.email,
        "set_password_url": set_password_url(company_user.user),
        "expires_at": expires_at,
    }
    return _send("company_invitation", context, [company_user.user.email])


def send_company_decision(company_id: int) -> bool:
    """The office verified or rejected the registration: every active HR user is told."""
    company = Company.objects.get(pk=company_id)
    to = list(company.users.filter(is_active=True).exclude(user__email="").values_list("user__email", flat=True))
    return _send("company_decision", {"company": company}, to)
