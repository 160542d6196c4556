from io import StringIO

import pytest
from django.core.management import call_command

from disnaker.models import EducationLevel, KbjiMajorGroup, KbliSection, Kecamatan, Kelurahan

pytestmark = pytest.mark.django_db


def test_cilegon_regions_are_loaded_by_the_migration():
    assert Kecamatan.objects.count() == 8
    assert Kelurahan.objects.count() == 43
    assert set(Kecamatan.objects.values_list("name", flat=True)) >= {"Cibeber", "Cilegon", "Pulomerak", "Ciwandan"}


def test_known_kelurahan_codes_are_verified_and_the_others_derived_in_file_order():
    assert Kelurahan.objects.get(name="Kedaleman").code == "36.72.01.1002"
    assert Kelurahan.objects.get(name="Kedaleman").code_verified
    bagendung = Kelurahan.objects.get(name="Bagendung")
    assert bagendung.code == "36.72.02.1001"
    assert not bagendung.code_verified


def test_master_data_tables_are_loaded():
    assert EducationLevel.objects.count() == 13
    assert list(EducationLevel.objects.values_list("code", flat=True)[:3]) == ["none", "sd", "smp"]
    assert KbliSection.objects.count() == 21
    assert KbjiMajorGroup.objects.count() == 10


def test_load_reference_twice_changes_nothing():
    before = list(Kelurahan.objects.order_by("code").values_list("code", "name", "kecamatan__code"))
    call_command("load_reference", stdout=StringIO())
    call_command("load_reference", stdout=StringIO())
    after = list(Kelurahan.objects.order_by("code").values_list("code", "name", "kecamatan__code"))
    assert before == after
    assert Kecamatan.objects.count() == 8
