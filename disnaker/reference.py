"""Loading the master data shipped in ``disnaker/data/`` (copied from the shared reference).

Every loader is an idempotent upsert keyed on the natural code, so it serves both the data
migration (with historical models) and ``manage.py load_reference`` after a file changes.
"""

import csv
from collections import defaultdict
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_regions(*, path: Path, kecamatan_model, kelurahan_model) -> tuple[int, int]:
    """Kecamatan and kelurahan; missing kelurahan codes are derived as ``<kecamatan>.10NN``."""
    serial = defaultdict(int)
    kecamatan_by_code = {}
    kelurahan_count = 0
    for row in _rows(path):
        kec_code = row["kecamatan_code"].strip()
        if kec_code not in kecamatan_by_code:
            kecamatan_by_code[kec_code], _ = kecamatan_model.objects.update_or_create(
                code=kec_code, defaults={"name": row["kecamatan"].strip()}
            )
        serial[kec_code] += 1
        code = row["kelurahan_code"].strip()
        verified = bool(code)
        if not code:
            code = f"{kec_code}.{1000 + serial[kec_code]}"
        kelurahan_model.objects.update_or_create(
            code=code,
            defaults={
                "kecamatan": kecamatan_by_code[kec_code],
                "name": row["kelurahan"].strip(),
                "code_verified": verified,
            },
        )
        kelurahan_count += 1
    return len(kecamatan_by_code), kelurahan_count


def load_education_levels(*, model) -> int:
    rows = _rows(DATA_DIR / "education_levels.csv")
    for rank, row in enumerate(rows):
        model.objects.update_or_create(
            code=row["code"], defaults={"label": row["label_id"], "ak1_group": row["ak1_group"], "rank": rank}
        )
    return len(rows)


def load_kbli_sections(*, model) -> int:
    rows = _rows(DATA_DIR / "kbli_sections.csv")
    for row in rows:
        model.objects.update_or_create(
            section=row["section"], defaults={"divisions": row["divisions"], "name": row["name_id"]}
        )
    return len(rows)


def load_kbji_major_groups(*, model) -> int:
    rows = _rows(DATA_DIR / "kbji_major_groups.csv")
    for row in rows:
        model.objects.update_or_create(code=row["code"], defaults={"name": row["name_id"]})
    return len(rows)


def load_all(*, get_model, regions_path: Path) -> dict[str, int]:
    """Loads every table; ``get_model(name)`` returns the model (live or historical)."""
    kecamatan, kelurahan = load_regions(
        path=regions_path, kecamatan_model=get_model("Kecamatan"), kelurahan_model=get_model("Kelurahan")
    )
    return {
        "kecamatan": kecamatan,
        "kelurahan": kelurahan,
        "education levels": load_education_levels(model=get_model("EducationLevel")),
        "KBLI sections": load_kbli_sections(model=get_model("KbliSection")),
        "KBJI major groups": load_kbji_major_groups(model=get_model("KbjiMajorGroup")),
    }
