"""Reminders e-mailed to LPKs: licence and accreditation expiry, and the quarterly report's due date.

Run daily by Celery beat (``lpk_registry.send_reminders``). Every reminder has a key
``kind:object:threshold`` in the core send-once ledger (``disnaker.mail.send_once``), so two runs
at once, or a run repeated, send it once, and a failed send is tried again.

Expiry: at 90, 30 and 7 days before ``valid_until``, each threshold while the days left are at most
it and more than the next lower one, so a day the job did not run still gets its reminder, once.
Report: 7 days before the due date of the last finished quarter's report, and from the day after,
to institutions that have not submitted it.
"""

import datetime
from dataclasses import dataclass, field

from django.core.mail import EmailMessage
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.utils import timezone

from disnaker import mail

from . import compliance
from .models import LPK_REMINDER, Accreditation, GraduateReport, Institution, Licence, Operator

# What a reminder reads of its institution and document (a national registry has thousands due).
INSTITUTION_FIELDS = ("id", "name", "email", "status")
DOCUMENT_FIELDS = {"licence": ("id", "institution", "number", "status", "valid_until"),
                   "accreditation": ("id", "institution", "body", "result", "valid_until")}  # fmt: skip
EXPIRY_THRESHOLDS = (90, 30, 7)  # days before valid_until, highest first
REPORT_DUE_BEFORE = 7  # days before the report's due date


@dataclass
class Reminder:
    kind: str  # licence | accreditation | report_due | report_overdue
    object_id: str
    threshold: int
    institution: Institution
    context: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}:{self.threshold}"

    @property
    def recipients(self) -> list[str]:
        """The institution's active operators, then its own address; each once (see ``with_recipients``)."""
        if not hasattr(self.institution, "active_operators"):
            with_recipients([self])
        addresses = [op.user.email for op in self.institution.active_operators if op.user.email]
        addresses.append(self.institution.email)
        return list(dict.fromkeys(a.strip().lower() for a in addresses if a and a.strip()))


def expiry_threshold(days_left: int) -> int | None:
    """The threshold whose window holds ``days_left``: 90 for 31–90, 30 for 8–30, 7 for 0–7."""
    if days_left < 0:
        return None
    windows = [t for t in EXPIRY_THRESHOLDS if days_left <= t]
    return min(windows) if windows else None


# --- What is due -------------------------------------------------------------------------------


def with_recipients(reminders: list[Reminder]) -> list[Reminder]:
    """``reminders`` with their institutions' active operators loaded, in one query."""
    active = Operator.objects.filter(is_active=True, user__is_active=True).select_related("user")
    institutions = [reminder.institution for reminder in reminders]
    prefetch_related_objects(institutions, Prefetch("operators", queryset=active, to_attr="active_operators"))
    return reminders


def _expiry_reminders(model, kind: str, today: datetime.date) -> list[Reminder]:
    """The institution's current document only: an old licence expiring after a renewal is no news."""
    newer = model.objects.filter(institution=OuterRef("institution"), valid_until__gt=OuterRef("valid_until"))
    documents = (
        model.objects.expiring_within(max(EXPIRY_THRESHOLDS), today=today)
        .filter(institution__status__in=compliance.OBLIGED_STATUSES)
        .exclude(Exists(newer))
        .select_related("institution")
        .only(*DOCUMENT_FIELDS[kind], *(f"institution__{name}" for name in INSTITUTION_FIELDS))
    )
    if model is Licence:
        documents = documents.filter(status=Licence.Status.ACTIVE)
    reminders = []
    for document in documents:
        days_left = document.days_left(today)
        threshold = expiry_threshold(days_left)
        if threshold is None:
            continue
        context = {"document": document, "days_left": days_left}
        reminders.append(Reminder(kind, str(document.pk), threshold, document.institution, context))
    return reminders


def _report_reminders(today: datetime.date) -> list[Reminder]:
    quarter = compliance.last_finished_quarter(today=today)
    due = compliance.due_date(quarter)
    days_left = (due - today).days
    if 0 <= days_left <= REPORT_DUE_BEFORE:
        kind, threshold = "report_due", REPORT_DUE_BEFORE
    elif days_left < 0:
        kind, threshold = "report_overdue", 1
    else:
        return []
    year, q = quarter
    drafts = GraduateReport.objects.filter(institution=OuterRef("pk"), year=year, quarter=q)
    institutions = (
        compliance.missing_report(quarter=quarter)
        .annotate(has_draft=Exists(drafts))
        .only(*INSTITUTION_FIELDS)
        .order_by("pk")
    )
    context = {"quarter": compliance.quarter_label(quarter), "due_date": due, "days_left": days_left}
    return [
        Reminder(kind, f"{inst.pk}-{year}Q{q}", threshold, inst, context | {"has_draft": inst.has_draft})
        for inst in institutions
    ]


def due_reminders(*, today: datetime.date | None = None) -> list[Reminder]:
    """Every reminder whose time has come today, sent or not (without recipients: ``with_recipients``)."""
    today = today or timezone.localdate()
    return [
        *_expiry_reminders(Licence, "licence", today),
        *_expiry_reminders(Accreditation, "accreditation", today),
        *_report_reminders(today),
    ]


def pending_reminders(*, today: datetime.date | None = None) -> list[Reminder]:
    """The due reminders not sent yet (what the next run will send, if they have an address)."""
    reminders = due_reminders(today=today)
    sent = mail.sent_keys(LPK_REMINDER, [r.key for r in reminders])
    return [r for r in reminders if r.key not in sent]


# --- Sending -----------------------------------------------------------------------------------


def send_due_reminders(*, today: datetime.date | None = None) -> int:
    """Sends what is due and not sent yet; returns how many e-mails went out."""
    return sum(_send_once(reminder) for reminder in with_recipients(pending_reminders(today=today)))


def _send_once(reminder: Reminder) -> bool:
    """Nobody to tell yet: nothing recorded, tried again tomorrow (e.g. once an operator is invited)."""
    return mail.send_once(kind=LPK_REMINDER, key=reminder.key, email=_message(reminder, reminder.recipients))


def _message(reminder: Reminder, recipients: list[str]) -> EmailMessage:
    context = {
        **reminder.context,
        "institution": reminder.institution,
        "portal_url": mail.absolute_reverse("lpk_registry:dashboard"),
    }
    return mail.message(f"lpk_registry/email/reminder_{reminder.kind}", context, recipients)
