"""Demo data of the LPK registry, after the office's supervision event of September 2024.

Thirty Cilegon LPKs with licences (some expiring within 90 days, one expired) and LA-LPK
accreditations, the "Pembinaan LPK" event with 60 participants from those 30 LPKs, operator
logins for three of them, and graduate reports for the last four quarters in every status, made
through the services (content, submit, return with a comment, accept). Idempotent: institutions
by NIB, documents and reports per institution, users by e-mail.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from disnaker.demo import DEMO_PASSWORD
from disnaker.models import Kelurahan

from . import compliance, services
from .models import (
    Accreditation,
    GraduateReport,
    Institution,
    LegalForm,
    Licence,
    Operator,
    SupervisionActivity,
    SupervisionParticipation,
)
from .services import GraduateRow, ProgrammeRow, ReportContent

F = LegalForm
# name, legal form, kelurahan, vocations (programmes are named after them), head
INSTITUTIONS = [
    ("LPK Bina Teknik Cilegon", F.LIMITED, "Jombang Wetan", "Pengelasan, Listrik Industri", "Ir. Hendra Gunawan"),
    ("LPK Sakura Nihongo", F.FOUNDATION, "Ramanuju", "Bahasa Jepang", "Dedi Kurniawan, S.Pd."),
    ("LPK Krakatau Welding School", F.LIMITED, "Kotasari", "Pengelasan", "Bambang Sutrisno"),
    ("LPK Safety Training Center Cilegon", F.LIMITED, "Ciwedus", "K3 Umum, K3 Listrik", "Rahmat Hidayat, S.T."),
    ("LPK Forklift Mandiri", F.PARTNERSHIP, "Gerem", "Operator Forklift", "Supriyadi"),
    ("LPK Hana Korea Center", F.FOUNDATION, "Bagendung", "Bahasa Korea", "Lina Marlina, S.S."),
    ("LPK Komputer Cahaya Ilmu", F.INDIVIDUAL, "Kedaleman", "Komputer Perkantoran", "Agus Setiawan"),
    ("LPK Mutiara Rias Pengantin", F.INDIVIDUAL, "Masigit", "Tata Rias", "Hj. Euis Rohaeni"),
    ("LPK Busana Kartini", F.COOPERATIVE, "Cibeber", "Menjahit", "Siti Maryam"),
    ("LPK Teknik Listrik Nusantara", F.PARTNERSHIP, "Kebonsari", "Listrik Bangunan", "Joko Susilo, S.T."),
    ("LPK Otomotif Banten Jaya", F.PARTNERSHIP, "Citangkil", "Otomotif Sepeda Motor", "Ujang Sopandi"),
    ("LPK Baja Prima Rigging", F.LIMITED, "Kubangsari", "Rigging, Juru Ikat Beban", "Heri Purnomo"),
    ("LPK Petrokimia Skill Center", F.LIMITED, "Gunung Sugih", "Operator Proses Kimia, K3 Umum", "Dr. Andi Saputra"),
    ("LPK Bahari Pulomerak", F.ASSOCIATION, "Lebakgede", "Basic Safety Training Pelaut", "Capt. Yusuf Maulana"),
    ("LPK Fuji Gakuin Indonesia", F.FOUNDATION, "Kotabumi", "Bahasa Jepang, Pemagangan Jepang", "Nurhayati, S.Pd."),
    ("LPK Barista dan Kuliner Cilegon", F.PARTNERSHIP, "Sukmajaya", "Barista, Tata Boga", "Rizky Pratama"),
    ("LPK Scaffolding Banten", F.LIMITED, "Tegal Ratu", "Perancah (Scaffolding)", "Slamet Riyadi"),
    ("LPK Smart English Course", F.INDIVIDUAL, "Purwakarta", "Bahasa Inggris", "Maya Sari, S.Pd."),
    ("LPK Tata Boga Nusa Indah", F.COOPERATIVE, "Bendungan", "Tata Boga", "Ibu Komariah"),
    ("LPK Instrumentasi Industri Cilegon", F.LIMITED, "Deringo", "Instrumentasi, Listrik Industri", "Wahyu Nugroho"),
    ("LPK Mekanik Alat Berat Krakatau", F.LIMITED, "Randakari", "Mekanik Alat Berat", "Teguh Santoso"),
    ("LPK Ayu Salon dan Kecantikan", F.INDIVIDUAL, "Ciwaduk", "Tata Kecantikan Rambut, Tata Rias", "Ayu Lestari"),
    ("LPK Daiichi Japan Center", F.FOUNDATION, "Kebon Dalem", "Bahasa Jepang", "Fajar Ramadhan, S.S."),
    ("LPK Cipta Karya Las", F.PARTNERSHIP, "Banjar Negara", "Pengelasan", "Asep Saepudin"),
    ("LPK Digital Kreatif Cilegon", F.ASSOCIATION, "Panggung Rawi", "Desain Grafis, Pemasaran Digital", "Dimas A."),
    ("LPK Perhotelan Anyer Cilegon", F.LIMITED, "Tamansari", "Perhotelan", "Yanti Kusumawati"),
    ("LPK Pijat Refleksi Pertuni Cilegon", F.ASSOCIATION, "Ketileng", "Pijat Refleksi", "Sukardi"),
    ("LPK Garda Satpam Banten", F.LIMITED, "Rawa Arum", "Satpam Gada Pratama", "Drs. Mulyadi"),
    ("LPK Otomasi PLC Mandiri", F.PARTNERSHIP, "Samangraya", "PLC dan Otomasi Industri", "Eko Prasetyo, S.T."),
    ("LPK BLK Komunitas Al-Khairiyah", F.FOUNDATION, "Lebak Denok", "Menjahit, Komputer Perkantoran", "KH. A. Halim"),
]  # fmt: skip
FROZEN, INACTIVE = 27, 28  # the security-guard LPK is frozen, the automation LPK has closed

# Days from today to the licence's valid_until (default: years ahead): within 90 days, and expired.
LICENCE_UNTIL = {2: 20, 5: 45, 10: 80, 14: -30}
ACCREDITATION_UNTIL = {3: 60, 8: 25, 16: -120}
NO_ACCREDITATION = {6, 10, 17, 20, 22, 24, 26, 29}
RESULTS = ("A", "B", "Terakreditasi")

# Operators with demo logins: institution index, e-mail.
OPERATORS = [
    (0, "operator@lpk-bina-teknik.example"),
    (1, "operator@lpk-sakura-nihongo.example"),
    (2, "operator@lpk-krakatau-welding.example"),
]

# The last finished quarter's report of the first 20 institutions; the others have never reported.
LAST_QUARTER = [
    "submitted", "returned", "draft", "submitted", "submitted", "accepted", "submitted", None, "submitted",
    "draft", "submitted", "accepted", "returned", "submitted", None, "submitted", "accepted", None, "submitted",
    "draft",
]  # fmt: skip
REPORTING = len(LAST_QUARTER)
RETURN_COMMENT = (
    "Jumlah lulusan perempuan pada rekap program tidak sama dengan daftar lulusan. "
    "Mohon diperbaiki dan lengkapi nomor sertifikat BNSP lulusan yang sudah bersertifikat."
)

SUPERVISION = ("Pembinaan LPK Kota Cilegon", datetime.date(2024, 9, 10))
SUPERVISION_NOTES = (
    "Optimalisasi LPK melalui Perizinan dan Akreditasi, dibuka Kabid Penempatan Kerja mewakili Kepala "
    "Disnaker. Diikuti 60 peserta dari perwakilan 30 LPK di Kota Cilegon. LPK diimbau rutin melaporkan "
    "jumlah lulusan, jenis pelatihan dan keberadaan alumni."
)

MEN = ["Ahmad", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rizki", "Yusuf", "Agus", "Dimas"]
WOMEN = ["Siti", "Dewi", "Rina", "Nur", "Yuli", "Lina", "Maya", "Fitri", "Indah", "Ayu", "Putri", "Wulan"]
FAMILY = ["Saputra", "Hidayat", "Kurniawan", "Lestari", "Rahmawati", "Setiawan", "Maulana", "Permata", "Santoso"]
COMPANIES = [
    "PT Krakatau Steel", "PT Chandra Asri Pacific", "PT Asahimas Chemical", "PT Krakatau Posco",
    "PT Indonesia Power Suralaya", "PT Lotte Chemical Titan", "PT Nippon Shokubai Indonesia",
]  # fmt: skip


def seed(*, log) -> None:
    today = timezone.localdate()
    institutions = [_institution(i, row) for i, row in enumerate(INSTITUTIONS)]
    for i, institution in enumerate(institutions):
        _licence(i, institution, today)
        _accreditation(i, institution, today)
    _supervision(institutions)
    operators = {i: _operator(institutions[i], email, log=log) for i, email in OPERATORS}
    reviewer = get_user_model().objects.filter(username="pembina").first()
    quarters = _last_quarters(today)
    for i, institution in enumerate(institutions[:REPORTING]):
        for k, quarter in enumerate(quarters):
            status = LAST_QUARTER[i] if k == len(quarters) - 1 else _older_status(i, k)
            if status:
                late = status == "accepted" and (i + k) % 5 == 4
                _report(institution, quarter, status, late=late, actor=operators.get(i), reviewer=reviewer)


def _institution(i: int, row) -> Institution:
    name, legal_form, kelurahan, vocations, head = row
    slug = name.removeprefix("LPK ").lower().replace(" ", "-")
    status = {FROZEN: Institution.Status.FROZEN, INACTIVE: Institution.Status.INACTIVE}.get(i, "active")
    institution, _ = Institution.objects.get_or_create(
        nib=f"81203672{i + 1:05d}",
        defaults={
            "name": name, "legal_form": legal_form, "vocations": vocations, "head_name": head, "status": status,
            "address": f"Jl. {('Sultan Ageng Tirtayasa', 'Jend. Sudirman', 'Raya Anyer', 'Ahmad Yani')[i % 4]} "
                       f"No. {10 + 3 * i}, {kelurahan}, Kota Cilegon",
            "kelurahan": Kelurahan.objects.filter(name=kelurahan).first(),
            "phone": f"0254-39{i:04d}", "email": f"info@{slug[:40]}.example",
            "instructors_count": 2 + i % 6,
        },
    )  # fmt: skip
    return institution


def _licence(i: int, institution: Institution, today: datetime.date) -> None:
    if institution.licences.exists():
        return
    valid_until = today + datetime.timedelta(days=LICENCE_UNTIL.get(i, 200 + 47 * i))
    issued_on = valid_until.replace(year=valid_until.year - 5, day=min(valid_until.day, 28))
    Licence.objects.create(
        institution=institution,
        number=f"503/{i + 1:03d}/IZIN-LPK/DISNAKER/{issued_on.year}",
        issued_on=issued_on,
        valid_until=valid_until,
        status=Licence.Status.EXPIRED if valid_until < today else Licence.Status.ACTIVE,
    )


def _accreditation(i: int, institution: Institution, today: datetime.date) -> None:
    if i in NO_ACCREDITATION or institution.accreditations.exists():
        return
    valid_until = today + datetime.timedelta(days=ACCREDITATION_UNTIL.get(i, 300 + 53 * i))
    valid_from = valid_until.replace(year=valid_until.year - 5, day=min(valid_until.day, 28))
    Accreditation.objects.create(
        institution=institution,
        body="LA-LPK",
        result=RESULTS[i % 3],
        certificate_number=f"{i + 1:03d}/LA-LPK/BTN/{valid_from.year}",
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _supervision(institutions: list[Institution]) -> None:
    title, day = SUPERVISION
    activity, _ = SupervisionActivity.objects.get_or_create(
        title=title,
        date=day,
        defaults={
            "kind": SupervisionActivity.Kind.GUIDANCE,
            "location": "Gedung Workshop BLK Disnaker Kota Cilegon",
            "notes": SUPERVISION_NOTES,
        },
    )
    for institution in institutions:
        SupervisionParticipation.objects.get_or_create(
            activity=activity, institution=institution, defaults={"headcount": 2}
        )


def _operator(institution: Institution, email: str, *, log):
    """A demo login made directly (an invitation would e-mail a link instead of a known password)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=email, defaults={"email": email})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    Operator.objects.get_or_create(user=user, defaults={"institution": institution})
    log(f"  lpk    {email} / {DEMO_PASSWORD}  {institution}")
    return user


# --- Graduate reports ------------------------------------------------------------------------


def _last_quarters(today: datetime.date) -> list[compliance.Quarter]:
    """The four quarters up to the last finished one, oldest first."""
    quarters = [compliance.last_finished_quarter(today=today)]
    for _ in range(3):
        quarters.append(compliance.previous_quarter(quarters[-1]))
    return quarters[::-1]


def _older_status(i: int, k: int) -> str | None:
    return None if (i + k) % 7 == 6 else "accepted"  # some quarters were never reported


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return min(moment, timezone.now() - datetime.timedelta(minutes=5))  # never in the future


def _report(institution, quarter, status: str, *, late: bool, actor, reviewer) -> None:
    year, q = quarter
    if GraduateReport.objects.filter(institution=institution, year=year, quarter=q).exists():
        return
    report = services.report_create(institution=institution, year=year, quarter=q, actor=actor)
    services.report_replace_content(report=report, content=_content(institution, quarter), actor=actor)
    if status == "draft":
        return
    due = compliance.due_date(quarter)
    submitted = due + datetime.timedelta(days=10) if late else due - datetime.timedelta(days=5 + institution.pk % 7)
    submitted_at = _at(max(submitted, compliance.quarter_end(quarter) + datetime.timedelta(days=1)), 10)
    services.report_submit(report=report, actor=actor, now=submitted_at)
    reviewed_at = min(submitted_at + datetime.timedelta(days=3), timezone.now())
    if status == "accepted":
        services.report_accept(report=report, actor=reviewer, now=reviewed_at)
    elif status == "returned":
        services.report_return(report=report, comment=RETURN_COMMENT, actor=reviewer, now=reviewed_at)


def _content(institution: Institution, quarter) -> ReportContent:
    """Three to eight graduates over the institution's vocations, with the programme totals to match."""
    rng = random.Random(f"{institution.nib}-{quarter}")
    programmes = [f"{vocation} Angkatan {quarter[1]}/{quarter[0]}" for vocation in institution.vocation_list[:2]]
    graduates = [_graduate(rng, programmes, serial=_serial(institution, quarter, n)) for n in range(rng.randint(3, 8))]
    lines = []
    for programme, vocation in zip(programmes, institution.vocation_list, strict=False):
        men = sum(g.programme == programme and g.sex == "L" for g in graduates)
        women = sum(g.programme == programme and g.sex == "P" for g in graduates)
        lines.append(
            ProgrammeRow(
                programme=programme, vocation=vocation, enrolled_male=men + rng.randint(0, 2),
                enrolled_female=women + rng.randint(0, 1), graduates_male=men, graduates_female=women,
            )
        )  # fmt: skip
    return ReportContent(programmes=lines, graduates=graduates)


def _serial(institution: Institution, quarter, n: int) -> int:
    return 1 + (int(institution.nib[-3:]) * 40 + quarter[1] * 9 + n) % 9998


def _graduate(rng: random.Random, programmes: list[str], *, serial: int) -> GraduateRow:
    sex = rng.choice("LP")
    name = f"{rng.choice(MEN if sex == 'L' else WOMEN)} {rng.choice(FAMILY)}"
    born = datetime.date(1996, 1, 1) + datetime.timedelta(days=rng.randrange(9 * 365))
    status = rng.choice(["working", "working", "working", "self_employed", "not_working", "studying"])
    certified = rng.random() < 0.6
    return GraduateRow(
        nik=demo_graduate_nik(sex=sex, born=born, district=rng.randint(1, 8), serial=serial),
        name=name,
        sex=sex,
        programme=rng.choice(programmes),
        status=status,
        certified=certified,
        certificate_number=f"BNSP.{rng.randint(10**6, 10**7 - 1)}.{born.year + 22}" if certified else "",
        company=rng.choice(COMPANIES)
        if status == "working"
        else ("Usaha sendiri" if status == "self_employed" else ""),
    )


def demo_graduate_nik(*, sex: str, born: datetime.date, district: int, serial: int) -> str:
    """A well-formed Cilegon NIK: 36 72, district 01–08, birth date (women +40), serial."""
    day = born.day + (40 if sex == "P" else 0)
    return f"3672{district:02d}{day:02d}{born:%m%y}{serial:04d}"
