"""Matching: exactly the eligible AK/1 holders and BLK graduates, in the documented order; staff page and export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from disnaker.models import EducationLevel, Kelurahan
from disnaker.roles import HEAD_OF_OFFICE, PLACEMENT_OFFICER, TRAINING_OFFICER
from placement.matching import candidates
from placement.models import CardStatus, JobSeekerCard
from tests.factories import BatchFactory, CertificationFactory, PersonFactory, RegistrationFactory, VacancyFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)
SCHEME = "Juru Las 3G SMAW"


def _education(code):
    return EducationLevel.objects.get(code=code)


def _person(*, name, education="smk", local=True, born=datetime.date(2000, 5, 5), sex="L"):
    kelurahan = Kelurahan.objects.order_by("code").first() if local else None
    return PersonFactory(name=name, education=_education(education), kelurahan=kelurahan, birth_date=born, sex=sex)


def _graduate(person, *, ended=datetime.date(2025, 12, 15)):
    batch = BatchFactory(start_date=ended - datetime.timedelta(days=27), end_date=ended)
    return RegistrationFactory(person=person, batch=batch, status="confirmed", outcome="graduated")


def _card(person, *, status=CardStatus.ACTIVE, issued=datetime.date(2025, 6, 1), valid_until=datetime.date(2027, 6, 1)):
    return JobSeekerCard.objects.create(
        person=person, status=status, number=f"AK1/{person.pk}", issued_on=issued, valid_until=valid_until,
        education_history="SMK 2018",
    )  # fmt: skip


def _certify(person, *, scheme=SCHEME, valid_until=datetime.date(2028, 6, 1)):
    return CertificationFactory(person=person, scheme=scheme, valid_until=valid_until)


@pytest.fixture
def welder_vacancy():
    return VacancyFactory(
        required_certification="juru las 3g",  # case-insensitive, part of the scheme
        min_education=_education("smk"),
        min_age=18,
        max_age=35,
    )


@pytest.fixture
def pool():
    """One eligible or ineligible person per rule, named after what makes them so."""
    people = {}

    def add(key, person):
        people[key] = person
        return person

    # Eligible
    _graduate(_certify(add("d3_local", _person(name="Zaki D3 lokal", education="d3"))).person)
    _graduate(add("smk_local_recent", _person(name="Yusuf SMK lokal baru")), ended=datetime.date(2026, 1, 31))
    _certify(people["smk_local_recent"])
    _graduate(add("smk_local_older", _person(name="Xaverius SMK lokal lama")), ended=datetime.date(2024, 12, 1))
    _certify(people["smk_local_older"])
    # Same rank and date as the recent one: the name decides.
    _graduate(add("smk_local_recent_b", _person(name="Andi SMK lokal baru")), ended=datetime.date(2026, 1, 31))
    _certify(people["smk_local_recent_b"])
    _card(_certify(add("non_local", _person(name="Budi luar kota", local=False, education="s1"))).person)
    # Not eligible
    _graduate(add("uncertified", _person(name="Cahya tanpa sertifikat")))
    _graduate(_certify(add("too_old", _person(name="Dedi terlalu tua", born=datetime.date(1985, 1, 1)))).person)
    _graduate(_certify(add("low_education", _person(name="Eko SMP", education="smp"))).person)
    _card(
        _certify(add("expired_card", _person(name="Fajar kartu kedaluwarsa"))).person,
        status=CardStatus.EXPIRED,
        valid_until=datetime.date(2025, 12, 1),
    )
    _graduate(
        _certify(
            add("expired_cert", _person(name="Gilang sertifikat lewat")), valid_until=datetime.date(2026, 2, 1)
        ).person
    )
    _certify(add("neither", _person(name="Hadi bukan alumni")))  # certified, but no card and not a graduate
    _graduate(_certify(add("other_scheme", _person(name="Indra K3")), scheme="Ahli K3 Umum").person)
    return people


def test_candidates_are_exactly_the_eligible_people_in_the_documented_order(welder_vacancy, pool):
    result = candidates(vacancy=welder_vacancy, today=TODAY)

    # (1) all hold the certification; (2) local first; (3) D3 before SMK; (4) latest graduation; (5) name.
    assert [p.pk for p in result] == [
        pool[key].pk for key in ("d3_local", "smk_local_recent_b", "smk_local_recent", "smk_local_older", "non_local")
    ]
    first = result[0]
    assert first.has_certification and first.cert_scheme == SCHEME and first.is_graduate and not first.is_ak1_holder
    assert result[-1].is_ak1_holder and not result[-1].is_graduate


def test_expired_active_card_does_not_count_and_the_age_range_is_checked_on_the_day(welder_vacancy, pool):
    JobSeekerCard.objects.filter(person=pool["non_local"]).update(valid_until=datetime.date(2026, 2, 28))
    assert pool["non_local"].pk not in [p.pk for p in candidates(vacancy=welder_vacancy, today=TODAY)]
    # Born 5 May 2000: 35 until 4 May 2036, too old from the 5th (no certificate asked: it expires by then).
    vacancy = VacancyFactory(required_certification="", max_age=35)
    assert pool["d3_local"].pk in [p.pk for p in candidates(vacancy=vacancy, today=datetime.date(2036, 5, 4))]
    assert pool["d3_local"].pk not in [p.pk for p in candidates(vacancy=vacancy, today=datetime.date(2036, 5, 5))]


def test_without_a_required_certification_the_certified_come_first(pool):
    vacancy = VacancyFactory(required_certification="", min_education=_education("smk"), max_age=35)
    result = [p.pk for p in candidates(vacancy=vacancy, today=TODAY)]

    # Certified (any scheme) first, local before not, then as before; the uncertified and the
    # expired certificate are eligible now, after every certified person.
    order = (
        "d3_local", "smk_local_recent_b", "smk_local_recent", "other_scheme", "smk_local_older", "non_local",
        "uncertified", "expired_cert",
    )  # fmt: skip
    assert result == [pool[key].pk for key in order]
    for key in ("too_old", "low_education", "expired_card", "neither"):
        assert pool[key].pk not in result


def test_sex_and_local_residents_only_are_requirements(pool):
    vacancy = VacancyFactory(required_certification=SCHEME, local_residents_only=True, sex="P", max_age=35)
    assert candidates(vacancy=vacancy, today=TODAY) == []
    woman = _person(name="Sari lokal", sex="P")
    _graduate(_certify(woman).person)
    assert [p.pk for p in candidates(vacancy=vacancy, today=TODAY)] == [woman.pk]
    vacancy.sex = ""
    assert pool["non_local"].pk not in [p.pk for p in candidates(vacancy=vacancy, today=TODAY)]


def test_candidates_make_the_same_queries_for_1_and_20_people(welder_vacancy, django_assert_max_num_queries):
    _graduate(_certify(_person(name="Satu")).person)
    with django_assert_max_num_queries(1):
        assert len(candidates(vacancy=welder_vacancy, today=TODAY)) == 1
    for index in range(19):
        _graduate(_certify(_person(name=f"Orang {index}")).person)
    with django_assert_max_num_queries(1):
        assert len(candidates(vacancy=welder_vacancy, today=TODAY)) == 20


# --- Staff page and export --------------------------------------------------------------------


def _login(client, user):
    from django.conf import settings

    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def certified_graduate():
    person = _person(name='=HYPERLINK("http://evil.example","klik")')
    _graduate(_certify(person).person)
    return person


def test_staff_page_lists_candidates_with_masked_nik_for_a_role_without_personal_data(
    client, staff_user, welder_vacancy, certified_graduate
):
    _login(client, staff_user(HEAD_OF_OFFICE))
    response = client.get(reverse("placement:staff_matching", args=[welder_vacancy.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert certified_graduate.nik_masked in content
    assert certified_graduate.nik not in content


def test_placement_officer_sees_the_full_nik(client, staff_user, welder_vacancy, certified_graduate):
    _login(client, staff_user(PLACEMENT_OFFICER))
    response = client.get(reverse("placement:staff_matching", args=[welder_vacancy.pk]))
    assert certified_graduate.nik in response.content.decode()


@pytest.mark.parametrize("name", ["staff_matching", "staff_matching_export"])
def test_staff_without_placement_permission_get_403_and_others_the_login(client, staff_user, welder_vacancy, name):
    url = reverse(f"placement:{name}", args=[welder_vacancy.pk])
    assert client.get(url).status_code == 302  # anonymous: to the admin login
    _login(client, staff_user(TRAINING_OFFICER))
    assert client.get(url).status_code == 403


def test_csv_export_escapes_formulas_and_masks_the_nik(client, staff_user, welder_vacancy, certified_graduate):
    _login(client, staff_user(HEAD_OF_OFFICE))
    response = client.get(reverse("placement:staff_matching_export", args=[welder_vacancy.pk]) + "?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert row[header.index("Name")] == "'" + certified_graduate.name
    assert row[header.index("NIK")] == certified_graduate.nik_masked
    assert "Phone" not in header


def test_xlsx_export_escapes_formulas(client, staff_user, welder_vacancy, certified_graduate):
    _login(client, staff_user(PLACEMENT_OFFICER))
    response = client.get(reverse("placement:staff_matching_export", args=[welder_vacancy.pk]) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    name_cell = sheet.cell(row=2, column=header.index("Name") + 1)
    assert name_cell.value == "'" + certified_graduate.name and name_cell.data_type == "s"
    assert sheet.cell(row=2, column=header.index("NIK") + 1).value == certified_graduate.nik
