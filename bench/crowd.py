"""The registration-opening crowd: 1,000 job seekers load and post the real registration form at once.

    .venv/bin/python bench/crowd.py [--scenario one|batches|programmes] [--seekers 1000] [--connections 32]
        [--seats 20] [--reserves 200] [--workers 3] [--threads 1] [--port 0]
        [--database-url postgres://postgres@127.0.0.1:5432/disnaker_national] [--redis-url redis://127.0.0.1:6379/7]

Against gunicorn started as bench/load.py starts it (the production settings, a free port), by
default as the Dockerfile runs it: three sync workers, each answering one request at a time, so that
each request goes to a worker that is free (``--threads`` above 1: gthread workers, each keeping the
connections it accepted), on the national database. For each scenario it creates first-come batches of
``--seats`` seats and ``--reserves`` reserve places on the national data's programmes, and as many
distinct job seekers (accounts of real people of the database, made on the first run and kept,
named ``bench-crowd-…@example.org``, logged in up front) as ``--seekers``:

- ``one``: every seeker registers for one batch;
- ``batches``: five batches of one programme, the seekers spread over them in turn;
- ``programmes``: one batch in each of five programmes, likewise.

The crowd comes in two waves over ``--connections`` keep-alive connections (a thread each,
``http.client``): every seeker GETs the registration form (its session cookie made beforehand) and
keeps the CSRF cookie and every hidden field of the form; then, as when registration opens at an
announced time, every seeker POSTs the form back once with a KTP photo (a JPEG, re-encoded by the
portal) and a diploma (a PDF, parsed by the portal), ticking "join the reserve list" as a seeker who
wants any place would. A POST answered 302 to the registration is a registration; a 200 that says the
batch and its reserve list are full is a clear refusal; anything else is an error.

While the crowd runs, PostgreSQL is sampled every 50 ms: backends waiting for a lock, those waiting
for a batch row, and among them those held up across batches (waiting for a programme row, or for a
batch row while their blockers hold or queue for other batch rows only). ``pgrowlocks`` (a contrib extension,
created if missing) tells which rows the blockers hold. The one-row ceiling (``/bench/ceiling/``,
with wrk) runs before the first scenario and after each one.

Afterwards the database is checked for every batch: exactly ``--seats`` accepted and
``seats_taken`` equal to it, reserve ranks 1..N without gaps, one registration per registered
seeker and none for the refused ones, and the uploaded files on disk (a temporary ``MEDIA_ROOT``)
exactly the files the registrations name. Then the batches, their registrations and files are
deleted again.

Goals (a 2-core machine): no errors; at least 100 POSTs/s or 10 % of the ceiling beside it; p95
under 500 ms for GET and POST in ``one`` and ``batches``; no lock wait across batches in ``batches``
and ``programmes``; every database check holds. The exit status is 1 when a goal is missed.
"""

import argparse
import collections
import datetime
import html
import http.client
import io
import os
import queue
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import ROOT, ensure_wrk, run_wrk, server_env, start_server, stop_server  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/disnaker_national"
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"
SCENARIOS = {"one": "one batch", "batches": "five batches of one programme", "programmes": "five programmes"}
FIVE = 5
P95_LIMIT_MS = 500
POSTS_PER_SECOND = 100
CEILING_SHARE = 0.10
WARMUP_SEEKERS = 64
SAMPLE_SECONDS = 0.05
BOUNDARY = "----disnakercrowd5b2e"

# --- Documents -------------------------------------------------------------------------------------


def documents() -> dict[str, tuple[str, str, bytes]]:
    """A small photo of a KTP (JPEG) and a one-page diploma (PDF), both valid, as a phone would send them."""
    from PIL import Image, ImageDraw
    from pypdf import PdfWriter

    photo = Image.new("RGB", (640, 400), "lightblue")
    ImageDraw.Draw(photo).rectangle((40, 60, 220, 300), fill="grey")
    jpeg = io.BytesIO()
    photo.save(jpeg, "JPEG", quality=80)
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    pdf = io.BytesIO()
    writer.write(pdf)
    return {
        "ktp_document": ("ktp.jpg", "image/jpeg", jpeg.getvalue()),
        "diploma_document": ("ijazah.pdf", "application/pdf", pdf.getvalue()),
    }


# --- The form as a browser fills it ----------------------------------------------------------------

FORM = re.compile(r"<form\b[^>]*multipart/form-data[^>]*>(.*?)</form>", re.S | re.I)
INPUT = re.compile(r"<input\b[^>]*>", re.I)
ATTRIBUTE = re.compile(r'([a-zA-Z_:-]+)="([^"]*)"')


def form_fields(page: str) -> list[tuple[str, str]]:
    """The fields a browser posts back from the registration form on ``page``, without the files.

    Every hidden input of the form (the CSRF token and whatever else the form carries), and the
    reserve-list box ticked (a seeker in the crowd takes a reserve place when the seats are gone).
    """
    form = FORM.search(page)
    if form is None:
        raise ValueError("no registration form on the page")
    fields = []
    for tag in INPUT.findall(form.group(1)):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("type", "").lower() == "hidden" and "name" in attributes:
            fields.append((html.unescape(attributes["name"]), html.unescape(attributes.get("value", ""))))
    return [*fields, ("join_reserve", "on")]


def multipart(fields: list[tuple[str, str]], files: dict[str, tuple[str, str, bytes]]) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
    for name, (filename, content_type, data) in files.items():
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def cookies_set(response) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


# --- The crowd -------------------------------------------------------------------------------------


class Crowd:
    """The seekers in two waves over ``connections`` keep-alive connections (a thread each): every
    seeker loads the form, then every seeker posts it, as when a batch opens at an announced time."""

    def __init__(self, port, seekers, files, refusal, connections):
        self.port, self.files, self.refusal, self.connections = port, files, refusal, connections
        self.seekers = seekers
        self.get_ms, self.post_ms, self.errors, self.outcomes = [], [], [], {}
        self.lock = threading.Lock()

    def run(self) -> tuple[float, float]:
        """Seconds of the loading wave and of the posting wave."""
        loaded = self._wave(self._load, self.seekers)
        return loaded, self._wave(self._post, [seeker for seeker in self.seekers if "body" in seeker])

    def _wave(self, step, seekers) -> float:
        todo = queue.SimpleQueue()
        for seeker in seekers:
            todo.put(seeker)
        threads = [threading.Thread(target=self._work, args=(step, todo)) for _ in range(self.connections)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started

    def _work(self, step, todo):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while True:
            try:
                seeker = todo.get_nowait()
            except queue.Empty:
                break
            try:
                step(connection, seeker)
            except (OSError, http.client.HTTPException, ValueError) as error:
                with self.lock:
                    self.errors.append(f"{seeker['path']}: {type(error).__name__}: {error}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.close()

    def _request(self, connection, method, path, headers, body=None):
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        return response, content, (time.perf_counter() - started) * 1000

    def _load(self, connection, seeker):
        """GET the form with the session cookie; keep the cookies and the body to post."""
        cookie = {"sessionid": seeker["session"]}
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookie.items())}
        response, content, elapsed = self._request(connection, "GET", seeker["path"], headers)
        with self.lock:
            self.get_ms.append(elapsed)
        if response.status != 200:
            raise ValueError(f"GET answered {response.status}")
        cookie |= cookies_set(response)
        seeker["body"] = multipart(form_fields(content.decode()), self.files)
        seeker["headers"] = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookie.items()),
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Referer": f"http://127.0.0.1:{self.port}{seeker['path']}",
        }

    def _post(self, connection, seeker):
        """POST the form once: a 302 to the registration, or a 200 that says the batch is full."""
        response, content, elapsed = self._request(
            connection, "POST", seeker["path"], seeker["headers"], seeker["body"]
        )
        with self.lock:
            self.post_ms.append(elapsed)
        if response.status == 302 and "/akun/" in (response.getheader("Location") or ""):
            outcome = "registered"
        elif response.status == 200 and self.refusal in content.decode():
            outcome = "refused"
        else:
            raise ValueError(f"POST answered {response.status} without the expected page")
        with self.lock:
            self.outcomes[seeker["person"]] = outcome


# --- Lock waits ------------------------------------------------------------------------------------

# Every backend waiting for a row lock holds or awaits the tuple lock of that row (PostgreSQL takes it
# before waiting for the holder's transaction): its relation and ctid say which row. The query text
# cannot say it: pg_stat_activity cuts it at 1 kB, before the WHERE of the batch's long SELECT.
WAITERS = """
SELECT a.pid, pg_blocking_pids(a.pid), l.relation::regclass::text, l.page, l.tuple, a.wait_event, left(a.query, 70)
FROM pg_stat_activity a LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'tuple'
WHERE a.datname = current_database() AND a.wait_event_type = 'Lock' AND a.pid <> pg_backend_pid()
"""
BATCH_ROW_LOCKS = """
SELECT b.id, b.ctid::text, l.pids FROM pgrowlocks('training_batch') l JOIN training_batch b ON b.ctid = l.locked_row
"""
TUPLE_OF = """SELECT id FROM training_batch WHERE ctid = %s::tid"""


class LockSampler(threading.Thread):
    """Samples lock waits every 50 ms: all waiters, waiters on a batch row, those held up by another batch."""

    def __init__(self, database_url):
        super().__init__(daemon=True)
        import psycopg2

        self.connection = psycopg2.connect(database_url)
        self.connection.autocommit = True
        with self.connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pgrowlocks")
        self.stop = threading.Event()
        self.samples, self.waiters, self.batch_waiters, self.across, self.programme_locked = 0, [], [], 0, 0
        self.other = collections.Counter()  # waits not on a batch row: the lock and the start of the query

    def run(self):
        with self.connection.cursor() as cursor:
            while not self.stop.wait(SAMPLE_SECONDS):
                cursor.execute(WAITERS)
                waiting = cursor.fetchall()
                cursor.execute("SELECT count(*) FROM pgrowlocks('training_programme')")
                self.programme_locked += cursor.fetchone()[0] > 0
                on_batch, line, across = [], {}, 0
                for pid, blockers, relation, page, tuple_, event, query in waiting:
                    if relation == "training_batch":
                        cursor.execute(TUPLE_OF, [f"({page},{tuple_})"])
                        row = cursor.fetchone()
                        line[pid] = row[0] if row else None
                        on_batch.append((line[pid], blockers))
                    elif relation == "training_programme":
                        across += 1  # held up by a lock on the programme: another batch's decision
                    else:
                        self.other[f"{relation or event}: {' '.join(query.split())}"] += 1
                if on_batch:
                    cursor.execute(BATCH_ROW_LOCKS)
                    held = {}
                    for batch_id, _ctid, pids in cursor.fetchall():
                        for pid in pids:
                            held.setdefault(pid, set()).add(batch_id)
                    # Held up by another batch: its blockers hold or queue for other batch rows only. (The
                    # reads are not one snapshot, and a tuple lock may name a row version that an update
                    # has replaced since: what cannot be told counts as neither.)
                    for batch_id, blockers in on_batch:
                        rows = set()
                        for pid in blockers:
                            rows |= held.get(pid, set()) | ({line[pid]} if pid in line else set())
                        rows.discard(None)
                        across += batch_id is not None and bool(rows) and batch_id not in rows
                self.samples += 1
                self.waiters.append(len(waiting))
                self.batch_waiters.append(len(on_batch))
                self.across += across
        self.connection.close()

    def result(self) -> dict:
        self.stop.set()
        self.join()
        return {
            "samples": self.samples,
            "mean": statistics.fmean(self.batch_waiters) if self.batch_waiters else 0.0,
            "max": max(self.batch_waiters, default=0),
            "all_mean": statistics.fmean(self.waiters) if self.waiters else 0.0,
            "across": self.across,
            "programme_locked": self.programme_locked,
            "other": self.other.most_common(3),
        }


# --- The database side (Django, in this process, with the server's settings and secret key) --------


def setup_django(env: dict) -> None:
    os.environ.pop("DJANGO_DEBUG", None)  # the server's production settings, secret key and cache
    os.environ.update(env)
    import django

    django.setup()


def programmes_for_crowd():
    """Five active programmes of the national data, the least demanding first."""
    from django.db.models import F

    from training.models import Programme

    return list(
        Programme.objects.filter(is_active=True).order_by(
            F("min_education__rank").asc(nulls_first=True), "min_age", F("max_age").desc(nulls_first=True), "pk"
        )[:FIVE]
    )


def make_batches(programmes, count, *, seats, reserves, label) -> list:
    from training.models import Batch, BatchStatus, Funding, SelectionMethod

    today = datetime.date.today()
    start = today + datetime.timedelta(days=45)
    run = uuid.uuid4().hex[:8]
    return [
        Batch.objects.create(
            programme=programmes[i % len(programmes)],
            code=f"CROWD-{label}-{run}-{i + 1}",
            phase=i + 1,
            start_date=start,
            end_date=start + datetime.timedelta(days=30),
            registration_opens=today - datetime.timedelta(days=1),
            registration_closes=today + datetime.timedelta(days=14),
            venue="BLK (crowd benchmark)",
            quota=seats,
            reserve_seats=reserves,
            funding=Funding.APBD,
            selection_method=SelectionMethod.FIRST_COME,
            status=BatchStatus.PUBLISHED,
        )  # fmt: skip
        for i in range(count)
    ]


def eligible_seekers(batches, count: int, exclude=()) -> list:
    """``count`` people of the database who may register for every batch, with accounts (made once)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef, Q

    from disnaker.models import Person
    from training.eligibility import eligibility_errors
    from training.models import ACTIVE_STATUSES, Registration

    today = datetime.date.today()
    busy = Registration.objects.filter(person=OuterRef("pk"), status__in=ACTIVE_STATUSES, batch__end_date__gte=today)
    candidates = (
        Person.objects.filter(Q(user__isnull=True) | Q(user__username__startswith="bench-crowd-"))
        .filter(kelurahan__isnull=False, education__isnull=False)
        .filter(
            birth_date__range=(today - datetime.timedelta(days=365 * 30), today - datetime.timedelta(days=365 * 21))
        )
        .exclude(pk__in=exclude)
        .exclude(Exists(busy))
        .select_related("education", "kelurahan", "user")
        .order_by("pk")
    )
    people = []
    for person in candidates.iterator(chunk_size=500):
        if all(not eligibility_errors(person=person, batch=batch, today=today) for batch in batches):
            people.append(person)
            if len(people) == count:
                break
    if len(people) < count:
        sys.exit(f"only {len(people)} people may register for the crowd's batches; {count} needed")
    users = get_user_model().objects
    for person in people:
        if person.user_id is None:
            name = f"bench-crowd-{person.pk}@example.org"
            person.user = users.filter(username=name).first() or users.create_user(username=name, email=name)
            Person.objects.filter(pk=person.pk).update(user=person.user)
    return people


def sessions(people) -> dict[int, str]:
    """A logged-in session per person's account, as after signing in."""
    from django.test import Client

    result = {}
    for person in people:
        client = Client()
        client.force_login(person.user)
        result[person.pk] = client.cookies["sessionid"].value
    return result


def check_database(batches, outcomes, assigned, media_root: Path, *, seats: int) -> list[str]:
    """What must hold after the crowd, as a list of failures (empty when all hold)."""
    from training.models import Batch, Registration, RegistrationStatus

    failures = []
    for batch in batches:
        batch = Batch.objects.get(pk=batch.pk)
        rows = Registration.objects.filter(batch=batch)
        accepted = rows.filter(status=RegistrationStatus.ACCEPTED).count()
        ranks = list(
            rows.filter(status=RegistrationStatus.RESERVE)
            .order_by("reserve_rank")
            .values_list("reserve_rank", flat=True)
        )
        others = rows.exclude(status__in=(RegistrationStatus.ACCEPTED, RegistrationStatus.RESERVE)).count()
        mine = {person for person, batch_id in assigned.items() if batch_id == batch.pk}
        registered = {person for person in mine if outcomes.get(person) == "registered"}
        refused = {person for person in mine if outcomes.get(person) == "refused"}
        people = set(rows.values_list("person_id", flat=True))
        expected_reserves = min(batch.reserve_seats, max(len(mine) - seats, 0))
        if accepted != seats:
            failures.append(f"{batch.code}: {accepted} accepted, not {seats}")
        if batch.seats_taken != seats:
            failures.append(f"{batch.code}: seats_taken {batch.seats_taken}, not {seats}")
        if ranks != list(range(1, len(ranks) + 1)) or len(ranks) != expected_reserves:
            failures.append(
                f"{batch.code}: reserve ranks {ranks[:3]}…{ranks[-3:]} ({len(ranks)}), not 1..{expected_reserves}"
            )
        if others:
            failures.append(f"{batch.code}: {others} registrations neither accepted nor reserve")
        if people != registered or rows.count() != len(registered):
            failures.append(f"{batch.code}: {rows.count()} registrations for {len(registered)} registered seekers")
        if len(refused) != len(mine) - seats - expected_reserves:
            failures.append(f"{batch.code}: {len(refused)} refused, not {len(mine) - seats - expected_reserves}")
    names = Registration.objects.filter(batch__in=batches).values_list("ktp_document", "diploma_document")
    referenced = {name for row in names for name in row if name}
    private = media_root / "private"
    on_disk = {str(p.relative_to(private)) for p in private.rglob("*") if p.is_file()} if private.exists() else set()
    if on_disk != referenced:
        failures.append(
            f"files: {len(on_disk)} on disk, {len(referenced)} referenced, "
            f"{len(on_disk - referenced)} stray, {len(referenced - on_disk)} missing"
        )
    return failures


def remove_batches(batches, media_root: Path) -> None:
    from training.models import Batch, Registration

    ids = [batch.pk for batch in batches]
    Registration.history.filter(batch_id__in=ids).delete()
    Registration.objects.filter(batch_id__in=ids).delete()
    Batch.history.filter(id__in=ids).delete()
    Batch.objects.filter(pk__in=ids).delete()
    shutil.rmtree(media_root / "private", ignore_errors=True)


def refusal_message() -> str:
    from django.utils import translation

    with translation.override("id"):
        return html.escape(
            translation.gettext("This batch is full and its reserve list too. Please choose another batch."), quote=True
        )


def register_paths(batches) -> dict[int, str]:
    from django.urls import reverse

    return {batch.pk: reverse("training:register", args=[batch.pk]) for batch in batches}


# --- Running ---------------------------------------------------------------------------------------


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def scenario_batches(name, programmes, args, label):
    if name == "one":
        return make_batches(programmes[:1], 1, seats=args.seats, reserves=args.reserves, label=label)
    if name == "batches":
        return make_batches(programmes[:1], FIVE, seats=args.seats, reserves=args.reserves, label=label)
    return make_batches(programmes, FIVE, seats=args.seats, reserves=args.reserves, label=label)


def run_crowd(args, people, session_of, batches, files, refusal, media_root):
    paths = register_paths(batches)
    assigned = {person.pk: batches[i % len(batches)].pk for i, person in enumerate(people)}
    seekers = [
        {"person": person.pk, "session": session_of[person.pk], "path": paths[assigned[person.pk]]} for person in people
    ]
    crowd = Crowd(args.port, seekers, files, refusal, args.connections)
    sampler = LockSampler(args.database_url)
    sampler.start()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    seconds = crowd.run()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    locks = sampler.result()
    client_cpu = (cpu_after.ru_utime - cpu.ru_utime) + (cpu_after.ru_stime - cpu.ru_stime)
    return crowd, seconds, locks, client_cpu / sum(seconds), assigned


def ceiling(wrk, args, tmp) -> float:
    entries = [{"method": "GET", "path": "/bench/ceiling/", "headers": {}}]
    base = f"http://127.0.0.1:{args.port}"
    run_wrk(wrk, base, entries, expect="", seconds=3, connections=args.connections, tmp=tmp)
    result = run_wrk(wrk, base, entries, expect="", seconds=args.ceiling_seconds, connections=args.connections, tmp=tmp)
    if result["errors"]:
        print(f"  ceiling: {result['errors']} errors", flush=True)
    return result["rps"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--seekers", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument("--reserves", type=int, default=200)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (the Dockerfile's 3)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker; 1: sync workers")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument("--ceiling-seconds", type=int, default=10)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or DEFAULT_REDIS)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("bench/crowd.py runs against PostgreSQL: set DATABASE_URL or --database-url")
    wrk = ensure_wrk()
    args.secret_key = secrets.token_urlsafe(50)
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]

    with tempfile.TemporaryDirectory(prefix="disnaker-crowd-") as tmp:
        media_root = Path(tmp) / "media"
        env = server_env(args, str(Path(tmp) / "static")) | {
            "MEDIA_ROOT": str(media_root),
            "CELERY_BROKER_URL": args.redis_url,
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        setup_django(env)
        files, refusal = documents(), refusal_message()
        programmes = programmes_for_crowd()
        print(f"programmes: {', '.join(p.name for p in programmes)}", flush=True)
        probe = make_batches(programmes, FIVE, seats=args.seats, reserves=args.reserves, label="probe")
        warm_batch = make_batches(programmes[:1], 1, seats=args.seats, reserves=args.reserves, label="warm")
        try:
            people = eligible_seekers(probe, args.seekers)
            warm_people = eligible_seekers(probe, WARMUP_SEEKERS, exclude=[p.pk for p in people])
        finally:
            remove_batches(probe, media_root)
        session_of = sessions(people + warm_people)
        print(f"{len(people)} job seekers logged in (+{len(warm_people)} for the warm-up)", flush=True)

        server = start_server(args, env)
        results, ceilings, missed = [], [], []
        try:
            run_crowd(args, warm_people, session_of, warm_batch, files, refusal, media_root)
            remove_batches(warm_batch, media_root)
            ceilings.append(ceiling(wrk, args, tmp))
            print(f"ceiling: {ceilings[-1]:.0f} req/s", flush=True)
            for name in names:
                batches = scenario_batches(name, programmes, args, name)
                try:
                    crowd, seconds, locks, client_cpu, assigned = run_crowd(
                        args, people, session_of, batches, files, refusal, media_root
                    )
                    failures = check_database(batches, crowd.outcomes, assigned, media_root, seats=args.seats)
                finally:
                    remove_batches(batches, media_root)
                ceilings.append(ceiling(wrk, args, tmp))
                results.append((name, crowd, seconds, locks, client_cpu, failures, (ceilings[-2] + ceilings[-1]) / 2))
                print(
                    f"{SCENARIOS[name]}: {len(crowd.post_ms) / seconds[1]:.0f} POSTs/s; "
                    f"ceiling {ceilings[-1]:.0f} req/s",
                    flush=True,
                )
        finally:
            stop_server(server)
            remove_batches(warm_batch, media_root)
            flush_queue(args.redis_url)
    for name, crowd, seconds, locks, client_cpu, failures, beside in results:
        missed += report(name, crowd, seconds, locks, client_cpu, failures, beside, args)
    print(
        f"\nceiling (one row, no template, wrk): {', '.join(f'{c:.0f}' for c in ceilings)} req/s "
        f"(before the first scenario and after each)"
    )
    print("goals met" if not missed else "goals missed: " + "; ".join(missed))
    return 1 if missed else 0


def flush_queue(redis_url: str) -> None:
    """Drops the notification tasks the crowd queued (no worker runs for the benchmark)."""
    import redis

    redis.Redis.from_url(redis_url).delete("celery")


def report(name, crowd, seconds, locks, client_cpu, failures, beside, args) -> list[str]:
    """Prints one scenario; returns its missed goals."""
    posts = len(crowd.post_ms) / seconds[1]
    outcomes = list(crowd.outcomes.values())
    print(f"\n== {SCENARIOS[name]}: {args.seekers} job seekers, {args.connections} connections ==")
    print(f"{'':<6} {'count':>6} {'seconds':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for label, values, wave in (("GET", crowd.get_ms, seconds[0]), ("POST", crowd.post_ms, seconds[1])):
        print(
            f"{label:<6} {len(values):>6} {wave:>7.1f} {len(values) / wave:>7.1f} {percentile(values, 0.5):>7.0f} "
            f"{percentile(values, 0.95):>7.0f} {percentile(values, 0.99):>7.0f}"
        )
    print(
        f"errors {len(crowd.errors)}; registered {outcomes.count('registered')}, "
        f"refused with the message {outcomes.count('refused')}; client CPU {client_cpu:.0%} of one core"
    )
    print(f"POSTs/s {posts:.1f} = {posts / beside:.1%} of the ceiling beside it ({beside:.0f} req/s)")
    print(
        f"lock waits ({locks['samples']} samples every {SAMPLE_SECONDS * 1000:.0f} ms): on a batch row "
        f"{locks['mean']:.2f} waiting on average, {locks['max']} at most; any lock {locks['all_mean']:.2f} on average; "
        f"waits across batches {locks['across']}; samples with a programme row locked {locks['programme_locked']}"
    )
    for wait, count in locks["other"]:
        print(f"  other lock wait, {count} samples: {wait}")
    for error in crowd.errors[:5]:
        print(f"  error: {error}")
    print("database checks: " + ("all hold" if not failures else "; ".join(failures)))
    missed = []
    if crowd.errors:
        missed.append(f"{name}: {len(crowd.errors)} errors")
    if posts < POSTS_PER_SECOND and posts / beside < CEILING_SHARE:
        missed.append(f"{name}: {posts:.0f} POSTs/s, {posts / beside:.1%} of the ceiling")
    if name in ("one", "batches"):
        for label, values in (("GET", crowd.get_ms), ("POST", crowd.post_ms)):
            if percentile(values, 0.95) >= P95_LIMIT_MS:
                missed.append(f"{name}: {label} p95 {percentile(values, 0.95):.0f} ms")
    if name in ("batches", "programmes") and locks["across"]:
        missed.append(f"{name}: {locks['across']} lock waits across batches")
    missed += [f"{name}: {failure}" for failure in failures]
    return missed


if __name__ == "__main__":
    sys.exit(main())
