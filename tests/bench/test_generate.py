"""The bench data generator at a tiny scale, on the real PostgreSQL: counts, valid rows, reproducible."""

import pytest
from django.utils import timezone

from bench import generate
from bench import summary as bench_summary
from disnaker.models import Certification, Person
from disnaker.nik import check_person_matches_nik, parse_nik
from disnaker.periods import Period
from disnaker.summaries import compute_figures
from lpk_registry.models import GraduateReport, Institution, Licence, ReportGraduate, ReportProgrammeLine
from placement.models import Apprenticeship, Company, JobSeekerCard, LayoffReport, Placement, Vacancy
from training.models import Batch, Registration, TracerResponse

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TINY = generate.SCALES["tiny"]


def run(connection, seed: int = 7) -> dict:
    connection.ensure_connection()
    return generate.generate(connection.connection, scale=TINY, seed=seed, out=lambda line: None)


def niks() -> list[str]:
    return list(Person.objects.order_by("pk").values_list("nik", flat=True))


def test_every_table_holds_the_rows_it_reports_and_the_exact_counts_asked_for(postgres):
    results = run(postgres)
    with postgres.cursor() as cursor:
        for table, (rows, _seconds) in results.items():
            if rows is not None:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                assert (table, cursor.fetchone()[0]) == (table, rows)
    assert [table for table, (rows, _s) in results.items() if rows == 0] == []
    assert Person.objects.count() == TINY["people"]
    assert Batch.objects.count() == TINY["batches"]
    assert Company.objects.count() == TINY["companies"]
    assert Vacancy.objects.count() == TINY["vacancies"]
    assert Placement.objects.count() == TINY["placements"]
    assert Institution.objects.count() == TINY["lpks"]
    assert 0.6 * TINY["registrations"] <= Registration.objects.count() <= 1.4 * TINY["registrations"]


def test_every_nik_is_valid_and_matches_the_persons_sex_and_birth_date(postgres):
    run(postgres)
    people = list(Person.objects.all())
    for person in people:
        parse_nik(person.nik)
        assert check_person_matches_nik(nik=person.nik, sex=person.sex, birth_date=person.birth_date) == {}
    outside = [p for p in people if p.kelurahan_id is None]
    assert 0.05 * len(people) < len(outside) < 0.3 * len(people)
    assert sum(p.nik.startswith("3672") for p in people) > 0.6 * len(people)
    assert any(not p.nik.startswith("3672") for p in people)


# Uploaded documents are not generated: a bench database has no files behind them.
NO_FILES = {JobSeekerCard: ["photo", "ktp_document", "diploma_document"]}
CHECKED_MODELS = (Person, Certification, Batch, Registration, TracerResponse, Institution, Licence, GraduateReport,
                  ReportProgrammeLine, ReportGraduate, Company, JobSeekerCard, Vacancy, Placement, Apprenticeship,
                  LayoffReport)  # fmt: skip


def test_generated_rows_pass_the_models_own_validation(postgres):
    run(postgres)
    for model in CHECKED_MODELS:
        for row in model.objects.all():
            row.full_clean(exclude=NO_FILES.get(model, []))


def test_quota_filled_and_open_card_rules_hold(postgres):
    run(postgres)
    for batch in Batch.objects.all():
        holding = batch.registrations.filter(status__in=["accepted", "confirmed"]).count()
        assert batch.seats_taken == holding <= batch.quota
    for vacancy in Vacancy.objects.all():
        assert vacancy.filled == vacancy.placements.count() <= vacancy.headcount
    assert not JobSeekerCard.objects.filter(status="active", number__isnull=True).exists()
    assert GraduateReport.objects.exclude(status="draft").filter(submitted_at__isnull=True).count() == 0
    assert not Registration.objects.exclude(outcome="").exclude(status="confirmed").exists()


def test_the_same_seed_gives_the_same_people_and_another_seed_others(postgres):
    run(postgres, seed=11)
    first = niks()
    run(postgres, seed=11)
    assert niks() == first
    run(postgres, seed=12)
    assert niks() != first


def test_the_hand_written_sql_gives_the_summary_figures_of_the_orm(postgres):
    run(postgres)
    today = timezone.localdate()
    period = Period.year(today.year - 1)
    figures = compute_figures(period, today=today)["figures"]
    assert figures["training.registrations"]["total"] > 0
    assert figures["placement.placements"]["total"] > 0
    assert figures["lpk.compliance"]["denominator"] > 0
    assert bench_summary.mismatches(period, today=today) == []
