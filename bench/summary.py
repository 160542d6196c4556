"""How fast a year's summary is built by the ORM, against one hand-written SQL query per figure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/disnaker_bench .venv/bin/python bench/summary.py [--year 2025]

Run it on a database filled by ``bench/generate.py``. For the last full year (or ``--year``) it
times ``disnaker.summaries.compute_figures`` — the median of 3 runs after a warm-up — and then the
same figures computed with one raw SQL query each (the breakdowns with GROUPING SETS), timed the
same way. It checks that both give the same figures, one by one (a mismatch is printed and the
script exits with status 1), and prints both times, their ratio (goal: the ORM at most 1.5× the
SQL) and the time of each figure on both sides. Then, if ``disnaker.reports.summary_pdf`` exists,
it builds the year's Summary row and times rendering its PDF (goal: under 5 s).
"""

import argparse
import datetime
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disnaker.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # settings need it without a secret key; queries are not logged

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from disnaker.figures import day_range, rate  # noqa: E402
from disnaker.periods import Period  # noqa: E402
from disnaker.summaries import all_figures, compute_figures  # noqa: E402

RUNS = 3
PDF_GOAL_SECONDS = 5.0
RATIO_GOAL = 1.5


def code(expression: str) -> str:
    """A breakdown key as the ORM's ``tally`` writes it: text, with '-' for NULL or empty."""
    return f"COALESCE(NULLIF(({expression})::text, ''), '-')"


def tally_of(rows, keys: tuple[str, ...]) -> dict:
    """Rows of ``GROUPING(d0, …) , code0, …, amount`` over GROUPING SETS ((), (d0), (d1), …)."""
    n, value, by = len(keys), {"total": 0}, {key: {} for key in keys}
    for mask, *codes, amount in (row[: n + 2] for row in rows):
        if mask == (1 << n) - 1:
            value["total"] = amount or 0
            continue
        i = next(i for i in range(n) if not mask & (1 << (n - 1 - i)))
        by[keys[i]][codes[i]] = by[keys[i]].get(codes[i], 0) + (amount or 0)
    if keys:
        value["by"] = {key: dict(sorted(counts.items())) for key, counts in by.items()}
    return value


def fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- Training ----------------------------------------------------------------------------------------

# The big tallies count in two steps: one (parallel) GROUP BY every dimension, then GROUPING SETS
# over those few cells for the total and each breakdown (GROUPING SETS straight over the rows
# sorts or hashes them once per set and never runs in parallel).
PEOPLE_KEYS = ("vocation", "funding", "sex", "disability", "kecamatan")
REGISTRATION_PEOPLE = f"""
    WITH cell AS (
        SELECT v.name AS vocation, b.funding, p.sex, p.disability, k.name AS kecamatan, COUNT(*) AS n
        FROM training_registration r
        JOIN training_batch b ON b.id = r.batch_id
        JOIN training_programme pr ON pr.id = b.programme_id
        JOIN training_vocation v ON v.id = pr.vocation_id
        JOIN disnaker_person p ON p.id = r.person_id
        LEFT JOIN disnaker_kelurahan kl ON kl.id = p.kelurahan_id
        LEFT JOIN disnaker_kecamatan k ON k.id = kl.kecamatan_id
        WHERE {{where}}
        GROUP BY 1, 2, 3, 4, 5
    )
    SELECT GROUPING(vocation, funding, sex, disability, kecamatan), {code("vocation")}, {code("funding")},
           {code("sex")}, {code("disability")}, {code("kecamatan")}, SUM(n)::bigint
    FROM cell
    GROUP BY GROUPING SETS ((), (vocation), (funding), (sex), (disability), (kecamatan))
"""


def registrations(period: Period, today: datetime.date) -> dict:
    sql = REGISTRATION_PEOPLE.format(where="r.created_at >= %s AND r.created_at < %s")
    return tally_of(fetch(sql, day_range(period)), PEOPLE_KEYS)


def participants(period: Period, today: datetime.date) -> dict:
    where = "(r.status = 'confirmed' OR r.outcome <> '') AND b.start_date BETWEEN %s AND %s"
    return tally_of(fetch(REGISTRATION_PEOPLE.format(where=where), [period.start, period.end]), PEOPLE_KEYS)


def graduates(period: Period, today: datetime.date) -> dict:
    where = "r.outcome = 'graduated' AND r.completed_at >= %s AND r.completed_at < %s"
    return tally_of(fetch(REGISTRATION_PEOPLE.format(where=where), day_range(period)), PEOPLE_KEYS)


def certified(period: Period, today: datetime.date) -> dict:
    where = "r.competency_result = 'competent' AND r.competency_tested_on BETWEEN %s AND %s"
    return tally_of(fetch(REGISTRATION_PEOPLE.format(where=where), [period.start, period.end]), PEOPLE_KEYS)


BATCHES = f"""
    SELECT GROUPING(b.funding, v.name), {code("b.funding")}, {code("v.name")}, COUNT(*),
           COUNT(DISTINCT b.programme_id), COUNT(DISTINCT pr.vocation_id)
    FROM training_batch b
    JOIN training_programme pr ON pr.id = b.programme_id
    JOIN training_vocation v ON v.id = pr.vocation_id
    WHERE b.start_date BETWEEN %s AND %s AND b.status <> 'cancelled'
    GROUP BY GROUPING SETS ((), (b.funding), (v.name))
"""


def batches(period: Period, today: datetime.date) -> dict:
    rows = fetch(BATCHES, [period.start, period.end])
    total = next(row for row in rows if row[0] == 3)
    return tally_of(rows, ("funding", "vocation")) | {"programmes": total[4], "vocations": total[5]}


ABSORPTION = """
    SELECT COUNT(*), COUNT(*) FILTER (WHERE answered_at IS NOT NULL),
           COUNT(*) FILTER (WHERE answered_at IS NOT NULL AND status IN ('working', 'self_employed'))
    FROM training_tracerresponse
    WHERE requested_at >= %s AND requested_at < %s AND months_after = %s
"""


def absorption(months: int):
    def compute(period: Period, today: datetime.date) -> dict:
        requested, answered, absorbed = fetch(ABSORPTION, [*day_range(period), months])[0]
        return rate(absorbed, answered, requested=requested, response_rate=rate(answered, requested)["total"])

    return compute


# --- LPK ---------------------------------------------------------------------------------------------

SUBMITTED = "('submitted', 'accepted')"
REPORTS_OF_QUARTERS = f"""
    (r.year, r.quarter) IN (SELECT * FROM unnest(%s::int[], %s::int[])) AND r.status IN {SUBMITTED}
"""


def quarter_params(period: Period) -> list[list[int]]:
    quarters = period.quarters()
    return [[y for y, _q in quarters], [q for _y, q in quarters]]


COMPLIANCE = f"""
    WITH quarter AS (
        SELECT * FROM unnest(%(years)s::int[], %(quarters)s::int[], %(ends)s::date[], %(dues)s::date[])
            AS q (year, quarter, ends, due)
        WHERE q.due < %(today)s
    ), first_licence AS (
        SELECT institution_id, MIN(issued_on) AS issued_on FROM lpk_registry_licence GROUP BY institution_id
    ), institution AS (
        SELECT i.id, COALESCE(f.issued_on, (i.created_at AT TIME ZONE %(zone)s)::date) AS since
        FROM lpk_registry_institution i
        LEFT JOIN first_licence f ON f.institution_id = i.id
        WHERE i.status IN ('active', 'frozen')
    ), report AS (
        SELECT r.id, r.institution_id, r.year, r.quarter, r.submitted_at
        FROM lpk_registry_graduatereport r
        WHERE (r.year, r.quarter) IN (SELECT year, quarter FROM quarter) AND r.status IN {SUBMITTED}
    ), first_submission AS (
        SELECT e.report_id, MIN(e.at) AS at
        FROM lpk_registry_reportevent e
        WHERE e.action = 'submitted' AND e.report_id IN (SELECT id FROM report)
        GROUP BY e.report_id
    )
    SELECT COUNT(*), COUNT(r.id),
           COUNT(r.id) FILTER (WHERE (COALESCE(f.at, r.submitted_at) AT TIME ZONE %(zone)s)::date <= q.due)
    FROM institution i
    JOIN quarter q ON i.since <= q.ends
    LEFT JOIN report r ON r.institution_id = i.id AND r.year = q.year AND r.quarter = q.quarter
    LEFT JOIN first_submission f ON f.report_id = r.id
"""


def compliance(period: Period, today: datetime.date) -> dict:
    from lpk_registry.compliance import due_date, quarter_end

    quarters = period.quarters()
    due, submitted, on_time = fetch(
        COMPLIANCE,
        {"years": [y for y, _q in quarters], "quarters": [q for _y, q in quarters],
         "ends": [quarter_end(q) for q in quarters], "dues": [due_date(q) for q in quarters],
         "zone": settings.TIME_ZONE, "today": today},
    )[0]  # fmt: skip
    return rate(submitted, due, on_time=on_time, on_time_rate=rate(on_time, due)["total"])


LPK_GRADUATES = f"""
    WITH cell AS (
        SELECT g.sex, g.status, g.certified, COUNT(*) AS n
        FROM lpk_registry_reportgraduate g
        JOIN lpk_registry_graduatereport r ON r.id = g.report_id
        WHERE {REPORTS_OF_QUARTERS}
        GROUP BY 1, 2, 3
    )
    SELECT GROUPING(sex, status, certified), {code("sex")}, {code("status")},
           CASE WHEN certified THEN 'True' ELSE 'False' END, SUM(n)::bigint
    FROM cell
    GROUP BY GROUPING SETS ((), (sex), (status), (certified))
"""


def lpk_graduates(period: Period, today: datetime.date) -> dict:
    return tally_of(fetch(LPK_GRADUATES, quarter_params(period)), ("sex", "status", "certified"))


ENROLMENT = f"""
    SELECT COALESCE(SUM(l.enrolled_male), 0), COALESCE(SUM(l.enrolled_female), 0),
           COALESCE(SUM(l.graduates_male), 0), COALESCE(SUM(l.graduates_female), 0)
    FROM lpk_registry_reportprogrammeline l
    JOIN lpk_registry_graduatereport r ON r.id = l.report_id
    WHERE {REPORTS_OF_QUARTERS}
"""


def enrolment(period: Period, today: datetime.date) -> dict:
    enrolled_male, enrolled_female, graduates_male, graduates_female = fetch(ENROLMENT, quarter_params(period))[0]
    return {
        "total": enrolled_male + enrolled_female,
        "graduates": graduates_male + graduates_female,
        "by": {
            "enrolled": {"L": enrolled_male, "P": enrolled_female},
            "graduates": {"L": graduates_male, "P": graduates_female},
        },
    }


SUPERVISION = f"""
    WITH activity AS (SELECT id, kind FROM lpk_registry_supervisionactivity WHERE date BETWEEN %s AND %s)
    SELECT GROUPING(a.kind), {code("a.kind")}, COUNT(*),
           (SELECT COALESCE(SUM(p.headcount), 0) FROM lpk_registry_supervisionparticipation p
            WHERE p.activity_id IN (SELECT id FROM activity)),
           (SELECT COUNT(DISTINCT p.institution_id) FROM lpk_registry_supervisionparticipation p
            WHERE p.activity_id IN (SELECT id FROM activity))
    FROM activity a
    GROUP BY GROUPING SETS ((), (a.kind))
"""


def supervision(period: Period, today: datetime.date) -> dict:
    rows = fetch(SUPERVISION, [period.start, period.end])
    total = next(row for row in rows if row[0] == 1)
    return tally_of(rows, ("kind",)) | {"participants": total[3], "institutions": total[4]}


# --- Placement ---------------------------------------------------------------------------------------

CARDS = f"""
    WITH cell AS (
        SELECT p.sex, k.name AS kecamatan, COUNT(*) AS n
        FROM placement_jobseekercard c
        JOIN disnaker_person p ON p.id = c.person_id
        LEFT JOIN disnaker_kelurahan kl ON kl.id = p.kelurahan_id
        LEFT JOIN disnaker_kecamatan k ON k.id = kl.kecamatan_id
        WHERE {{where}}
        GROUP BY 1, 2
    )
    SELECT GROUPING(sex, kecamatan), {code("sex")}, {code("kecamatan")}, SUM(n)::bigint
    FROM cell
    GROUP BY GROUPING SETS ((), (sex), (kecamatan))
"""
ISSUED = "c.status IN ('active', 'expired', 'renewed')"


def cards_issued(period: Period, today: datetime.date) -> dict:
    rows = fetch(CARDS.format(where="c.issued_on BETWEEN %s AND %s"), [period.start, period.end])
    return tally_of(rows, ("sex", "kecamatan"))


def cards_active(period: Period, today: datetime.date) -> dict:
    where = f"{ISSUED} AND c.issued_on <= %s AND c.valid_until > %s"
    return tally_of(fetch(CARDS.format(where=where), [period.end, period.end]), ("sex", "kecamatan"))


def cards_expired(period: Period, today: datetime.date) -> dict:
    where = f"c.valid_until BETWEEN %s AND %s AND {ISSUED} AND c.valid_until < %s"
    return tally_of(fetch(CARDS.format(where=where), [period.start, period.end, today]), ("sex", "kecamatan"))


VACANCIES = f"""
    WITH cell AS (
        SELECT s.section, g.code, {{measure}} AS n
        FROM placement_vacancy v
        JOIN placement_company c ON c.id = v.company_id
        JOIN disnaker_kblisection s ON s.id = c.kbli_section_id
        JOIN disnaker_kbjimajorgroup g ON g.id = v.kbji_group_id
        WHERE v.reported_at >= %s AND v.reported_at < %s
        GROUP BY 1, 2
    )
    SELECT GROUPING(section, code), {code("section")}, {code("code")}, COALESCE(SUM(n), 0)::bigint
    FROM cell
    GROUP BY GROUPING SETS ((), (section), (code))
"""


def vacancies(period: Period, today: datetime.date) -> dict:
    return tally_of(fetch(VACANCIES.format(measure="COUNT(*)"), day_range(period)), ("sector", "occupation"))


def positions(period: Period, today: datetime.date) -> dict:
    rows = fetch(VACANCIES.format(measure="SUM(v.headcount)"), day_range(period))
    return tally_of(rows, ("sector", "occupation"))


PLACEMENTS = f"""
    WITH cell AS (
        SELECT pl.source, p.sex, k.name AS kecamatan, s.section, COUNT(*) AS n
        FROM placement_placement pl
        JOIN disnaker_person p ON p.id = pl.person_id
        LEFT JOIN disnaker_kelurahan kl ON kl.id = p.kelurahan_id
        LEFT JOIN disnaker_kecamatan k ON k.id = kl.kecamatan_id
        JOIN placement_company c ON c.id = pl.company_id
        JOIN disnaker_kblisection s ON s.id = c.kbli_section_id
        WHERE pl.reported_at >= %s AND pl.reported_at < %s
        GROUP BY 1, 2, 3, 4
    )
    SELECT GROUPING(source, sex, kecamatan, section), {code("source")}, {code("sex")}, {code("kecamatan")},
           {code("section")}, SUM(n)::bigint
    FROM cell
    GROUP BY GROUPING SETS ((), (source), (sex), (kecamatan), (section))
"""


def placements(period: Period, today: datetime.date) -> dict:
    return tally_of(fetch(PLACEMENTS, day_range(period)), ("source", "sex", "kecamatan", "sector"))


LOCAL_SHARE = """
    SELECT COUNT(*), COUNT(*) FILTER (WHERE is_local_resident)
    FROM placement_placement WHERE reported_at >= %s AND reported_at < %s
"""


def local_share(period: Period, today: datetime.date) -> dict:
    everyone, local = fetch(LOCAL_SHARE, day_range(period))[0]
    return rate(local, everyone)


APPRENTICESHIPS = f"""
    WITH started AS (
        SELECT id, destination FROM placement_apprenticeship
        WHERE start_date BETWEEN %s AND %s AND status <> 'cancelled'
    )
    SELECT GROUPING(a.destination), {code("a.destination")}, COUNT(*),
           (SELECT COUNT(*) FROM placement_apprenticeship_participants pp
            WHERE pp.apprenticeship_id IN (SELECT id FROM started))
    FROM started a
    GROUP BY GROUPING SETS ((), (a.destination))
"""


def apprenticeships(period: Period, today: datetime.date) -> dict:
    rows = fetch(APPRENTICESHIPS, [period.start, period.end])
    total = next(row for row in rows if row[0] == 1)
    return tally_of(rows, ("destination",)) | {"participants": total[3]}


LAYOFFS = f"""
    SELECT GROUPING(s.section), {code("s.section")}, COALESCE(SUM(l.count), 0), COUNT(*)
    FROM placement_layoffreport l
    JOIN placement_company c ON c.id = l.company_id
    JOIN disnaker_kblisection s ON s.id = c.kbli_section_id
    WHERE l.date BETWEEN %s AND %s
    GROUP BY GROUPING SETS ((), (s.section))
"""


def layoffs(period: Period, today: datetime.date) -> dict:
    rows = fetch(LAYOFFS, [period.start, period.end])
    total = next(row for row in rows if row[0] == 1)
    return tally_of(rows, ("sector",)) | {"reports": total[3]}


INDICATORS = """
    SELECT code, year, value::text, unit, source, note FROM disnaker_publishedindicator WHERE year = %s ORDER BY code
"""


def indicators(period: Period) -> list[dict]:
    names = ("code", "year", "value", "unit", "source", "note")
    return [dict(zip(names, row, strict=True)) for row in fetch(INDICATORS, [period.start.year])]


SQL_FIGURES = {
    "training.registrations": registrations,
    "training.participants": participants,
    "training.graduates": graduates,
    "training.certified": certified,
    "training.batches": batches,
    "training.absorption_3": absorption(3),
    "training.absorption_6": absorption(6),
    "training.absorption_12": absorption(12),
    "lpk.compliance": compliance,
    "lpk.graduates": lpk_graduates,
    "lpk.enrolment": enrolment,
    "lpk.supervision": supervision,
    "placement.ak1_issued": cards_issued,
    "placement.ak1_active": cards_active,
    "placement.ak1_expired": cards_expired,
    "placement.vacancies": vacancies,
    "placement.positions": positions,
    "placement.placements": placements,
    "placement.local_share": local_share,
    "placement.apprenticeships": apprenticeships,
    "placement.layoffs": layoffs,
}


def sql_figures(period: Period, *, today: datetime.date) -> dict:
    """The same shape as ``compute_figures``: every figure by its own SQL query, and the indicators."""
    return {"figures": {key: compute(period, today) for key, compute in SQL_FIGURES.items()},
            "indicators": indicators(period)}  # fmt: skip


# --- Comparing and timing ----------------------------------------------------------------------------


def mismatches(period: Period, *, today: datetime.date) -> list[str]:
    """Where the SQL figures differ from the ORM's: one line per figure (empty when they agree)."""
    orm, sql = compute_figures(period, today=today), sql_figures(period, today=today)
    keys = sorted(set(orm["figures"]) | set(sql["figures"]))
    problems = [
        f"{key}: ORM {orm['figures'].get(key)!r} != SQL {sql['figures'].get(key)!r}"
        for key in keys
        if orm["figures"].get(key) != sql["figures"].get(key)
    ]
    if orm["indicators"] != sql["indicators"]:
        problems.append(f"indicators: ORM {orm['indicators']!r} != SQL {sql['indicators']!r}")
    return problems


def median_seconds(*functions, runs: int = RUNS) -> list[float]:
    """The median of ``runs`` timed calls of each function, after one untimed warm-up call of each.

    The functions take turns, so a change in the machine's load falls on both sides alike.
    """
    for function in functions:
        function()
    times = [[] for _ in functions]
    for _ in range(runs):
        for function, seconds in zip(functions, times, strict=True):
            start = time.perf_counter()
            function()
            seconds.append(time.perf_counter() - start)
    return [statistics.median(seconds) for seconds in times]


def per_figure_seconds(period: Period, today: datetime.date) -> dict[str, list[float]]:
    """{key: [ORM seconds, SQL seconds]} of each figure."""
    orm = {figure.key: figure.compute for figure in all_figures()}
    return {
        key: median_seconds(lambda f=orm[key]: f(period, today), lambda f=sql: f(period, today))
        for key, sql in SQL_FIGURES.items()
    }


def time_pdf(period: Period) -> float | None:
    """Seconds to render the year's report PDF; None while ``disnaker.reports.summary_pdf`` does not exist."""
    if importlib.util.find_spec("disnaker.reports") is None:
        return None
    from disnaker import reports
    from disnaker.summaries import _row_for, summary_build

    if not hasattr(reports, "summary_pdf"):
        return None
    summary = summary_build(summary_id=_row_for(period, "city").pk, force=True, pdf=False)
    summary.refresh_from_db()
    return median_seconds(lambda: reports.summary_pdf(summary))[0]


def main() -> None:
    today = timezone.localdate()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--year", type=int, default=today.year - 1, help="default: the last full year")
    period = Period.year(parser.parse_args().year)
    settings.DEBUG = False  # connection.queries would otherwise keep every statement
    print(f"Summary of {period.label} on {connection.vendor} {connection.settings_dict['NAME']}, today {today}")
    problems = mismatches(period, today=today)
    for problem in problems:
        print(f"MISMATCH {problem}")
    orm, sql = median_seconds(lambda: compute_figures(period, today=today), lambda: sql_figures(period, today=today))
    print(f"{'figure':28}{'ORM s':>10}{'SQL s':>10}{'ratio':>8}")
    for key, (orm_s, sql_s) in per_figure_seconds(period, today).items():
        print(f"{key:28}{orm_s:10.3f}{sql_s:10.3f}{orm_s / sql_s if sql_s else 0:8.2f}")
    ratio = orm / sql if sql else float("inf")
    verdict = "within" if ratio <= RATIO_GOAL else "OVER"
    print(f"{'all figures':28}{orm:10.3f}{sql:10.3f}{ratio:8.2f}   ({verdict} the goal of {RATIO_GOAL}×)")
    pdf = time_pdf(period)
    if pdf is None:
        print("PDF: skipped (disnaker.reports.summary_pdf does not exist yet)")
    else:
        print(f"PDF of {period.label}: {pdf:.2f} s ({'under' if pdf < PDF_GOAL_SECONDS else 'OVER'} the 5 s goal)")
    print("figures: ORM and SQL agree" if not problems else f"figures: {len(problems)} MISMATCHES")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
