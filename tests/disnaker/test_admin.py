import pytest
from django.contrib import admin
from django.urls import reverse

from disnaker.admin_site import DisnakerAdminSite, DisnakerModelAdmin
from disnaker.roles import ADMIN, HEAD_OF_OFFICE, TRAINING_OFFICER
from tests.factories import CertificationFactory, PersonFactory

DOMAIN_APPS = {"disnaker", "training", "lpk_registry", "placement"}


def test_there_is_one_admin_site_and_it_is_the_portals():
    assert isinstance(admin.site, DisnakerAdminSite)
    assert admin.site.site_header == "Dinas Tenaga Kerja Kota Cilegon"


@pytest.mark.parametrize(
    "model_admin",
    [ma for m, ma in admin.site._registry.items() if m._meta.app_label in DOMAIN_APPS],
    ids=lambda ma: str(ma),
)
def test_every_domain_model_admin_follows_the_house_rules(model_admin):
    assert isinstance(model_admin, DisnakerModelAdmin)
    assert model_admin.show_full_result_count is False
    for attribute in ("list_display", "list_select_related", "search_fields", "list_filter"):
        assert attribute in type(model_admin).__dict__ or any(
            attribute in klass.__dict__ for klass in type(model_admin).__mro__[:-3] if klass is not DisnakerModelAdmin
        ), f"{model_admin} does not declare {attribute}"
    assert model_admin.list_display != ("__str__",)
    for field in model_admin.model._meta.get_fields():
        if field.many_to_one and field.concrete and field.name in (model_admin.fields or [field.name]):
            assert (
                field.name
                in (*model_admin.autocomplete_fields, *model_admin.raw_id_fields, *model_admin.readonly_fields)
                or not field.editable
                or field.related_model._meta.app_label == "disnaker"
                and field.related_model.__name__ in ("EducationLevel", "KbliSection", "KbjiMajorGroup")
            ), f"{model_admin}: foreign key {field.name} needs autocomplete_fields or raw_id_fields"


@pytest.mark.django_db
def test_head_of_office_sees_masked_nik_and_no_personal_details(client, staff_user):
    person = PersonFactory(address="Jl. Rahasia No. 9")
    client.force_login(staff_user(HEAD_OF_OFFICE))
    listing = client.get(reverse("admin:disnaker_person_changelist")).content.decode()
    assert person.name in listing
    assert person.nik not in listing
    assert person.nik_masked in listing
    detail = client.get(reverse("admin:disnaker_person_change", args=[person.pk])).content.decode()
    assert person.nik not in detail
    assert "Jl. Rahasia No. 9" not in detail
    history = client.get(reverse("admin:disnaker_person_history", args=[person.pk]))
    assert history.status_code == 403


@pytest.mark.django_db
def test_training_officer_sees_the_full_nik(client, staff_user):
    person = PersonFactory()
    client.force_login(staff_user(TRAINING_OFFICER))
    listing = client.get(reverse("admin:disnaker_person_changelist")).content.decode()
    assert person.nik in listing
    assert client.get(reverse("admin:disnaker_person_history", args=[person.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("admin:disnaker_person_changelist", "nik"),
        ("admin:disnaker_person_changelist", "email"),
        ("admin:disnaker_person_changelist", "phone"),
        ("admin:training_registration_changelist", "nik"),
        ("admin:placement_jobseekercard_changelist", "nik"),
    ],
)
def test_who_sees_the_nik_masked_cannot_find_a_person_by_it(client, staff_user, url, field):
    from tests.factories import RegistrationFactory

    registration = RegistrationFactory(person__email="siti.rahma@example.org", person__phone="081234567890")
    person = registration.person
    if "jobseekercard" in url:
        from placement.models import JobSeekerCard

        JobSeekerCard.objects.create(person=person)
    client.force_login(staff_user(HEAD_OF_OFFICE))
    term = getattr(person, field)
    assert client.get(reverse(url), {"q": term}, follow=True).context["cl"].result_count == 0
    assert client.get(reverse(url), {"q": person.name}).context["cl"].result_count == 1
    client.force_login(staff_user(ADMIN))  # who may see personal data finds them by it
    assert client.get(reverse(url), {"q": term}, follow=True).context["cl"].result_count == 1


@pytest.mark.django_db
def test_head_of_office_cannot_change_a_person(client, staff_user):
    person = PersonFactory(name="Nama Asli")
    client.force_login(staff_user(HEAD_OF_OFFICE))
    response = client.post(reverse("admin:disnaker_person_change", args=[person.pk]), {"name": "Diubah"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name == "Nama Asli"


@pytest.mark.django_db
def test_person_changelist_makes_the_same_queries_for_1_and_50_people(client, superuser, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(superuser)
    url = reverse("admin:disnaker_person_changelist")
    CertificationFactory()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    PersonFactory.create_batch(49)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(url).status_code == 200
    assert len(one) == len(fifty)


@pytest.mark.django_db
def test_staff_can_add_a_person_and_a_wrong_sex_is_shown_beside_the_field(client, superuser):
    from disnaker.models import Kelurahan, Person

    client.force_login(superuser)
    kelurahan = Kelurahan.objects.get(name="Cibeber")
    data = {
        "nik": "3672014207010002",
        "name": "Siti Nurhaliza",
        "sex": "L",
        "birth_date": "02/07/2001",
        "birth_place": "Cilegon",
        "address": "Jl. Mawar 1",
        "kelurahan": kelurahan.pk,
        "disability": "",
        "certifications-TOTAL_FORMS": "0",
        "certifications-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:disnaker_person_add"), data)
    assert response.status_code == 200
    assert "Jenis kelamin tidak sesuai dengan NIK" in response.content.decode()
    assert not Person.objects.exists()
    data["sex"] = "P"
    response = client.post(reverse("admin:disnaker_person_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Person.objects.get().nik == "3672014207010002"
