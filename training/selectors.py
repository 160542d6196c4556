"""Read queries behind the public training pages; each list loads its related rows in one query."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from disnaker.models import Person

# The staff's alumni search, also read by placement's matching: other apps read training only here and in stats.
from .alumni import alumni_search  # noqa: F401
from .models import (
    Batch,
    BatchStatus,
    ParticipantCertificate,
    Registration,
    RegistrationStatus,
    SelectionMethod,
    TracerResponse,
)

# A batch page stays reachable while the batch runs and after it ends (links in e-mails, alumni).
PUBLIC_BATCH_STATUSES = (BatchStatus.PUBLISHED, BatchStatus.RUNNING, BatchStatus.FINISHED)


def open_batches(*, today: datetime.date | None = None) -> QuerySet[Batch]:
    """Batches open for registration, the ones closing soonest first."""
    return (
        Batch.objects.open_for_registration(today=today)
        .select_related("programme__vocation", "programme__min_education")
        .order_by("registration_closes", "start_date", "code")
    )


def public_batch(*, pk: int, with_vocation: bool = True) -> Batch:
    """A batch anyone may look at; drafts and cancelled batches answer 404. With its programme and the
    programme's minimum education (the eligibility reads it), and its vocation unless the page shows none."""
    related = ("programme__min_education", "programme__vocation") if with_vocation else ("programme__min_education",)
    batches = Batch.objects.filter(status__in=PUBLIC_BATCH_STATUSES).select_related(*related)
    return get_object_or_404(batches, pk=pk)


def reserve_places_left(batch: Batch) -> int:
    taken = batch.registrations.filter(status=RegistrationStatus.RESERVE).count()
    return max(batch.reserve_seats - taken, 0)


def is_full(batch: Batch) -> bool:
    """A first-come batch decides seats at registration; a selection batch fills only at selection."""
    return batch.selection_method == SelectionMethod.FIRST_COME and batch.seats_left == 0


def offers_reserve(batch: Batch) -> bool:
    """A full first-come batch still takes people while its reserve list has room."""
    return is_full(batch) and reserve_places_left(batch) > 0


def _reserve_position() -> Subquery:
    """The place in the queue: reserves of the same batch ranked at or before this one.

    Ranks are never reused (a promoted reserve leaves a gap), so the rank itself can
    overstate how far someone is from a seat.
    """
    ahead = (
        Registration.objects.filter(
            batch=OuterRef("batch"), status=RegistrationStatus.RESERVE, reserve_rank__lte=OuterRef("reserve_rank")
        )
        .order_by()
        .values("batch")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(ahead, output_field=IntegerField())


def registrations_for_person(*, person: Person) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(person=person)
        .select_related("batch__programme__vocation", "certificate")
        .annotate(reserve_position=_reserve_position())
        .order_by("-created_at")
    )


def certificate_by_code(*, code: str) -> ParticipantCertificate | None:
    return (
        ParticipantCertificate.objects.select_related("registration__person", "registration__batch__programme")
        .filter(code=code)
        .first()
    )


def tracer_by_token(*, token: str) -> TracerResponse:
    responses = TracerResponse.objects.select_related("registration__batch__programme")
    return get_object_or_404(responses, token=token)


def graduate_person_ids(person_ids) -> set[int]:
    """Those of ``person_ids`` who graduated from a BLK batch (placement reports count them as BLK)."""
    from .models import Outcome

    return set(
        Registration.objects.filter(person_id__in=list(person_ids), outcome=Outcome.GRADUATED)
        .values_list("person_id", flat=True)
        .distinct()
    )


def personal_data(person: Person) -> dict:
    """The person's training rows, for their "download my data" (``disnaker.personal_data``)."""
    return {
        "training_registrations": Registration.objects.filter(person=person).select_related("batch", "certification"),
        "training_certificates": ParticipantCertificate.objects.filter(registration__person=person).select_related(
            "registration__batch"
        ),
        "tracer_responses": TracerResponse.objects.filter(registration__person=person).select_related(
            "registration__batch"
        ),
    }
