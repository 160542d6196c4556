"""Celery tasks of the AK/1 card: daily expiry and re-report reminders. Both are safe to run twice."""

from celery import shared_task

from . import cards, notifications

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
