"""Celery tasks of the AK/1 card: daily expiry and re-report reminders. Both are safe to run twice."""

from celery import shared_task

from . import cards

LIMITS = {"time_limit": 600, "soft_time_limit": 540}


@shared_task(name="placement.cards_expire", **LIMITS)
def cards_expire() -> int:
    return cards.cards_expire()


@shared_task(name="placement.card_rereport_reminders", **LIMITS)
def card_rereport_reminders() -> int:
    return cards.rereport_reminders_send()
