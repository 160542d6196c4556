"""Celery tasks of placement: AK/1 expiry and reminders, company mails, stale uploads. Each is safe to run twice."""

from celery import shared_task

from . import cards, notifications, placement_import

LIMITS = {"time_limit": 600, "soft_time_limit": 540}


@shared_task(name="placement.cards_expire", **LIMITS)
def cards_expire() -> int:
    return cards.cards_expire()


@shared_task(name="placement.card_rereport_reminders", **LIMITS)
def card_rereport_reminders() -> int:
    return cards.rereport_reminders_send()


@shared_task(name="placement.company_send_invitation", acks_late=True, time_limit=120, soft_time_limit=100)
def company_send_invitation(company_user_id: int) -> bool:
    return notifications.send_company_invitation(company_user_id)


@shared_task(name="placement.company_send_decision", acks_late=True, time_limit=120, soft_time_limit=100)
def company_send_decision(company_id: int) -> bool:
    return notifications.send_company_decision(company_id)


@shared_task(name="placement.uploads_discard_stale", **LIMITS)
def uploads_discard_stale() -> int:
    return placement_import.PENDING.discard_stale()
