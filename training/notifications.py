"""E-mails to participants (through the core mail kit, in Indonesian)."""

from django.urls import reverse

from disnaker import mail

from .models import Registration, TracerResponse

TRACER_REQUEST = "training.tracer_request"


def send_status_email(registration: Registration) -> bool:
    context = {
        "registration": registration,
        "status_url": mail.absolute_url(reverse("training:my_registrations")),
        "catalogue_url": mail.absolute_url(reverse("training:catalogue")),
    }
    return mail.send("training/email/status", context, [registration.person.email])


def send_tracer_request(response: TracerResponse) -> bool:
    """Once per tracer request: the task may run again (a retry, a worker lost after sending)."""
    context = {"response": response, "answer_url": mail.absolute_reverse("training:tracer_answer", response.token)}
    email = mail.message("training/email/tracer_request", context, [response.registration.person.email])
    return mail.send_once(kind=TRACER_REQUEST, key=str(response.pk), email=email)
