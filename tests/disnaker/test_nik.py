import datetime

import pytest
from django.core.exceptions import ValidationError

from disnaker.nik import check_person_matches_nik, mask_nik, normalize_nik, parse_nik

TODAY = datetime.date(2026, 11, 25)


def test_valid_male_nik_gives_birth_date_sex_and_region():
    info = parse_nik("3672011403980001", today=TODAY)
    assert info.birth_date == datetime.date(1998, 3, 14)
    assert info.sex == "L"
    assert info.region_code == "36.72"
    assert info.district_code == "01"


def test_valid_female_nik_has_forty_added_to_the_day():
    info = parse_nik("3672014207010002", today=TODAY)
    assert info.birth_date == datetime.date(2001, 7, 2)
    assert info.sex == "P"


@pytest.mark.parametrize(
    ("nik", "year"),
    [("3672011203050001", 2005), ("3672011203000001", 2000), ("3672011212260001", 1926), ("3672011203990001", 1999)],
)
def test_century_is_the_most_recent_past_date(nik, year):
    # 2005 must not turn into 1905; a date still ahead this year belongs to the last century.
    assert parse_nik(nik, today=TODAY).birth_date.year == year


def test_a_date_earlier_this_year_is_read_as_this_century():
    assert parse_nik("3672010101260001", today=TODAY).birth_date == datetime.date(2026, 1, 1)


@pytest.mark.parametrize("nik", ["367201140398000", "36720114039800011", "36720114O3980001", ""])
def test_bad_length_or_characters_are_refused(nik):
    with pytest.raises(ValidationError) as exc:
        parse_nik(nik, today=TODAY)
    assert exc.value.code == "nik_length"
    assert "16 digit" in str(exc.value.messages[0]) or "16 digits" in exc.value.messages[0]


@pytest.mark.parametrize("nik", ["3672013102980001", "3672011413980001", "3672017203980001", "3672010002980001"])
def test_impossible_birth_dates_are_refused(nik):
    with pytest.raises(ValidationError) as exc:
        parse_nik(nik, today=TODAY)
    assert exc.value.code == "nik_date"


@pytest.mark.parametrize("nik", ["9972011403980001", "0072011403980001", "2072011403980001", "4072011403980001"])
def test_unknown_province_is_refused(nik):
    with pytest.raises(ValidationError) as exc:
        parse_nik(nik, today=TODAY)
    assert exc.value.code == "nik_province"


def test_zero_serial_and_zero_region_are_refused():
    with pytest.raises(ValidationError):
        parse_nik("3672011403980000", today=TODAY)
    with pytest.raises(ValidationError):
        parse_nik("3600011403980001", today=TODAY)


def test_sex_that_contradicts_the_nik_is_reported_on_the_sex_field():
    errors = check_person_matches_nik(nik="3672014207010002", sex="L", birth_date=datetime.date(2001, 7, 2))
    assert set(errors) == {"sex"}


def test_birth_date_that_contradicts_the_nik_is_reported_on_the_birth_date_field():
    errors = check_person_matches_nik(nik="3672011403980001", sex="L", birth_date=datetime.date(1998, 3, 15))
    assert set(errors) == {"birth_date"}


def test_typed_separators_are_removed_and_masking_hides_the_middle():
    assert normalize_nik("3672 0114 0398 0001") == "3672011403980001"
    assert normalize_nik("3672.0114-0398.0001") == "3672011403980001"
    assert mask_nik("3672011403980001") == "3672**********01"


def test_messages_are_indonesian_by_default():
    from django.utils import translation

    with translation.override("id"):
        with pytest.raises(ValidationError) as exc:
            parse_nik("123", today=TODAY)
        assert exc.value.messages == ["NIK harus terdiri dari tepat 16 digit angka."]
