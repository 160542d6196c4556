from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from disnaker.roles import ADMIN, HEAD_OF_OFFICE, ROLES, TRAINING_OFFICER, roles_sync

pytestmark = pytest.mark.django_db


def _snapshot():
    return {g.name: sorted(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}


def test_setup_roles_creates_the_six_staff_groups():
    call_command("setup_roles", stdout=StringIO())
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLES)
    assert len(ROLES) == 6  # the five of the office and the Auditor of the read audit


def test_setup_roles_is_idempotent_and_repairs_changes():
    roles_sync()
    first = _snapshot()
    Group.objects.get(name=HEAD_OF_OFFICE).permissions.clear()
    roles_sync()
    roles_sync()
    assert _snapshot() == first
    assert Group.objects.count() == 6


def test_head_of_office_only_reads_and_never_sees_full_nik():
    roles_sync()
    codenames = set(Group.objects.get(name=HEAD_OF_OFFICE).permissions.values_list("codename", flat=True))
    assert codenames
    assert all(c.startswith("view_") for c in codenames)
    assert "reveal_person_nik" not in codenames


def test_officers_see_nik_but_only_admin_manages_users():
    roles_sync()
    training = set(Group.objects.get(name=TRAINING_OFFICER).permissions.values_list("codename", flat=True))
    admin = set(Group.objects.get(name=ADMIN).permissions.values_list("codename", flat=True))
    assert "reveal_person_nik" in training
    assert "change_person" in training
    assert "delete_person" not in training
    assert "change_user" not in training
    assert "change_user" in admin


def test_an_app_listed_without_actions_grants_nothing(monkeypatch):
    spec = {"apps": {"training": ()}, "extra": ()}
    monkeypatch.setitem(ROLES, HEAD_OF_OFFICE, spec)
    roles_sync()
    assert not Group.objects.get(name=HEAD_OF_OFFICE).permissions.exists()
