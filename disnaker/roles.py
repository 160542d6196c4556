"""Staff roles as groups with model permissions.

A role names, per app, the actions it may take on every model of that app, so models that
later issues add are covered without touching this file. Each app says what the officers may do on
its models in its own ``roles.py`` (``GRANTS``, found through ``disnaker.registry``, as this module's
``GRANTS`` says it for the core's models); the admin and the head of office cover every app.
``roles_sync`` is idempotent: it sets each group's permissions to exactly what is collected here.
"""

from collections.abc import Iterator, MutableMapping
from functools import cache

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from . import registry

ALL = ("add", "change", "delete", "view")
READ = ("view",)

ADMIN = "Admin Disnaker"
TRAINING_OFFICER = "Petugas Pelatihan"
PLACEMENT_OFFICER = "Petugas Penempatan"
LPK_SUPERVISOR = "Pembina LPK"
HEAD_OF_OFFICE = "Pimpinan"
AUDITOR = "Auditor"
ROLE_NAMES = (ADMIN, TRAINING_OFFICER, PLACEMENT_OFFICER, LPK_SUPERVISOR, HEAD_OF_OFFICE, AUDITOR)

# What these roles may do on the models of every one of the portal's apps.
EVERY_APP = {ADMIN: ALL, HEAD_OF_OFFICE: READ}
# What the officers may do on the core's models (people, regions, summaries).
GRANTS = {
    TRAINING_OFFICER: ("add", "change", "view"),
    PLACEMENT_OFFICER: ("add", "change", "view"),
    LPK_SUPERVISOR: ("add", "change", "view"),
}
# Beyond the portal's apps: Django's accounts and the schedule of periodic tasks.
OTHER_APPS = {ADMIN: {"auth": ALL, "django_celery_beat": ALL}}
# Models no app-wide grant covers: the read audit is shown to auditors only, and nobody changes it;
# the outbox of tasks is shown to the portal's administrators, written by the portal alone.
RESTRICTED_MODELS = {("disnaker", "dataaccess"), ("disnaker", "dataaccesssubject"), ("disnaker", "outboxmessage")}
# Single permissions, "app_label.codename".
EXTRA = {
    ADMIN: ["disnaker.reveal_person_nik", "disnaker.publish_summary", "disnaker.view_outboxmessage"],
    TRAINING_OFFICER: ["disnaker.reveal_person_nik"],
    PLACEMENT_OFFICER: ["disnaker.reveal_person_nik"],
    LPK_SUPERVISOR: ["disnaker.reveal_person_nik"],
    HEAD_OF_OFFICE: [],
    AUDITOR: ["disnaker.view_dataaccess"],
}


@cache
def roles() -> dict[str, dict]:
    """role -> ``{"apps": {app_label: actions}, "extra": [codenames]}``, from every app's declaration.

    Collected once, so ``ROLES`` and ``roles_sync`` read the same table.
    """
    collected = {name: {"apps": dict(OTHER_APPS.get(name, {})), "extra": list(EXTRA[name])} for name in ROLE_NAMES}
    for app in registry.project_apps():
        for name, actions in EVERY_APP.items():
            collected[name]["apps"][app.label] = actions
    for app_label, declared in registry.declaring("roles").items():
        for name, actions in declared.GRANTS.items():
            collected[name]["apps"][app_label] = actions
    return collected


class _Roles(MutableMapping):
    """``ROLES`` is the table ``roles()`` collects, read (and written) as a dict, collected when first read.

    Not at import: the apps' ``roles.py``, which the collection imports, import this module.
    """

    def __getitem__(self, name: str) -> dict:
        return roles()[name]

    def __setitem__(self, name: str, spec: dict) -> None:
        roles()[name] = spec

    def __delitem__(self, name: str) -> None:
        del roles()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(roles())

    def __len__(self) -> int:
        return len(roles())


ROLES: MutableMapping[str, dict] = _Roles()


def _permissions_for(spec: dict):
    query = Q(pk__in=[])
    for app_label, actions in spec["apps"].items():
        codename_prefixes = Q(pk__in=[])  # an app listed with no actions grants nothing (an empty Q() matches all)
        for action in actions:
            codename_prefixes |= Q(codename__startswith=f"{action}_")
        query |= Q(content_type__app_label=app_label) & codename_prefixes
    for app_label, model in RESTRICTED_MODELS:
        query &= ~Q(content_type__app_label=app_label, content_type__model=model)
    for dotted in spec["extra"]:
        app_label, codename = dotted.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


@transaction.atomic
def roles_sync() -> dict[str, int]:
    """Creates the staff groups and sets their permissions; returns permissions per role."""
    counts = {}
    for name, spec in roles().items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = list(_permissions_for(spec))
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts
