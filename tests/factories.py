import datetime
import random

import factory
from django.contrib.auth import get_user_model

from disnaker.models import Certification, EducationLevel, Kelurahan, Person


def make_nik(
    *, sex: str = "L", birth_date: datetime.date = datetime.date(1999, 4, 12), serial: int = 1, region: str = "367201"
) -> str:
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth_date:%m%y}{serial:04d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("rahasia-123")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        serial = factory.Sequence(lambda n: n + 1)

    name = factory.Faker("name", locale="id_ID")
    sex = factory.LazyFunction(lambda: random.choice("LP"))
    birth_date = factory.LazyFunction(
        lambda: datetime.date(1975, 1, 1) + datetime.timedelta(days=random.randrange(30 * 365))
    )
    nik = factory.LazyAttribute(lambda p: make_nik(sex=p.sex, birth_date=p.birth_date, serial=p.serial))
    birth_place = "Cilegon"
    address = factory.Faker("street_address", locale="id_ID")
    kelurahan = factory.LazyFunction(lambda: Kelurahan.objects.order_by("?").first())
    education = factory.LazyFunction(lambda: EducationLevel.objects.get(code="sma"))


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    person = factory.SubFactory(PersonFactory)
    scheme = "Juru Las 3G SMAW"
    number = factory.Sequence(lambda n: f"BNSP-LSP-{n:06d}")
    issuer = "LSP Logam dan Mesin Indonesia"
    issued_on = datetime.date(2025, 6, 1)
    valid_until = datetime.date(2028, 6, 1)
