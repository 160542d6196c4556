"""Fills a PostgreSQL database with a city's (or a country's) worth of realistic, valid data, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/disnaker_bench \\
        .venv/bin/python bench/generate.py --scale city [--seed 42] [--no-reset]
    .venv/bin/python bench/generate.py --scale national --database-url postgres://…/disnaker_national

The database must be migrated (``manage.py migrate``) and hold the reference data
(``manage.py load_reference``): kecamatan/kelurahan, education levels, KBLI sections, KBJI groups.
Rows go in through ``COPY … FROM STDIN`` from CSV generated a chunk at a time while PostgreSQL
reads the previous one; then the id sequences are set past the generated ids and the tables are
analysed. The same seed gives the same data. ``--reset`` (the default) empties the generated
tables first — never the reference tables; their history tables and the summaries built from
earlier data go too. Historical (simple-history) rows are not generated.

Prints the rows and seconds of each table and the total.
"""

import argparse
import base64
import csv
import datetime
import io
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Counts per scale. "years" is how far back the data goes (to 1 January, ending today);
# registrations, graduates and cards are targets that selection and eligibility round a little.
SCALES = {
    "tiny": {  # for the tests
        "years": 3, "people": 500, "vocations": 4, "batches": 12, "registrations": 400, "companies": 20,
        "vacancies": 60, "positions": 180, "placements": 200, "lpks": 4, "lpk_graduates_per_report": 4,
        "ak1_cards": 150, "apprenticeships": 3, "layoffs": 5, "supervision_per_year": 2,
    },
    "city": {
        "years": 5, "people": 100_000, "vocations": 16, "batches": 400, "registrations": 20_000,
        "companies": 300, "vacancies": 5_000, "positions": 15_000, "placements": 30_000, "lpks": 30,
        "lpk_graduates_per_report": 15, "ak1_cards": 20_000, "apprenticeships": 60, "layoffs": 120,
        "supervision_per_year": 10,
    },
    "national": {
        "years": 10, "people": 1_000_000, "vocations": 16, "batches": 10_000, "registrations": 500_000,
        "companies": 50_000, "vacancies": 400_000, "positions": 2_100_000, "placements": 1_000_000,
        "lpks": 5_000, "lpk_graduates_per_report": 8, "ak1_cards": 1_000_000, "apprenticeships": 3_000,
        "layoffs": 6_000, "supervision_per_year": 150,
    },
}  # fmt: skip

NULL = r"\N"  # how the CSV streams write NULL (an empty field is an empty string)
COPY_CHUNK_ROWS = 5_000

# --- Catalogue: vocations, their programmes (name, hours) and the LSP that certifies them -------

VOCATIONS = [
    ("las", "Teknik Las", "LSP Logam dan Mesin Indonesia",
     [("Juru Las 3G SMAW", 240), ("Juru Las 6G SMAW", 320), ("Pengelasan GTAW", 280), ("Pengelasan FCAW", 240)]),
    ("listrik", "Teknik Listrik", "LSP Ketenagalistrikan",
     [("Instalasi Listrik Rumah Tinggal", 200), ("Instalasi Listrik Industri", 280), ("Teknisi Panel Listrik", 240),
      ("PLC Dasar", 160)]),
    ("alat-berat", "Operator Alat Berat", "LSP Alat Berat Indonesia",
     [("Operator Forklift", 120), ("Operator Excavator", 200), ("Operator Crane Mobil", 200), ("Rigger", 120)]),
    ("k3", "Keselamatan dan Kesehatan Kerja", "LSP K3 Nusantara",
     [("Ahli K3 Umum", 120), ("Petugas K3 Kebakaran", 80), ("K3 Bekerja di Ketinggian", 80), ("Petugas P3K", 64)]),
    ("manufaktur", "Teknik Manufaktur", "LSP Logam dan Mesin Indonesia",
     [("Operator Mesin Bubut", 240), ("Operator CNC", 280), ("Mekanik Perawatan Industri", 240),
      ("Fabrikasi Logam", 240)]),
    ("menjahit", "Garmen Apparel", "LSP Garmen Indonesia",
     [("Menjahit Pakaian Wanita", 240), ("Menjahit dengan Mesin High Speed", 200), ("Desain Busana", 200)]),
    ("tata-rias", "Tata Kecantikan", "LSP Kecantikan Indonesia",
     [("Tata Rias Pengantin", 160), ("Make-up Artist", 120), ("Tata Kecantikan Rambut", 160)]),
    ("tik", "Teknologi Informasi dan Komunikasi", "LSP Teknologi Digital",
     [("Operator Komputer", 160), ("Desain Grafis", 200), ("Pemrograman Web", 280),
      ("Teknisi Jaringan Komputer", 240)]),
    ("bahasa", "Bahasa", "LSP Bahasa Asing",
     [("Bahasa Inggris Industri", 160), ("Bahasa Jepang untuk Pemagangan", 320), ("Bahasa Korea EPS-TOPIK", 240)]),
    ("otomotif", "Otomotif", "LSP Otomotif Indonesia",
     [("Servis Sepeda Motor Injeksi", 240), ("Servis Kendaraan Ringan", 280), ("Teknisi AC Mobil", 160)]),
    ("refrigerasi", "Refrigerasi dan Tata Udara", "LSP Refrigerasi Indonesia",
     [("Teknisi AC Split", 160), ("Refrigerasi Domestik", 160), ("Teknisi Pendingin Komersial", 200)]),
    ("bangunan", "Konstruksi Bangunan", "LSP Konstruksi Nusantara",
     [("Tukang Batu", 160), ("Juru Gambar AutoCAD", 200), ("Tukang Kayu Konstruksi", 160),
      ("Pemasangan Baja Ringan", 120)]),
    ("bisnis", "Bisnis dan Manajemen", "LSP Manajemen Perkantoran",
     [("Administrasi Perkantoran", 160), ("Digital Marketing", 120), ("Akuntansi Komputer", 200),
      ("Public Speaking bagi Penyandang Tunanetra", 80)]),
    ("proses-kimia", "Industri Proses Kimia", "LSP Kimia Industri",
     [("Operator Proses Kimia", 240), ("Analis Laboratorium Kimia", 240), ("Pengolahan Limbah Industri", 160)]),
    ("tata-boga", "Pengolahan Makanan", "LSP Pariwisata Indonesia",
     [("Pembuatan Roti dan Kue", 160), ("Barista", 120), ("Tata Boga Industri", 200)]),
    ("pariwisata", "Pariwisata dan Perhotelan", "LSP Pariwisata Indonesia",
     [("Housekeeping Hotel", 160), ("Food and Beverage Service", 160), ("Pemandu Wisata", 120),
      ("Pijat Refleksi bagi Penyandang Disabilitas", 120)]),
]  # fmt: skip
# Programmes run for people with a disability: accessible batches, open to anyone.
INCLUSIVE_PROGRAMMES = {"Public Speaking bagi Penyandang Tunanetra", "Pijat Refleksi bagi Penyandang Disabilitas"}

# --- Names and places --------------------------------------------------------------------------

MALE_NAMES = (
    "Ahmad", "Muhammad", "Budi", "Agus", "Rudi", "Dedi", "Andi", "Rizki", "Fajar", "Hendra", "Iwan", "Joko",
    "Dimas", "Bayu", "Eko", "Yusuf", "Arif", "Hadi", "Rahmat", "Sigit", "Wahyu", "Ilham", "Fauzan", "Irfan",
    "Aditya", "Reza", "Ujang", "Asep", "Dodi", "Taufik", "Firman", "Nanang", "Heri", "Gilang", "Galih", "Rangga",
    "Surya", "Imam", "Maulana", "Hasan",
)  # fmt: skip
FEMALE_NAMES = (
    "Siti", "Dewi", "Sri", "Nur", "Rina", "Yuliani", "Fitri", "Ani", "Lestari", "Nurul", "Putri", "Dian", "Ayu",
    "Indah", "Intan", "Rahma", "Eka", "Maya", "Ratna", "Lina", "Wulan", "Aisyah", "Fatimah", "Nabila", "Salsabila",
    "Anisa", "Dina", "Tika", "Yanti", "Euis", "Neneng", "Kurniasih", "Mega", "Novi", "Sari", "Tuti", "Widya",
    "Zahra", "Khofifah", "Annisa",
)  # fmt: skip
MALE_SURNAMES = (
    "Hidayat", "Saputra", "Setiawan", "Pratama", "Nugroho", "Santoso", "Wijaya", "Kurniawan", "Hermawan", "Gunawan",
    "Susanto", "Rahman", "Hakim", "Ramadhan", "Firmansyah", "Syahputra", "Sulaiman", "Permana", "Sopian", "Jaelani",
    "Mulyadi", "Suhendar", "Sutisna", "Fadillah", "Kusnadi",
)  # fmt: skip
FEMALE_SURNAMES = (
    "Hasanah", "Lestari", "Rahmawati", "Suryani", "Purnamasari", "Nurhayati", "Wulandari", "Kusumawati",
    "Handayani", "Maharani", "Safitri", "Anggraini", "Fauziah", "Mulyani", "Septiani", "Oktaviani", "Marlina",
    "Hartati", "Rosita", "Yulianti",
)  # fmt: skip
STREETS = (
    "Jl. Raya Anyer", "Jl. Jenderal Ahmad Yani", "Jl. Sultan Ageng Tirtayasa", "Jl. KH. Wasyid", "Jl. Lingkar Selatan",
    "Jl. Raya Merak", "Jl. Tb. Ismail", "Jl. Pangeran Jayakarta", "Jl. Temu Putih", "Jl. Kubang Lesung",
    "Jl. Raya Cilegon", "Jl. Kyai Haji Abdul Fatah Hasan", "Jl. Bhayangkara", "Jl. Yos Sudarso", "Link. Pabuaran",
    "Link. Cikuasa", "Komplek Krakatau Steel Blok", "Perumahan Bumi Rakata Blok", "Jl. Kemuning", "Jl. Flamboyan",
)  # fmt: skip
CITY_BIRTH_PLACES = ("Cilegon", "Cilegon", "Cilegon", "Serang", "Pandeglang")
# Where people living outside the city (and some who moved in) come from: NIK prefix, districts, birth place.
OTHER_REGIONS = (
    ("3604", 29, "Serang"), ("3673", 6, "Serang"), ("3601", 35, "Pandeglang"), ("3602", 28, "Lebak"),
    ("3603", 29, "Tangerang"), ("3671", 13, "Tangerang"), ("3674", 7, "Tangerang Selatan"), ("3175", 10, "Jakarta"),
    ("3201", 40, "Bogor"), ("3273", 30, "Bandung"), ("3301", 24, "Cilacap"), ("3374", 16, "Semarang"),
    ("3578", 31, "Surabaya"), ("1871", 20, "Bandar Lampung"), ("1801", 17, "Lampung Selatan"), ("1271", 21, "Medan"),
)  # fmt: skip
EDUCATION_WEIGHTS = {"none": 1, "sd": 8, "smp": 14, "sma": 25, "smk": 32, "d1": 1, "d2": 1, "d3": 6, "d4": 2,
                     "s1": 9, "profesi": 0.3, "s2": 0.6, "s3": 0.1}  # fmt: skip
DISABILITIES = ("fisik", "netra", "rungu", "wicara", "intelektual", "mental", "ganda")
DISABILITY_WEIGHTS = (35, 25, 15, 5, 10, 5, 5)

COMPANY_WORDS = (
    "Krakatau", "Baja", "Samudra", "Mitra", "Cipta", "Karya", "Sentosa", "Mandiri", "Abadi", "Jaya", "Prima",
    "Nusa", "Bahari", "Anugerah", "Sinar", "Petro", "Kimia", "Logam", "Tirta", "Buana", "Graha", "Sejahtera",
    "Makmur", "Cahaya", "Teknik", "Persada", "Utama", "Perkasa", "Global", "Surya", "Merak",
)  # fmt: skip
COMPANY_SUFFIXES = ("Indonesia", "Nusantara", "Cilegon", "Banten", "Industri", "Engineering", "Perkasa", "Tbk")
# KBLI sections by how common their companies are in an industrial port city.
SECTION_WEIGHTS = {"C": 30, "G": 18, "F": 12, "H": 10, "I": 7, "N": 6, "M": 4, "D": 2, "E": 2, "B": 2, "J": 2,
                   "K": 1, "L": 1, "P": 1, "Q": 1, "S": 1}  # fmt: skip
SIZES = ("micro", "small", "medium", "large")
SIZE_WEIGHTS = (15, 35, 32, 18)
SIZE_VACANCY_WEIGHT = {"micro": 1, "small": 2, "medium": 6, "large": 20}
# Job titles per KBJI major group, with the code of the unit group and a certification some ask for.
JOBS = {
    "2": [("Insinyur Proses", "2145", ""), ("Akuntan", "2411", ""), ("Ahli K3", "2263", "Ahli K3 Umum")],
    "3": [("Teknisi Listrik", "3113", "Instalasi Listrik Industri"), ("Teknisi Laboratorium", "3111", ""),
          ("Drafter", "3118", "Juru Gambar AutoCAD"), ("Supervisor Produksi", "3122", "")],
    "4": [("Staf Administrasi", "4110", ""), ("Admin Gudang", "4321", ""), ("Resepsionis", "4226", "")],
    "5": [("Pramuniaga", "5223", ""), ("Juru Masak", "5120", ""), ("Petugas Keamanan", "5414", ""),
          ("Housekeeping", "5151", "")],
    "7": [("Welder", "7212", "Juru Las 3G SMAW"), ("Fitter", "7214", ""), ("Mekanik", "7231", ""),
          ("Teknisi AC", "7127", "Teknisi AC Split"), ("Penjahit", "7533", "")],
    "8": [("Operator Produksi", "8121", ""), ("Operator Forklift", "8344", "Operator Forklift"),
          ("Operator Crane", "8343", "Operator Crane Mobil"), ("Sopir", "8322", "")],
    "9": [("Helper", "9329", ""), ("Cleaning Service", "9112", ""), ("Buruh Bongkar Muat", "9333", "")],
}  # fmt: skip
JOB_GROUP_WEIGHTS = {"2": 5, "3": 12, "4": 10, "5": 15, "7": 22, "8": 26, "9": 10}
WORK_TYPES = ("permanent", "contract", "daily", "part_time", "internship")
WORK_TYPE_WEIGHTS = (20, 60, 8, 4, 8)
WAGE_BANDS = ("lt2", "2to4", "4to6", "gt6")
LAYOFF_REASONS = (
    "Efisiensi karena penurunan pesanan", "Penutupan lini produksi", "Berakhirnya kontrak proyek",
    "Relokasi pabrik", "Restrukturisasi perusahaan",
)  # fmt: skip
REPORT_RETURN_COMMENTS = ("Lengkapi NIK lulusan.", "Jumlah lulusan tidak sesuai dengan daftar nama.",
                          "Status lulusan belum diisi.")  # fmt: skip


# --- COPY ----------------------------------------------------------------------------------------


class CsvStream:
    """A file for ``copy_expert`` to read: each read turns the next few thousand rows into CSV.

    psycopg2 sends whatever a read returns, so a read gives one whole chunk of rows whatever
    size it asked for; PostgreSQL loads a chunk while the next one is being made.
    """

    def __init__(self, rows):
        self._rows = iter(rows)
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")
        self.count = 0

    def read(self, size: int = -1) -> str:
        batch = list(islice(self._rows, COPY_CHUNK_ROWS))
        self.count += len(batch)
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerows(batch)
        return self._buffer.getvalue()


class Loader:
    """Runs the COPYs on one psycopg2 connection and keeps each table's rows and seconds.

    A table's seconds run from the end of the previous table: the work of preparing its rows
    counts where it belongs.
    """

    def __init__(self, connection, *, out=print):
        self.cursor = connection.cursor()
        self.out = out
        self.results: dict[str, tuple[int, float]] = {}
        self._mark = time.perf_counter()

    def copy(self, table: str, columns: tuple[str, ...], rows) -> int:
        stream = CsvStream(rows)
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        self.cursor.copy_expert(sql, stream, size=1 << 18)
        self._record(table, stream.count)
        return stream.count

    def run(self, label: str, sql: str, params=None) -> None:
        self.cursor.execute(sql, params)
        self._record(label, None)

    def _record(self, label: str, rows: int | None) -> None:
        now = time.perf_counter()
        self.results[label] = (rows, now - self._mark)
        self.out(f"  {label:40}{'' if rows is None else f'{rows:,}':>12}{now - self._mark:9.1f} s")
        self._mark = now


# --- Shared pieces -------------------------------------------------------------------------------


class Random(random.Random):
    """``random.Random`` with a quicker ``choice`` and ``randint`` (from one float: ample for made-up data)."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


def make_nik(region: str, birth: datetime.date, sex: str, serial: int) -> str:
    """PP RR SS DDMMYY XXXX: region (6 digits), birth date (women add 40 to the day), serial."""
    day = birth.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def scramble(n: int, digits: int, salt: int) -> str:
    """A unique, random-looking number of ``digits`` for each n below 10**digits (an affine bijection)."""
    return f"{(n * 7_919_031 + salt) % 10**digits:0{digits}d}"


def token(rng: random.Random, nbytes: int) -> str:
    return base64.urlsafe_b64encode(rng.getrandbits(8 * nbytes).to_bytes(nbytes, "big")).decode()


def add_months(day: datetime.date, months: int) -> datetime.date:
    from disnaker.dates import add_months as add

    return add(day, months)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass
class Reference:
    """The reference rows the generated data points at."""

    kelurahan: list[tuple[int, str]]  # (id, district code of the NIK)
    education: dict[str, tuple[int, int]]  # code -> (id, rank)
    sections: dict[str, tuple[int, str]]  # section -> (id, divisions)
    kbji: dict[str, int]  # major group code -> id

    @classmethod
    def load(cls, cursor) -> "Reference":
        cursor.execute(
            "SELECT l.id, k.code FROM disnaker_kelurahan l JOIN disnaker_kecamatan k ON k.id = l.kecamatan_id "
            "ORDER BY l.code"
        )
        kelurahan = [(pk, code.split(".")[-1]) for pk, code in cursor.fetchall()]
        cursor.execute("SELECT code, id, rank FROM disnaker_educationlevel ORDER BY rank")
        education = {code: (pk, rank) for code, pk, rank in cursor.fetchall()}
        cursor.execute("SELECT section, id, divisions FROM disnaker_kblisection ORDER BY section")
        sections = {section: (pk, divisions) for section, pk, divisions in cursor.fetchall()}
        cursor.execute("SELECT code, id FROM disnaker_kbjimajorgroup ORDER BY code")
        return cls(kelurahan, education, sections, dict(cursor.fetchall()))

    def missing(self) -> list[str]:
        wanted = {"kelurahan": self.kelurahan, "education levels": self.education, "KBLI sections": self.sections,
                  "KBJI major groups": self.kbji}  # fmt: skip
        return [name for name, rows in wanted.items() if not rows]


@dataclass
class People:
    """The generated people, by index (id - 1), for the tables that point at them."""

    nik: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    sex: list[str] = field(default_factory=list)
    birth: list[datetime.date] = field(default_factory=list)
    kelurahan: list[int | None] = field(default_factory=list)
    education_rank: list[int] = field(default_factory=list)
    residents: list[int] = field(default_factory=list)
    disabled: list[int] = field(default_factory=list)


@dataclass
class World:
    """Everything the table generators share: the random source, the dates and earlier tables."""

    rng: Random
    scale: dict
    ref: Reference
    city_code: str
    today: datetime.date
    people: People = field(default_factory=People)
    blk_graduates: set[int] = field(default_factory=set)  # person indexes
    lpk_graduates: set[int] = field(default_factory=set)
    lpk_alumni: list[int] = field(default_factory=list)  # who may appear in LPK reports
    card_holders: list[int] = field(default_factory=list)
    companies: list[tuple[int, str, str]] = field(default_factory=list)  # verified: (id, size, section)
    sequences: list[tuple[int, int]] = field(default_factory=list)  # AK/1 numbers: (year, last)

    first_day: datetime.date = field(init=False)
    last_day: datetime.date = field(init=False)  # events are dated up to yesterday: no timestamp in the future

    def __post_init__(self):
        self.first_day = datetime.date(self.today.year - self.scale["years"] + 1, 1, 1)
        self.last_day = self.today - datetime.timedelta(days=1)

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        if last <= first:
            return first
        return first + datetime.timedelta(days=int(self.rng.random() * ((last - first).days + 1)))

    def stamp(self, day: datetime.date) -> str:
        """A time in office hours on ``day``, Asia/Jakarta."""
        seconds = 25_200 + int(self.rng.random() * 36_000)
        return f"{day.isoformat()} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}+07"

    def person_name(self, sex: str) -> str:
        rng = self.rng
        first = rng.choice(MALE_NAMES if sex == "L" else FEMALE_NAMES)
        if rng.random() < 0.15:
            return first
        return f"{first} {rng.choice(MALE_SURNAMES if sex == 'L' else FEMALE_SURNAMES)}"

    def address(self) -> str:
        rng = self.rng
        number, rt, rw = rng.randint(1, 200), rng.randint(1, 12), rng.randint(1, 9)
        return f"{rng.choice(STREETS)} No. {number}, RT {rt:03d}/RW {rw:03d}"

    def phone(self) -> str:
        return f"08{self.rng.choice('1235789')}{self.rng.randrange(10**9):09d}"

    def company_name(self) -> str:
        rng = self.rng
        words = " ".join(rng.sample(COMPANY_WORDS, 2))
        return f"{rng.choice(('PT', 'PT', 'PT', 'CV'))} {words} {rng.choice(COMPANY_SUFFIXES)}"

    def some_people(self, pool: list[int], n: int, accept=None) -> list[int]:
        """Up to ``n`` different people of ``pool`` (indexes) that ``accept`` allows."""
        rng, chosen, tries = self.rng, {}, 0
        while len(chosen) < n and tries < 20 * n and pool:
            tries += 1
            index = pool[int(rng.random() * len(pool))]
            if index not in chosen and (accept is None or accept(index)):
                chosen[index] = None
        return list(chosen)


# --- People --------------------------------------------------------------------------------------

PERSON_COLUMNS = ("id", "nik", "name", "sex", "birth_place", "birth_date", "address", "kelurahan_id",
                  "education_id", "disability", "disability_notes", "phone", "email", "created_at",
                  "updated_at")  # fmt: skip


def birth_date(w: World) -> datetime.date:
    """Job seekers are mostly young: 60 % aged 18–29, 30 % 30–44, 10 % 45–59."""
    r = w.rng.random()
    low, high = (18, 30) if r < 0.6 else (30, 45) if r < 0.9 else (45, 60)
    latest = add_months(w.today, -12 * low)
    return latest - datetime.timedelta(days=int(w.rng.random() * 365.25 * (high - low)))


def nik_region(w: World, kelurahan: tuple[int, str] | None) -> tuple[str, str]:
    """The NIK's first six digits and a birth place: mostly the city's, other regions for most outsiders."""
    rng = w.rng
    in_city = rng.random() < (0.95 if kelurahan else 0.2)
    if in_city:
        district = kelurahan[1] if kelurahan else rng.choice(w.ref.kelurahan)[1]
        return f"{w.city_code}{district}", rng.choice(CITY_BIRTH_PLACES)
    prefix, districts, place = rng.choice(OTHER_REGIONS)
    return f"{prefix}{rng.randint(1, districts):02d}", place


def person_rows(w: World):
    rng, people, serials = w.rng, w.people, Counter()
    education_codes = list(EDUCATION_WEIGHTS)
    educations = rng.choices(education_codes, weights=list(EDUCATION_WEIGHTS.values()), k=w.scale["people"])
    for index in range(w.scale["people"]):
        sex = "L" if rng.random() < 0.52 else "P"
        born = birth_date(w)
        kelurahan = rng.choice(w.ref.kelurahan) if rng.random() < 0.85 else None
        region, place = nik_region(w, kelurahan)
        serials[region, born, sex] += 1
        nik = make_nik(region, born, sex, serials[region, born, sex])
        name = w.person_name(sex)
        education_id, rank = w.ref.education[educations[index]]
        disability = rng.choices(DISABILITIES, DISABILITY_WEIGHTS)[0] if rng.random() < 0.02 else ""
        _remember_person(people, index, nik, name, sex, born, kelurahan, rank, disability)
        email = f"{name.split()[0].lower()}{index}@mail.example" if rng.random() < 0.4 else ""
        created = w.stamp(w.day_between(w.first_day, w.last_day))
        phone = w.phone() if rng.random() < 0.9 else ""
        yield (index + 1, nik, name, sex, place, born, w.address(), kelurahan[0] if kelurahan else NULL,
               education_id, disability, "", phone, email, created, created)  # fmt: skip


def _remember_person(people: People, index, nik, name, sex, born, kelurahan, rank, disability) -> None:
    people.nik.append(nik)
    people.name.append(name)
    people.sex.append(sex)
    people.birth.append(born)
    people.kelurahan.append(kelurahan[0] if kelurahan else None)
    people.education_rank.append(rank)
    if kelurahan:
        people.residents.append(index)
    if disability:
        people.disabled.append(index)


def load_people(w: World, db: Loader) -> None:
    db.copy("disnaker_person", PERSON_COLUMNS, person_rows(w))


# --- Training: vocations, programmes, batches, registrations and what follows -------------------


@dataclass(slots=True)
class Programme:
    id: int
    vocation: tuple
    name: str
    hours: int
    min_age: int
    max_age: int | None
    min_rank: int
    min_education_id: int | None
    city_only: bool
    inclusive: bool


@dataclass(slots=True)
class Batch:
    id: int
    programme: Programme
    code: str
    phase: int
    start: datetime.date
    end: datetime.date
    opens: datetime.date
    closes: datetime.date
    quota: int
    reserve_seats: int
    funding: str
    venue_type: str
    confirm_days: int
    status: str
    seats_taken: int = 0


@dataclass
class TrainingRows:
    certifications: list = field(default_factory=list)
    registrations: list = field(default_factory=list)
    certificates: list = field(default_factory=list)
    tracers: list = field(default_factory=list)


def programmes(w: World) -> list[Programme]:
    rng, result = w.rng, []
    for vocation in VOCATIONS[: w.scale["vocations"]]:
        for name, hours in vocation[3]:
            inclusive = name in INCLUSIVE_PROGRAMMES
            education = "sd" if inclusive else rng.choice(("smp", "sma", "sma"))
            education_id, rank = w.ref.education[education]
            max_age = None if inclusive else rng.choice((None, 35, 40, 45))
            result.append(Programme(len(result) + 1, vocation, name, hours, rng.choice((17, 18)), max_age, rank,
                                    education_id, not inclusive and rng.random() < 0.85, inclusive))  # fmt: skip
    return result


def vocation_rows(w: World):
    for index, (code, name, lsp, _programmes) in enumerate(VOCATIONS[: w.scale["vocations"]], start=1):
        yield index, code, name, f"Pelatihan berbasis kompetensi kejuruan {name.lower()}; sertifikasi oleh {lsp}."


def programme_rows(w: World, catalogue: list[Programme]):
    vocation_ids = {v[0]: i for i, v in enumerate(VOCATIONS, start=1)}
    for p in catalogue:
        units = "\n".join(f"Unit {i}: {p.name} — kompetensi {i}" for i in range(1, 4))
        yield (p.id, vocation_ids[p.vocation[0]], p.name, f"Skema {p.name}", units, p.hours, max(p.hours // 8, 1),
               p.min_age, p.max_age or NULL, p.min_education_id, "city" if p.city_only else "any", "", "t")  # fmt: skip


def make_batches(w: World, catalogue: list[Programme]) -> list[Batch]:
    rng, batches, phases = w.rng, [], Counter()
    latest_start = w.today + datetime.timedelta(days=90)
    for index in range(w.scale["batches"]):
        programme = catalogue[index % len(catalogue)] if index < len(catalogue) else rng.choice(catalogue)
        start = w.day_between(w.first_day + datetime.timedelta(days=40), latest_start)  # registration opens in range
        end = start + datetime.timedelta(days=max(programme.hours // 8, 1) * 7 // 5)
        opens, closes = start - datetime.timedelta(days=35), start - datetime.timedelta(days=rng.randint(7, 12))
        phases[programme.id, start.year] += 1
        phase = phases[programme.id, start.year]
        code = f"{programme.vocation[0][:3].upper()}{programme.id:02d}-{start.year}-{phase:02d}"
        funding = rng.choices(("apbd", "apbn", "partner", "other"), (55, 35, 8, 2))[0]
        venue = rng.choices(("blk", "bbpvp", "partner"), (80, 15, 5))[0]
        batches.append(Batch(index + 1, programme, code, phase, start, end, opens, closes,
                             rng.choice((16, 16, 20, 24)), rng.randint(3, 8), funding, venue, rng.choice((2, 3, 3, 5)),
                             _batch_status(w, start, end, opens)))  # fmt: skip
    return batches


def _batch_status(w: World, start, end, opens) -> str:
    if w.rng.random() < 0.03:
        return "cancelled"
    if end < w.today:
        return "finished"
    if start <= w.today:
        return "running"
    return "draft" if opens > w.today and w.rng.random() < 0.3 else "published"


VENUES = {"blk": "UPT BLK Kota Cilegon", "bbpvp": "BBPVP Serang", "partner": "Workshop Mitra Industri"}


def batch_rows(batches: list[Batch]):
    for b in batches:
        p = b.programme
        notes = "Pendamping dan materi audio tersedia." if p.inclusive else ""
        yield (b.id, p.id, b.code, b.phase, b.start, b.end, b.opens, b.closes, b.venue_type, VENUES[b.venue_type],
               b.quota, b.reserve_seats, b.funding, "selection", "Instruktur BLK", "t" if p.inclusive else "f", notes,
               b.confirm_days, 80, b.status, b.seats_taken)  # fmt: skip


def candidates(w: World, b: Batch, n: int) -> list[int]:
    """People who may register for the batch: age, education and (if asked) domicile in the city."""
    people, p = w.people, b.programme
    pool = people.disabled if p.inclusive else people.residents if p.city_only else range(len(people.nik))

    def eligible(i: int) -> bool:
        age = age_on(people.birth[i], b.start)
        return age >= p.min_age and (p.max_age is None or age <= p.max_age) and people.education_rank[i] >= p.min_rank

    return w.some_people(pool, n, eligible)


@dataclass(slots=True)
class Reg:
    """One registration while its batch is decided; becomes a row at the end."""

    id: int
    person: int
    created: datetime.date
    status: str = "registered"
    rank: int | None = None
    test: float | None = None
    interview: float | None = None
    reason: str = ""
    decided: datetime.date | None = None
    confirm_by: datetime.date | None = None
    confirmed: datetime.date | None = None
    outcome: str = ""
    completed: datetime.date | None = None
    result: str = ""
    tested: datetime.date | None = None
    certification: int | None = None


def register(w: World, b: Batch, next_id: int) -> list[Reg]:
    """The registrations of one batch, received while registration is open (or was, up to yesterday)."""
    if b.opens > w.last_day:
        return []
    window_end = min(b.closes, w.last_day)
    share = ((window_end - b.opens).days + 1) / ((b.closes - b.opens).days + 1)
    mean = w.scale["registrations"] / w.scale["batches"]
    wanted = max(1, round(mean * share * w.rng.uniform(0.6, 1.4)))
    people = candidates(w, b, wanted)
    return [Reg(next_id + i, person, w.day_between(b.opens, window_end)) for i, person in enumerate(people)]


def select(w: World, b: Batch, regs: list[Reg]) -> None:
    """Documents, scores, seats in score order within the quota, the reserve list, the rest turned down."""
    rng = w.rng
    decided = b.closes + datetime.timedelta(days=rng.randint(1, 3))
    if b.status == "cancelled":
        for r in regs:
            r.status, r.reason, r.decided = "rejected", "Angkatan dibatalkan.", min(decided, w.last_day)
        return
    if decided > w.last_day:  # registration just closed: documents are being checked
        for r in regs:
            r.status = "verified" if rng.random() < 0.5 else "registered"
        return
    ranked = []
    for r in regs:
        r.decided = decided
        if rng.random() < 0.08:
            r.status, r.reason = "rejected", "Dokumen tidak lengkap."
            continue
        r.test, r.interview = round(rng.uniform(40, 100), 2), round(rng.uniform(50, 100), 2)
        ranked.append(r)
    ranked.sort(key=lambda r: (-(r.test + r.interview), r.id))
    _give_seats(w, b, ranked, decided)


def _give_seats(w: World, b: Batch, ranked: list[Reg], decided: datetime.date) -> None:
    rng, reserves = w.rng, 0
    confirm_by = decided + datetime.timedelta(days=b.confirm_days)
    for r in ranked:
        if b.seats_taken < b.quota:
            r.confirm_by = confirm_by
            if confirm_by >= w.today and rng.random() < 0.5:
                r.status = "accepted"
            elif rng.random() < 0.1:
                r.status = "declined" if rng.random() < 0.5 else "expired"
                continue
            else:
                r.status = "confirmed"
                r.confirmed = min(decided + datetime.timedelta(days=rng.randint(0, 2)), w.last_day)
            b.seats_taken += 1
        elif reserves < b.reserve_seats:
            reserves += 1
            r.status, r.rank = "reserve", reserves
        else:
            r.status, r.reason = "rejected", "Belum lolos seleksi: kuota terpenuhi."


def complete(w: World, b: Batch, regs: list[Reg], rows: TrainingRows) -> None:
    """A finished batch: graduates and drop-outs, then the competency test and certificates."""
    if b.status != "finished":
        return
    for r in regs:
        if r.status != "confirmed":
            continue
        r.completed = b.end
        r.outcome = "graduated" if w.rng.random() < 0.92 else "dropped_out"
        if r.outcome == "graduated":
            w.blk_graduates.add(r.person)
            competency_test(w, b, r, rows)
            rows.certificates.append(participant_certificate(w, b, r, len(rows.certificates) + 1))
            rows.tracers.extend(tracer_rows(w, r, start_id=len(rows.tracers) + 1))


def competency_test(w: World, b: Batch, r: Reg, rows: TrainingRows) -> None:
    rng = w.rng
    tested = b.end + datetime.timedelta(days=rng.randint(1, 14))
    if tested > w.last_day or rng.random() < 0.2:
        return
    r.tested, r.result = tested, "competent" if rng.random() < 0.85 else "not_yet"
    if r.result != "competent":
        return
    issued = min(tested + datetime.timedelta(days=rng.randint(7, 30)), w.last_day)
    r.certification = len(rows.certifications) + 1
    code, _name, lsp, _programmes = b.programme.vocation
    number = f"{code.upper()}/{issued.year}/{r.certification:07d}"
    rows.certifications.append((r.certification, r.person + 1, f"Skema {b.programme.name}", number, lsp, issued,
                                add_months(issued, 36), w.stamp(issued)))  # fmt: skip


def participant_certificate(w: World, b: Batch, r: Reg, pk: int) -> tuple:
    """The BLK's certificate of completion, numbered as ``certificate_issue`` numbers it."""
    issued = min(b.end + datetime.timedelta(days=w.rng.randint(1, 7)), w.last_day)
    return pk, f"BLK/{issued:%Y}/{b.code}/{r.id:06d}", token(w.rng, 12), issued, "", r.id


TRACER_STATUSES = ("working", "self_employed", "not_working", "studying")


def tracer_rows(w: World, r: Reg, *, start_id: int) -> list[tuple]:
    """The +3/+6/+12 month follow-ups already requested; about two in three are answered."""
    rng, result = w.rng, []
    for months in (3, 6, 12):
        requested = add_months(r.completed, months)
        if requested > w.last_day:
            break
        base = (start_id + len(result), r.id, months, token(w.rng, 24), w.stamp(requested))
        if rng.random() > 0.65:
            result.append((*base, NULL, "", "", "", "", "", NULL))
            continue
        answered = min(requested + datetime.timedelta(days=rng.randint(0, 21)), w.last_day)
        status = rng.choices(TRACER_STATUSES, (45, 15, 30, 10))[0]
        working = status in ("working", "self_employed")
        company = (w.company_name() if status == "working" else "Usaha sendiri") if working else ""
        result.append((*base, w.stamp(answered), rng.choice(("online", "phone")), status, company,
                       "Operator" if status == "working" else "", rng.choice(WAGE_BANDS) if working else "",
                       rng.choices((1, 2, 3, 4, 5), (3, 7, 25, 40, 25))[0]))  # fmt: skip
    return result


REGISTRATION_COLUMNS = ("id", "person_id", "batch_id", "channel", "status", "reserve_rank", "test_score",
                        "interview_score", "reason", "ktp_document", "diploma_document", "confirm_by", "outcome",
                        "competency_result", "competency_tested_on", "certification_id", "created_at",
                        "decided_at", "confirmed_at", "completed_at")  # fmt: skip


def registration_row(w: World, b: Batch, r: Reg) -> tuple:
    def at(day):
        return NULL if day is None else w.stamp(day)

    return (r.id, r.person + 1, b.id, "walk_in" if w.rng.random() < 0.25 else "online", r.status,
            NULL if r.rank is None else r.rank, NULL if r.test is None else r.test,
            NULL if r.interview is None else r.interview, r.reason, "", "", r.confirm_by or NULL, r.outcome, r.result,
            r.tested or NULL, r.certification or NULL, w.stamp(r.created), at(r.decided), at(r.confirmed),
            NULL if r.completed is None else f"{r.completed.isoformat()} 15:00:00+07")  # fmt: skip


def training_rows(w: World, batches: list[Batch]) -> TrainingRows:
    rows = TrainingRows()
    for b in batches:
        regs = register(w, b, len(rows.registrations) + 1)
        select(w, b, regs)
        complete(w, b, regs, rows)
        rows.registrations.extend(registration_row(w, b, r) for r in regs)
    return rows


def load_training(w: World, db: Loader) -> None:
    catalogue = programmes(w)
    batches = make_batches(w, catalogue)
    rows = training_rows(w, batches)
    db.copy("training_vocation", ("id", "code", "name", "description"), vocation_rows(w))
    db.copy("training_programme", ("id", "vocation_id", "name", "competency_scheme", "competency_units", "hours",
                                   "days", "min_age", "max_age", "min_education_id", "domicile_rule", "description",
                                   "is_active"), programme_rows(w, catalogue))  # fmt: skip
    db.copy("training_batch", ("id", "programme_id", "code", "phase", "start_date", "end_date",
                               "registration_opens", "registration_closes", "venue_type", "venue", "quota",
                               "reserve_seats", "funding", "selection_method", "instructors", "is_accessible",
                               "accessibility_notes", "confirm_days", "min_attendance_percent", "status",
                               "seats_taken"), batch_rows(batches))  # fmt: skip
    db.copy("disnaker_certification", ("id", "person_id", "scheme", "number", "issuer", "issued_on", "valid_until",
                                       "created_at"), rows.certifications)  # fmt: skip
    db.copy("training_registration", REGISTRATION_COLUMNS, rows.registrations)
    db.copy("training_participantcertificate", ("id", "number", "code", "issued_on", "pdf", "registration_id"),
            rows.certificates)  # fmt: skip
    db.copy("training_tracerresponse", ("id", "registration_id", "months_after", "token", "requested_at",
                                        "answered_at", "channel", "status", "company", "position", "wage_band",
                                        "relevance"), rows.tracers)  # fmt: skip


# --- LPK: institutions, licences, accreditations, quarterly reports, supervision ----------------


@dataclass(slots=True)
class Lpk:
    id: int
    founded: datetime.date
    status: str
    vocations: list
    stops: datetime.date | None  # an inactive institution stopped reporting from this day


def make_lpks(w: World) -> list[Lpk]:
    rng, lpks = w.rng, []
    catalogue = VOCATIONS[: w.scale["vocations"]]
    for index in range(w.scale["lpks"]):
        if rng.random() < 0.5:
            founded = w.first_day - datetime.timedelta(days=rng.randint(30, 3000))
        else:
            founded = w.day_between(w.first_day, w.last_day - datetime.timedelta(days=200))
        status = rng.choices(("active", "inactive", "frozen"), (88, 7, 5))[0]
        stops = w.day_between(founded + datetime.timedelta(days=400), w.last_day) if status == "inactive" else None
        vocations = rng.sample(catalogue, min(len(catalogue), rng.choice((1, 1, 2, 3))))
        lpks.append(Lpk(index + 1, founded, status, vocations, stops))
    return lpks


LEGAL_FORMS = ("yayasan", "pt", "cv", "perkumpulan", "koperasi", "perorangan")


def institution_rows(w: World, lpks: list[Lpk]):
    rng = w.rng
    for lpk in lpks:
        brand = " ".join(rng.sample(COMPANY_WORDS, 2))
        kelurahan = rng.choice(w.ref.kelurahan)[0] if rng.random() < 0.95 else NULL
        vocations = ", ".join(v[1] for v in lpk.vocations)
        yield (lpk.id, f"LPK {brand} {lpk.id}", "8" + scramble(lpk.id, 12, 40_961),
               rng.choices(LEGAL_FORMS, (40, 15, 20, 5, 5, 15))[0], w.address(), kelurahan, w.phone(),
               f"admin@lpk{lpk.id}.example", w.person_name(rng.choice("LP")), vocations, rng.randint(2, 15),
               lpk.status, w.stamp(lpk.founded))  # fmt: skip


def licence_rows(w: World, lpks: list[Lpk]):
    """A licence of three years from soon after founding, renewed until today or until it lapsed."""
    rng, pk = w.rng, 0
    for lpk in lpks:
        if rng.random() < 0.03:  # never licensed: its duty to report runs from its registration
            continue
        issued = min(lpk.founded + datetime.timedelta(days=rng.randint(0, 60)), w.last_day)
        while True:
            pk += 1
            valid_until = add_months(issued, 36) - datetime.timedelta(days=1)
            lapsed = lpk.stops is not None and valid_until >= lpk.stops
            status = "revoked" if lapsed else "active" if valid_until >= w.today else "expired"
            yield pk, lpk.id, f"{lpk.id:05d}/{pk:06d}/LPK/DISNAKER/{issued.year}", issued, valid_until, status, ""
            issued = valid_until - datetime.timedelta(days=rng.randint(0, 30))
            if lapsed or valid_until >= w.today or issued > w.last_day:
                break


def accreditation_rows(w: World, lpks: list[Lpk]):
    rng, pk = w.rng, 0
    for lpk in lpks:
        if rng.random() < 0.5:
            continue
        pk += 1
        valid_from = w.day_between(lpk.founded + datetime.timedelta(days=365), w.last_day)
        yield (pk, lpk.id, "LA-LPK", rng.choice(("A", "B", "B", "C")), f"LA-LPK/{valid_from.year}/{pk:05d}",
               valid_from, add_months(valid_from, 60))  # fmt: skip


def quarters(first: datetime.date, last: datetime.date) -> list[tuple[int, int]]:
    year, quarter = first.year, (first.month - 1) // 3 + 1
    result = []
    while (year, quarter) <= (last.year, (last.month - 1) // 3 + 1):
        result.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return result


def quarter_end(year: int, quarter: int) -> datetime.date:
    return add_months(datetime.date(year, 3 * quarter - 2, 1), 3) - datetime.timedelta(days=1)


def review_trail(w: World, ended: datetime.date) -> list[tuple[str, datetime.date]]:
    """Submitted (mostly by the due date), maybe returned and sent again, mostly accepted; up to yesterday."""
    rng = w.rng
    day = ended + datetime.timedelta(days=rng.randint(1, 15) if rng.random() < 0.72 else rng.randint(16, 80))
    events = [("submitted", day)]
    if rng.random() < 0.15:
        day += datetime.timedelta(days=rng.randint(2, 10))
        events.append(("returned", day))
        if rng.random() < 0.7:
            day += datetime.timedelta(days=rng.randint(1, 14))
            events.append(("submitted", day))
    if events[-1][0] == "submitted" and rng.random() < 0.85:
        events.append(("accepted", day + datetime.timedelta(days=rng.randint(3, 21))))
    return [(action, day) for action, day in events if day <= w.last_day]


@dataclass
class LpkRows:
    reports: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    graduates: list = field(default_factory=list)
    events: list = field(default_factory=list)


# Share of the people who ever trained at an LPK: the reports name them again and again (several courses).
LPK_ALUMNI_SHARE = 0.4


def lpk_report_rows(w: World, lpks: list[Lpk], since: dict[int, datetime.date]) -> LpkRows:
    rows = LpkRows()
    people = len(w.people.nik)
    w.lpk_alumni = w.rng.sample(range(people), int(people * LPK_ALUMNI_SHARE))
    for lpk in lpks:
        start = max(since.get(lpk.id, lpk.founded), w.first_day)
        for year, quarter in quarters(start, w.today):
            ended = quarter_end(year, quarter)
            if (lpk.stops and ended >= lpk.stops) or w.rng.random() > (0.9 if ended < w.today else 0.3):
                continue
            one_report(w, lpk, year, quarter, ended, rows)
    return rows


def one_report(w: World, lpk: Lpk, year: int, quarter: int, ended: datetime.date, rows: LpkRows) -> None:
    rng, pk = w.rng, len(rows.reports) + 1
    trail = review_trail(w, ended) if rng.random() < 0.9 else []
    stamps = [(action, w.stamp(day)) for action, day in trail]
    status = stamps[-1][0] if stamps else "draft"
    submitted = [at for action, at in stamps if action == "submitted"]
    reviewed = [at for action, at in stamps if action != "submitted"]
    created = w.stamp(min(ended + datetime.timedelta(days=1), trail[0][1] if trail else w.last_day, w.last_day))
    comment = rng.choice(REPORT_RETURN_COMMENTS) if status == "returned" else ""
    rows.reports.append((pk, lpk.id, year, quarter, status, submitted[-1] if submitted else NULL,
                         reviewed[-1] if reviewed else NULL, comment, created))  # fmt: skip
    graduates = report_graduates(w, lpk, pk, year, ended, rows)
    for action, at in stamps:
        comment = rng.choice(REPORT_RETURN_COMMENTS) if action == "returned" else ""
        rows.events.append((len(rows.events) + 1, pk, action, comment, at, graduates))


GRADUATE_STATUSES = ("working", "self_employed", "not_working", "studying")


def report_graduates(w: World, lpk: Lpk, report: int, year: int, ended: datetime.date, rows: LpkRows) -> int:
    """The programme lines and named graduates of one report; returns how many graduates."""
    rng, people, mean = w.rng, w.people, w.scale["lpk_graduates_per_report"]
    programmes = [name for vocation in lpk.vocations for name, _hours in vocation[3]]
    lines = rng.sample(programmes, min(len(programmes), rng.randint(1, 3)))
    count = max(0, round(rng.gauss(mean, mean / 2)))
    chosen = w.some_people(w.lpk_alumni, count, lambda i: 16 <= age_on(people.birth[i], ended) <= 45)
    per_line = {line: Counter() for line in lines}
    for person in chosen:
        line = rng.choice(lines)
        per_line[line][people.sex[person]] += 1
        w.lpk_graduates.add(person)
        rows.graduates.append(graduate_row(w, len(rows.graduates) + 1, report, person, line, lpk.id, year))
    for line, sexes in per_line.items():
        vocation = next(v[1] for v in lpk.vocations if any(name == line for name, _h in v[3]))
        enrolled_male = sexes["L"] + rng.randint(0, 2 + sexes["L"] // 4)
        enrolled_female = sexes["P"] + rng.randint(0, 2 + sexes["P"] // 4)
        rows.lines.append((len(rows.lines) + 1, report, line, vocation, enrolled_male, enrolled_female, sexes["L"],
                           sexes["P"]))  # fmt: skip
    return len(chosen)


def graduate_row(w: World, pk: int, report: int, person: int, programme: str, lpk: int, year: int) -> tuple:
    rng, people = w.rng, w.people
    status = rng.choices(GRADUATE_STATUSES, (40, 15, 35, 10))[0]
    company = w.company_name() if status == "working" else "Usaha mandiri" if status == "self_employed" else ""
    certified = rng.random() < 0.45
    number = f"LPK{lpk:05d}/{year}/{pk:07d}" if certified else ""
    return (pk, report, person + 1, people.nik[person], people.name[person], people.sex[person], programme,
            "t" if certified else "f", number, status, company)  # fmt: skip


SUPERVISION_TITLES = {
    "guidance": ("Pembinaan LPK: standar pelaporan lulusan", "Bimbingan teknis kurikulum berbasis kompetensi"),
    "visit": ("Monitoring dan evaluasi LPK", "Kunjungan pengawasan sarana pelatihan"),
    "socialisation": ("Sosialisasi perizinan LPK melalui OSS", "Sosialisasi akreditasi LA-LPK"),
}


def supervision_rows(w: World, lpks: list[Lpk]) -> tuple[list, list]:
    rng, activities, participations = w.rng, [], []
    for year in range(w.first_day.year, w.today.year + 1):
        last = min(datetime.date(year, 12, 31), w.last_day)
        for _ in range(w.scale["supervision_per_year"]):
            day = w.day_between(datetime.date(year, 1, 1), last)
            kind = rng.choices(list(SUPERVISION_TITLES), (50, 30, 20))[0]
            pk = len(activities) + 1
            activities.append((pk, day, rng.choice(SUPERVISION_TITLES[kind]), kind, "Aula Disnaker Kota Cilegon", ""))
            existing = [lpk.id for lpk in lpks if lpk.founded <= day and not (lpk.stops and lpk.stops <= day)]
            size = rng.randint(1, 3) if kind == "visit" else rng.randint(5, 30)
            for institution in rng.sample(existing, min(size, len(existing))):
                participations.append((len(participations) + 1, pk, institution, rng.randint(1, 3)))
    return activities, participations


def load_lpk(w: World, db: Loader) -> None:
    lpks = make_lpks(w)
    db.copy("lpk_registry_institution", ("id", "name", "nib", "legal_form", "address", "kelurahan_id", "phone",
                                         "email", "head_name", "vocations", "instructors_count", "status",
                                         "created_at"), institution_rows(w, lpks))  # fmt: skip
    licences = list(licence_rows(w, lpks))
    db.copy("lpk_registry_licence", ("id", "institution_id", "number", "issued_on", "valid_until", "status",
                                     "document"), licences)  # fmt: skip
    db.copy("lpk_registry_accreditation", ("id", "institution_id", "body", "result", "certificate_number",
                                           "valid_from", "valid_until"), accreditation_rows(w, lpks))  # fmt: skip
    since = {}
    for _pk, institution, _number, issued, *_rest in licences:
        since.setdefault(institution, issued)
    rows = lpk_report_rows(w, lpks, since)
    db.copy("lpk_registry_graduatereport", ("id", "institution_id", "year", "quarter", "status", "submitted_at",
                                            "reviewed_at", "review_comment", "created_at"), rows.reports)  # fmt: skip
    db.copy("lpk_registry_reportprogrammeline", ("id", "report_id", "programme", "vocation", "enrolled_male",
                                                 "enrolled_female", "graduates_male", "graduates_female"),
            rows.lines)  # fmt: skip
    db.copy("lpk_registry_reportgraduate", ("id", "report_id", "person_id", "nik", "name", "sex", "programme",
                                            "certified", "certificate_number", "status", "company"),
            rows.graduates)  # fmt: skip
    db.copy("lpk_registry_reportevent", ("id", "report_id", "action", "comment", "at", "graduates_count"),
            rows.events)  # fmt: skip
    activities, participations = supervision_rows(w, lpks)
    db.copy("lpk_registry_supervisionactivity", ("id", "date", "title", "kind", "location", "notes"), activities)
    db.copy("lpk_registry_supervisionparticipation", ("id", "activity_id", "institution_id", "headcount"),
            participations)  # fmt: skip


# --- Companies -----------------------------------------------------------------------------------


def kbli_code(w: World, section: str) -> str:
    low, _sep, high = w.ref.sections[section][1].partition("-")
    return f"{w.rng.randint(int(low), int(high or low)):02d}{w.rng.randint(100, 999)}"


def company_rows(w: World):
    rng = w.rng
    sections = [s for s in SECTION_WEIGHTS if s in w.ref.sections]
    for pk in range(1, w.scale["companies"] + 1):
        section = rng.choices(sections, [SECTION_WEIGHTS[s] for s in sections])[0]
        size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
        status = rng.choices(("verified", "pending", "rejected"), (90, 7, 3))[0]
        created = w.day_between(w.first_day - datetime.timedelta(days=200), w.last_day - datetime.timedelta(days=7))
        created = max(created, w.first_day)
        if status == "verified":
            w.companies.append((pk, size, section))
        note = "NIB tidak sesuai dengan data OSS." if status == "rejected" else ""
        verified = w.stamp(created + datetime.timedelta(days=rng.randint(1, 5))) if status == "verified" else NULL
        kelurahan = rng.choice(w.ref.kelurahan)[0] if rng.random() < 0.9 else NULL
        yield (pk, w.company_name(), "9" + scramble(pk, 12, 77_773), w.ref.sections[section][0],
               kbli_code(w, section), size, w.address(), kelurahan, w.phone(), f"hrd@company{pk}.example",
               w.person_name(rng.choice("LP")), status, note, verified, w.stamp(created))  # fmt: skip


def load_companies(w: World, db: Loader) -> None:
    db.copy("placement_company", ("id", "name", "nib", "kbli_section_id", "kbli_code", "size", "address",
                                  "kelurahan_id", "phone", "email", "contact_name", "status", "status_note",
                                  "verified_at", "created_at"), company_rows(w))  # fmt: skip


def pick_companies(w: World, k: int) -> list[tuple[int, str, str]]:
    """Verified companies, the bigger ones more often."""
    weights = [SIZE_VACANCY_WEIGHT[size] for _pk, size, _section in w.companies]
    return w.rng.choices(w.companies, weights=weights, k=k) if w.companies else []


# --- AK/1 cards ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Card:
    id: int
    person: int
    applied: datetime.date
    status: str = "applied"
    decided: datetime.date | None = None
    issued: datetime.date | None = None
    valid_until: datetime.date | None = None
    renews: int | None = None
    note: str = ""
    number: str | None = None


def card_chain(w: World, person: int, next_id: int) -> list[Card]:
    """One person's applications in time order: at most the last one is open (applied, revision, active)."""
    rng, chain = w.rng, []
    adult = add_months(w.people.birth[person], 12 * 18)
    day, renews = max(w.day_between(w.first_day, w.last_day), adult), None
    while day <= w.last_day:
        card = Card(next_id + len(chain), person, day, renews=renews)
        chain.append(card)
        decided = day + datetime.timedelta(days=rng.randint(1, 7))
        if decided > w.last_day:  # still waiting, or sent back for corrections
            if rng.random() < 0.3:
                card.status, card.decided, card.note = "revision", w.last_day, "Foto belum sesuai ketentuan."
            break
        card.decided = decided
        if rng.random() < 0.05:
            card.status, card.note, renews = "rejected", "Dokumen tidak dapat dibaca.", None
            day = decided + datetime.timedelta(days=rng.randint(7, 200))
            if rng.random() < 0.5:
                continue
            break
        card.issued, card.valid_until = decided, add_months(decided, 24) - datetime.timedelta(days=1)
        if card.valid_until >= w.today:
            card.status = "active"
            break
        card.status = "expired"
        if rng.random() > 0.4:
            break
        day, renews = card.valid_until + datetime.timedelta(days=rng.randint(1, 60)), card.id
    _mark_renewed(chain)
    return chain


def _mark_renewed(chain: list[Card]) -> None:
    by_id = {card.id: card for card in chain}
    for card in chain:
        if card.renews and card.status == "rejected":
            card.renews = None  # a rejected renewal lets go of the old card
        elif card.renews and card.issued:
            by_id[card.renews].status = "renewed"


def make_cards(w: World) -> list[Card]:
    order = list(range(len(w.people.nik)))
    w.rng.shuffle(order)
    cards: list[Card] = []
    for person in order:
        if len(cards) >= w.scale["ak1_cards"]:
            break
        cards.extend(card_chain(w, person, len(cards) + 1))
    number_cards(w, cards)
    return cards


def number_cards(w: World, cards: list[Card]) -> None:
    """Numbers per year in the order the cards were issued, as ``card_number`` gives them."""
    last = Counter()
    for card in sorted((c for c in cards if c.issued), key=lambda c: (c.issued, c.id)):
        last[card.issued.year] += 1
        card.number = f"{w.city_code}/AK1/{card.issued.year}/{last[card.issued.year]:06d}"
    w.sequences = sorted(last.items())
    w.card_holders = sorted({c.person for c in cards if c.number})


EDUCATION_SCHOOLS = {0: "", 1: "SD Negeri {n} Cilegon", 2: "SMP Negeri {n} Cilegon", 3: "SMA Negeri {n} Cilegon",
                     4: "SMK Negeri {n} Cilegon"}  # fmt: skip


def card_rows(w: World, cards: list[Card]):
    people = w.people
    for c in cards:
        rank = people.education_rank[c.person]
        school = EDUCATION_SCHOOLS.get(rank, "Universitas Sultan Ageng Tirtayasa").format(n=1 + c.id % 7)
        history = f"{school} ({people.birth[c.person].year + 18})" if school else "Tidak bersekolah"
        yield (c.id, c.person + 1, c.status, c.number or NULL, c.issued or NULL, c.valid_until or NULL, history,
               "Mengoperasikan komputer", "", "", "", "", c.note, c.renews or NULL, w.stamp(c.applied),
               NULL if c.decided is None else w.stamp(c.decided), "")  # fmt: skip


def card_report_rows(w: World, cards: list[Card]):
    """The six-monthly re-reports of issued cards, made by about seven holders in ten."""
    rng, pk = w.rng, 0
    for c in cards:
        if not c.issued:
            continue
        for months in (6, 12, 18):
            due = add_months(c.issued, months)
            if due > w.last_day or due > c.valid_until:
                break
            if rng.random() < 0.7:
                pk += 1
                day = due - datetime.timedelta(days=rng.randint(0, 20))
                yield pk, c.id, day, rng.choice(("online", "online", "desk")), "t" if rng.random() < 0.85 else "f", ""


def load_cards(w: World, db: Loader) -> None:
    cards = make_cards(w)
    db.copy("placement_jobseekercard", ("id", "person_id", "status", "number", "issued_on", "valid_until",
                                        "education_history", "skills", "experience", "photo", "ktp_document",
                                        "diploma_document", "staff_note", "renews_id", "applied_at", "decided_at",
                                        "placed_with"), card_rows(w, cards))  # fmt: skip
    db.copy("placement_cardreport", ("id", "card_id", "reported_on", "channel", "still_looking", "note"),
            card_report_rows(w, cards))  # fmt: skip
    db.copy("placement_cardsequence", ("id", "city_code", "year", "last"),
            [(i, w.city_code, year, last) for i, (year, last) in enumerate(w.sequences, start=1)])  # fmt: skip


# --- Vacancies and placements ----------------------------------------------------------------------


@dataclass(slots=True)
class Opening:
    """What a placement needs of its vacancy."""

    id: int
    company: int
    section: str
    title: str
    work_type: str
    open_from: datetime.date
    open_until: datetime.date
    filled: int
    local_only: bool


def headcount(w: World) -> int:
    """Most vacancies ask for a few people, some for dozens: 1 + an exponential, averaging the scale's."""
    mean = w.scale["positions"] / w.scale["vacancies"]
    return min(500, 1 + int(w.rng.expovariate(1 / max(mean - 0.5, 0.01))))


def vacancy_rows(w: World, openings: list[Opening]):
    rng = w.rng
    groups = [g for g in JOB_GROUP_WEIGHTS if g in w.ref.kbji]
    fill = min(0.7, 0.6 * w.scale["placements"] / w.scale["positions"])
    linked = 0
    for pk, (company, _size, section) in enumerate(pick_companies(w, w.scale["vacancies"]), start=1):
        group = rng.choices(groups, [JOB_GROUP_WEIGHTS[g] for g in groups])[0]
        title, code, certification = rng.choice(JOBS[group])
        open_from = w.day_between(w.first_day, w.last_day)
        open_until = open_from + datetime.timedelta(days=rng.choice((14, 30, 30, 45, 60)))
        positions, is_open = headcount(w), open_until >= w.today
        filled = sum(rng.random() < (fill / 3 if is_open else fill) for _ in range(positions))
        filled = min(filled, max(w.scale["placements"] - linked, 0))
        linked += filled
        status = vacancy_status(w, is_open, filled, positions)
        local_only = rng.random() < 0.3
        openings.append(Opening(pk, company, section, title, rng.choices(WORK_TYPES, WORK_TYPE_WEIGHTS)[0],
                                open_from, open_until, filled, local_only))  # fmt: skip
        yield vacancy_row(w, openings[-1], group, code, certification, positions, status)


def vacancy_status(w: World, is_open: bool, filled: int, positions: int) -> str:
    if is_open:
        return "selection" if w.rng.random() < 0.3 else "open"
    if filled == positions:
        return "filled"
    return "closed" if w.rng.random() < 0.6 else "not_updated"


def vacancy_row(w: World, o: Opening, group: str, code: str, certification: str, positions: int, status: str):
    rng = w.rng
    wage_min = rng.randrange(3_500_000, 5_500_000, 50_000)
    education = w.ref.education[rng.choice(("smp", "sma", "smk", "smk", "d3", "s1"))][0]
    hidden = rng.random() < 0.01
    return (o.id, o.company, scramble(o.id, 10, 1_234_567), o.title, w.ref.kbji[group], code,
            f"Dibutuhkan {o.title.lower()} untuk {o.section} wilayah Cilegon.", positions, o.filled, o.open_from,
            o.open_until, 18, rng.choice((25, 30, 35, 40, NULL)), rng.choices(("", "L", "P"), (80, 15, 5))[0],
            education, "Disiplin, mampu bekerja dalam tim", certification, rng.choice((0, 0, 1, 2)), wage_min,
            wage_min + rng.randrange(0, 2_500_000, 50_000), "Kota Cilegon", o.work_type,
            "t" if o.local_only else "f", status, "t" if hidden else "f", "Informasi tidak lengkap." if hidden else "",
            w.stamp(max(o.open_from - datetime.timedelta(days=rng.randint(0, 3)), w.first_day)))  # fmt: skip


def load_vacancies(w: World, db: Loader) -> list[Opening]:
    openings: list[Opening] = []
    db.copy("placement_vacancy", ("id", "company_id", "registration_number", "title", "kbji_group_id", "kbji_code",
                                  "description", "headcount", "filled", "open_from", "open_until", "min_age",
                                  "max_age", "sex", "min_education_id", "skills", "required_certification",
                                  "experience_years", "wage_min", "wage_max", "location", "work_type",
                                  "local_residents_only", "status", "is_hidden", "hidden_reason", "reported_at"),
            vacancy_rows(w, openings))  # fmt: skip
    return openings


@dataclass
class Pools:
    """Who gets placed: graduates and card holders more often than their share of the people."""

    blk: list[int]
    lpk: list[int]
    holders: list[int]
    holder_set: set[int]
    taken: set = field(default_factory=set)  # (company, person, start date): one placement each


def placement_source(w: World, pools: Pools, person: int) -> str:
    """As ``placement.sources``: BLK graduate, else LPK graduate, else AK/1 holder, else other."""
    if person in w.blk_graduates:
        return "blk"
    if person in w.lpk_graduates:
        return "lpk"
    return "ak1" if person in pools.holder_set else "other"


def placed_person(w: World, pools: Pools, start: datetime.date, local_only: bool) -> int | None:
    r, people = w.rng.random(), w.people
    pool = pools.blk if r < 0.2 else pools.lpk if r < 0.35 else pools.holders if r < 0.7 else range(len(people.nik))
    if not pool:
        pool = range(len(people.nik))

    def fits(i: int) -> bool:
        return 18 <= age_on(people.birth[i], start) <= 60 and (not local_only or people.kelurahan[i] is not None)

    found = w.some_people(pool, 1, fits)
    return found[0] if found else None


def placement_rows(w: World, openings: list[Opening]):
    """First the workers of the vacancies' filled positions, then placements reported without a vacancy."""
    pk = 0
    pools = Pools(sorted(w.blk_graduates), sorted(w.lpk_graduates), w.card_holders, set(w.card_holders))
    for o in openings:
        for _ in range(o.filled):  # the vacancy's "filled" counts these: each one must be found
            pk += 1
            yield placed(w, lambda o=o, pk=pk: filled_position(w, pk, o, pools))
    for company, _size, _section in pick_companies(w, max(w.scale["placements"] - pk, 0)):
        pk += 1
        yield placed(w, lambda company=company, pk=pk: unlinked_position(w, pk, company, pools))


def placed(w: World, attempt) -> tuple:
    """A placement row: someone else (or another start date) when the first pick cannot be used."""
    for _attempt in range(100):
        row = attempt()
        if row:
            return row
    raise RuntimeError("nobody left to place: too few adults (living in the city) for the placements asked")


def filled_position(w: World, pk: int, o: Opening, pools: Pools) -> tuple | None:
    start = w.day_between(o.open_from + datetime.timedelta(days=14), o.open_until + datetime.timedelta(days=30))
    return placement_row(w, pk, o.company, o.id, min(start, w.last_day), o.title, o.work_type, o.local_only, pools)


def unlinked_position(w: World, pk: int, company: int, pools: Pools) -> tuple | None:
    title = w.rng.choice(JOBS[w.rng.choice(list(JOBS))])[0]
    work_type = w.rng.choices(WORK_TYPES, WORK_TYPE_WEIGHTS)[0]
    return placement_row(w, pk, company, NULL, w.day_between(w.first_day, w.last_day), title, work_type, False, pools)


def placement_row(w: World, pk, company, vacancy, start, title, work_type, local_only, pools) -> tuple | None:
    person = placed_person(w, pools, start, local_only)
    if person is None or (company, person, start) in pools.taken:
        return None
    pools.taken.add((company, person, start))
    people = w.people
    reported = min(start + datetime.timedelta(days=w.rng.randint(0, 20)), w.last_day)
    return (pk, company, vacancy, person + 1, scramble(pk, 10, 7_654_321), people.nik[person], people.name[person],
            title, start, work_type, w.rng.choice(WAGE_BANDS), placement_source(w, pools, person),
            "t" if people.kelurahan[person] is not None else "f", w.stamp(reported))  # fmt: skip


def load_placements(w: World, db: Loader, openings: list[Opening]) -> None:
    db.copy("placement_placement", ("id", "company_id", "vacancy_id", "person_id", "registration_number", "nik",
                                    "name", "position", "start_date", "contract_type", "wage_band", "source",
                                    "is_local_resident", "reported_at"), placement_rows(w, openings))  # fmt: skip


# --- Apprenticeships and layoffs --------------------------------------------------------------------

APPRENTICESHIPS = {
    "domestic": ("Pemagangan Operator Produksi", "Pemagangan Teknisi Perawatan", "Pemagangan Administrasi Gudang"),
    "japan": ("Pemagangan ke Jepang: Manufaktur", "Pemagangan ke Jepang: Pengelasan"),
    "korea": ("Pemagangan ke Korea Selatan: Manufaktur",),
    "other": ("Pemagangan ke Taiwan: Perawatan Mesin",),
}


def apprenticeship_rows(w: World) -> tuple[list, list]:
    rng, programmes, participants, people = w.rng, [], [], w.people
    for pk, (company, _size, _section) in enumerate(pick_companies(w, w.scale["apprenticeships"]), start=1):
        destination = rng.choices(list(APPRENTICESHIPS), (75, 15, 7, 3))[0]
        months = 12 if destination != "domestic" else rng.randint(3, 12)
        start = w.day_between(w.first_day, w.today + datetime.timedelta(days=60))
        ends = add_months(start, months)
        status = "planned" if start > w.today else "running" if ends >= w.today else "finished"
        status = "cancelled" if rng.random() < 0.05 else status
        programmes.append((pk, company, rng.choice(APPRENTICESHIPS[destination]), destination, months, start, status))
        chosen = w.some_people(people.residents, rng.randint(5, 30), young_on(people, start))
        participants.extend((len(participants) + 1, pk, person + 1) for person in chosen)
    return programmes, participants


def young_on(people: People, day: datetime.date):
    return lambda i: 18 <= age_on(people.birth[i], day) <= 30


def layoff_rows(w: World):
    rng = w.rng
    industrial = [c for c in w.companies if c[2] in ("C", "F", "H", "B")] or w.companies
    for pk in range(1, w.scale["layoffs"] + 1):
        company = rng.choice(industrial)[0]
        day = w.day_between(w.first_day, w.last_day)
        count = min(2000, 1 + int(rng.expovariate(1 / 40)))
        reported = min(day + datetime.timedelta(days=rng.randint(0, 14)), w.last_day)
        yield pk, company, day, count, rng.choice(LAYOFF_REASONS), w.stamp(reported)


def load_apprenticeships_and_layoffs(w: World, db: Loader) -> None:
    programmes, participants = apprenticeship_rows(w)
    db.copy("placement_apprenticeship", ("id", "company_id", "programme", "destination", "duration_months",
                                         "start_date", "status"), programmes)  # fmt: skip
    db.copy("placement_apprenticeship_participants", ("id", "apprenticeship_id", "person_id"), participants)
    db.copy("placement_layoffreport", ("id", "company_id", "date", "count", "reason", "reported_at"), layoff_rows(w))


# --- Reset, sequences, statistics ----------------------------------------------------------------

GENERATED_TABLES = (
    "disnaker_person", "training_vocation", "training_programme", "training_batch", "disnaker_certification",
    "training_registration", "training_participantcertificate", "training_tracerresponse",
    "lpk_registry_institution", "lpk_registry_licence", "lpk_registry_accreditation", "lpk_registry_graduatereport",
    "lpk_registry_reportprogrammeline", "lpk_registry_reportgraduate", "lpk_registry_reportevent",
    "lpk_registry_supervisionactivity", "lpk_registry_supervisionparticipation", "placement_company",
    "placement_jobseekercard", "placement_cardreport", "placement_cardsequence", "placement_vacancy",
    "placement_placement", "placement_apprenticeship", "placement_apprenticeship_participants",
    "placement_layoffreport",
)  # fmt: skip
REFERENCE_TABLES = ("disnaker_kecamatan", "disnaker_kelurahan", "disnaker_educationlevel", "disnaker_kblisection",
                    "disnaker_kbjimajorgroup")  # fmt: skip
# Built from the data, so stale once it is replaced.
DERIVED_TABLES = ("disnaker_summary",)


def tables_to_empty(cursor) -> list[str]:
    """The generated tables, their history, summaries, and every table pointing at them (e.g. operators)."""
    tables = [*GENERATED_TABLES, *DERIVED_TABLES]
    tables += [name.replace("_", "_historical", 1) for name in tables]
    cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'r' AND relname = ANY(%s)", [tables])
    found = {name for (name,) in cursor.fetchall()}
    while True:
        cursor.execute(
            "SELECT DISTINCT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
            "AND confrelid::regclass::text = ANY(%s)",
            [sorted(found)],
        )
        more = {name for (name,) in cursor.fetchall()} - found
        if not more:
            break
        found |= more
    assert not found & set(REFERENCE_TABLES), "a reference table would be emptied"
    return sorted(found)


def reset(db: Loader) -> None:
    tables = tables_to_empty(db.cursor)
    extra = sorted(set(tables) - set(GENERATED_TABLES))
    db.out(f"  emptying {len(tables)} tables (beyond the generated ones: {', '.join(extra) or 'none'})")
    db.run("TRUNCATE (reset)", f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")


def finish(db: Loader) -> None:
    for table in GENERATED_TABLES:
        db.cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}",
            [table],
        )
    db.run("sequences (setval)", "SELECT 1")
    if db.cursor.connection.autocommit:
        # As autovacuum leaves a database that has been running: statistics, and visibility maps
        # that let counts on the queues' indexes skip the table (index-only scans).
        db.run("VACUUM ANALYZE", f"VACUUM (ANALYZE) {', '.join(GENERATED_TABLES)}")
    else:  # inside a transaction (the tests): VACUUM cannot run there
        db.run("ANALYZE", f"ANALYZE {', '.join(GENERATED_TABLES)}")


STEPS = (load_people, load_training, load_lpk, load_companies, load_cards)


def generate(connection, *, scale: dict, seed: int = 42, reset_first: bool = True, out=print) -> dict:
    """Fills the database behind ``connection`` (psycopg2); returns {table: (rows, seconds)}."""
    from django.conf import settings
    from django.utils import timezone

    cursor = connection.cursor()
    ref = Reference.load(cursor)
    if ref.missing():
        raise SystemExit(f"No {', '.join(ref.missing())}: run `manage.py load_reference` first.")
    w = World(Random(seed), scale, ref, settings.CITY_CODE.replace(".", ""), timezone.localdate())
    db = Loader(connection, out=out)
    db.run("SET synchronous_commit", "SET synchronous_commit TO off")
    if reset_first:
        reset(db)
    for step in STEPS:
        step(w, db)
    load_placements(w, db, load_vacancies(w, db))
    load_apprenticeships_and_layoffs(w, db)
    finish(db)
    return db.results


# --- Command line ----------------------------------------------------------------------------------


def setup_django(database_url: str | None) -> None:
    url = database_url or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise SystemExit(
            f"bench/generate.py needs PostgreSQL (COPY), not {url.split(':')[0] or 'the default SQLite'}: "
            "set DATABASE_URL=postgres://… or pass --database-url."
        )
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disnaker.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="city", help="city or national")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", help="default: $DATABASE_URL")
    parser.add_argument("--reset", action=argparse.BooleanOptionalAction, default=True,
                        help="empty the generated tables first (default)")  # fmt: skip
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.db import connection

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('training_registration')")
        if cursor.fetchone()[0] is None:
            raise SystemExit("The database is not migrated: run `manage.py migrate` first.")
    print(f"Generating scale {args.scale!r} (seed {args.seed}) into {connection.settings_dict['NAME']}:")
    print(f"  {'table':40}{'rows':>12}{'seconds':>11}")
    started = time.perf_counter()
    results = generate(connection.connection, scale=SCALES[args.scale], seed=args.seed, reset_first=args.reset)
    rows = sum(n for n, _s in results.values() if n)
    print(f"  {'total':40}{rows:>12,}{time.perf_counter() - started:9.1f} s")


if __name__ == "__main__":
    main()
