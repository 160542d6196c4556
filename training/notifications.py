"""E-mails to participants, written in Indonesian (the person's language is not known)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Registration, TracerResponse


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _send(*, to: str, template: str, context: dict) -> bool:
    if not to:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"training/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"training/email/{template}.txt", context)
    send_mail(subject, body, None, [to])
    return True


def send_status_email(registration: Registration) -> bool:
    context = {"registration": registration, "status_url": _absolute(reverse("training:my_registrations"))}
    return _send(to=registration.person.email, template="status", context=context)


def send_tracer_request(response: TracerResponse) -> bool:
    context = {"response": response, "answer_url": _absolute(reverse("training:tracer_answer", args=[response.token]))}
    return _send(to=response.registration.person.email, template="tracer_request", context=context)
