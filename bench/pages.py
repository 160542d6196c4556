"""Server-side time of every admin changelist and of the public and portal pages, on a big database.

    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/disnaker_national \
        .venv/bin/python bench/pages.py [-n 20] [--only registration] [--csv out.csv]

Each page is requested with Django's test ``Client`` in this process: one warm-up request, then
``-n`` timed ones. Anonymous requests of the catalogue and the vacancy list are answered from the
cache after the warm-up (disnaker/pagecache.py); the same pages for a logged-in job seeker are
rendered every time. The table gives the queries of one request, the median and the 95th percentile
in milliseconds, and flags every page whose p95 is 300 ms or more (the exit status is then 1).

The users it needs are made on first run and kept (all named ``bench-…``): a superuser, a
"Pimpinan" (read-only) staff member, the operator of the LPK with the most reports, an HR user of
the company with the most vacancies and a job seeker linked to a person with registrations.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disnaker.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.getLogger("axes").setLevel(logging.WARNING)  # one line per force_login otherwise

from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

LIMIT_MS = 300
PASSWORD = "bench-pages-password"  # only for the benchmark's own accounts on a generated database

# Big tables: besides the default changelist, one filtered and one searched variant each.
# The search term is looked up in the data (a real name), so that it finds a few rows.
VARIANTS = {
    "disnaker.person": {"filter": {"sex__exact": "P"}, "search": ("disnaker.Person", "name")},
    "training.registration": {"filter": {"status__exact": "registered"}, "search": ("disnaker.Person", "name")},
    "placement.jobseekercard": {"filter": {"status": "active"}, "search": ("disnaker.Person", "name")},
    "placement.vacancy": {"filter": {"status__exact": "open"}, "search": ("placement.Vacancy", "title")},
    "placement.placement": {"filter": {"source__exact": "lpk"}, "search": ("placement.Placement", "name")},
    "lpk_registry.reportgraduate": {"filter": {"status__exact": "working"}, "search": ("disnaker.Person", "name")},
    "lpk_registry.graduatereport": {
        "filter": {"status": "all", "year": "2024"},
        "search": ("lpk_registry.Institution", "name"),
    },
    "lpk_registry.institution": {"filter": {"status__exact": "active"}, "search": ("lpk_registry.Institution", "name")},
    "placement.company": {"filter": {"status": "verified"}, "search": ("placement.Company", "name")},
}
# Change forms of rows with foreign keys to big tables: none may render a select of every person.
CHANGE_FORMS = (
    "training.Registration", "placement.Placement", "placement.JobSeekerCard", "lpk_registry.ReportGraduate",
    "disnaker.Person", "placement.Vacancy", "lpk_registry.GraduateReport", "training.Batch",
)  # fmt: skip


def _user(username: str, **fields):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username, defaults={"email": username, **fields})
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


def prepare_users() -> dict:
    """The benchmark's users, made once (idempotent)."""
    from disnaker.models import Person
    from disnaker.roles import HEAD_OF_OFFICE, roles_sync
    from lpk_registry.models import GraduateReport, Operator
    from placement.models import CompanyUser, Vacancy
    from training.models import Registration

    if not Group.objects.filter(name=HEAD_OF_OFFICE).exists():
        roles_sync()
    superuser = _user("bench-admin@example.org", is_staff=True, is_superuser=True)
    head = _user("bench-kepala@example.org", is_staff=True)
    head.groups.add(Group.objects.get(name=HEAD_OF_OFFICE))

    operator_user = _user("bench-lpk@example.org")
    if not Operator.objects.filter(user=operator_user).exists():
        top = GraduateReport.objects.values("institution").annotate(n=Count("pk")).order_by("-n", "institution")[0]
        Operator.objects.create(user=operator_user, institution_id=top["institution"])

    hr_user = _user("bench-hr@example.org")
    if not CompanyUser.objects.filter(user=hr_user).exists():
        top = Vacancy.objects.values("company").annotate(n=Count("pk")).order_by("-n", "company")[0]
        CompanyUser.objects.create(user=hr_user, company_id=top["company"])

    seeker = _user("bench-pencaker@example.org")
    if not Person.objects.filter(user=seeker).exists():
        top = (
            Registration.objects.filter(person__user__isnull=True)
            .values("person")
            .annotate(n=Count("pk"))
            .order_by("-n", "person")[0]
        )
        Person.objects.filter(pk=top["person"]).update(user=seeker)
    return {"admin": superuser, "head": head, "operator": operator_user, "hr": hr_user, "seeker": seeker}


def _search_term(label: str, field: str) -> str:
    from django.apps import apps

    model = apps.get_model(label)
    value = model.objects.order_by("pk").values_list(field, flat=True)[model.objects.count() // 3 :][:1]
    return value[0] if value else "x"


def _url(path: str, params: dict | None = None) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def admin_pages(users: dict) -> list[tuple[str, str, object]]:
    """(name, url, user) of every changelist, its variants and the change forms."""
    index = reverse("admin:index")
    pages = [("admin index", index, users["admin"]), ("admin index (Pimpinan)", index, users["head"])]
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label_lower):
        label = model._meta.label_lower
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        pages.append((label, url, users["admin"]))
        variants = VARIANTS.get(label)
        if not variants:
            continue
        pages.append((f"{label} (Pimpinan)", url, users["head"]))
        pages.append((f"{label} filtered", _url(url, variants["filter"]), users["admin"]))
        term = _search_term(*variants["search"])
        pages.append((f"{label} searched", _url(url, {"q": term}), users["admin"]))
        pages.append((f"{label} searched (Pimpinan)", _url(url, {"q": term}), users["head"]))
    from django.apps import apps

    for label in CHANGE_FORMS:
        model = apps.get_model(label)
        pk = model.objects.order_by("pk").values_list("pk", flat=True)[model.objects.count() // 2 :][:1][0]
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
        pages.append((f"{model._meta.label_lower} change form", url, users["admin"]))
    return pages


def public_pages(users: dict) -> list[tuple[str, str, object]]:
    from placement.models import Vacancy
    from placement.views import public_vacancies
    from training.models import Vocation
    from training.selectors import open_batches

    batch = open_batches().first()
    vacancy = public_vacancies().first() or Vacancy.objects.order_by("-pk").first()
    vocation = Vocation.objects.order_by("pk").first()
    kbji = vacancy.kbji_group_id if vacancy else 1
    vacancies = reverse("placement:vacancy_list")
    pages = [
        ("home", reverse("home"), None),
        ("/pelatihan/", reverse("training:catalogue"), None),
        ("/pelatihan/ filtered", _url(reverse("training:catalogue"), {"vocation": vocation.pk}), None),
        ("/lowongan/", reverse("placement:vacancy_list"), None),
        ("/lowongan/ page 2", _url(reverse("placement:vacancy_list"), {"page": 2}), None),
        ("/lowongan/ filtered", _url(reverse("placement:vacancy_list"), {"kbji_group": kbji}), None),
        ("/statistik/", reverse("statistics"), None),
        ("/lpk/ (operator)", reverse("lpk_registry:dashboard"), users["operator"]),
        ("/perusahaan/ (HR)", reverse("placement:company_dashboard"), users["hr"]),
        ("/akun/ (job seeker)", reverse("account_home"), users["seeker"]),
        ("/akun/pelatihan/ (job seeker)", reverse("training:my_registrations"), users["seeker"]),
        # A logged-in visitor does not get the cached page: the rendering itself.
        ("/pelatihan/ (job seeker, not cached)", reverse("training:catalogue"), users["seeker"]),
        ("/lowongan/ (job seeker, not cached)", reverse("placement:vacancy_list"), users["seeker"]),
        ("/lowongan/ page 2 (job seeker, not cached)", _url(vacancies, {"page": 2}), users["seeker"]),
    ]
    if batch:
        pages.insert(3, ("batch page", reverse("training:batch_detail", args=[batch.pk]), None))
    if vacancy:
        pages.append(("vacancy page", reverse("placement:vacancy_detail", args=[vacancy.pk]), None))
    return pages


def measure(client: Client, url: str, n: int) -> dict:
    response = client.get(url)  # warm-up (and the status we report)
    reset_queries()  # with DEBUG on, the log holds the last request's queries until the next one starts
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times = []
    for _i in range(n):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"status": response.status_code, "queries": len(queries), "p50": statistics.median(times), "p95": p95}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="timed requests per page (after one warm-up)")
    parser.add_argument("--only", default="", help="only pages whose name contains this text")
    parser.add_argument("--csv", default="", help="also write the table to this CSV file")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench/pages.py measures a PostgreSQL database: set DATABASE_URL (see bench/README.md).")
        return 2

    users = prepare_users()
    pages = admin_pages(users) + public_pages(users)
    if args.only:
        pages = [page for page in pages if args.only in page[0]]
    clients = {}
    rows, slow = [], 0
    print(f"{'page':<52} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for name, url, user in pages:
        key = user.pk if user else None
        if key not in clients:
            clients[key] = Client()
            if user:
                clients[key].force_login(user)
        result = measure(clients[key], url, args.n)
        flag = " SLOW" if result["p95"] >= LIMIT_MS else ""
        flag += "" if result["status"] in (200, 302) else " STATUS"
        slow += bool(flag)
        times = f"{result['p50']:>8.1f} {result['p95']:>8.1f}"
        print(f"{name:<52} {result['status']:>6} {result['queries']:>7} {times}{flag}", flush=True)
        rows.append((name, url, result))
    print(f"\n{len(rows)} pages, {args.n} requests each; {slow} with p95 >= {LIMIT_MS} ms or a bad status.")
    if args.csv:
        import csv

        with open(args.csv, "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["page", "url", "status", "queries", "p50_ms", "p95_ms"])
            for name, url, r in rows:
                writer.writerow([name, url, r["status"], r["queries"], f"{r['p50']:.1f}", f"{r['p95']:.1f}"])
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
