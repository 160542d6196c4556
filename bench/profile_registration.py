"""CPU time of the registration form, GET and POST, in process: what one request costs the server.

    .venv/bin/python bench/profile_registration.py [--seekers 200] [--seats 20] [--reserves 200]
        [--database-url postgres://postgres@127.0.0.1:5432/disnaker_national] [--redis-url redis://127.0.0.1:6379/7]
        [--profile 25]

With the production settings (as bench/crowd.py's gunicorn has them, a temporary ``MEDIA_ROOT``), on
the national data, it makes one first-come batch of ``--seats`` seats and ``--reserves`` reserve
places, logs in ``--seekers`` distinct job seekers (bench/crowd.py's accounts) and, through
``django.test.Client``, has each GET the form, then each POST it back with the crowd's KTP photo and
diploma. It prints the CPU milliseconds (``time.process_time``, so a busy machine does not blur them)
per GET, per POST that registers and per POST refused because the batch is full, and a cProfile (CPU
time) of the GETs and the POSTs of every other seeker, whose requests are left out of the figures (the
``--profile`` functions with the most time). The batch, its registrations and their files are
deleted at the end.
"""

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.crowd import (  # noqa: E402
    DEFAULT_DATABASE,
    DEFAULT_REDIS,
    FIVE,
    documents,
    eligible_seekers,
    form_fields,
    make_batches,
    programmes_for_crowd,
    remove_batches,
    setup_django,
)
from bench.load import ROOT, server_env  # noqa: E402


def summary(label: str, values: list[float]) -> str:
    if not values:
        return f"{label:<18} {0:>5}"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"{label:<18} {len(values):>5} {statistics.mean(values):>8.2f} {statistics.median(values):>8.2f} {p95:>8.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seekers", type=int, default=200)
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument("--reserves", type=int, default=200)
    parser.add_argument("--profile", type=int, default=25, help="functions shown of the POSTs' profile (0: none)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or DEFAULT_REDIS)
    args = parser.parse_args()
    args.secret_key = secrets.token_urlsafe(50)

    with tempfile.TemporaryDirectory(prefix="disnaker-profile-") as tmp:
        media_root = Path(tmp) / "media"
        env = server_env(args, str(Path(tmp) / "static")) | {
            "MEDIA_ROOT": str(media_root),
            "CELERY_BROKER_URL": args.redis_url,
            "DJANGO_ALLOWED_HOSTS": "testserver",
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        setup_django(env)
        from django.test import Client
        from django.urls import reverse

        files = documents()
        programmes = programmes_for_crowd()
        probe = make_batches(programmes, FIVE, seats=args.seats, reserves=args.reserves, label="probe")
        try:
            people = eligible_seekers(probe, args.seekers + 1)
        finally:
            remove_batches(probe, media_root)
        batch = make_batches(programmes[:1], 1, seats=args.seats, reserves=args.reserves, label="profile")[0]
        path = reverse("training:register", args=[batch.pk])
        get_ms, registered_ms, refused_ms = [], [], []
        get_profile = cProfile.Profile(time.process_time)  # CPU time: waits for the database do not count
        post_profile = cProfile.Profile(time.process_time)
        try:
            warm, people = people[0], people[1:]
            clients = []
            for person in [warm, *people]:
                client = Client(secure=True)  # the production settings' cookies are Secure
                client.force_login(person.user)
                if clients:
                    client.handler = clients[0].handler  # one handler, its middleware loaded once, as in a worker
                clients.append(client)
            posts = []
            for index, client in enumerate(clients):  # every seeker loads the form, then every seeker posts it
                profiled = args.profile and index % 2 == 1  # the profiler's own cost stays out of the figures
                start = time.process_time()
                if profiled:
                    get_profile.enable()
                page = client.get(path)
                get_profile.disable()
                elapsed = (time.process_time() - start) * 1000
                if page.status_code != 200:
                    sys.exit(f"GET {path}: {page.status_code}")
                if index and not profiled:  # the first request of the process warms its caches
                    get_ms.append(elapsed)
                posts.append((client, profiled, dict(form_fields(page.content.decode()))))
            for index, (client, profiled, data) in enumerate(posts):
                data |= {name: _upload(name, *spec) for name, spec in files.items()}
                start = time.process_time()
                if profiled:
                    post_profile.enable()
                answer = client.post(path, data)
                post_profile.disable()
                posted = (time.process_time() - start) * 1000
                if answer.status_code not in (200, 302):
                    sys.exit(f"POST {path}: {answer.status_code}")
                if index == 0 or profiled:
                    continue
                (registered_ms if answer.status_code == 302 else refused_ms).append(posted)
        finally:
            remove_batches([batch], media_root)
    print(f"CPU ms per request ({len(people)} job seekers, one batch of {args.seats} seats + {args.reserves} reserves)")
    print(f"{'':<18} {'count':>5} {'mean':>8} {'median':>8} {'p95':>8}")
    print(summary("GET form", get_ms))
    print(summary("POST registered", registered_ms))
    print(summary("POST refused", refused_ms))
    for label, profile in (("GET", get_profile), ("POST", post_profile)) if args.profile else ():
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)
        print(f"\n===== {label} (CPU seconds) =====\n{out.getvalue()}")
    return 0


def _upload(name, filename, content_type, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(filename, content, content_type=content_type)


if __name__ == "__main__":
    sys.exit(main())
