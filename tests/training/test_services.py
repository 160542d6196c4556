import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from disnaker.models import EducationLevel
from tests.factories import BatchFactory, PersonFactory, RegistrationFactory, make_nik
from training import services
from training.eligibility import eligibility_errors
from training.models import Batch, Registration, TracerResponse

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)
JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def _person(birth: datetime.date, **kwargs):
    return PersonFactory(
        birth_date=birth, sex="L", nik=make_nik(birth_date=birth, serial=kwargs.pop("serial", 1)), **kwargs
    )


@pytest.mark.time_machine(datetime.datetime(2026, 11, 25, 9, tzinfo=JAKARTA))
class TestEligibility:
    def test_a_resident_of_the_right_age_and_education_may_register(self):
        batch = BatchFactory()
        assert eligibility_errors(person=_person(datetime.date(2000, 1, 1)), batch=batch, today=TODAY) == {}

    def test_too_young_and_too_old_are_measured_on_the_first_day(self):
        batch = BatchFactory(start_date=datetime.date(2026, 12, 20), end_date=datetime.date(2027, 1, 20))
        young = _person(datetime.date(2008, 12, 21))  # 17 on the first day; minimum 18
        old = _person(datetime.date(1990, 12, 19), serial=2)  # 36; maximum 35
        assert "birth_date" in eligibility_errors(person=young, batch=batch, today=TODAY)
        assert "birth_date" in eligibility_errors(person=old, batch=batch, today=TODAY)
        just_18 = _person(datetime.date(2008, 12, 20), serial=3)
        assert eligibility_errors(person=just_18, batch=batch, today=TODAY) == {}

    def test_education_below_the_minimum_is_refused(self):
        batch = BatchFactory(programme__min_education=EducationLevel.objects.get(code="sma"))
        person = _person(datetime.date(2000, 1, 1), education=EducationLevel.objects.get(code="smp"))
        assert list(eligibility_errors(person=person, batch=batch, today=TODAY)) == ["education"]
        person.education = EducationLevel.objects.get(code="smk")
        assert eligibility_errors(person=person, batch=batch, today=TODAY) == {}

    def test_city_only_batches_refuse_people_living_elsewhere(self):
        batch = BatchFactory()
        outsider = _person(datetime.date(2000, 1, 1), kelurahan=None)
        assert list(eligibility_errors(person=outsider, batch=batch, today=TODAY)) == ["kelurahan"]
        batch.programme.domicile_rule = "any"
        assert eligibility_errors(person=outsider, batch=batch, today=TODAY) == {}

    def test_outside_the_registration_window_is_refused(self):
        batch = BatchFactory(registration_opens=TODAY + datetime.timedelta(days=1))
        errors = eligibility_errors(person=_person(datetime.date(2000, 1, 1)), batch=batch, today=TODAY)
        assert list(errors) == [None]

    def test_an_overlapping_batch_blocks_a_second_registration(self):
        first = BatchFactory()
        second = BatchFactory(start_date=first.start_date + datetime.timedelta(days=3), end_date=first.end_date)
        person = _person(datetime.date(2000, 1, 1))
        RegistrationFactory(person=person, batch=first)
        assert list(eligibility_errors(person=person, batch=second, today=TODAY)) == [None]
        later = BatchFactory(
            start_date=first.end_date + datetime.timedelta(days=1),
            end_date=first.end_date + datetime.timedelta(days=20),
        )
        assert eligibility_errors(person=person, batch=later, today=TODAY) == {}

    def test_the_other_registrations_are_read_in_one_query_and_told_apart(self, django_assert_num_queries):
        first = BatchFactory(code="LAS-2026-01")
        second = BatchFactory(start_date=first.start_date + datetime.timedelta(days=3), end_date=first.end_date)
        person = _person(datetime.date(2000, 1, 1))
        RegistrationFactory(person=person, batch=second, status="withdrawn")  # no longer active: no overlap
        with translation.override("en"), django_assert_num_queries(1):
            assert eligibility_errors(person=person, batch=first, today=TODAY) == {}
        with translation.override("en"), django_assert_num_queries(1):
            errors = eligibility_errors(person=person, batch=second, today=TODAY)  # withdrawn: still this batch's
        assert errors == {None: ["You are already registered for this batch."]}
        RegistrationFactory(person=person, batch=first)
        third = BatchFactory(start_date=first.start_date, end_date=first.end_date)
        with translation.override("en"), django_assert_num_queries(2):  # the overlapping batch, to name it
            errors = eligibility_errors(person=person, batch=third, today=TODAY)
        assert errors == {None: [f"You are already registered for {first}, which runs at the same time."]}


class TestSelection:
    def test_selection_accepts_by_score_then_reserves_then_rejects(self):
        batch = BatchFactory(quota=2, reserve_seats=1)
        scores = [70, 90, 80, 60]
        regs = [RegistrationFactory(batch=batch, status="verified", test_score=Decimal(s)) for s in scores]
        RegistrationFactory(batch=batch)  # not verified: left alone
        counts = services.batch_select(batch=batch)
        assert counts == {"accepted": 2, "reserve": 1, "rejected": 1}
        status = {r.test_score: r for r in Registration.objects.filter(pk__in=[r.pk for r in regs])}
        assert status[Decimal(90)].status == status[Decimal(80)].status == "accepted"
        assert status[Decimal(70)].status == "reserve" and status[Decimal(70)].reserve_rank == 1
        assert status[Decimal(60)].status == "rejected" and status[Decimal(60)].reason
        assert Batch.objects.get(pk=batch.pk).seats_taken == 2

    def test_a_rejection_needs_a_reason_and_frees_the_seat_for_the_first_reserve(self):
        batch = BatchFactory(quota=1, reserve_seats=5)
        accepted = services.registration_accept(registration=RegistrationFactory(batch=batch))
        reserve1 = services.registration_accept(registration=RegistrationFactory(batch=batch))
        reserve2 = services.registration_accept(registration=RegistrationFactory(batch=batch))
        with pytest.raises(ValidationError):
            services.registration_reject(registration=accepted, reason="  ")
        services.registration_reject(registration=accepted, reason="Dokumen KTP tidak sah")
        reserve1.refresh_from_db()
        reserve2.refresh_from_db()
        assert reserve1.status == "accepted" and reserve1.reserve_rank is None and reserve1.confirm_by
        assert reserve2.status == "reserve" and reserve2.reserve_rank == 2
        assert Batch.objects.get(pk=batch.pk).seats_taken == 1

    def test_a_decline_promotes_the_next_reserve_in_the_same_call(self):
        batch = BatchFactory(quota=1, reserve_seats=5)
        accepted = services.registration_accept(registration=RegistrationFactory(batch=batch))
        reserve = services.registration_accept(registration=RegistrationFactory(batch=batch))
        services.registration_decline(registration=accepted)
        accepted.refresh_from_db()
        reserve.refresh_from_db()
        assert accepted.status == "declined"
        assert reserve.status == "accepted"
        assert Batch.objects.get(pk=batch.pk).seats_taken == 1

    def test_confirmation_after_the_deadline_is_refused_and_the_expiry_promotes(self):
        batch = BatchFactory(quota=1, reserve_seats=5, confirm_days=3)
        now = timezone.now()
        accepted = services.registration_accept(registration=RegistrationFactory(batch=batch), now=now)
        reserve = services.registration_accept(registration=RegistrationFactory(batch=batch), now=now)
        late = now + datetime.timedelta(days=4)
        with pytest.raises(ValidationError):
            services.registration_confirm(registration=accepted, now=late)
        assert services.unconfirmed_expire(now=late) == 1
        assert services.unconfirmed_expire(now=late) == 0
        accepted.refresh_from_db()
        reserve.refresh_from_db()
        assert accepted.status == "expired"
        assert reserve.status == "accepted"
        services.registration_confirm(registration=reserve, now=late)
        reserve.refresh_from_db()
        assert reserve.status == "confirmed"

    def test_the_quota_is_a_database_constraint_too(self):
        from django.db import IntegrityError, transaction

        batch = BatchFactory(quota=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Batch.objects.filter(pk=batch.pk).update(seats_taken=2)


class TestTraining:
    def _class(self, size=3):
        batch = BatchFactory(
            quota=size, start_date=datetime.date(2026, 10, 5), end_date=datetime.date(2026, 10, 9),
            registration_opens=datetime.date(2026, 9, 1), registration_closes=datetime.date(2026, 9, 30),
        )  # fmt: skip
        regs = []
        for _ in range(size):
            reg = services.registration_accept(registration=RegistrationFactory(batch=batch))
            regs.append(services.registration_confirm(registration=reg))
        return batch, regs

    def test_graduation_follows_the_attendance_threshold(self):
        batch, (good, poor, _third) = self._class()
        for day in batch.training_days:
            present = {good.pk, _third.pk} | ({poor.pk} if day.day < 8 else set())
            services.attendance_record(batch=batch, day=day, present_ids=present, actor=None)
        counts = services.batch_complete(batch=batch)
        assert counts == {"graduated": 2, "dropped_out": 1}  # poor: 3 of 5 days = 60 % < 80 %
        poor.refresh_from_db()
        assert poor.outcome == "dropped_out"

    def test_attendance_on_a_day_outside_the_batch_is_refused(self):
        batch, _regs = self._class(1)
        with pytest.raises(ValidationError):
            services.attendance_record(batch=batch, day=datetime.date(2026, 10, 10), present_ids=set(), actor=None)

    def test_a_competent_graduate_gets_a_certification_on_the_person(self):
        batch, (reg, *_rest) = self._class(1)
        services.registration_set_outcome(registration=reg, outcome="graduated")
        services.competency_record(
            registration=reg, result="competent", tested_on=datetime.date(2026, 10, 12),
            certificate_number="62090 2512 3 0001234 2026", issuer="LSP Las Indonesia",
        )  # fmt: skip
        reg.refresh_from_db()
        assert reg.certification.person == reg.person
        assert reg.certification.scheme == batch.programme.competency_scheme

    def test_a_certificate_is_issued_once_and_only_to_graduates(self, django_capture_on_commit_callbacks):
        batch, (reg, *_rest) = self._class(1)
        with pytest.raises(ValidationError):
            services.certificate_issue(registration=reg)
        services.registration_set_outcome(registration=reg, outcome="graduated")
        first = services.certificate_issue(registration=reg)
        again = services.certificate_issue(registration=reg)
        assert first.pk == again.pk
        assert first.number.startswith("BLK/")


class TestTracer:
    @pytest.mark.parametrize(
        ("today", "expected"),
        [
            (datetime.date(2026, 3, 30), None),
            (datetime.date(2026, 3, 31), 3),
            (datetime.date(2026, 6, 30), 6),
            (datetime.date(2026, 12, 31), 12),
            (datetime.date(2027, 3, 31), None),
        ],
    )
    def test_milestones(self, today, expected):
        assert services.tracer_due_milestone(datetime.date(2025, 12, 31), today) == expected

    def test_opening_twice_opens_one_request_per_milestone(self, django_capture_on_commit_callbacks):
        batch = BatchFactory(
            start_date=datetime.date(2026, 1, 5), end_date=datetime.date(2026, 2, 27),
            registration_opens=datetime.date(2025, 12, 1), registration_closes=datetime.date(2025, 12, 31),
        )  # fmt: skip
        reg = RegistrationFactory(batch=batch, status="confirmed", outcome="graduated")
        now = timezone.make_aware(datetime.datetime(2026, 6, 1, 8))
        assert len(services.tracer_open_due(now=now)) == 1
        assert services.tracer_open_due(now=now) == []
        response = TracerResponse.objects.get(registration=reg)
        assert response.months_after == 3
        with pytest.raises(ValidationError):
            services.tracer_answer(response=response, data={"status": "working"}, channel="online")
        services.tracer_answer(
            response=response,
            data={"status": "working", "company": "PT Krakatau Steel", "relevance": 5},
            channel="online",
        )
        response.refresh_from_db()
        assert response.is_answered and response.company == "PT Krakatau Steel"
