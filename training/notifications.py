"""E-mails to participants (through the core mail kit, in Indonesian)."""

from django.urls import reverse

from disnaker import mail

from .models import Registration, TracerResponse

TRACER_REQUEST = "training.tracer_request"
STATUS_EMAIL = "training.status"


def send_status_email(registration: Registration) -> bool:
    """Once per status change: the task may run again (a worker lost after sending, before its ack)."""
    context = {
        "registration": registration,
        "status_url": mail.absolute_url(reverse("training:my_registrations")),
        "catalogue_url": mail.absolute_url(reverse("training:catalogue")),
    }
    email = mail.message("training/email/status", context, [registration.person.email])
    return mail.send_once(kind=STATUS_EMAIL, key=status_change_key(registration), email=email)


def status_change_key(registration: Registration) -> str:
    """The history row in which the registration took its present status: a later change, even back
    to an earlier status, is a row of its own and is told again."""
    changed = None
    for row in registration.history.order_by("-history_date", "-history_id").only("history_id", "status"):
        if row.status != registration.status:
            break
        changed = row.history_id
    if changed is None:  # saved without history: the decision's own time tells the changes apart
        moment = registration.decided_at or registration.created_at
        return f"{registration.pk}:{registration.status}:{moment.isoformat()}"
    return f"{registration.pk}:h{changed}"


def send_tracer_request(response: TracerResponse) -> bool:
    """Once per tracer request: the task may run again (a retry, a worker lost after sending)."""
    context = {"response": response, "answer_url": mail.absolute_reverse("training:tracer_answer", response.token)}
    email = mail.message("training/email/tracer_request", context, [response.registration.person.email])
    return mail.send_once(kind=TRACER_REQUEST, key=str(response.pk), email=email)
