"""docker-compose.yml, Dockerfile and .env.example agree with the project they deploy.

Docker itself is not needed: every command the containers run is checked against the code it
names (WSGI application, Celery app, beat scheduler, management commands, /healthz).
"""

import http.client
import importlib
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.beat import Scheduler
from django.core.management import get_commands
from django.urls import resolve
from kombu.utils.imports import symbol_by_name

from disnaker import views

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["migrate", "web", "worker", "beat"]


def _dockerfile_cmd() -> list[str]:
    text = (ROOT / "Dockerfile").read_text()
    match = re.search(r"^CMD (\[.*\])\s*$", text, re.MULTILINE)
    assert match, "the Dockerfile has no CMD in exec (JSON) form"
    return json.loads(match.group(1))


# Every command an app container can run: the compose commands and the image's default CMD.
COMMANDS = {name: SERVICES[name]["command"] for name in APP_SERVICES} | {"Dockerfile CMD": _dockerfile_cmd()}


def _argvs(command) -> list[list[str]]:
    """The programs a command runs, opening `sh -c "a && b"` into its parts."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[:2] in (["sh", "-c"], ["bash", "-c"]):
        return [shlex.split(part) for part in argv[2].split("&&")]
    return [argv]


def _option(argv: list[str], name: str) -> str:
    for i, arg in enumerate(argv):
        if arg == name:
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    raise AssertionError(f"{name} missing from {argv}")


def _all_argvs(program: str) -> list[tuple[str, list[str]]]:
    found = [(name, argv) for name, command in COMMANDS.items() for argv in _argvs(command) if argv[0] == program]
    assert found, f"no command runs {program}"
    return found


def _documented() -> set[str]:
    """Variables named in .env.example, set (NAME=...) or shown with their default (# NAME=...)."""
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))


def _read_by_settings() -> set[str]:
    text = (ROOT / "disnaker" / "settings.py").read_text()
    names = set(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
    names |= set(re.findall(r"\b_required\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
    # Guard against the patterns silently matching nothing after a rewrite of settings.py.
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CITY_NAME"} <= names
    return names


def _healthcheck_code() -> str:
    test = SERVICES["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"], "the web healthcheck is not `python -c ...`"
    return test[3]


def test_compose_file_parses():
    assert isinstance(COMPOSE, dict)
    assert isinstance(SERVICES, dict)


def test_services_are_exactly_the_deployment():
    assert set(SERVICES) == {"db", "redis", "minio", "createbuckets", "migrate", "web", "worker", "beat"}


def test_app_services_share_one_image_and_build():
    images = {SERVICES[name]["image"] for name in APP_SERVICES}
    builds = {json.dumps(SERVICES[name]["build"], sort_keys=True) for name in APP_SERVICES}
    assert len(images) == 1, images
    assert len(builds) == 1, builds
    build = SERVICES["web"]["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (ROOT / context / dockerfile).is_file()
    assert (ROOT / context / "manage.py").is_file()
    for name in APP_SERVICES:
        assert SERVICES[name]["env_file"] in (".env", [".env"]), name


def _interpolated(value: str, variables: dict) -> str:
    """``value`` with ``${NAME:-default}`` and ``${NAME:?message}`` replaced as compose does."""

    def replace(match):
        name, operator, rest = match.group(1), match.group(2) or "", match.group(3) or ""
        if name in variables:
            return variables[name]
        assert operator == ":-", f"{name} must be set"
        return rest

    return re.sub(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}", replace, value)


ENV_FILE = {"POSTGRES_PASSWORD": "pw", "AWS_ACCESS_KEY_ID": "portal", "AWS_SECRET_ACCESS_KEY": "secret-key"}


def test_media_live_in_the_object_store_and_no_app_service_mounts_a_disk():
    for name in APP_SERVICES:
        environment = SERVICES[name]["environment"]
        assert environment["AWS_S3_ENDPOINT_URL"] == "http://minio:9000", name
        assert _interpolated(environment["AWS_STORAGE_BUCKET_NAME"], ENV_FILE) == "disnaker-media", name
        assert "MEDIA_ROOT" not in environment, name
        assert not SERVICES[name].get("volumes"), f"{name} keeps files on a volume: hosts would not share them"
    for name in ["web", "worker", "beat"]:
        assert SERVICES[name]["depends_on"]["createbuckets"]["condition"] == "service_completed_successfully"


def test_minio_runs_with_the_portals_keys_and_a_volume_of_its_own():
    minio = SERVICES["minio"]
    assert minio["image"].split(":")[0] == "minio/minio"
    assert minio["command"][:2] == ["server", "/data"]
    assert any(volume.endswith(":/data") for volume in minio["volumes"])
    assert minio["healthcheck"]["test"][1:] == ["mc", "ready", "local"]
    credentials = {key: _interpolated(value, ENV_FILE) for key, value in minio["environment"].items()}
    assert credentials == {"MINIO_ROOT_USER": "portal", "MINIO_ROOT_PASSWORD": "secret-key"}
    assert "9000" not in json.dumps(minio.get("ports", [])), "the object store is reached by the portal only"


def test_createbuckets_makes_the_portals_bucket_private_once_minio_is_healthy():
    job = SERVICES["createbuckets"]
    assert job["image"].split(":")[0] == "minio/mc"
    assert job["restart"] == "no"
    assert job["depends_on"]["minio"]["condition"] == "service_healthy"
    environment = {key: _interpolated(value, ENV_FILE) for key, value in job["environment"].items()}
    assert environment["MINIO_ROOT_USER"] == "portal"
    assert environment["BUCKET"] == _interpolated(SERVICES["web"]["environment"]["AWS_STORAGE_BUCKET_NAME"], ENV_FILE)
    script = " ".join(job["command"]).replace("$$", "$")
    steps = [shlex.split(step) for step in script.split("&&")]
    assert steps[0][:4] == ["mc", "alias", "set", "store"]
    assert steps[0][4] == SERVICES["web"]["environment"]["AWS_S3_ENDPOINT_URL"]
    assert ["mc", "mb", "--ignore-existing", "store/$BUCKET"] in steps
    assert ["mc", "anonymous", "set", "none", "store/$BUCKET"] in steps


def test_settings_of_the_compose_environment_keep_media_in_the_private_bucket():
    environment = {key: _interpolated(value, ENV_FILE) for key, value in SERVICES["web"]["environment"].items()}
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({k: settings.STORAGES[k] for k in ('default', 'private')}))"
    )
    env = os.environ | ENV_FILE | environment | {"DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "disnaker.settings"}
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    storages = json.loads(run.stdout)
    for alias, location in (("default", "media"), ("private", "private")):
        assert storages[alias]["BACKEND"] == "disnaker.objectstore.PrivateObjectStorage"
        options = storages[alias]["OPTIONS"]
        assert (options["bucket_name"], options["location"]) == ("disnaker-media", location)
        assert options["endpoint_url"] == "http://minio:9000"
        assert (options["access_key"], options["secret_key"]) == ("portal", "secret-key")
        assert options["default_acl"] == "private"


def test_migrate_runs_once_before_the_others():
    assert SERVICES["migrate"]["restart"] == "no"
    assert SERVICES["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ["web", "worker", "beat"]:
        depends_on = SERVICES[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        assert depends_on["redis"]["condition"] == "service_healthy", name


@pytest.mark.parametrize("name", COMMANDS)
def test_every_program_is_installed(name):
    bin_dir = Path(sys.executable).parent
    requirements = (ROOT / "requirements.txt").read_text().lower()
    for argv in _argvs(COMMANDS[name]):
        assert shutil.which(argv[0], path=str(bin_dir)), f"{argv[0]} is not installed"
        if argv[0] != "python":
            assert re.search(rf"^{argv[0]}\b", requirements, re.MULTILINE), f"{argv[0]} not in requirements.txt"


@pytest.mark.parametrize("name", ["web", "Dockerfile CMD"])
def test_gunicorn_serves_the_project_wsgi_application(name):
    (argv,) = _argvs(COMMANDS[name])
    assert argv[0] == "gunicorn"
    module, _, attribute = argv[1].partition(":")
    application = getattr(importlib.import_module(module), attribute)
    assert application is importlib.import_module("disnaker.wsgi").application
    assert _option(argv, "--bind") == "0.0.0.0:8000"
    assert re.search(r"^EXPOSE 8000$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)


def test_celery_app_resolves_to_the_project_app():
    from disnaker.celery import app

    for name, argv in _all_argvs("celery"):
        found = find_app(_option(argv, "-A"))
        assert isinstance(found, Celery), name
        assert found is app, name


def test_worker_and_beat_run_what_their_names_say():
    assert _argvs(COMMANDS["worker"])[0][3] == "worker"
    assert _argvs(COMMANDS["beat"])[0][3] == "beat"


def test_beat_scheduler_imports():
    (argv,) = _argvs(COMMANDS["beat"])
    scheduler = symbol_by_name(_option(argv, "--scheduler"))
    assert issubclass(scheduler, Scheduler)


def test_every_management_command_exists():
    commands = get_commands()
    named = [argv[2] for _, argv in _all_argvs("python") if argv[1] == "manage.py"]
    assert {"migrate", "setup_roles"} <= set(named)
    for command in named:
        assert command in commands, f"manage.py {command} is not a management command"


def test_web_healthcheck_hits_healthz():
    urls = re.findall(r"http://[^\"'\s]+", _healthcheck_code())
    assert len(urls) == 1, urls
    url = urlsplit(urls[0])
    assert url.path == "/healthz"
    assert url.port == 8000
    assert resolve(url.path).func is views.healthz


@pytest.mark.django_db(transaction=True)
def test_web_healthcheck_passes_against_a_running_server(live_server):
    code = _healthcheck_code().replace("http://127.0.0.1:8000", live_server.url)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"DJANGO_ALLOWED_HOSTS": "localhost,example.org"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


def test_variables_used_in_compose_are_documented():
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))
    assert "POSTGRES_PASSWORD" in used
    assert used <= _documented(), used - _documented()


def test_variables_read_by_settings_are_documented():
    missing = _read_by_settings() - _documented()
    assert not missing, f"not in .env.example: {sorted(missing)}"


def test_compose_sets_only_variables_the_settings_read():
    for name in APP_SERVICES:
        unknown = set(SERVICES[name]["environment"]) - _read_by_settings()
        assert not unknown, f"{name} sets {sorted(unknown)}, which settings.py never reads"


def test_every_documented_variable_is_used():
    known = _read_by_settings() | {"POSTGRES_PASSWORD"}
    unknown = _documented() - known
    assert not unknown, f".env.example documents {sorted(unknown)}, which nothing reads"


# --- No query string in gunicorn's logs --------------------------------------------------------

NIK = "3672014505020003"


@pytest.mark.parametrize("name", ["web", "Dockerfile CMD"])
def test_gunicorn_logs_paths_without_query_strings(name):
    (argv,) = _argvs(COMMANDS[name])
    access_format = _option(argv, "--access-logformat")
    assert "%(U)s" in access_format
    # The request line and the full URL hold the query string; the Referer is a URL too.
    for atom in ("%(r)s", "%(q)s", "%(f)s", "{raw_uri}", "{referer}", "{query_string}"):
        assert atom.lower() not in access_format.lower(), atom
    assert (
        symbol_by_name(_option(argv, "--logger-class")) is importlib.import_module("disnaker.gunicorn_logging").Logger
    )
    assert _option(argv, "--access-logfile") == "-"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not listen within 60 s")


def _get(port: int, target: str) -> int:
    """The status gunicorn answers to ``GET target`` (sent as the TLS proxy would: X-Forwarded-Proto)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", target, headers={"Host": "localhost", "X-Forwarded-Proto": "https"})
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.django_db(transaction=True)
def test_gunicorn_run_as_compose_keeps_no_nik_of_a_url_in_its_logs(postgres):
    """The web service's command, with production settings, on a free port: a NIK in the query string of a
    request, a missing page and a malformed request line leave no NIK in what gunicorn and Django print."""
    from tests.conftest import _database_url
    from tests.e2e.privacy import niks_in

    (argv,) = _argvs(COMMANDS["web"])
    port = _free_port()
    argv = [str(Path(sys.executable).parent / "gunicorn"), *argv[1:]]
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
    argv[argv.index("--workers") + 1] = "1"
    env = os.environ | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-only-not-a-secret",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": _database_url(postgres.settings_dict),
    }
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(port, proc)
        assert _get(port, f"/healthz?q={NIK}&nik=3672+0145+0502+0003") == 200
        assert _get(port, f"/tidak-ada/?nik={NIK}") == 404
        with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
            raw.sendall(f"GET /healthz?q={NIK} HTTP/1.1 extra\r\nHost: localhost\r\n\r\n".encode())
            raw.recv(1024)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=60)
    leaks = [line for line in (out + err).splitlines() if niks_in(line)]
    assert not leaks, "\n".join(line[:200].replace(NIK, NIK[:4] + "…") for line in leaks)
    assert '"GET /healthz HTTP/1.1" 200' in out
    assert '"GET /tidak-ada/ HTTP/1.1" 404' in out
