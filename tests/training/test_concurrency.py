"""Seat decisions under concurrency, on the real PostgreSQL (SQLite ignores row locks)."""

import os
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction

from tests.concurrency import run_together as _run_together
from tests.factories import BatchFactory, PersonFactory, ProgrammeFactory, RegistrationFactory
from training import services
from training.models import Batch, Programme, Registration, RegistrationStatus

from .conftest import pdf_upload, png_upload

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


# --- What the seat decision locks, and what it leaves behind --------------------------------


def _first_come(**kwargs):
    return BatchFactory(
        selection_method="first_come",
        programme__min_age=17,
        programme__max_age=None,
        programme__min_education=None,
        **kwargs,
    )


class _HeldBatchLock:
    """Holds one batch's seat-decision lock on another thread and connection until the block ends."""

    def __init__(self, batch):
        self.batch, self.taken, self.release = batch, threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self):
        try:
            with transaction.atomic():
                services._lock_batch(self.batch.pk)
                self.taken.set()
                self.release.wait(timeout=30)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.taken.wait(timeout=30)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)


def _register_within(seconds, **kwargs):
    """registration_create that gives up with LockNotAvailable after waiting ``seconds`` for a lock."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{int(seconds * 1000)}ms'")
        return services.registration_create(**kwargs)


def test_two_batches_of_one_programme_do_not_wait_for_each_other(postgres):
    programme = ProgrammeFactory(min_age=17, max_age=None, min_education=None)
    held, other = _first_come(programme=programme), _first_come(programme=programme)
    with _HeldBatchLock(held):
        # The other batch of the same programme decides at once, and the programme row is free.
        registration = _register_within(2, person=PersonFactory(), batch=other)
        assert registration.status == RegistrationStatus.ACCEPTED
        with transaction.atomic():
            Programme.objects.select_for_update(nowait=True).get(pk=programme.pk)
        # The held batch itself does wait: the lock above is real.
        with pytest.raises(OperationalError, match="lock timeout"):
            _register_within(0.2, person=PersonFactory(), batch=held)
    assert Batch.objects.get(pk=other.pk).seats_taken == 1
    assert not Registration.objects.filter(batch=held).exists()


def _stored_names(storage) -> set[str]:
    root = storage.location
    return {
        os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
        for folder, _dirs, names in os.walk(root)
        for name in names
    }


def _referenced_names() -> set[str]:
    rows = Registration.objects.values_list("ktp_document", "diploma_document")
    return {name for row in rows for name in row if name}


def _documents():
    return {"ktp_document": pdf_upload(), "diploma_document": png_upload()}


def _lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_uploads_are_stored_before_the_batch_lock_is_taken(postgres, private_files):
    batch = _first_come()
    results = []
    with _HeldBatchLock(batch):
        waiting = threading.Thread(
            target=lambda: results.extend(
                _run_together(
                    [lambda: services.registration_create(person=PersonFactory(), batch=batch, **_documents())], 1
                )
            )
        )
        waiting.start()
        while not _lock_waiters():
            waiting.join(timeout=0.05)
            assert waiting.is_alive(), results
        # It waits for the batch with both files already written.
        assert len(_stored_names(private_files)) == 2
    waiting.join(timeout=30)
    assert [r.status for r in results] == [RegistrationStatus.ACCEPTED]
    assert _stored_names(private_files) == _referenced_names()


def test_a_registration_refused_under_the_lock_takes_its_files_away(postgres, private_files):
    batch = _first_come()
    with _HeldBatchLock(batch), pytest.raises(OperationalError, match="lock timeout"):
        _register_within(0.2, person=PersonFactory(), batch=batch, **_documents())
    full = _first_come(quota=1, reserve_seats=0)
    services.registration_create(person=PersonFactory(), batch=full, **_documents())
    with pytest.raises(ValidationError) as refusal:
        services.registration_create(person=PersonFactory(), batch=full, **_documents())
    assert refusal.value.code == "batch_full"
    assert len(_referenced_names()) == 2
    assert _stored_names(private_files) == _referenced_names()


def test_a_crowd_with_uploads_leaves_only_the_files_of_registered_people(postgres, private_files):
    batch = _first_come(quota=3, reserve_seats=2)
    people = _people(10)
    duplicate = people[0]
    calls = [lambda p=p: services.registration_create(person=p, batch=batch, **_documents()) for p in people]
    calls.append(lambda: services.registration_create(person=duplicate, batch=batch, **_documents()))
    results = _run_together(calls, workers=len(calls))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 6 and all(isinstance(e, ValidationError) for e in errors), errors
    assert Registration.objects.filter(batch=batch, person=duplicate).count() <= 1
    assert Registration.objects.filter(batch=batch, status="accepted").count() == 3
    ranks = Registration.objects.filter(batch=batch, status="reserve").order_by("reserve_rank")
    assert list(ranks.values_list("reserve_rank", flat=True)) == [1, 2]
    assert Batch.objects.get(pk=batch.pk).seats_taken == 3
    assert len(_referenced_names()) == 10
    assert _stored_names(private_files) == _referenced_names()
