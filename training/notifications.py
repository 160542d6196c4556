"""E-mails to participants, written in Indonesian (the person's language is not known)."""

import re

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from disnaker.context_processors import office

from .models import Registration, TracerResponse


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _tidy(body: str) -> str:
    """Template tags on lines of their own leave blank runs and trailing spaces: keep one blank line."""
    lines = [line.rstrip() for line in body.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _send(*, to: str, template: str, context: dict) -> bool:
    if not to:
        return False
    context = {**office(None), **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"training/email/{template}_subject.txt", context).split())
        body = _tidy(render_to_string(f"training/email/{template}.txt", context))
    send_mail(subject, body, None, [to])
    return True


def send_status_email(registration: Registration) -> bool:
    context = {
        "registration": registration,
        "status_url": _absolute(reverse("training:my_registrations")),
        "catalogue_url": _absolute(reverse("training:catalogue")),
    }
    return _send(to=registration.person.email, template="status", context=context)


def send_tracer_request(response: TracerResponse) -> bool:
    context = {"response": response, "answer_url": _absolute(reverse("training:tracer_answer", args=[response.token]))}
    return _send(to=response.registration.person.email, template="tracer_request", context=context)
