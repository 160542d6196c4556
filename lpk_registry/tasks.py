"""Celery tasks of the LPK registry: they take ids, load rows and call a service."""

from celery import shared_task

from . import imports, notifications, reminders
from .models import Operator

LIMITS = {"time_limit": 300, "soft_time_limit": 270}


@shared_task(name="lpk_registry.operator_send_invitation", acks_late=True, time_limit=120, soft_time_limit=100)
def operator_send_invitation(operator_id: int) -> bool:
    operator = Operator.objects.select_related("user", "institution").get(pk=operator_id)
    return notifications.send_operator_invitation(operator)


@shared_task(name="lpk_registry.send_reminders", **LIMITS)
def send_reminders() -> int:
    """Licence/accreditation expiry (90/30/7 days) and report due/overdue; each sent once."""
    return reminders.send_due_reminders()


@shared_task(name="lpk_registry.uploads_discard_stale", **LIMITS)
def uploads_discard_stale() -> int:
    return imports.PENDING.discard_stale()
