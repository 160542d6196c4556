"""The job seeker's AK/1 card pages (/akun/ak1/…) and the staff's access to its documents."""

import os

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from disnaker import readaudit
from disnaker.access import JOB_SEEKERS, job_seeker_required
from disnaker.admin import can_reveal_personal_data
from disnaker.idempotency import submitted_once
from disnaker.portals import person_of
from disnaker.ratelimit import limit_posts
from disnaker.storage import file_download

from . import cards
from .forms_ak1 import CardApplicationForm, CardRevisionForm, RereportForm
from .models import OPEN_CARD_STATUSES, CardStatus, JobSeekerCard

person_required = JOB_SEEKERS.person_required(
    purpose=_lazy("To apply for the AK/1 card, your account must be linked to your personal record (your NIK).")
)
# Every application sends files for staff to check: one account and one address may send only so many.
limit_applications = limit_posts(group="ak1-application", rate_setting="RATELIMIT_AK1", keys=("user", "ip"))

DOCUMENT_FIELDS = {"photo": "photo", "ktp": "ktp_document", "diploma": "diploma_document"}


def _get_card_for_person(request, pk: int) -> JobSeekerCard:
    """The caller's own card; anyone else's answers 404 (its existence is not revealed)."""
    person = person_of(request.user)
    if person is None:
        raise Http404
    return get_object_or_404(JobSeekerCard.objects.select_related("person"), pk=pk, person=person)


def _messages_from(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _service_kwargs(form) -> dict:
    return {name: form.cleaned_data[name] for name in (*cards.PROFILE_FIELDS, *cards.DOCUMENT_FIELDS)}


@person_required
@require_GET
def ak1_home(request):
    person = person_of(request.user)
    all_cards = list(JobSeekerCard.objects.filter(person=person).prefetch_related("reports"))
    current = next((card for card in all_cards if card.status in OPEN_CARD_STATUSES), None)
    current = current or (all_cards[0] if all_cards else None)
    context = {
        "card": current,
        "slots": cards.rereport_slots(current) if current else [],
        "reports": list(current.reports.all()) if current else [],
        "earlier": [card for card in all_cards if card is not current],
        "rereport_form": RereportForm(),
        "can_apply": current is None or current.status == CardStatus.REJECTED,
    }
    return render(request, "placement/ak1/home.html", context)


@person_required
@limit_applications
@require_http_methods(["GET", "POST"])
@submitted_once
def ak1_apply(request):
    person = person_of(request.user)
    posted = request.method == "POST"
    form = CardApplicationForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            cards.card_apply(person=person, **_service_kwargs(form))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your AK/1 application has been received. Staff will check it soon."))
            return redirect("placement:ak1_home")
    return render(request, "placement/ak1/apply.html", {"form": form, "person": person})


@job_seeker_required
@limit_applications
@require_http_methods(["GET", "POST"])
def ak1_revise(request, pk):
    card = _get_card_for_person(request, pk)
    if card.status != CardStatus.REVISION:
        messages.info(request, _("This application is not waiting for your corrections."))
        return redirect("placement:ak1_home")
    posted = request.method == "POST"
    initial = {name: getattr(card, name) for name in cards.PROFILE_FIELDS}
    form = CardRevisionForm(request.POST if posted else None, request.FILES if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            cards.card_resubmit(card=card, **_service_kwargs(form))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your corrections have been sent. Staff will check them soon."))
            return redirect("placement:ak1_home")
    return render(request, "placement/ak1/revise.html", {"form": form, "card": card, "person": card.person})


@job_seeker_required
@require_POST
def ak1_rereport(request, pk):
    card = _get_card_for_person(request, pk)
    form = RereportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether you are still looking for work, then re-report."))
        return redirect("placement:ak1_home")
    try:
        cards.card_rereport(card=card, channel="online", still_looking=form.cleaned_data["still_looking"])
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Thank you: your re-report is recorded."))
    return redirect("placement:ak1_home")


@job_seeker_required
@require_POST
def ak1_renew(request, pk):
    card = _get_card_for_person(request, pk)
    try:
        cards.card_renew(card=card)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Your renewal request has been received. Staff will check it soon."))
    return redirect("placement:ak1_home")


@job_seeker_required
@require_GET
def ak1_card_pdf(request, pk):
    card = _get_card_for_person(request, pk)
    if card.status != CardStatus.ACTIVE:
        raise Http404
    from .pdf import card_pdf  # WeasyPrint is loaded only when a card is printed

    response = HttpResponse(card_pdf(card), content_type="application/pdf")
    # The number names the file; the holder's NIK never does.
    response["Content-Disposition"] = 'inline; filename="ak1-{}.pdf"'.format(card.number.replace("/", "-"))
    response["Cache-Control"] = "private, no-store"
    return response


@staff_member_required
@require_GET
def staff_document(request, pk: int, kind: str):
    if not request.user.has_perm("placement.view_jobseekercard") or not can_reveal_personal_data(request.user):
        raise PermissionDenied
    field = DOCUMENT_FIELDS.get(kind)
    if field is None:
        raise Http404
    card = get_object_or_404(JobSeekerCard, pk=pk)
    file = getattr(card, field)
    extension = os.path.splitext(file.name)[1].lower() if file else ""
    response = file_download(file, filename=f"ak1-{kind}-{card.pk}{extension}")  # what the file is, never whose
    readaudit.record_document(request, person=card.person_id, what=readaudit.DOCUMENT_NAMES[kind])
    return response
