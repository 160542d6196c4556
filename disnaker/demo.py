"""Demo data for ``manage.py seed_demo``: staff users for each role and a handful of people.

Every app may ship a ``demo.py`` with ``seed(*, log)``; the command runs them in app order.
Each seeder is idempotent (get-or-create on natural keys), so ``make run`` can call it every time.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from . import second_factor
from .models import EducationLevel, Kelurahan, Person
from .roles import ADMIN, HEAD_OF_OFFICE, LPK_SUPERVISOR, PLACEMENT_OFFICER, TRAINING_OFFICER, roles_sync

DEMO_PASSWORD = "disnaker-demo"

STAFF = [
    # username, full name, role (None = superuser)
    ("admin", "Administrator Sistem", None),
    ("kepala", "Hj. Siti Rohmah", HEAD_OF_OFFICE),
    ("staf", "Rudi Hartono", ADMIN),
    ("pelatihan", "Dewi Lestari", TRAINING_OFFICER),
    ("penempatan", "Agus Salim", PLACEMENT_OFFICER),
    ("pembina", "Nurul Hidayah", LPK_SUPERVISOR),
]

# name, sex, birth date, kelurahan name, education code, disability
PEOPLE = [
    ("Ahmad Fauzi", "L", datetime.date(1998, 3, 14), "Cibeber", "smk", ""),
    ("Siti Aminah", "P", datetime.date(2001, 7, 2), "Kedaleman", "sma", ""),
    ("Budi Santoso", "L", datetime.date(1995, 11, 23), "Ciwedus", "d3", ""),
    ("Rina Marlina", "P", datetime.date(2003, 1, 9), "Suralaya", "smk", ""),
    ("Joko Prasetyo", "L", datetime.date(1990, 5, 30), "Kubangsari", "smp", "netra"),
    ("Yuliani", "P", datetime.date(2005, 12, 17), "Bagendung", "sma", ""),
]


def demo_nik(index: int, sex: str, birth_date: datetime.date) -> str:
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"367201{day:02d}{birth_date:%m%y}{index + 1:04d}"


def seed(*, log) -> None:
    roles_sync()
    User = get_user_model()
    for username, full_name, role in STAFF:
        first, _, last = full_name.rpartition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first or full_name, "last_name": last if first else "", "is_staff": True},
        )
        if created:
            user.is_superuser = role is None
            user.email = f"{username}@disnaker.example"
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
        totp = _demo_authenticator(user)
        log(f"  staf   {username:<12} / {DEMO_PASSWORD:<14} {role or 'Superuser'}{' + TOTP' if totp else ''}")
    if settings.DEMO_TOTP_KEY:
        key = second_factor.key_base32(settings.DEMO_TOTP_KEY)
        log(f"  TOTP (staff marked + TOTP): add the key {key} to an authenticator app, or: oathtool --totp -b {key}")
    education = {e.code: e for e in EducationLevel.objects.all()}
    for index, (name, sex, birth, kelurahan, edu, disability) in enumerate(PEOPLE):
        Person.objects.get_or_create(
            nik=demo_nik(index, sex, birth),
            defaults={
                "name": name,
                "sex": sex,
                "birth_date": birth,
                "birth_place": "Cilegon",
                "address": f"Jl. Contoh No. {index + 1}",
                "kelurahan": Kelurahan.objects.filter(name=kelurahan).first(),
                "education": education.get(edu),
                "disability": disability,
                "phone": f"08127700{index:04d}",
            },
        )


def _demo_authenticator(user) -> bool:
    """Staff who need a TOTP code share the demo key (DEBUG only), unless they enrolled an app of their own."""
    if not second_factor.needs_second_factor(user):
        return False
    if settings.DEMO_TOTP_KEY and second_factor.confirmed_device(user) is None:
        second_factor.device_set_key(user=user, key_hex=settings.DEMO_TOTP_KEY)
    return True


# Published by BPS and quoted in the office's own reports (see the seeds): entered by staff.
INDICATORS = [
    ("tpt", 2022, "8.10", "%", "BPS Kota Cilegon"),
    ("tpt", 2023, "7.25", "%", "BPS Kota Cilegon"),
]


def seed_summaries(*, log) -> None:
    """Builds the last twelve months (the dashboard's trend), the last quarter and this year, each
    with its PDF, and publishes the last month, quarter and year; runs after every part has its demo
    data."""
    from django.utils import timezone

    from . import summaries
    from .models import PublishedIndicator
    from .periods import Period, PeriodKind

    for code, year, value, unit, source in INDICATORS:
        PublishedIndicator.objects.get_or_create(code=code, year=year, defaults={"value": value, "unit": unit,
                                                                                 "source": source})  # fmt: skip
    today = timezone.localdate()
    month = Period.containing(today, PeriodKind.MONTH)
    months = [month]
    for _i in range(11):
        months.insert(0, months[0].previous())
    published = {month.previous(), Period.containing(today, PeriodKind.QUARTER).previous(), Period.year(today.year)}
    for period in [*months, *sorted(published - set(months))]:
        row = summaries._row_for(period, summaries.CITY)
        summary = summaries.summary_build(summary_id=row.pk)  # every built period has its PDF
        if period in published and not summary.is_published:
            summaries.summary_publish(summary=summary)
    log(f"  summaries: {len(months)} months, {', '.join(p.label for p in sorted(published))} published")
