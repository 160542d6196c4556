"""Celery tasks of the training part: they take ids, load rows and call a service."""

from celery import shared_task

from disnaker.audit import acting_as_id

from . import notifications, services
from .models import ParticipantCertificate, Registration, TracerResponse

LIMITS = {"time_limit": 120, "soft_time_limit": 100}


@shared_task(name="training.registration_notify", acks_late=True, **LIMITS)
def registration_notify(registration_id: int, status: str) -> bool:
    """E-mails the person the decision; skipped when the status changed again before it ran."""
    registration = (
        Registration.objects.select_related("person", "batch__programme__vocation").filter(pk=registration_id).first()
    )
    if registration is None or registration.status != status:
        return False
    return notifications.send_status_email(registration)


@shared_task(name="training.certificate_render", acks_late=True, **LIMITS)
def certificate_render(certificate_id: int, actor_id: int | None = None) -> str:
    from .pdf import certificate_pdf_store

    certificate = ParticipantCertificate.objects.select_related(
        "registration__person", "registration__batch__programme__vocation"
    ).get(pk=certificate_id)
    with acting_as_id(actor_id):
        return certificate_pdf_store(certificate)


@shared_task(name="training.tracer_send_request", acks_late=True, **LIMITS)
def tracer_send_request(response_id: int) -> bool:
    response = TracerResponse.objects.select_related("registration__person", "registration__batch__programme").get(
        pk=response_id
    )
    if response.is_answered:
        return False
    return notifications.send_tracer_request(response)


@shared_task(name="training.unconfirmed_expire", **LIMITS)
def unconfirmed_expire() -> int:
    return services.unconfirmed_expire()


@shared_task(name="training.tracer_open_due", **LIMITS)
def tracer_open_due() -> int:
    return len(services.tracer_open_due())
