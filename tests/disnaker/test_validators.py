"""Names as on the KTP and published titles: the characters they accept and refuse."""

import pytest
from django.core.exceptions import ValidationError

from disnaker.fields import PersonNameFormField, TitleFormField
from disnaker.models import Person
from disnaker.validators import normalize_text, validate_person_name, validate_place_name, validate_title
from tests.factories import (
    CompanyFactory,
    InstitutionFactory,
    PersonFactory,
    ProgrammeFactory,
    VacancyFactory,
    VocationFactory,
    letters,
)

ACCEPTED_NAMES = ["Siti Nur'aini", "Muh. Rizky, S.T.", "Zoë Ñúñez", "Jean-Luc O’Neil", "Dewi Sartika"]
REFUSED = {
    "emoji": "Uji Coba Pengguna 😀",
    "right-to-left override": "Budi\u202eisah",
    "left-to-right embedding": "Budi\u202aSantoso",
    "first strong isolate": "Budi\u2068Santoso",
    "zero-width space": "A\u200bB",
    "zero-width joiner": "Sri\u200dWahyuni",
    "byte order mark": "\ufeffSri",
    "tab": "Sri\tWahyuni",
    "newline": "Sri\nWahyuni",
    "markup": "<script>",
    "control character": "Sri\x07Wahyuni",
    "symbol": "Sri ★ Wahyuni",
}


@pytest.mark.parametrize("name", ACCEPTED_NAMES)
def test_names_as_on_the_ktp_are_accepted(name):
    validate_person_name(name)
    validate_place_name(name)
    validate_title(name)


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
def test_emoji_control_bidi_and_symbols_are_refused(value):
    for validate in (validate_person_name, validate_place_name, validate_title):
        with pytest.raises(ValidationError):
            validate(value)


def test_the_message_names_the_refused_characters_and_shows_invisible_ones_by_code_point():
    with pytest.raises(ValidationError) as refused:
        validate_person_name("Budi\u202eisah 😀\u200b😀")
    assert refused.value.messages == [
        "Tulis nama sesuai KTP: hanya huruf Latin (boleh beraksen), spasi, dan tanda ' . , - saja. "
        "Tidak diperbolehkan: U+202E, “😀”, U+200B."
    ]


@pytest.mark.parametrize("name", ["李娜", "Анна", "Νίκος", "محمد"])
def test_letters_of_other_scripts_are_refused_in_names(name):
    with pytest.raises(ValidationError):
        validate_person_name(name)


@pytest.mark.parametrize("name", ["Budi 2", "Sri (Wati)", "Budi/Santoso", "Budi & Sri"])
def test_names_refuse_digits_and_title_punctuation(name):
    with pytest.raises(ValidationError):
        validate_person_name(name)
    validate_title(name)


@pytest.mark.parametrize(
    "title",
    ["Juru Las (Welder) 3G", "Operator Forklift / Reach Truck", "K3 Umum: Ahli Muda", "Teknisi AC & Kulkas",
     "LPK Maju Bersama 2", "C++ Programmer", "Admin 50% WFH", "Pengelasan SMAW 3G – angkatan 1"],
)  # fmt: skip
def test_titles_accept_digits_and_plain_punctuation(title):
    validate_title(title)


@pytest.mark.parametrize("title", ["Lowongan 🔥", "Staf <b>Gudang</b>", "Operator\u202eMesin", "=1+1", "Gaji $ 5"])
def test_titles_refuse_emoji_bidi_markup_and_symbols(title):
    with pytest.raises(ValidationError):
        validate_title(title)


def test_a_name_needs_a_letter():
    with pytest.raises(ValidationError) as refused:
        validate_person_name("-.,")
    assert refused.value.messages == ["Tulis dengan huruf."]


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("  Sri   Wahyuni ", "Sri Wahyuni"),
        ("Sri\u00a0Wahyuni", "Sri Wahyuni"),
        ("Zoe\u0308", "Zo\u00eb"),
        ("Sri\tWahyuni", "Sri\tWahyuni"),  # not a space: refused by the validator, not hidden
        ("A\u200bB", "A\u200bB"),
    ],
)
def test_text_is_normalised_before_it_is_checked(typed, normalised):
    assert normalize_text(typed) == normalised


def test_a_combining_accent_is_accepted_only_after_a_letter():
    validate_person_name("Nguye\u0302\u0303n")  # decomposed, as some keyboards type it
    with pytest.raises(ValidationError):
        validate_person_name("Budi \u0301Santoso")


def test_form_fields_normalise_then_refuse():
    assert PersonNameFormField().clean(" Dewi\u00a0 Sartika ") == "Dewi Sartika"
    with pytest.raises(ValidationError):
        PersonNameFormField().clean("Dewi\u202eSartika")
    assert TitleFormField().clean("Juru  Las (Welder)  3G") == "Juru Las (Welder) 3G"


@pytest.mark.django_db
def test_a_person_with_an_emoji_name_does_not_pass_full_clean():
    person = Person(name="Uji Coba Pengguna 😀", sex="L", birth_place="Cilegon\u202e")
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert {"name", "birth_place"} <= set(refused.value.message_dict)


def test_model_fields_keep_no_validator_in_migrations():
    name = Person._meta.get_field("name")
    assert validate_person_name in name.validators
    assert "validators" not in name.deconstruct()[3]


@pytest.mark.django_db
def test_the_factories_make_names_and_titles_that_pass_their_checks():
    made = [(PersonFactory.build(kelurahan=None), ("name", "birth_place")) for _ in range(200)]
    made += [(ProgrammeFactory(), ("name",)), (VocationFactory(), ("name",)), (VacancyFactory(), ("title",))]
    made += [(InstitutionFactory(), ("name", "head_name")), (CompanyFactory(), ("name", "contact_name"))]
    for instance, names in made:
        for name in names:
            instance._meta.get_field(name).run_validators(getattr(instance, name))
    for number in (0, 25, 26, 4999):
        validate_person_name(f"Lulusan Nomor {letters(number)}")
