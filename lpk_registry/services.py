"""LPK workflows: operators, graduate reports and their review."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from disnaker import outbox
from disnaker.audit import audited
from disnaker.models import Person
from disnaker.nik import parse_nik
from disnaker.services import account_create_invited, account_for_email

from .models import (
    GraduateReport,
    GraduateStatus,
    Institution,
    Operator,
    ReportEvent,
    ReportGraduate,
    ReportProgrammeLine,
    ReportStatus,
)

# --- Operators -----------------------------------------------------------------------------


@audited
@transaction.atomic
def operator_invite(*, institution: Institution, email: str, actor) -> Operator:
    """Creates the operator's account without a password; the e-mailed link lets them set one."""
    email, user = account_for_email(email)
    if user is None:
        user = account_create_invited(email=email)
    elif hasattr(user, "lpk_operator") and user.lpk_operator.institution_id != institution.pk:
        raise ValidationError({"email": _("This e-mail is already an operator of another institution.")})
    elif user.is_staff:
        raise ValidationError({"email": _("Staff accounts cannot be LPK operators.")})
    operator, _created = Operator.objects.update_or_create(
        user=user,
        defaults={"institution": institution, "is_active": True, "invited_by": actor, "invited_at": timezone.now()},
    )
    from .tasks import operator_send_invitation

    outbox.send(operator_send_invitation, operator.pk)
    return operator


@audited
@transaction.atomic
def operator_deactivate(*, operator: Operator, actor) -> Operator:
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    return operator


# --- Graduate reports ----------------------------------------------------------------------


def _require_editable(report: GraduateReport) -> None:
    if not report.is_editable_by_operator:
        raise ValidationError(_("This report has been submitted and can no longer be changed."), code="locked")


@audited
@transaction.atomic
def report_create(*, institution: Institution, year: int, quarter: int, actor) -> GraduateReport:
    report = GraduateReport(institution=institution, year=year, quarter=quarter)
    report.full_clean()
    report.save()
    return report


@dataclass
class GraduateRow:
    nik: str
    name: str
    sex: str
    programme: str
    status: str
    certified: bool = False
    certificate_number: str = ""
    company: str = ""


@dataclass
class ProgrammeRow:
    programme: str
    vocation: str = ""
    enrolled_male: int = 0
    enrolled_female: int = 0
    graduates_male: int = 0
    graduates_female: int = 0


@dataclass
class ReportContent:
    programmes: list[ProgrammeRow] = field(default_factory=list)
    graduates: list[GraduateRow] = field(default_factory=list)


def _people_by_nik(graduates: list[GraduateRow]) -> dict[str, Person]:
    """The person of every graduate's NIK; unknown NIKs become new people in one bulk insert."""
    niks = {g.nik for g in graduates}
    people = {p.nik: p for p in Person.objects.filter(nik__in=niks)}
    missing = {}
    for row in graduates:
        if row.nik in people or row.nik in missing:
            continue
        info = parse_nik(row.nik)
        missing[row.nik] = Person(nik=row.nik, name=row.name, sex=info.sex, birth_date=info.birth_date)
    missing = list(missing.values())
    if missing:
        Person.objects.bulk_create(missing, batch_size=1000, ignore_conflicts=True)
        created = list(Person.objects.filter(nik__in=[p.nik for p in missing]))
        Person.history.bulk_history_create(created, batch_size=1000)  # the audit trail of the new people
        people.update({p.nik: p for p in created})
    return people


def _check_graduate(row: GraduateRow) -> None:
    """The last guard behind the form and the spreadsheet import, which report errors per row."""
    info = parse_nik(row.nik)
    if row.sex != info.sex:
        raise ValidationError(_("The sex of %(name)s does not match the NIK.") % {"name": row.name}, code="sex")
    if row.status not in GraduateStatus.values:
        raise ValidationError(_("Unknown graduate status: %(status)s.") % {"status": row.status}, code="status")


@audited
@transaction.atomic
def report_replace_content(*, report: GraduateReport, content: ReportContent, actor) -> GraduateReport:
    """Replaces the report's lines with ``content`` (already validated row by row), all or nothing."""
    report = GraduateReport.objects.select_for_update().get(pk=report.pk)
    _require_editable(report)
    niks = [g.nik for g in content.graduates]
    if len(niks) != len(set(niks)):
        raise ValidationError(_("A graduate appears twice in the report."), code="duplicate_nik")
    programmes = [p.programme for p in content.programmes]
    if len(programmes) != len(set(programmes)):  # else an IntegrityError (a 500) from the unique constraint
        raise ValidationError(_("A programme appears twice in the report."), code="duplicate_programme")
    for row in content.graduates:
        _check_graduate(row)
    report.programme_lines.all().delete()
    report.graduates.all().delete()
    lines = [ReportProgrammeLine(report=report, **vars(row)) for row in content.programmes]
    for line in lines:
        line.full_clean(exclude=["report"])
    ReportProgrammeLine.objects.bulk_create(lines)
    people = _people_by_nik(content.graduates)
    ReportGraduate.objects.bulk_create(
        [ReportGraduate(report=report, person=people[row.nik], **vars(row)) for row in content.graduates],
        batch_size=1000,
    )
    return report


def _event(report: GraduateReport, action: str, actor, comment: str = "", now=None) -> None:
    ReportEvent.objects.create(
        report=report, action=action, actor=actor, comment=comment, at=now or timezone.now(),
        graduates_count=report.graduates.count(),
    )  # fmt: skip


@audited
@transaction.atomic
def report_submit(*, report: GraduateReport, actor, now: datetime.datetime | None = None) -> GraduateReport:
    now = now or timezone.now()
    report = GraduateReport.objects.select_for_update().get(pk=report.pk)
    _require_editable(report)
    if not report.programme_lines.exists() and not report.graduates.exists():
        raise ValidationError(_("The report is empty: add the programmes and graduates first."), code="empty")
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    report.submitted_by = actor
    report.save(update_fields=["status", "submitted_at", "submitted_by"])
    _event(report, ReportEvent.Action.SUBMITTED, actor, now=now)
    return report


def _review(report: GraduateReport, status: str, actor, comment: str, now) -> GraduateReport:
    report = GraduateReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only submitted reports can be reviewed."), code="status")
    report.status = status
    report.reviewed_at = now or timezone.now()
    report.reviewed_by = actor
    report.review_comment = comment
    report.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment"])
    _event(report, status, actor, comment, now=report.reviewed_at)
    return report


@audited
@transaction.atomic
def report_return(*, report: GraduateReport, comment: str, actor, now=None) -> GraduateReport:
    if not comment.strip():
        raise ValidationError({"review_comment": _("Say what the institution must correct.")})
    return _review(report, ReportStatus.RETURNED, actor, comment.strip(), now)


@audited
@transaction.atomic
def report_accept(*, report: GraduateReport, actor, comment: str = "", now=None) -> GraduateReport:
    return _review(report, ReportStatus.ACCEPTED, actor, comment.strip(), now)
