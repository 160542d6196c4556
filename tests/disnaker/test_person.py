import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from disnaker.models import Person
from tests.factories import PersonFactory, make_nik

pytestmark = pytest.mark.django_db


def test_the_same_nik_cannot_be_registered_twice():
    person = PersonFactory()
    duplicate = Person(nik=person.nik, name="Orang Lain", sex=person.sex, birth_date=person.birth_date)
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert "nik" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(nik=person.nik, name="Orang Lain", sex=person.sex, birth_date=person.birth_date)
    assert Person.objects.filter(nik=person.nik).count() == 1


def test_full_clean_normalises_the_nik_and_checks_it_against_sex_and_birth_date():
    nik = make_nik(sex="P", birth_date=datetime.date(2002, 8, 17))
    spaced = f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"
    person = Person(nik=spaced, name="Sri Wahyuni", sex="P", birth_date=datetime.date(2002, 8, 17))
    person.full_clean()
    assert person.nik == nik
    wrong = Person(nik=nik, name="Sri Wahyuni", sex="L", birth_date=datetime.date(2002, 8, 18))
    with pytest.raises(ValidationError) as exc:
        wrong.full_clean()
    assert set(exc.value.message_dict) == {"sex", "birth_date"}


def test_database_refuses_a_malformed_nik_even_without_full_clean():
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(nik="12345", name="X", sex="L", birth_date=datetime.date(1990, 1, 1))


def test_local_resident_comes_from_the_kelurahan_not_the_nik_prefix():
    outsider = PersonFactory(nik=make_nik(region="367301"), kelurahan=None)
    resident = PersonFactory(nik=make_nik(region="367301", serial=2))
    assert not outsider.is_local_resident
    assert resident.is_local_resident


def test_age_on_a_day():
    person = PersonFactory(
        birth_date=datetime.date(2000, 6, 15), sex="L", nik=make_nik(birth_date=datetime.date(2000, 6, 15))
    )
    assert person.age_on(datetime.date(2026, 6, 14)) == 25
    assert person.age_on(datetime.date(2026, 6, 15)) == 26


def test_every_change_is_kept_in_the_history():
    person = PersonFactory(name="Nama Lama")
    person.name = "Nama Baru"
    person.save()
    assert [h.name for h in person.history.order_by("history_date")] == ["Nama Lama", "Nama Baru"]
