"""E-mails to company HR users, written in Indonesian (the user's language is not known)."""

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

from .models import Company, CompanyUser


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def set_password_url(user) -> str:
    """The one-time link to choose a password; it expires after ``PASSWORD_RESET_TIMEOUT``."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute(reverse("placement:company_set_password", kwargs={"uidb64": uidb64, "token": token}))


def _tidy(body: str) -> str:
    lines = [line.rstrip() for line in body.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _send(template: str, context: dict, to: list[str]) -> bool:
    if not to:
        return False
    context = {**office(None), "login_url": absolute(reverse("placement:company_login")), **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"placement/email/{template}_subject.txt", context).split())
        body = _tidy(render_to_string(f"placement/email/{template}.txt", context))
    send_mail(subject, body, None, to)
    return True


def send_company_invitation(company_user_id: int) -> bool:
    company_user = CompanyUser.objects.select_related("user", "company").get(pk=company_user_id)
    expires_at = timezone.localtime() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    context = {
        "company": company_user.company,
        "email": company_user.user.email,
        "set_password_url": set_password_url(company_user.user),
        "expires_at": expires_at,
    }
    return _send("company_invitation", context, [company_user.user.email] if company_user.user.email else [])


def send_company_decision(company_id: int) -> bool:
    """The office verified or rejected the registration: every active HR user is told."""
    company = Company.objects.get(pk=company_id)
    to = list(company.users.filter(is_active=True).exclude(user__email="").values_list("user__email", flat=True))
    return _send("company_decision", {"company": company}, to)
