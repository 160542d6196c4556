"""The arrows between the core and the apps: import-linter's contracts, and the registries that replace reach-ins."""

import datetime
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from disnaker import dashboard, registry, reports, summaries
from disnaker.roles import ADMIN, ROLES, roles

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())["tool"]["importlinter"]
CORE = "disnaker"
TODAY = datetime.date(2026, 10, 15)


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--config", root / "pyproject.toml"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _domain_apps() -> list:
    return [app for app in registry.project_apps() if app.label != CORE]


def _contract(kind: str) -> dict:
    return next(contract for contract in CONTRACTS["contracts"] if contract["type"] == kind)


def test_import_contracts_are_kept():
    result = _lint_imports(settings.BASE_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("file", "line", "broken"),
    [
        ("disnaker/dashboard.py", "from training import stats", "The core imports no app BROKEN"),
        ("placement/views.py", "from training.forms import TracerForm", "only through selectors and stats BROKEN"),
        ("lpk_registry/views.py", "from placement import services", "only through selectors and stats BROKEN"),
    ],
)
def test_a_reach_in_breaks_a_contract(tmp_path, file, line, broken):
    """The contracts can fail: the same code with one forbidden import added is refused."""
    shutil.copy(settings.BASE_DIR / "pyproject.toml", tmp_path)
    for package in CONTRACTS["root_packages"]:
        shutil.copytree(settings.BASE_DIR / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    with (tmp_path / file).open("a") as source:
        source.write(f"\n{line}\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout
    assert broken in result.stdout


def test_every_project_app_is_under_the_contracts():
    """A new app (industrial relations, say) must be added to the contracts, or they would not check it."""
    apps = {app.name for app in registry.project_apps()}
    assert set(CONTRACTS["root_packages"]) == apps
    assert _contract("forbidden")["source_modules"] == [CORE]
    assert set(_contract("forbidden")["forbidden_modules"]) == apps - {CORE}
    assert set(_contract("independence")["modules"]) == apps - {CORE}


@pytest.mark.parametrize("app", _domain_apps(), ids=lambda app: app.label)
def test_each_app_declares_its_figures_and_section(app):
    stats = registry.declaring("stats")[app.label]
    assert stats.FIGURES
    figures = {figure.key for figure in summaries.all_figures()}
    assert {figure.key for figure in stats.FIGURES} <= figures
    assert summaries.section_titles()[stats.SECTION] == stats.SECTION_TITLE
    assert all(figure.section == stats.SECTION for figure in stats.FIGURES)


@pytest.mark.parametrize("app", _domain_apps(), ids=lambda app: app.label)
@pytest.mark.django_db
def test_each_app_declares_its_dashboard_queues(app):
    queues = registry.declaring("stats")[app.label].work_waiting(TODAY)
    assert queues
    collected = {(item.changelist, item.query) for item in dashboard.work_items(TODAY)}
    assert {(item.changelist, item.query) for item in queues} <= collected
    assert all(item.changelist.startswith(f"admin:{app.label}_") for item in queues)


@pytest.mark.parametrize("app", _domain_apps(), ids=lambda app: app.label)
def test_each_app_declares_its_demo_data(app):
    demo = registry.declaring("demo")[app.label]
    assert demo.seed in registry.collect("demo", "seed")


@pytest.mark.parametrize("app", _domain_apps(), ids=lambda app: app.label)
def test_each_app_declares_what_its_officers_may_do(app):
    grants = registry.declaring("roles")[app.label].GRANTS
    assert grants
    for role, actions in grants.items():
        assert ROLES[role]["apps"][app.label] == actions
    assert roles()[ADMIN]["apps"][app.label] == ("add", "change", "delete", "view")


def test_seed_demo_seeds_the_core_first():
    """The apps' demo data stands on the core's staff and people."""
    assert next(iter(registry.declaring("demo"))) == CORE


def test_what_the_core_shows_first_names_declared_figures():
    figures = {figure.key: figure for figure in summaries.all_figures()}
    assert dashboard.tile_keys() and dashboard.trend_keys() and reports.chart_keys()
    assert set(dashboard.tile_keys()) <= set(figures)
    assert set(dashboard.trend_keys()) <= set(figures)
    for figure_key, breakdown_key in reports.chart_keys():
        assert figures[figure_key].breakdown(breakdown_key) is not None, (figure_key, breakdown_key)


def test_a_missing_declaration_is_an_error_not_a_silent_gap(monkeypatch):
    stats = registry.declaring("stats")["training"]
    monkeypatch.delattr(stats, "FIGURES")
    with pytest.raises(AttributeError):
        summaries.all_figures()
