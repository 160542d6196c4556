"""Staff roles as groups with model permissions.

A role names, per app, the actions it may take on every model of that app, so models that
later issues add are covered without touching this file. ``roles_sync`` is idempotent: it
sets each group's permissions to exactly what is listed here.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

ALL = ("add", "change", "delete", "view")
READ = ("view",)
DOMAIN_APPS = ("disnaker", "training", "lpk_registry", "placement")

ADMIN = "Admin Disnaker"
TRAINING_OFFICER = "Petugas Pelatihan"
PLACEMENT_OFFICER = "Petugas Penempatan"
LPK_SUPERVISOR = "Pembina LPK"
HEAD_OF_OFFICE = "Pimpinan"

# role -> {app_label: actions}; plus extra codenames "app_label.codename".
ROLES: dict[str, dict] = {
    ADMIN: {
        "apps": dict.fromkeys(DOMAIN_APPS, ALL) | {"auth": ALL, "django_celery_beat": ALL},
        "extra": ["disnaker.reveal_person_nik", "disnaker.publish_summary"],
    },
    TRAINING_OFFICER: {
        "apps": {"training": ALL, "disnaker": ("add", "change", "view")},
        "extra": ["disnaker.reveal_person_nik"],
    },
    PLACEMENT_OFFICER: {
        "apps": {"placement": ALL, "disnaker": ("add", "change", "view"), "training": READ},
        "extra": ["disnaker.reveal_person_nik"],
    },
    LPK_SUPERVISOR: {
        "apps": {"lpk_registry": ALL, "disnaker": ("add", "change", "view")},
        "extra": ["disnaker.reveal_person_nik"],
    },
    HEAD_OF_OFFICE: {
        "apps": dict.fromkeys(DOMAIN_APPS, READ),
        "extra": [],
    },
}


def _permissions_for(spec: dict):
    query = Q(pk__in=[])
    for app_label, actions in spec["apps"].items():
        codename_prefixes = Q()
        for action in actions:
            codename_prefixes |= Q(codename__startswith=f"{action}_")
        query |= Q(content_type__app_label=app_label) & codename_prefixes
    for dotted in spec["extra"]:
        app_label, codename = dotted.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


@transaction.atomic
def roles_sync() -> dict[str, int]:
    """Creates the staff groups and sets their permissions; returns permissions per role."""
    counts = {}
    for name, spec in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = list(_permissions_for(spec))
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts
