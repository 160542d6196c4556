"""Seat decisions under concurrency, on the real PostgreSQL (SQLite ignores row locks)."""

import pytest
from django.core.exceptions import ValidationError

from tests.concurrency import run_together as _run_together
from tests.factories import BatchFactory, PersonFactory, RegistrationFactory
from training import services
from training.models import Batch, Registration, RegistrationStatus

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _people(count):
    return [PersonFactory() for _ in range(count)]


def test_last_seat_goes_to_exactly_one_of_twenty_registrations(postgres):
    batch = BatchFactory(
        quota=1,
        reserve_seats=30,
        selection_method="first_come",
        programme__min_age=17,
        programme__max_age=None,
        programme__min_education=None,
    )
    people = _people(20)
    results = _run_together(
        [lambda p=p: services.registration_create(person=p, batch=batch) for p in people], workers=20
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    accepted = Registration.objects.filter(batch=batch, status=RegistrationStatus.ACCEPTED)
    reserves = Registration.objects.filter(batch=batch, status=RegistrationStatus.RESERVE).order_by("reserve_rank")
    assert accepted.count() == 1
    assert [r.reserve_rank for r in reserves] == list(range(1, 20))
    # Reserve ranks follow the order in which the registrations were decided.
    assert list(reserves.values_list("decided_at", flat=True)) == sorted(reserves.values_list("decided_at", flat=True))
    assert Batch.objects.get(pk=batch.pk).seats_taken == 1


def test_twenty_staff_acceptances_for_the_last_seat_accept_exactly_one(postgres):
    batch = BatchFactory(quota=5, reserve_seats=30)
    for person in _people(4):
        services.registration_accept(registration=RegistrationFactory(batch=batch, person=person))
    pending = [RegistrationFactory(batch=batch, person=p, status="verified") for p in _people(20)]
    results = _run_together([lambda r=r: services.registration_accept(registration=r) for r in pending], workers=20)
    assert [r for r in results if isinstance(r, Exception)] == []
    statuses = sorted(Registration.objects.filter(pk__in=[r.pk for r in pending]).values_list("status", flat=True))
    assert statuses.count("accepted") == 1
    assert statuses.count("reserve") == 19
    ranks = sorted(Registration.objects.filter(batch=batch, status="reserve").values_list("reserve_rank", flat=True))
    assert ranks == list(range(1, 20))
    assert Batch.objects.get(pk=batch.pk).seats_taken == 5


def test_two_hundred_registrations_on_eight_threads_fill_fifty_seats_and_rank_the_rest(postgres):
    batch = BatchFactory(
        quota=50,
        reserve_seats=150,
        selection_method="first_come",
        programme__min_age=17,
        programme__max_age=None,
        programme__min_education=None,
    )
    people = _people(200)
    results = _run_together(
        [lambda p=p: services.registration_create(person=p, batch=batch) for p in people], workers=8
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert Registration.objects.filter(batch=batch, status="accepted").count() == 50
    ranks = list(
        Registration.objects.filter(batch=batch, status="reserve")
        .order_by("reserve_rank")
        .values_list("reserve_rank", flat=True)
    )
    assert ranks == list(range(1, 151))
    assert Batch.objects.get(pk=batch.pk).seats_taken == 50


def test_the_same_person_submitted_twice_at_once_gives_one_registration_and_a_form_error(postgres):
    batch = BatchFactory(
        selection_method="first_come", programme__min_age=17, programme__max_age=None, programme__min_education=None
    )
    person = PersonFactory()
    results = _run_together([lambda: services.registration_create(person=person, batch=batch)] * 2, workers=2)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1
    assert isinstance(errors[0], ValidationError)
    assert Registration.objects.filter(batch=batch, person=person).count() == 1
    assert Batch.objects.get(pk=batch.pk).seats_taken == 1


def test_full_batch_and_full_reserve_list_refuse_with_a_message_not_an_error(postgres):
    batch = BatchFactory(
        quota=2,
        reserve_seats=1,
        selection_method="first_come",
        programme__min_age=17,
        programme__max_age=None,
        programme__min_education=None,
    )
    results = _run_together(
        [lambda p=p: services.registration_create(person=p, batch=batch) for p in _people(6)], workers=6
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 3
    assert all(isinstance(e, ValidationError) and e.code == "batch_full" for e in errors)
    assert Registration.objects.filter(batch=batch).count() == 3


def test_concurrent_declines_promote_each_reserve_once(postgres):
    batch = BatchFactory(quota=4, reserve_seats=10)
    accepted = [
        services.registration_accept(registration=RegistrationFactory(batch=batch, person=p)) for p in _people(4)
    ]
    reserves = [
        services.registration_accept(registration=RegistrationFactory(batch=batch, person=p)) for p in _people(6)
    ]
    assert [r.status for r in reserves] == ["reserve"] * 6
    results = _run_together([lambda r=r: services.registration_decline(registration=r) for r in accepted], workers=4)
    assert [r for r in results if isinstance(r, Exception)] == []
    promoted = Registration.objects.filter(pk__in=[r.pk for r in reserves], status="accepted")
    assert sorted(promoted.values_list("pk", flat=True)) == sorted(r.pk for r in reserves[:4])
    left = Registration.objects.filter(batch=batch, status="reserve").order_by("reserve_rank")
    assert list(left.values_list("pk", flat=True)) == [r.pk for r in reserves[4:]]
    assert Batch.objects.get(pk=batch.pk).seats_taken == 4
