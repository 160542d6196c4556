"""Public training pages: catalogue, batch page, registration, the job seeker's own registrations."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from disnaker.access import JOB_SEEKERS, job_seeker_required
from disnaker.formkit import person_field_label
from disnaker.idempotency import submitted_once
from disnaker.pagecache import render_public_page
from disnaker.portals import person_of
from disnaker.ratelimit import limit_posts
from disnaker.storage import file_download

from . import selectors, services
from .eligibility import eligibility_errors
from .filters import BatchFilter
from .forms import RegistrationForm, TracerForm
from .models import Batch, Channel, Programme, Registration, Vocation

PAGE_SIZE = 12


person_required = JOB_SEEKERS.person_required(
    purpose=_lazy(
        "To register for training and follow your registrations, your account must be linked to your personal "
        "record (your NIK)."
    )
)


def _get_registration_for_person(request, pk: int):
    """The caller's own registration; anyone else's answers 404 (its existence is not revealed)."""
    person = person_of(request.user)
    if person is None:
        raise Http404
    return get_object_or_404(selectors.registrations_for_person(person=person), pk=pk)


# --- Catalogue and batch page ---------------------------------------------------------------


@require_GET
def catalogue(request):
    def build_context():
        filterset = BatchFilter(request.GET or None, queryset=selectors.open_batches())
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        filtering = any(request.GET.get(name) for name in filterset.filters)
        return {"filter": filterset, "page_obj": page, "filtering": filtering}

    # Anonymous visitors share a cached page (seats left as of the last registration or change).
    return render_public_page(
        request, "training/catalogue.html", build_context, name="training-catalogue",
        params=(*BatchFilter.base_filters, "page"), models=(Batch, Programme, Vocation, Registration),
    )  # fmt: skip


@require_GET
def batch_detail(request, pk):
    batch = selectors.public_batch(pk=pk)
    register_url = reverse("training:register", args=[batch.pk])
    if not request.user.is_authenticated:
        register_url = f"{reverse('account_login')}?{urlencode({'next': register_url})}"
    context = {
        "batch": batch,
        "programme": batch.programme,
        "registration_open": batch.is_registration_open(),
        "register_url": register_url,
    }
    return render(request, "training/batch_detail.html", context)


# --- Registration ---------------------------------------------------------------------------


def _eligibility_problems(person, batch) -> list[dict]:
    """What stops this person registering, each with the profile field to fix when there is one."""
    profile_url = reverse("account_profile")
    problems = []
    for field, field_messages in eligibility_errors(person=person, batch=batch, today=timezone.localdate()).items():
        for message in field_messages:
            if field is None:
                problems.append({"message": message})
            else:
                problems.append({"label": person_field_label(field), "message": message, "fix_url": profile_url})
    return problems


def _batch_full_problem(batch, offer_reserve: bool) -> list[dict]:
    if selectors.is_full(batch) and not offer_reserve:
        return [{"message": _("This batch is full and its reserve list too. Please choose another batch.")}]
    return []


@transaction.non_atomic_requests  # the service's own transaction holds the batch lock, no longer
@person_required
@limit_posts(group="training-registration", rate_setting="RATELIMIT_REGISTRATION", keys=("user", "ip"))
@require_http_methods(["GET", "POST"])
@submitted_once
def register(request, pk):
    batch = selectors.public_batch(pk=pk, with_vocation=False)
    person = person_of(request.user)
    offer_reserve = selectors.offers_reserve(batch)  # counts the reserves once the seats are gone
    problems = _eligibility_problems(person, batch) or _batch_full_problem(batch, offer_reserve)
    posted = request.method == "POST"
    form = RegistrationForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and not problems and form.is_valid():
        try:
            registration = services.registration_create(
                person=person,
                batch=batch,
                channel=Channel.ONLINE,
                join_reserve=form.cleaned_data["join_reserve"],
                ktp_document=form.cleaned_data["ktp_document"],
                diploma_document=form.cleaned_data["diploma_document"],
                eligibility_checked=True,  # ``problems`` above is empty
            )
        except ValidationError as error:
            form.add_service_error(error)
            batch.refresh_from_db(fields=["seats_taken"])  # it may have filled up meanwhile
            offer_reserve = selectors.offers_reserve(batch)
        else:
            messages.success(request, _("Your registration has been received."))
            return redirect("training:registration_detail", pk=registration.pk)
    context = {
        "batch": batch, "person": person, "form": form, "problems": problems,
        "offer_reserve": offer_reserve,
    }  # fmt: skip
    return render(request, "training/register.html", context)


# --- The job seeker's own registrations -----------------------------------------------------


@person_required
@require_GET
def my_registrations(request):
    registrations = selectors.registrations_for_person(person=person_of(request.user))
    return render(request, "training/my_registrations.html", {"registrations": registrations})


@job_seeker_required
@require_GET
def registration_detail(request, pk):
    registration = _get_registration_for_person(request, pk)
    return render(request, "training/registration_detail.html", {"registration": registration})


@job_seeker_required
@require_POST
def registration_confirm(request, pk):
    registration = _get_registration_for_person(request, pk)
    try:
        services.registration_confirm(registration=registration)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you: your place is confirmed. See you on the first day of training."))
    return redirect("training:registration_detail", pk=registration.pk)


@job_seeker_required
@require_POST
def registration_decline(request, pk):
    registration = _get_registration_for_person(request, pk)
    try:
        services.registration_decline(registration=registration)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("You have withdrawn from this batch."))
    return redirect("training:registration_detail", pk=registration.pk)


@job_seeker_required
@require_GET
def certificate_download(request, pk):
    registration = _get_registration_for_person(request, pk)
    certificate = getattr(registration, "certificate", None)
    if certificate is None or certificate.generated_at is None:
        raise Http404
    # The number (BLK/<year>/<batch>/<id>) names the file; the holder's NIK never does.
    filename = "sertifikat-{}.pdf".format(certificate.number.replace("/", "-"))
    return file_download(certificate.pdf, filename=filename)


# --- Public pages reached by a code ---------------------------------------------------------


@require_GET
def certificate_verify(request, code):
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        return render(request, "training/certificate_not_found.html", status=404)
    return render(request, "training/certificate_verify.html", {"certificate": certificate})


@never_cache
@require_http_methods(["GET", "POST"])
def tracer_answer(request, token):
    response = selectors.tracer_by_token(token=token)
    if response.is_answered:
        return render(request, "training/tracer_thanks.html", {"response": response})
    form = TracerForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.tracer_answer(response=response, data=form.cleaned_data, channel="online")
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("training:tracer_answer", token=token)
    return render(request, "training/tracer_answer.html", {"response": response, "form": form})
