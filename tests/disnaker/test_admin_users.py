"""Accounts and roles in the admin: the account manager's role cannot raise anyone above it."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from disnaker.roles import ADMIN, TRAINING_OFFICER
from tests.factories import UserFactory
from tests.training.conftest import login_in_english

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, staff_user):
    user = staff_user(ADMIN)
    login_in_english(client, user)
    return user


def _change_form(user, **changes) -> dict:
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "is_active": "on", "is_staff": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00",
        "initial-date_joined_0": "2026-01-01", "initial-date_joined_1": "08:00:00",
    }  # fmt: skip
    return data | changes


def test_the_account_manager_puts_staff_in_roles(client, manager, staff_user):
    officer = staff_user(TRAINING_OFFICER)
    role = Group.objects.get(name=ADMIN)
    form = _change_form(officer, groups=[str(role.pk)])
    response = client.post(reverse("admin:auth_user_change", args=[officer.pk]), form)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert list(officer.groups.values_list("name", flat=True)) == [ADMIN]


def test_the_account_manager_cannot_make_a_superuser_or_give_single_permissions(client, manager):
    everything = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
    form = _change_form(manager, is_superuser="on", user_permissions=everything)
    page = client.get(reverse("admin:auth_user_change", args=[manager.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    assert client.post(reverse("admin:auth_user_change", args=[manager.pk]), form).status_code == 302
    manager.refresh_from_db()
    assert not manager.is_superuser and not manager.user_permissions.exists()


def test_the_account_manager_cannot_touch_a_superusers_account(client, manager):
    root = UserFactory(is_staff=True, is_superuser=True)
    password = {"password1": "Kata-sandi-baru-2026", "password2": "Kata-sandi-baru-2026"}
    assert client.post(reverse("admin:auth_user_password_change", args=[root.pk]), password).status_code == 403
    form = _change_form(root, is_active="")
    assert client.post(reverse("admin:auth_user_change", args=[root.pk]), form).status_code == 403
    assert client.post(reverse("admin:auth_user_delete", args=[root.pk]), {"post": "yes"}).status_code == 403
    root.refresh_from_db()
    assert root.is_active and root.check_password("rahasia-123")


def test_what_a_role_may_do_is_changed_only_by_a_superuser(client, manager):
    role = Group.objects.get(name=ADMIN)
    before = set(role.permissions.values_list("pk", flat=True))
    extra = Permission.objects.exclude(pk__in=before).first()
    url = reverse("admin:auth_group_change", args=[role.pk])
    assert client.get(url).status_code == 200  # shown read-only
    data = {"name": ADMIN, "permissions": [str(pk) for pk in [*before, extra.pk]]}
    assert client.post(url, data).status_code == 403
    assert client.post(reverse("admin:auth_group_add"), {"name": "Semua hak"}).status_code == 403
    assert set(role.permissions.values_list("pk", flat=True)) == before
    assert not Group.objects.filter(name="Semua hak").exists()


def test_a_superuser_still_manages_everything(client):
    root = UserFactory(is_staff=True, is_superuser=True)
    login_in_english(client, root)
    officer = UserFactory(is_staff=True)
    form = _change_form(officer, is_superuser="on")
    assert client.post(reverse("admin:auth_user_change", args=[officer.pk]), form).status_code == 302
    officer.refresh_from_db()
    assert officer.is_superuser
    assert client.post(reverse("admin:auth_group_add"), {"name": "Tamu"}).status_code == 302
