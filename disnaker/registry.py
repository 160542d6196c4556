"""What the core collects from the portal's apps, found through Django's app registry.

The core imports no app (an import-linter contract in ``pyproject.toml`` checks it). Each app
declares what the core shows in modules of its own, found by name the way Django's
``autodiscover`` finds ``admin.py``:

``stats.py``  ``SECTION`` and ``SECTION_TITLE``, ``FIGURES``, ``work_waiting(today)`` (its dashboard
              queues), ``earliest()`` (its first data); optionally the figures the dashboard and
              the PDF show first: ``TILES``, ``TREND`` and ``CHARTS``
``demo.py``   ``seed(*, log)``: its demo data for ``manage.py seed_demo``
``roles.py``  ``GRANTS``: what each staff role may do on its models
``selectors.py`` ``personal_data(person)``: its rows naming a person, for "download my data"

Only the project's own apps (the packages beside ``manage.py``) are asked, in ``INSTALLED_APPS`` order.
"""

from functools import cache
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType

from django.apps import AppConfig, apps
from django.conf import settings


def project_apps() -> list[AppConfig]:
    """The portal's own apps, core first; third-party and Django's apps live elsewhere."""
    base = Path(settings.BASE_DIR).resolve()
    return [app for app in apps.get_app_configs() if Path(app.path).resolve().parent == base]


@cache
def _declaring(module: str) -> tuple[tuple[str, ModuleType], ...]:
    found = []
    for app in project_apps():
        dotted = f"{app.name}.{module}"
        if find_spec(dotted) is not None:
            found.append((app.label, import_module(dotted)))
    return tuple(found)


def declaring(module: str) -> dict[str, ModuleType]:
    """``{app_label: the app's module}`` of every project app that has ``module`` (e.g. "stats")."""
    return dict(_declaring(module))


def collect(module: str, name: str, default=None) -> list:
    """``name`` of every app's ``module``, in app order; a module without it gives ``default``.

    Without a default a missing declaration raises, so a forgotten one does not go unnoticed.
    """
    found = []
    for declared in declaring(module).values():
        found.append(getattr(declared, name) if default is None else getattr(declared, name, default))
    return found


def collect_items(module: str, name: str, default=None) -> list:
    """The items of every app's ``name`` (a list or tuple) in one list, in app order."""
    return [item for items in collect(module, name, default) for item in items]
