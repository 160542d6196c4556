"""Demo data of the training part, after the vocations and batches in the office's own news.

Vocations and programmes, batches open for registration now (APBD and APBN, the accessible
public-speaking batch for blind participants), a finished welding batch whose graduates went
through the real services (registration, selection, attendance, completion, competency test,
certificate) and a job seeker's login. Idempotent: codes and natural keys are looked up first.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from disnaker.demo import DEMO_PASSWORD, PEOPLE, demo_nik
from disnaker.models import EducationLevel, Person

from . import services
from .models import Batch, BatchStatus, ParticipantCertificate, Programme, Registration, TracerResponse, Vocation
from .pdf import certificate_pdf_store

JOB_SEEKER = "pencaker@example.org"

VOCATIONS = [
    # code, name, description
    ("pengelasan", "Pengelasan", "Juru las SMAW dan GTAW untuk industri baja, petrokimia dan konstruksi."),
    ("listrik", "Listrik", "Instalasi listrik bangunan dan industri."),
    ("forklift", "Operator Forklift", "Pengoperasian forklift yang aman di gudang dan pabrik."),
    ("menjahit", "Menjahit", "Menjahit busana untuk bekerja di konveksi atau membuka usaha sendiri."),
    ("tata-rias", "Tata Rias", "Tata rias wajah dan pengantin untuk berwirausaha."),
    ("public-speaking", "Public Speaking", "Berbicara di depan umum, presentasi dan wawancara kerja."),
    ("k3", "Keselamatan dan Kesehatan Kerja (K3)", "Tenaga K3 yang dibutuhkan industri di Cilegon."),
    ("bahasa-jepang", "Bahasa Jepang", "Persiapan pemagangan dan bekerja di Jepang."),
    ("bahasa-korea", "Bahasa Korea", "Persiapan ujian EPS-TOPIK untuk bekerja di Korea."),
    ("soft-skill", "Soft Skill", "Kedisiplinan, komunikasi dan kesiapan mental untuk bekerja."),
]

WELDING_3G = "Pengelasan SMAW Posisi 3G"
SOFT_SKILL = "Soft Skill dan Kesiapan Kerja"
PUBLIC_SPEAKING_BLIND = "Public Speaking bagi Penyandang Tunanetra"
FORKLIFT = "Operator Forklift"

PROGRAMMES = [
    # vocation, name, competency scheme, units, hours, days, min age, max age, min education, domicile
    ("pengelasan", WELDING_3G, "Juru Las 3G SMAW", [
        "Menerapkan prinsip-prinsip K3 di tempat kerja",
        "Membaca gambar teknik dan simbol las",
        "Menyiapkan peralatan las busur manual (SMAW)",
        "Mengelas pelat baja karbon posisi bawah tangan (1G)",
        "Mengelas pelat baja karbon posisi horizontal (2G)",
        "Mengelas pelat baja karbon posisi tegak (3G)",
        "Memeriksa hasil las secara visual",
    ], 240, 30, 18, 35, "smp", "city"),
    ("pengelasan", "Pengelasan GTAW Pipa", "Juru Las Pipa GTAW", [
        "Menerapkan prinsip-prinsip K3 di tempat kerja",
        "Menyiapkan peralatan las TIG (GTAW)",
        "Mengelas pipa baja karbon posisi 2G",
        "Mengelas pipa baja karbon posisi 6G",
    ], 320, 40, 18, 35, "smk", "city"),
    ("listrik", "Instalasi Listrik Bangunan Sederhana", "Instalatir Listrik Bangunan Sederhana", [
        "Menerapkan K3 kelistrikan",
        "Membaca gambar instalasi listrik",
        "Memasang instalasi penerangan satu fasa",
        "Memasang instalasi tenaga tiga fasa",
        "Memeriksa dan menguji instalasi listrik",
    ], 200, 25, 18, 40, "sma", "city"),
    ("forklift", FORKLIFT, "Operator Forklift", [
        "Menerapkan K3 pesawat angkat dan angkut",
        "Melakukan pemeriksaan harian forklift",
        "Mengoperasikan forklift",
        "Memuat, memindahkan dan menyusun barang",
    ], 80, 10, 21, 45, "sma", "city"),
    ("menjahit", "Menjahit Busana Wanita", "Penjahit Busana Wanita", [
        "Mengukur badan dan membuat pola",
        "Memotong bahan",
        "Menjahit busana wanita dengan mesin jahit",
        "Menyelesaikan busana dengan jahitan tangan",
    ], 240, 30, 17, 45, "smp", "city"),
    ("tata-rias", "Tata Rias Wajah", "Penata Rias Wajah", [
        "Melakukan konsultasi dan analisis wajah",
        "Merias wajah sehari-hari",
        "Merias wajah pesta",
        "Merias wajah pengantin",
    ], 160, 20, 17, 45, "smp", "city"),
    ("public-speaking", PUBLIC_SPEAKING_BLIND, "", [
        "Mempersiapkan materi berbicara",
        "Menyampaikan presentasi di depan umum",
        "Menghadapi wawancara kerja",
    ], 60, 10, 17, None, None, "city"),
    ("k3", "Ahli K3 Umum", "Ahli K3 Umum", [
        "Menerapkan peraturan perundangan K3",
        "Melakukan identifikasi bahaya dan penilaian risiko",
        "Menerapkan Sistem Manajemen K3 (SMK3)",
        "Melakukan pemeriksaan dan pengujian K3",
    ], 96, 12, 21, None, "d3", "any"),
    ("bahasa-jepang", "Bahasa Jepang untuk Pemagangan", "", [
        "Menggunakan bahasa Jepang sehari-hari (A2)",
        "Memahami budaya kerja Jepang",
    ], 320, 40, 18, 30, "sma", "city"),
    ("bahasa-korea", "Bahasa Korea EPS-TOPIK", "", [
        "Membaca dan menyimak bahasa Korea tingkat dasar",
        "Memahami budaya kerja Korea",
    ], 240, 30, 18, 39, "sma", "city"),
    ("soft-skill", SOFT_SKILL, "", [
        "Menerapkan disiplin dan etika kerja",
        "Berkomunikasi di tempat kerja",
        "Bekerja dalam tim",
    ], 40, 5, 18, 40, "sma", "any"),
]  # fmt: skip

BLK = "UPT BLK Kota Cilegon"
BBPVP = "BBPVP Serang"

OPEN_BATCHES = [
    # code, programme, funding, quota, reserve seats, venue type, venue, extra fields
    ("BLK-LAS3G-G2", WELDING_3G, "apbd", 16, 8, "blk", f"Workshop Las {BLK}", {}),
    ("BLK-SOFT-APBD", SOFT_SKILL, "apbd", 20, 5, "partner", "LPK mitra, Kota Cilegon", {}),
    ("BBPVP-SOFT-APBN", SOFT_SKILL, "apbn", 16, 4, "bbpvp", BBPVP, {}),
    ("BLK-PS-NETRA", PUBLIC_SPEAKING_BLIND, "apbd", 20, 5, "blk", f"Aula {BLK}", {
        "selection_method": "first_come",
        "is_accessible": True,
        "accessibility_notes": "Materi dalam huruf Braille dan rekaman audio; pendamping dari Pertuni Kota Cilegon.",
    }),
    ("BLK-FORKLIFT-G1", FORKLIFT, "apbd", 16, 4, "blk", BLK, {}),
    ("BLK-LISTRIK-G1", "Instalasi Listrik Bangunan Sederhana", "apbd", 16, 4, "blk", BLK, {}),
    ("BLK-JAHIT-G1", "Menjahit Busana Wanita", "apbd", 20, 5, "blk", BLK, {}),
    ("BLK-RIAS-G1", "Tata Rias Wajah", "apbd", 20, 5, "blk", BLK, {}),
    ("BBPVP-K3-G1", "Ahli K3 Umum", "apbn", 20, 5, "bbpvp", BBPVP, {}),
    ("BBPVP-JEPANG-G1", "Bahasa Jepang untuk Pemagangan", "apbn", 24, 6, "bbpvp", BBPVP, {}),
    ("BLK-KOREA-G1", "Bahasa Korea EPS-TOPIK", "partner", 24, 6, "blk", BLK, {}),
]  # fmt: skip

FINISHED_BATCH = "BLK-LAS3G-G1"
FINISHED_DAYS_AGO = 100  # past +3 months, so the alumni tracer has something to ask
BNSP_ISSUER = "LSP Logam dan Mesin Indonesia"


def seed(*, log) -> None:
    today = timezone.localdate()
    staff = get_user_model().objects.filter(username="pelatihan").first()
    people = _demo_people()
    programmes = _seed_catalogue()
    for n, (code, programme, *rest) in enumerate(OPEN_BATCHES):
        # Starts spread over the coming weeks, as a real calendar is.
        start = today + datetime.timedelta(days=21 + 7 * (n % 4))
        _open_batch(code, programmes[programme], *rest, start=start, today=today)
    if len(people) >= 5:
        _finished_batch(people, programmes[WELDING_3G], today=today, actor=staff)
        _register_open(people)
    _render_missing_certificates(log=log)
    if people:
        _job_seeker_account(people[0], log=log)


def _demo_people() -> list[Person]:
    niks = [demo_nik(i, sex, birth) for i, (_name, sex, birth, *_rest) in enumerate(PEOPLE)]
    by_nik = Person.objects.in_bulk(niks, field_name="nik")
    return [by_nik[nik] for nik in niks if nik in by_nik]


def _seed_catalogue() -> dict[str, Programme]:
    vocations, programmes = {}, {}
    for code, name, description in VOCATIONS:
        vocations[code], _ = Vocation.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
    education = {e.code: e for e in EducationLevel.objects.all()}
    for vocation, name, scheme, units, hours, days, min_age, max_age, edu, domicile in PROGRAMMES:
        programmes[name], _ = Programme.objects.get_or_create(
            vocation=vocations[vocation],
            name=name,
            defaults={
                "competency_scheme": scheme, "competency_units": "\n".join(units), "hours": hours, "days": days,
                "min_age": min_age, "max_age": max_age, "min_education": education.get(edu), "domicile_rule": domicile,
            },
        )  # fmt: skip
    return programmes


def _open_batch(code, programme, funding, quota, reserve, venue_type, venue, extra, *, start, today) -> Batch:
    """A batch open for registration today; one left stale by an old seed is opened again."""
    dates = {
        "registration_opens": today - datetime.timedelta(days=7),
        "registration_closes": start - datetime.timedelta(days=7),
        "start_date": start,
        "end_date": start + datetime.timedelta(days=round(programme.days * 7 / 5) - 1),
    }
    batch, created = Batch.objects.get_or_create(
        code=code,
        defaults={
            "programme": programme, "funding": funding, "quota": quota, "reserve_seats": reserve,
            "venue_type": venue_type, "venue": venue, "status": BatchStatus.PUBLISHED,
            "instructors": "Instruktur UPT BLK Kota Cilegon", **dates, **extra,
        },
    )  # fmt: skip
    if not created and batch.status == BatchStatus.PUBLISHED and batch.registration_closes < today:
        Batch.objects.filter(pk=batch.pk).update(**dates)
    return batch


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _finished_batch(people: list[Person], programme: Programme, *, today: datetime.date, actor) -> None:
    """Welding, batch 1: five demo people registered, selected, trained, graduated and tested."""
    end = today - datetime.timedelta(days=FINISHED_DAYS_AGO)
    start = end - datetime.timedelta(days=39)
    batch, created = Batch.objects.get_or_create(
        code=FINISHED_BATCH,
        defaults={
            "programme": programme, "funding": "apbd", "quota": 16, "reserve_seats": 8,
            "venue_type": "blk", "venue": f"Workshop Las {BLK}", "status": BatchStatus.PUBLISHED,
            "instructors": "Instruktur UPT BLK Kota Cilegon", "start_date": start, "end_date": end,
            "registration_opens": start - datetime.timedelta(days=45),
            "registration_closes": start - datetime.timedelta(days=15),
        },
    )  # fmt: skip
    if not created or batch.registrations.exists():
        return
    trainees = [p for p in people if p.birth_date.year >= 1995][:5]  # within the programme's age range
    registrations = _select(batch, trainees, actor=actor)
    _train(batch, registrations, actor=actor)
    _test_and_certify(batch, registrations, actor=actor)


def _select(batch: Batch, trainees: list[Person], *, actor) -> list[Registration]:
    registered_at = _at(batch.registration_opens + datetime.timedelta(days=2), 9)
    registrations = [
        services.registration_create(person=person, batch=batch, now=registered_at + datetime.timedelta(hours=i))
        for i, person in enumerate(trainees)
    ]
    for i, registration in enumerate(registrations):
        services.registration_verify(registration=registration, actor=actor)
        services.registration_score(registration=registration, test_score=85 - 3 * i, interview_score=80, actor=actor)
    decided_at = _at(batch.registration_closes + datetime.timedelta(days=2), 10)
    services.batch_select(batch=batch, actor=actor, now=decided_at)
    for registration in registrations:
        services.registration_confirm(registration=registration, now=decided_at + datetime.timedelta(days=1))
    return registrations


def _train(batch: Batch, registrations: list[Registration], *, actor) -> None:
    """Everyone attends, except the last trainee who misses every third day and so drops out."""
    Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    batch.refresh_from_db()
    everyone = {r.pk for r in registrations}
    for n, day in enumerate(batch.training_days):
        present = everyone - {registrations[-1].pk} if n % 3 == 0 else everyone
        services.attendance_record(batch=batch, day=day, present_ids=present, actor=actor)
    services.batch_complete(batch=batch, actor=actor, now=_at(batch.end_date, 16))
    Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.FINISHED)


def _test_and_certify(batch: Batch, registrations: list[Registration], *, actor) -> None:
    tested_on = batch.end_date + datetime.timedelta(days=5)
    graduates = [r for r in registrations if Registration.objects.get(pk=r.pk).outcome == "graduated"]
    for i, registration in enumerate(graduates):
        competent = i != 1  # one graduate did not pass the test (UJK) this time
        services.competency_record(
            registration=registration,
            result="competent" if competent else "not_yet",
            tested_on=tested_on,
            certificate_number=f"LMI.2433.{registration.pk:07d}.{tested_on:%Y}" if i == 0 else "",
            issuer=BNSP_ISSUER,
            valid_until=tested_on.replace(year=tested_on.year + 3) if i == 0 else None,
            actor=actor,
        )
        services.certificate_issue(registration=registration, now=_at(batch.end_date, 16))
    first = graduates[0]
    response, _ = TracerResponse.objects.get_or_create(
        registration=first, months_after=3, defaults={"requested_at": _at(batch.end_date, 7)}
    )
    data = {"status": "working", "company": "PT Baja Konstruksi Cilegon", "position": "Welder", "wage_band": "4to6"}
    services.tracer_answer(response=response, data={**data, "relevance": 5}, channel="phone", actor=actor)


def _register_open(people: list[Person]) -> None:
    """The job seeker waits for selection for forklift; the blind participant took a seat and confirmed."""
    batch = Batch.objects.get(code="BLK-FORKLIFT-G1")
    if not Registration.objects.filter(person=people[0], batch=batch).exists():
        services.registration_create(person=people[0], batch=batch)
    batch = Batch.objects.get(code="BLK-PS-NETRA")
    for person in [p for p in people if p.disability == "netra"]:
        if not Registration.objects.filter(person=person, batch=batch).exists():
            registration = services.registration_create(person=person, batch=batch)
            services.registration_confirm(registration=registration)


def _render_missing_certificates(*, log) -> None:
    """Renders here rather than in a worker, so the demo has its PDFs without one running."""
    missing = ParticipantCertificate.objects.filter(pdf="").select_related(
        "registration__person", "registration__batch__programme__vocation"
    )
    for certificate in missing:
        try:
            certificate_pdf_store(certificate)
        except OSError as error:  # WeasyPrint without Pango: the portal runs, the PDF waits
            log(f"  (sertifikat {certificate.number} tanpa PDF: {error})")
            return


def _job_seeker_account(person: Person, *, log) -> None:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=JOB_SEEKER,
        defaults={"email": JOB_SEEKER, "first_name": person.name.split()[0], "last_name": person.name.split()[-1]},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if person.user_id is None and not hasattr(user, "person"):
        person.user = user
        person.email = person.email or JOB_SEEKER
        person.save(update_fields=["user", "email", "updated_at"])
    log(f"  pencaker {JOB_SEEKER:<21} / {DEMO_PASSWORD:<14} Pencari kerja: {person.name}")
