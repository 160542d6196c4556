"""A double-clicked or replayed registration form makes one registration (``disnaker.idempotency``)."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from tests.concurrency import run_together
from tests.factories import BatchFactory, job_seeker
from tests.submission import keyed
from training.models import Registration

from .conftest import seeker_person


def test_a_replayed_training_registration_leads_to_the_same_registration(db, private_files, uploads):
    client = Client()
    client.force_login(job_seeker(person=seeker_person()))
    url = reverse("training:register", args=[BatchFactory().pk])
    data = keyed(client, url)
    first = client.post(url, data | uploads.documents())
    replay = client.post(url, data | uploads.documents())
    registration = Registration.objects.get()
    assert first.url == replay.url == reverse("training:registration_detail", args=[registration.pk])
    told = [m.message for m in get_messages(replay.wsgi_request)]
    assert told[-1] == "Formulir ini sudah terkirim sebelumnya. Inilah hasilnya."


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_identical_registration_posts_at_once_make_one_registration(postgres, private_files, uploads):
    user = job_seeker(person=seeker_person())
    batch = BatchFactory(selection_method="first_come", quota=5)
    url = reverse("training:register", args=[batch.pk])
    clients = [Client() for _ in range(3)]
    for client in clients:
        client.force_login(user)
    data = keyed(clients[0], url)
    responses = run_together([lambda c=c: c.post(url, data | uploads.documents()) for c in clients], workers=3)
    registration = Registration.objects.get()
    detail = reverse("training:registration_detail", args=[registration.pk])
    assert [(r.status_code, r.url) for r in responses] == [(302, detail)] * 3
    batch.refresh_from_db()
    assert batch.seats_taken == 1
