"""Fixtures every test may need: services (required in CI), people and staff of each role."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from disnaker.roles import ROLES, roles_sync

from . import clock
from .factories import PersonFactory, UserFactory

PROJECT_DIR = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_configure(config):
    """Every test reads the suite's one clock (tests/clock.py), never the wall clock."""
    config._suite_clock = clock.start()


def pytest_unconfigure(config):
    traveller = getattr(config, "_suite_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    return f"suite clock starts at {clock.suite_start().isoformat()} (TEST_CLOCK)"


def require(available: bool, what: str) -> None:
    """Skips a test whose service is missing, except in CI where that is a failure."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is not available, and REQUIRE_SERVICES=1 makes that a failure")
    pytest.skip(f"{what} is not available")


@pytest.fixture
def postgres(db):
    from django.db import connection

    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    return connection


@pytest.fixture(scope="session")
def redis_url():
    url = settings.REDIS_URL
    available = False
    if url:
        import redis

        try:
            available = redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError:
            available = False
    require(available, "Redis (set REDIS_URL)")
    return url


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    require(bool(path), "Chromium (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def pdftotext():
    path = shutil.which("pdftotext")
    require(bool(path), "pdftotext (apt-get install poppler-utils)")

    def extract(pdf_bytes: bytes) -> str:
        return subprocess.run(
            [path, "-layout", "-", "-"], input=pdf_bytes, capture_output=True, check=True
        ).stdout.decode()

    return extract


def _database_url(settings_dict: dict) -> str:
    if settings_dict["ENGINE"].endswith("postgresql"):
        user = settings_dict.get("USER") or "postgres"
        password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
    return f"sqlite:///{settings_dict['NAME']}"


WORKER_COMMAND = [
    sys.executable, "-m", "tests.clock", "-m", "celery", "-A", "disnaker", "worker", "--pool=solo", "--loglevel=INFO",
    "--without-heartbeat", "--without-gossip", "--without-mingle",
]  # fmt: skip


def start_worker(
    *, redis_url: str, log_path: Path, name: str, extra_env: dict | None = None, extra_args: tuple = ()
) -> subprocess.Popen:
    """Starts a Celery worker process on the test database; returns once it answers a ping."""
    from django.db import connection

    from disnaker.celery import app

    env = os.environ | {
        "DJANGO_DEBUG": "1",
        "REDIS_URL": redis_url,
        "DATABASE_URL": _database_url(connection.settings_dict),
        **clock.environment(),
        **(extra_env or {}),
    }
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [*WORKER_COMMAND, "-n", f"{name}@%h", *extra_args],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the Celery worker exited with code {proc.returncode}; see {log_path}")
        if app.control.ping(destination=[f"{name}@{os.uname().nodename}"], timeout=0.5):
            return proc
    proc.kill()
    pytest.fail(f"the Celery worker did not answer a ping within 60 s; see {log_path}")


def stop_worker(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def celery_worker(redis_url, django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker process on Redis, using the test database.

    Tests that hand rows to it must commit them: mark them ``django_db(transaction=True)``. It lives
    for one module only: a worker left running would take the tasks later tests queue and read the
    test database while their teardown empties it.
    """
    from disnaker.celery import app

    app.control.purge()
    proc = start_worker(
        redis_url=redis_url, log_path=tmp_path_factory.mktemp("celery") / "worker.log", name=f"test-{os.getpid()}"
    )
    yield proc
    stop_worker(proc)


def free_port() -> int:
    """A TCP port nothing listens on (the system's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of the test's own on a spare port, to stop and start again: the shared one stays up."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.proc = None

    def start(self) -> None:
        import redis

        command = [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.directory)]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        self.stop()
        pytest.fail(f"redis-server did not answer on port {self.port} within 20 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self.proc = None


@pytest.fixture
def own_redis(tmp_path):
    """A started ``OwnRedis``; stopped when the test ends."""
    require(bool(shutil.which("redis-server")), "redis-server (apt-get install redis-server)")
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def eager(monkeypatch):
    """Tasks queued by services run in this process (with a broker configured they would go to Redis)."""
    from disnaker.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


@pytest.fixture(autouse=True)
def _rate_limits_only_where_tested(request, settings):
    """Many tests sign up or register from the same address; with Redis the counts would outlive a
    test. Rate limits apply only in tests marked ``ratelimit``, which clear their counts."""
    if request.node.get_closest_marker("ratelimit") is None:
        settings.RATELIMIT_ENABLE = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """Counts and tables kept in the cache (Redis in CI) outlive a test's rolled-back rows: every
    test starts with an empty cache. On Redis only the portal's keys go (Celery shares the database)."""
    from django.core.cache import cache

    if hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):  # django.core.cache RedisCache
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


def authenticator(user):
    """The staff member's confirmed TOTP device (made if missing), as after their enrolment."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from disnaker import second_factor

    return second_factor.confirmed_device(user) or TOTPDevice.objects.create(
        user=user, name=second_factor.DEVICE_NAME, confirmed=True
    )


def totp_code(user) -> str:
    """The code the staff member's authenticator app shows now."""
    from django_otp.oath import totp

    device = authenticator(user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def second_factor_passed(client, user) -> None:
    """The staff member logged in by ``client`` has entered their TOTP code in this session."""
    from django_otp import DEVICE_ID_SESSION_KEY

    if user.is_staff:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()


@pytest.fixture(autouse=True)
def _staff_logins_pass_the_second_factor(request, monkeypatch):
    """Staff logged in by the test client (``force_login``, ``login``) have passed their TOTP step, as
    after a real login, so tests that are not about it need not enter codes. Tests marked
    ``second_factor`` see the login as the portal does: password only."""
    if request.node.get_closest_marker("second_factor") is not None:
        return
    from django.test import Client

    original = Client._login

    def login_verified(self, user, backend=None):
        original(self, user, backend)
        second_factor_passed(self, user)

    monkeypatch.setattr(Client, "_login", login_verified)


@pytest.fixture(autouse=True)
def _default_language():
    """Requests activate a language in the test thread; every test starts in Indonesian."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    """Transactional tests flush every table, data migrations included: load the master data again."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from disnaker.reference import load_all

    load_all(get_model=lambda name: apps.get_model("disnaker", name), regions_path=settings.REGIONS_CSV)


@pytest.fixture
def person(db):
    return PersonFactory()


@pytest.fixture
def roles(db):
    roles_sync()
    return {name: Group.objects.get(name=name) for name in ROLES}


@pytest.fixture
def staff_user(roles):
    """Returns a factory: ``staff_user("Petugas Pelatihan")`` is a staff member of that role."""

    def make(role: str):
        user = UserFactory(is_staff=True)
        user.groups.add(roles[role])
        return user

    return make


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts"


@pytest.fixture(scope="session")
def browser(chromium_path):
    """Headless Chromium (Debian's) driven by Playwright; ORM calls from the test thread are allowed."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test; a screenshot of the last page is kept in test-artifacts/."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS_DIR / f"{request.node.name[:80]}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture(scope="session")
def axe():
    """Runs axe-core (shipped by axe-playwright-python) for WCAG 2.1 A/AA; returns the violations."""
    from axe_playwright_python.sync_playwright import Axe

    engine = Axe()
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

    def violations(page) -> list[dict]:
        result = engine.run(page, options=options)
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result.response["violations"]
        ]

    return violations


# --- An S3-compatible object store (media shared by several hosts) ------------------------------


class ObjectStore:
    """One empty bucket of the test run's S3-compatible server."""

    KEYS = {"access_key": "test-access-key", "secret_key": "test-secret-key"}

    def __init__(self, endpoint: str, bucket: str):
        self.endpoint, self.bucket = endpoint, bucket

    def env(self) -> dict:
        """The variables that make a portal process (web, worker) keep its media in this bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": self.KEYS["access_key"],
            "AWS_SECRET_ACCESS_KEY": self.KEYS["secret_key"],
        }

    def storages(self) -> dict:
        """settings.STORAGES as the portal configures them from ``env()``."""
        from disnaker.objectstore import object_store_storages

        return object_store_storages(bucket=self.bucket, endpoint_url=self.endpoint, region="us-east-1", **self.KEYS)

    def storage(self, alias: str = "private"):
        from disnaker.objectstore import PrivateObjectStorage

        return PrivateObjectStorage(**self.storages()[alias]["OPTIONS"])

    def client(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=self.KEYS["access_key"], aws_secret_access_key=self.KEYS["secret_key"],
        )  # fmt: skip

    def object_keys(self, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()


@pytest.fixture(scope="session")
def s3_server():
    """An S3-compatible server (moto) on a free port, for the whole run."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        require(False, "moto[server] (pip install -r requirements-dev.txt)")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def object_store(s3_server, request):
    """A bucket of its own for each test on the run's S3-compatible server."""
    import uuid

    store = ObjectStore(s3_server, f"disnaker-{uuid.uuid4().hex[:12]}")
    store.client().create_bucket(Bucket=store.bucket)
    return store
