"""A staff member opens a person's record; the person sees it in "Riwayat akses data" (headless Chromium)."""

import pytest
from django.urls import reverse

from disnaker.readaudit import accesses_for_person
from disnaker.roles import TRAINING_OFFICER
from tests.factories import job_seeker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_staff_view_appears_on_the_job_seekers_access_history(live_server, page, staff_page, staff_user, axe):
    seeker = job_seeker()
    officer = staff_user(TRAINING_OFFICER)
    officer.first_name, officer.last_name = "Rina", "Petugas"
    officer.save()
    staff = staff_page(officer)
    staff.goto(live_server.url + reverse("admin:disnaker_person_change", args=[seeker.person.pk]))
    staff.context.close()
    assert [access.user for access in accesses_for_person(seeker.person)] == [officer]

    page.goto(live_server.url + reverse("account_login"))
    page.fill("#id_username", seeker.email)
    page.fill("#id_password", "rahasia-123")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url(live_server.url + reverse("account_home"))
    page.get_by_role("link", name="Riwayat akses data").click()
    rows = page.locator("#data-access-table tbody tr")
    assert rows.count() == 1 and "Rina Petugas (Petugas Pelatihan)" in rows.first.inner_text()
    assert axe(page) == []
