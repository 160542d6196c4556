"""Load test: wrk against the portal's gunicorn on 127.0.0.1, as it runs in production.

    .venv/bin/python bench/load.py [--duration 20] [--connections 8] [--workers 2] [--threads 4] [--only /admin/]
        [--database-url postgres://postgres@127.0.0.1:5432/disnaker_national] [--redis-url redis://127.0.0.1:6379/0]

It starts gunicorn itself on a free port (gthread workers) with the production settings (``DJANGO_DEBUG`` unset, a
secret key and allowed hosts of its own, no HTTPS redirect since it serves plain HTTP on loopback)
plus ``bench.settings`` (the portal's URLs and ``/bench/ceiling/``), on the national database and
Redis, and stops it at the end. Each page gets a short warm-up, then a bounded wrk run with a fixed
number of connections. The ceiling (a view that reads one row, through the same middleware) runs
before the first page and after each one, and every page is set against the mean of the ceiling
runs just before and just after it: the speed of a shared 2-core machine drifts within minutes.

Pages: the catalogue and the vacancy list (anonymous), the LPK operator's dashboard and the admin
index (session cookies), and the training registration form posted by logged-in job seekers. A
person registers once per batch, so the job seekers are people already registered for an open batch
and every post is answered with the form's "You are already registered for this batch": a 200 with
that message is the success, anything else an error. The post goes through the session, CSRF, the
rate limit (lifted for the run: every connection comes from 127.0.0.1), eligibility and the form.

Goals: public pages at least 50 % of the ceiling's requests per second, p95 under 300 ms for every
page, no errors. It prints the table and exits with 1 when a goal is missed. wrk comes from
Debian (``apt-get install wrk``); run as root, the script installs it when it is missing.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/disnaker_national"
PUBLIC = ("/pelatihan/", "/lowongan/")
P95_LIMIT_MS = 300
CEILING = "ceiling (one row, no template)"
PUBLIC_SHARE = 0.5
SEEKERS = 8  # job seekers posting the registration form in turn
BOUNDARY = "----disnakerbench7c1f"

LUA = r"""
local entries = %(entries)s
local expect = %(expect)s
local i = 0
bad = 0
request = function()
  i = (i %% #entries) + 1
  local e = entries[i]
  return wrk.format(e.method, e.path, e.headers, e.body)
end
response = function(status, headers, body)
  if status ~= 200 or (expect ~= "" and not string.find(body, expect, 1, true)) then bad = bad + 1 end
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "socket": %%d, "status": %%d, "unexpected": %%d, ' ..
    '"p50": %%d, "p95": %%d, "p99": %%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status, failed,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() != 0:
        sys.exit("wrk is not installed: run `apt-get install -y wrk` as root (Debian's package), then again.")
    print("Installing wrk (apt-get install -y wrk) …", flush=True)
    if subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)
    return shutil.which("wrk") or sys.exit("apt-get did not install wrk.")


def server_env(args, static_root: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_DEBUG"}
    return env | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": "disnaker-load",
        "DJANGO_SECRET_KEY": args.secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": static_root,
        # Every wrk connection comes from 127.0.0.1: the per-address limit would answer 429.
        "RATELIMIT_REGISTRATION": "1000000/h",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


# --- Preparation (a subprocess with the server's secret key, so that its sessions are valid) -------


def prepare() -> None:
    """Prints JSON: session cookies of the benchmark's users and the job seekers' form posts."""
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DJANGO_ALLOWED_HOSTS"] += ",testserver"
    sys.path.insert(0, str(ROOT))
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation
    from django.utils.html import escape

    from bench.pages import prepare_users  # sets Django up
    from disnaker.models import Person
    from training.models import Registration
    from training.selectors import open_batches

    users = prepare_users()
    cookies = {}
    for role in ("admin", "operator"):
        client = Client()
        client.force_login(users[role])
        cookies[role] = f"sessionid={client.cookies['sessionid'].value}"

    user_model = get_user_model()
    posts = []
    registrations = Registration.objects.filter(batch__in=open_batches())
    mine = registrations.filter(person__user__username__startswith="bench-load-seeker-")
    others = registrations.filter(person__user__isnull=True).order_by("pk")
    for registration in list(mine.select_related("person__user")) + list(others[: SEEKERS * 4]):
        if len(posts) == SEEKERS:
            break
        if registration.person.user_id is None:
            user, _created = user_model.objects.get_or_create(
                username=f"bench-load-seeker-{registration.person_id}@example.org",
                defaults={"email": f"bench-load-seeker-{registration.person_id}@example.org"},
            )
            if Person.objects.filter(user=user).exists():
                continue
            Person.objects.filter(pk=registration.person_id).update(user=user)
            registration.person.user = user
        client = Client(enforce_csrf_checks=True)  # so that the check below proves the token too
        client.force_login(registration.person.user)
        url = reverse("training:register", args=[registration.batch_id])
        page = client.get(url).content.decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        key = page.split('name="submission_key" value="', 1)[1].split('"', 1)[0]
        body = _multipart({"csrfmiddlewaretoken": token, "submission_key": key})
        cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={client.cookies['csrftoken'].value}"
        headers = {"Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}", "Referer": url}
        answer = client.post(url, body, content_type=headers["Content-Type"])
        with translation.override("id"):
            expect = escape(translation.gettext("You are already registered for this batch."))
        if answer.status_code == 200 and expect in answer.content.decode():
            posts.append({"method": "POST", "path": url, "headers": headers, "body": body})
    if len(posts) < SEEKERS:
        sys.exit(f"found {len(posts)} job seekers registered for an open batch, {SEEKERS} needed")
    print(json.dumps({"cookies": cookies, "posts": posts, "expect": expect}))


def _multipart(fields: dict) -> str:
    """The form as a browser sends it: the token and two small documents (a PDF is not read)."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
    for name in ("ktp_document", "diploma_document"):
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n{'x' * 2000}\n%%EOF\r\n"
        )
    return "".join(parts) + f"--{BOUNDARY}--\r\n"


# --- Running -----------------------------------------------------------------------------------


def _lua_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\r", "\\r").replace("\n", "\\n") + "'"


def _lua_entries(entries: list[dict]) -> str:
    rows = []
    for e in entries:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in e.get("headers", {}).items())
        body = _lua_string(e["body"]) if e.get("body") else "nil"
        rows.append(f"{{method = {_lua_string(e['method'])}, path = {_lua_string(e['path'])}, "
                    f"headers = {{{headers}}}, body = {body}}}")  # fmt: skip
    return "{" + ",\n".join(rows) + "}"


def run_wrk(wrk: str, base: str, entries: list[dict], *, expect: str, seconds: int, connections: int, tmp: str):
    script = Path(tmp) / "page.lua"
    script.write_text(LUA % {"entries": _lua_entries(entries), "expect": _lua_string(expect)})
    command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    line = next((row for row in output.splitlines() if row.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = result["socket"] + max(result["status"], result["unexpected"])
    return result


def free_port() -> int:
    """A TCP port nothing listens on right now, chosen by the system."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(args, env: dict) -> subprocess.Popen:
    """gunicorn on ``args.port`` (a free one, stored back into ``args``, when it is 0): gthread workers, or sync
    workers (as the Dockerfile runs them) when ``args.threads`` is 1."""
    args.port = args.port or free_port()
    command = [
        PYTHON, "-m", "gunicorn", "disnaker.wsgi", "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers),
        "-k", "gthread" if args.threads > 1 else "sync", "--threads", str(args.threads), "--timeout", "60",
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with code {server.returncode}")
    stop_server(server)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds of each measured run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up before each page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    parser.add_argument("--only", default="", help="only the pages whose name holds this (and the ceiling)")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    if not args.database_url.startswith("postgres"):
        sys.exit("bench/load.py runs against PostgreSQL: set DATABASE_URL or --database-url")
    wrk = ensure_wrk()
    args.secret_key = secrets.token_urlsafe(50)

    with tempfile.TemporaryDirectory(prefix="disnaker-load-") as tmp:
        env = server_env(args, str(Path(tmp) / "static"))
        manage = [PYTHON, "manage.py"]
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        prepared = subprocess.run(
            [PYTHON, __file__, "--prepare"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        if prepared.returncode != 0:
            sys.exit(f"preparing the users failed:\n{prepared.stderr[-3000:]}")
        data = json.loads(prepared.stdout.strip().splitlines()[-1])

        def get(path, cookie=None):
            return [{"method": "GET", "path": path, "headers": {"Cookie": cookie} if cookie else {}}]

        pages = [
            ("/pelatihan/ (anonymous)", get("/pelatihan/"), ""),
            ("/lowongan/ (anonymous)", get("/lowongan/"), ""),
            (f"registration POST ({SEEKERS} job seekers)", data["posts"], data["expect"]),
            ("/lpk/ (LPK operator)", get("/lpk/", data["cookies"]["operator"]), ""),
            ("/admin/ (staff)", get("/admin/", data["cookies"]["admin"]), ""),
        ]
        ceiling = (CEILING, get("/bench/ceiling/"), "")
        pages = [page for page in pages if args.only in page[0]]
        server = start_server(args, env)
        results = []
        try:
            base = f"http://127.0.0.1:{args.port}"
            print(f"gunicorn gthread {args.workers} workers x {args.threads} threads; wrk 2 threads, "
                  f"{args.connections} connections, {args.duration} s per page", flush=True)  # fmt: skip
            for name, entries, expect in [ceiling, *(run for page in pages for run in (page, ceiling))]:
                run_wrk(wrk, base, entries, expect=expect, seconds=args.warmup, connections=args.connections, tmp=tmp)
                result = run_wrk(
                    wrk, base, entries, expect=expect, seconds=args.duration, connections=args.connections, tmp=tmp
                )
                results.append((name, result))
                print(f"  {name}: {result['rps']:.0f} req/s", flush=True)
        finally:
            stop_server(server)
    return report(results)


def report(results) -> int:
    """The table: each page with the mean of the ceiling runs before and after it."""
    missed = []
    ceilings = [r["rps"] for name, r in results if name == CEILING]
    print(f"\n{'page':<36} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} {'ceiling':>8}")
    for index, (name, r) in enumerate(results):
        if name == CEILING:
            share = None
        else:
            share = r["rps"] / ((results[index - 1][1]["rps"] + results[index + 1][1]["rps"]) / 2)
        flags = []
        if r["p95"] / 1000 >= P95_LIMIT_MS:
            flags.append("p95")
        if r["errors"]:
            flags.append("errors")
        if name.startswith(PUBLIC) and share < PUBLIC_SHARE:
            flags.append("< 50 % of ceiling")
        missed += [f"{name}: {flag}" for flag in flags]
        shown = "" if share is None else f"{share:.0%}"
        print(
            f"{name:<36} {r['rps']:>7.0f} {r['p50'] / 1000:>7.1f} {r['p95'] / 1000:>7.1f} {r['p99'] / 1000:>7.1f} "
            f"{r['errors']:>6} {shown:>8}{'  MISSED: ' + ', '.join(flags) if flags else ''}"
        )
    print(
        f"\n{CEILING}: {min(ceilings):.0f}–{max(ceilings):.0f} req/s over {len(ceilings)} runs; "
        "each page's share is of the mean of the runs just before and after it"
    )
    print("goals met" if not missed else "goals missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
