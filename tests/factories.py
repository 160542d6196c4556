import datetime
import random
import re

import factory
from django.contrib.auth import get_user_model

from disnaker.models import Certification, EducationLevel, KbjiMajorGroup, KbliSection, Kelurahan, Person


def make_nik(
    *, sex: str = "L", birth_date: datetime.date = datetime.date(1999, 4, 12), serial: int = 1, region: str = "367201"
) -> str:
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth_date:%m%y}{serial:04d}"


def letters(number: int) -> str:
    """``number`` written in letters, base 26 (0 → "A", 25 → "Z", 26 → "BA"): names on a KTP hold no digit."""
    text = ""
    while True:
        number, digit = divmod(number, 26)
        text = chr(ord("A") + digit) + text
        if not number:
            return text


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


class VocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Vocation"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"kejuruan-{n}")
    name = factory.Sequence(lambda n: f"Kejuruan {n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Programme"

    vocation = factory.SubFactory(VocationFactory)
    name = factory.Sequence(lambda n: f"Pengelasan SMAW 3G angkatan {n}")
    competency_scheme = "Juru Las 3G SMAW"
    hours = 240
    days = 30
    min_age = 18
    max_age = 35
    min_education = factory.LazyFunction(lambda: EducationLevel.objects.get(code="smp"))
    domicile_rule = "city"


class BatchFactory(factory.django.DjangoModelFactory):
    """A batch whose registration is open today and whose training starts in a month."""

    class Meta:
        model = "training.Batch"

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"BLK-2026-{n:03d}")
    start_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda b: b.start_date + datetime.timedelta(days=27))
    registration_opens = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))
    registration_closes = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=14))
    venue = "UPT BLK Kota Cilegon"
    quota = 16
    reserve_seats = 8
    funding = "apbd"
    selection_method = "selection"
    status = "published"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Registration"

    person = factory.SubFactory(PersonFactory, birth_date=datetime.date(2000, 5, 5))
    batch = factory.SubFactory(BatchFactory)


def welding_graduate(name: str):
    """A graduate of a welding batch that ended on 20 June 2025 (registration closed in May)."""
    end = datetime.date(2025, 6, 20)
    batch = BatchFactory(
        programme__name="Juru Las SMAW",
        start_date=end - datetime.timedelta(days=30),
        end_date=end,
        registration_opens=end - datetime.timedelta(days=60),
        registration_closes=end - datetime.timedelta(days=40),
        status="finished",
    )
    return RegistrationFactory(batch=batch, person=PersonFactory(name=name), status="confirmed", outcome="graduated")


def job_seeker(*, person=None, email=None):
    """A job seeker's account linked to a person, as sign-up leaves it."""
    person = person or PersonFactory(birth_date=datetime.date(2000, 5, 5))
    user = UserFactory(
        username=email or f"pencaker{person.pk}@example.org", email=email or f"pencaker{person.pk}@example.org"
    )
    person.user = user
    person.save(update_fields=["user"])
    return user


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "lpk_registry.Institution"

    name = factory.Sequence(lambda n: f"LPK Maju Bersama {n}")
    nib = factory.Sequence(lambda n: f"{9120000000000 + n:013d}")
    legal_form = "yayasan"
    address = "Jl. Sultan Ageng Tirtayasa No. 5, Cilegon"
    kelurahan = factory.LazyFunction(lambda: Kelurahan.objects.order_by("code").first())
    email = factory.Sequence(lambda n: f"lpk{n}@example.org")
    vocations = "Pengelasan, Bahasa Jepang"


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "lpk_registry.Licence"

    institution = factory.SubFactory(InstitutionFactory)
    number = factory.Sequence(lambda n: f"503/{n:04d}/DISNAKER/2024")
    issued_on = datetime.date(2024, 1, 15)
    valid_until = datetime.date(2029, 1, 15)


def lpk_operator(*, institution=None, email=None):
    """An LPK operator's account (not staff) for ``institution``."""
    from lpk_registry.models import Operator

    institution = institution or InstitutionFactory()
    email = email or f"operator{institution.pk}-{random.randrange(10**6)}@example.org"
    user = UserFactory(username=email, email=email)
    Operator.objects.create(user=user, institution=institution)
    return user


class GraduateReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "lpk_registry.GraduateReport"

    institution = factory.SubFactory(InstitutionFactory)
    year = 2026
    quarter = 3


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placement.Company"

    name = factory.Sequence(lambda n: f"PT Baja Cilegon {n}")
    nib = factory.Sequence(lambda n: f"{8120000000000 + n:013d}")
    kbli_section = factory.LazyFunction(lambda: KbliSection.objects.get(section="C"))
    kbli_code = "24101"
    size = "large"
    address = "Jl. Industri No. 1, Cilegon"
    kelurahan = factory.LazyFunction(lambda: Kelurahan.objects.order_by("code").last())
    phone = "0254 123456"
    email = factory.Sequence(lambda n: f"hrd{n}@example.org")
    contact_name = "Bagian HRD"
    status = "verified"


def company_hr(*, company=None, email=None):
    """A company HR user's account (not staff) for ``company``."""
    from placement.models import CompanyUser

    company = company or CompanyFactory()
    email = email or f"hr{company.pk}-{random.randrange(10**6)}@example.org"
    user = UserFactory(username=email, email=email)
    CompanyUser.objects.create(user=user, company=company)
    return user


class VacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placement.Vacancy"

    company = factory.SubFactory(CompanyFactory)
    title = "Juru Las (Welder) 3G"
    kbji_group = factory.LazyFunction(lambda: KbjiMajorGroup.objects.get(code="7"))
    kbji_code = "7212"
    headcount = 5
    open_from = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=3))
    open_until = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=27))
    location = "Kawasan Industri Krakatau, Cilegon"
    work_type = "contract"


SIGNUP_BIRTH = datetime.date(2001, 3, 9)


def signup_form(**overrides) -> dict:
    """What a job seeker types into the sign-up form (``/akun/daftar/``): a woman born ``SIGNUP_BIRTH``."""
    nik = make_nik(sex="P", birth_date=SIGNUP_BIRTH, serial=77)
    data = {
        "nik": f"{nik[:6]} {nik[6:12]} {nik[12:]}",  # typed with spaces, as on the KTP
        "name": "Sri Wahyuni",
        "sex": "P",
        "birth_place": "Cilegon",
        "birth_date": SIGNUP_BIRTH.isoformat(),
        "address": "Jl. Kenari No. 3",
        "kelurahan": str(Kelurahan.objects.order_by("code").first().pk),
        "education": str(EducationLevel.objects.get(code="smk").pk),
        "disability": "netra",
        "disability_notes": "Memakai pembaca layar",
        "phone": "0812 3456 7890",
        "email": "Sri.Wahyuni@Example.org",
        "password1": "kartu-kuning-2026",
        "password2": "kartu-kuning-2026",
    }
    return data | overrides


# --- Documents to upload: real files, since uploads are parsed (PDF) or decoded and re-encoded (pictures) ---


def pdf_bytes(*, size: int | None = None) -> bytes:
    """A valid one-page PDF made by pypdf, padded inside its metadata to exactly ``size`` bytes if given."""
    import io

    from pypdf import PdfWriter

    padding = 0
    for _attempt in range(5):  # the offsets written after the padding may grow by a digit
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        if size is not None:
            writer.add_metadata({"/Subject": "0" * padding})
        buffer = io.BytesIO()
        writer.write(buffer)
        data = buffer.getvalue()
        if size is None or len(data) == size:
            return data
        padding += size - len(data)
        if padding < 0:
            break
    raise ValueError(f"no PDF of exactly {size} bytes")


PDF_BYTES = pdf_bytes()


def _picture(format_: str, size: tuple[int, int], colour: str) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=format_)
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (30, 40), colour: str = "white") -> bytes:
    return _picture("PNG", size, colour)


def jpeg_bytes(size: tuple[int, int] = (30, 40), colour: str = "white") -> bytes:
    return _picture("JPEG", size, colour)


def confirmed_signup(*, nik: str, email: str, password: str = "kartu-kuning-2026", **person_fields):
    """A sign-up whose e-mail link was used: ``(account, claim)``, the claim None when a new person was made."""
    from disnaker import services

    _kind, user = services.account_signup(nik=nik, email=email, password=password, **person_fields)
    return user, services.account_confirm(user=user)


def confirmation_link(mailoutbox) -> str:
    """The path of the sign-up confirmation link in the last e-mail sent."""
    return re.search(r"https?://[^/\s]+(/akun/daftar/konfirmasi/\S+/)", mailoutbox[-1].body).group(1)
