"""One-time submission keys: a double click, a replay or identical posts at once create one row."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from disnaker.idempotency import FIELD_NAME, key_issue, submission_keys_purge
from disnaker.models import KbjiMajorGroup, SubmissionKey
from lpk_registry.forms import last_finished_quarter
from lpk_registry.models import GraduateReport
from placement.models import Vacancy
from tests.concurrency import run_together
from tests.factories import company_hr, lpk_operator
from tests.submission import keyed, submit

VACANCY_URL = "/perusahaan/lowongan/baru/"


def _vacancy_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "title": "Operator Produksi", "kbji_group": KbjiMajorGroup.objects.get(code="8").pk, "headcount": 2,
        "open_from": today.isoformat(), "open_until": (today + datetime.timedelta(days=30)).isoformat(),
        "min_age": 18, "max_age": 35, "sex": "", "experience_years": 1, "location": "Cilegon", "work_type": "contract",
    }  # fmt: skip
    return data | overrides


@pytest.fixture
def hr_client(client, db):
    client.force_login(company_hr())
    return client


def test_the_url_of_the_vacancy_form_is_the_one_the_tests_key():
    assert reverse("placement:company_vacancy_create") == VACANCY_URL


def test_the_form_page_carries_a_key_for_this_user_and_this_form(hr_client):
    html = hr_client.get(VACANCY_URL).content.decode()
    assert f'type="hidden" name="{FIELD_NAME}"' in html
    assert html.count(f'name="{FIELD_NAME}"') == 1


def test_a_replay_after_success_leads_to_the_same_vacancy_and_proof_number(hr_client):
    data = keyed(hr_client, VACANCY_URL, _vacancy_data())
    first = hr_client.post(VACANCY_URL, data)
    vacancy = Vacancy.objects.get()
    assert first.status_code == 302
    replay = hr_client.post(VACANCY_URL, data)
    assert replay.status_code == 302
    assert replay.url == first.url == reverse("placement:company_vacancy_detail", args=[vacancy.pk])
    assert Vacancy.objects.count() == 1
    page = hr_client.get(replay.url).content.decode()
    assert vacancy.registration_number in page
    assert "Formulir ini sudah terkirim sebelumnya. Inilah hasilnya." in page


def test_a_form_sent_back_with_a_mistake_can_be_corrected_and_sent_with_the_same_key(hr_client):
    data = keyed(hr_client, VACANCY_URL, _vacancy_data())
    wrong = hr_client.post(VACANCY_URL, data | {"title": ""})
    assert wrong.status_code == 200
    assert f'value="{data[FIELD_NAME]}"' in wrong.content.decode()
    assert not SubmissionKey.objects.exists()
    assert hr_client.post(VACANCY_URL, data).status_code == 302
    assert Vacancy.objects.count() == 1
    assert SubmissionKey.objects.get().result_url == reverse(
        "placement:company_vacancy_detail", args=[Vacancy.objects.get().pk]
    )


def test_two_pages_of_the_same_form_are_two_vacancies(hr_client):
    assert submit(hr_client, VACANCY_URL, _vacancy_data()).status_code == 302
    assert submit(hr_client, VACANCY_URL, _vacancy_data()).status_code == 302
    assert Vacancy.objects.count() == 2


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "garbage",
        "reused-from-another-form",
        "issued-to-another-user",
    ],
)
def test_a_missing_forged_or_foreign_key_is_refused_with_400_and_creates_nothing(hr_client, key):
    data = _vacancy_data()
    user_id = int(hr_client.session["_auth_user_id"])
    if key == "reused-from-another-form":
        data[FIELD_NAME] = key_issue(user_id=user_id, path=reverse("placement:company_layoff_create"))
    elif key == "issued-to-another-user":
        data[FIELD_NAME] = key_issue(user_id=user_id + 1000, path=VACANCY_URL)
    elif key is not None:
        data[FIELD_NAME] = key
    response = hr_client.post(VACANCY_URL, data)
    assert response.status_code == 400
    assert "Formulir tidak dapat dikirim" in response.content.decode()
    assert not Vacancy.objects.exists()


def test_a_key_older_than_the_setting_is_refused(hr_client, time_machine, settings):
    data = keyed(hr_client, VACANCY_URL, _vacancy_data())
    time_machine.move_to(timezone.now() + datetime.timedelta(days=settings.SUBMISSION_KEY_MAX_AGE_DAYS, hours=1))
    assert hr_client.post(VACANCY_URL, data).status_code == 400
    assert not Vacancy.objects.exists()


def test_claims_older_than_any_accepted_key_are_purged(hr_client, settings):
    submit(hr_client, VACANCY_URL, _vacancy_data())
    claim = SubmissionKey.objects.get()
    assert submission_keys_purge(now=claim.created_at + datetime.timedelta(days=1)) == 0
    later = claim.created_at + datetime.timedelta(days=settings.SUBMISSION_KEY_MAX_AGE_DAYS + 2)
    assert submission_keys_purge(now=later) == 1
    assert settings.CELERY_BEAT_SCHEDULE["disnaker.submission_keys_purge"]["task"] == "disnaker.submission_keys_purge"


def test_a_replayed_lpk_report_leads_to_the_same_report(client, db):
    operator = lpk_operator()
    client.force_login(operator)
    url = reverse("lpk_registry:report_create")
    year, quarter = last_finished_quarter(timezone.localdate())
    data = keyed(client, url, {"year": year, "quarter": quarter})
    first, replay = client.post(url, data), client.post(url, data)
    report = GraduateReport.objects.get()
    assert first.url == replay.url == reverse("lpk_registry:report_edit", args=[report.pk])


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_three_identical_vacancy_posts_at_once_make_one_vacancy_with_one_proof_number(postgres):
    user = company_hr()
    clients = [Client() for _ in range(3)]
    for client in clients:
        client.force_login(user)
    data = keyed(clients[0], VACANCY_URL, _vacancy_data())
    responses = run_together([lambda c=c: c.post(VACANCY_URL, data) for c in clients], workers=3)
    vacancy = Vacancy.objects.get()
    detail = reverse("placement:company_vacancy_detail", args=[vacancy.pk])
    assert [(r.status_code, r.url) for r in responses] == [(302, detail)] * 3
    assert SubmissionKey.objects.get().result_url == detail
    assert Vacancy.objects.values_list("registration_number", flat=True).distinct().count() == 1


def _member(name, staff_user):
    from disnaker.roles import TRAINING_OFFICER
    from tests.factories import BatchFactory, job_seeker

    from ..training.conftest import seeker_person

    if name.startswith("placement:company_"):
        return company_hr(), []
    if name == "lpk_registry:report_create":
        return lpk_operator(), []
    if name == "training:staff_walk_in":
        return staff_user(TRAINING_OFFICER), []
    seeker = job_seeker(person=seeker_person())
    return seeker, [BatchFactory().pk] if name == "training:register" else []


@pytest.mark.parametrize(
    "name",
    [
        "placement:company_vacancy_create",
        "placement:company_placement_create",
        "placement:company_layoff_create",
        "lpk_registry:report_create",
        "training:register",
        "placement:ak1_apply",
        "training:staff_walk_in",
    ],
)
def test_every_create_form_of_the_portals_carries_its_key_inside_the_form(client, db, staff_user, name):
    user, args = _member(name, staff_user)
    client.force_login(user)
    html = client.get(reverse(name, args=args)).content.decode()
    forms = [chunk[: chunk.index("</form>")] for chunk in html.split("<form")[1:]]
    keyed_forms = [form for form in forms if f'type="hidden" name="{FIELD_NAME}"' in form]
    assert len(keyed_forms) == 1
    assert 'method="post"' in keyed_forms[0] and "csrfmiddlewaretoken" in keyed_forms[0]
