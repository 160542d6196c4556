"""Who changed what: every history row names the user on whose behalf the change was made.

In a web request django-simple-history names the logged-in user. Outside one — a Celery task, a
management command — nobody would be named, so the work runs ``acting_as`` someone: the staff
member who started it, else the system user. Services that take ``actor`` are ``@audited``, so the
history names the actor they were given, whoever runs them.
"""

import contextlib
import functools
from contextvars import ContextVar

from celery.contrib.django.task import DjangoTask
from django.core.management.base import BaseCommand, CommandError
from simple_history import models as simple_history

SYSTEM_USERNAME = "sistem"

_SYSTEM = object()  # the system user, looked up only when a history row needs it
_actor: ContextVar = ContextVar("history_actor", default=None)


def system_user():
    """The account that names automatic changes; it cannot log in and has no staff rights."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "Sistem", "is_active": False, "is_staff": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@contextlib.contextmanager
def acting_as(user):
    """History rows written inside name ``user``; None or an anonymous user changes nothing, so
    the request's user (or an outer ``acting_as``) still applies."""
    if user is None or not getattr(user, "is_authenticated", False):
        yield
        return
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


@contextlib.contextmanager
def acting_as_system():
    token = _actor.set(_SYSTEM)
    try:
        yield
    finally:
        _actor.reset(token)


def acting_as_id(user_id: int | None):
    """For tasks: ``actor_id`` is the staff member who started the work (None: nobody did)."""
    from django.contrib.auth import get_user_model

    if user_id is None:
        return acting_as(None)
    return acting_as(get_user_model().objects.filter(pk=user_id).first())


def current_actor_id() -> int | None:
    """Whom history rows written now would name — ``acting_as``'s user, else the request's — as the
    ``actor_id`` of a task queued now; None for the system user or nobody."""
    actor = _actor.get()
    if actor is None:
        actor = getattr(getattr(HistoricalRecords.context, "request", None), "user", None)
    if actor is _SYSTEM or not getattr(actor, "is_authenticated", False):
        return None
    return actor.pk


def history_user(*, request=None, **kwargs):
    """``get_user`` of every history: who ``acting_as`` names, else the request's logged-in user."""
    actor = _actor.get()
    if actor is _SYSTEM:
        # Looked up each time, not kept: a kept row could have been rolled back with a failed transaction.
        return system_user()
    if actor is not None:
        return actor
    return getattr(request, "user", None)


class HistoricalRecords(simple_history.HistoricalRecords):
    """django-simple-history's history whose rows name the actor (see ``history_user``)."""

    def __init__(self, *args, get_user=history_user, **kwargs):
        super().__init__(*args, get_user=get_user, **kwargs)


def audited(service):
    """A service taking ``actor=`` writes its history rows in that actor's name."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with acting_as(kwargs.get("actor")):
            return service(*args, **kwargs)

    wrapper.audited = True
    return wrapper


class AuditedTask(DjangoTask):
    """The base of every Celery task: its changes name the system user, unless the task acts as the
    staff member whose ``actor_id`` it received (``with acting_as_id(actor_id)``)."""

    def __call__(self, *args, **kwargs):
        with acting_as_system():
            return super().__call__(*args, **kwargs)


class AuditedCommand(BaseCommand):
    """A management command whose changes name the system user, or the staff member of ``--actor``."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--actor", metavar="USERNAME", help="the staff member on whose behalf it runs (default: the system user)"
        )
        return parser

    def execute(self, *args, actor=None, **options):
        with acting_as_system(), acting_as(self._staff(actor)):
            return super().execute(*args, **options)

    def _staff(self, username: str | None):
        from django.contrib.auth import get_user_model

        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_staff=True, is_active=True).first()
        if user is None:
            raise CommandError(f"No active staff member with the username {username!r}.")
        return user
