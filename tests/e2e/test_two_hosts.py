"""The portal on several hosts: two web processes and a Celery worker, each with a MEDIA_ROOT of its own,
sharing only PostgreSQL, Redis and an S3-compatible object store started by the test run.

A job seeker uploads the KTP and diploma on host A; staff open the registration in the admin on host
B and download the KTP; a certificate and a summary PDF rendered by the worker download on host B;
an anonymous visitor gets none of the files from either host; and no host keeps a file on its own disk.
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse

from disnaker import summaries
from disnaker.models import Summary
from disnaker.periods import Period
from disnaker.roles import HEAD_OF_OFFICE, TRAINING_OFFICER
from tests import clock
from tests.conftest import PROJECT_DIR, _database_url, free_port, start_worker, stop_worker
from tests.factories import BatchFactory, PersonFactory, job_seeker
from training.models import ParticipantCertificate, Registration

from .conftest import admin_logged_in

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.django_db(transaction=True)]


class Host:
    """A portal web process (``manage.py runserver``) on a free port, on the suite's clock."""

    def __init__(self, name: str, *, env: dict, log_path: Path):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable, "-m", "tests.clock", "-m", "django",
            "runserver", f"127.0.0.1:{self.port}", "--noreload", "--skip-checks",
        ]  # fmt: skip
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen(
                command, cwd=PROJECT_DIR, env=env | clock.environment(), stdout=log, stderr=subprocess.STDOUT
            )

    def wait_until_serving(self, page) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"host {self.name} exited with code {self.proc.returncode}:\n{self.log_path.read_text()}")
            try:
                if page.request.get(self.url + "/healthz", timeout=2_000).ok:
                    return
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.3)
        pytest.fail(f"host {self.name} did not serve within 90 s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _files_on_disk(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def hosts(postgres, redis_url, object_store, tmp_path, tmp_path_factory, page):
    """Hosts A and B and a worker; each has its own empty MEDIA_ROOT."""
    from disnaker.celery import app

    disks = {name: tmp_path / f"media-{name}" for name in ("a", "b", "worker")}
    for disk in disks.values():
        disk.mkdir()
    env = os.environ | object_store.env() | {
        "DJANGO_SETTINGS_MODULE": "disnaker.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": _database_url(postgres.settings_dict),
        "REDIS_URL": redis_url,
    }  # fmt: skip
    app.control.purge()
    worker = start_worker(
        redis_url=redis_url,
        log_path=tmp_path_factory.mktemp("celery") / "worker.log",
        name=f"host-c-{os.getpid()}",
        extra_env=object_store.env() | {"MEDIA_ROOT": str(disks["worker"])},
    )
    started = [
        Host(name, env=env | {"MEDIA_ROOT": str(disks[name])}, log_path=tmp_path / f"{name}.log") for name in "ab"
    ]
    try:
        for host in started:
            host.wait_until_serving(page)
        yield SimpleNamespace(a=started[0], b=started[1], disks=disks, store=object_store)
    finally:
        for host in started:
            host.stop()
        stop_worker(worker)


def _staff_logged_in(browser, user, host: Host):
    """A staff member logged in to the admin of ``host``."""
    page = admin_logged_in(browser, user, host, locale="id-ID")
    page.set_default_timeout(20_000)
    return page


def _download(page, link) -> bytes:
    with page.expect_download() as download:
        link.click()
    return Path(download.value.path()).read_bytes()


def test_files_uploaded_on_host_a_or_made_by_the_worker_download_on_host_b_only_after_the_access_check(
    hosts, browser, page, staff_user, uploads, pdftotext, shot
):
    from django.test import Client

    batch = BatchFactory(programme__name="Juru Las SMAW 3G", quota=10)
    seeker = job_seeker(person=PersonFactory(name="Dewi Lestari", birth_date=datetime.date(2000, 5, 5)))
    officer = staff_user(TRAINING_OFFICER)
    documents = uploads.documents()
    ktp = documents["ktp_document"].read()

    # 1. Host A: the job seeker registers with the KTP and diploma.
    client = Client()
    client.force_login(seeker)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": hosts.a.url}])
    page.goto(hosts.a.url + reverse("training:register", args=[batch.pk]))
    for field, upload in documents.items():
        upload.seek(0)
        page.set_input_files(
            f"#id_{field}", files=[{"name": upload.name, "mimeType": upload.content_type, "buffer": upload.read()}]
        )
    shot("host-a-registration-form")
    page.get_by_role("button", name="Kirim pendaftaran saya").click()
    page.wait_for_url("**/akun/pelatihan/*/")
    shot("host-a-registered")
    registration = Registration.objects.get(person=seeker.person, batch=batch)
    assert registration.ktp_document.name and registration.diploma_document.name
    assert hosts.store.read(f"private/{registration.ktp_document.name}") == ktp

    # 2. Host B: staff open the registration in the admin and download the KTP scan.
    staff = _staff_logged_in(browser, officer, hosts.b)
    staff.goto(hosts.b.url + reverse("admin:training_registration_change", args=[registration.pk]))
    shot("host-b-admin-registration", page=staff)
    ktp_url = reverse("training:staff_document", args=[registration.pk, "ktp"])
    assert _download(staff, staff.locator(f"a[href='{ktp_url}']")) == ktp

    # 3. The worker (its own disk) renders the certificate that staff issue on host B.
    Registration.objects.filter(pk=registration.pk).update(status="confirmed", outcome="graduated")
    staff.goto(hosts.b.url + reverse("admin:training_registration_changelist"))
    staff.check(f"input[name=_selected_action][value='{registration.pk}']")
    staff.select_option("select[name=action]", "issue_certificate")
    staff.locator("button[name=index]").click()
    staff.wait_for_load_state()
    assert "errornote" not in staff.content()
    deadline = time.monotonic() + 90
    while not (certificate := ParticipantCertificate.objects.filter(registration=registration).first()) or (
        not certificate.generated_at
    ):
        assert time.monotonic() < deadline, "the worker did not render the certificate within 90 s"
        time.sleep(0.5)

    # 4. Host B: the job seeker downloads the certificate the worker stored.
    page.goto(hosts.b.url + reverse("training:registration_detail", args=[registration.pk]))
    shot("host-b-certificate-ready")
    pdf = _download(page, page.get_by_role("link", name="Unduh sertifikat (PDF)"))
    assert pdf == hosts.store.read(f"private/{certificate.pdf.name}")
    assert "Dewi Lestari" in pdftotext(pdf)
    staff.context.close()

    # 5. The worker builds a summary and its PDF; the head of office downloads it on host B.
    summary = summaries.summary_request(period=Period.month(2026, 10))
    deadline = time.monotonic() + 90
    while not (summary := Summary.objects.get(pk=summary.pk)).pdf or summary.state != Summary.State.DONE:
        assert summary.state != Summary.State.FAILED, summary.error
        assert time.monotonic() < deadline, "the worker did not build the summary within 90 s"
        time.sleep(0.5)
    head = _staff_logged_in(browser, staff_user(HEAD_OF_OFFICE), hosts.b)
    head.goto(hosts.b.url + reverse("admin:disnaker_summary_changelist"))
    shot("host-b-summaries", page=head)
    summary_url = reverse("admin:disnaker_summary_pdf", args=[summary.pk])
    summary_pdf = _download(head, head.locator(f"a[href='{summary_url}']"))
    assert summary_pdf == hosts.store.read(f"private/{summary.pdf.name}")
    assert "Oktober 2026" in pdftotext(summary_pdf)
    head.context.close()

    # 6. Neither host hands a private file to an anonymous visitor.
    anonymous = browser.new_context()
    private_urls = [ktp_url, reverse("training:certificate_download", args=[registration.pk]), summary_url]
    for host in (hosts.a, hosts.b):
        for url in private_urls:
            response = anonymous.request.get(host.url + url, max_redirects=0)
            assert response.status in (302, 403, 404), (host.name, url, response.status)
            assert response.body() not in (ktp, pdf, summary_pdf)
    anonymous.close()

    # 7. Every file is in the object store; no host kept one on its own disk.
    folders = {key.split("/")[1] for key in hosts.store.object_keys()}
    assert folders == {"ktp", "diploma", "certificates", "summaries"}
    for name, disk in hosts.disks.items():
        assert _files_on_disk(disk) == [], name
