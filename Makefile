# Portal Disnaker — `make run` and `make test` do all the set-up they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
BACKUP_DIR ?= backups

.PHONY: run test test-e2e lint fmt messages translations setup check-system clean backup restore

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed check-system translations

# Names the system libraries that pip cannot install; the portal still starts without them.
check-system:
	@$(PY) -c 'import weasyprint' 2>/dev/null || \
		echo "NOTE: WeasyPrint cannot load Pango: install libpango-1.0-0 libpangoft2-1.0-0 (PDFs will not render)."
	@command -v chromium >/dev/null || test -x /usr/bin/chromium || \
		echo "NOTE: chromium is missing: browser tests need it (apt-get install chromium)."
	@command -v pdftotext >/dev/null || \
		echo "NOTE: pdftotext is missing: PDF tests need it (apt-get install poppler-utils)."

# Compiles locale/*/LC_MESSAGES/django.po; uses gettext's msgfmt when present, else polib.
translations: $(VENV)/.installed
	@if command -v msgfmt >/dev/null; then \
		DJANGO_DEBUG=1 $(MANAGE) compilemessages --ignore '.venv' -v0; \
	else \
		$(PY) -c 'import glob, polib; [polib.pofile(p).save_as_mofile(p[:-2] + "mo") for p in glob.glob("locale/*/LC_MESSAGES/*.po")]'; \
	fi

# Refreshes the catalogues from the source after strings change.
messages: $(VENV)/.installed
	DJANGO_DEBUG=1 $(MANAGE) makemessages -l id -l en --no-obsolete --ignore '.venv/*' --ignore 'static/*' --ignore 'tests/*' --ignore 'bench/*'

run: setup
	DJANGO_DEBUG=1 $(MANAGE) migrate --noinput
	DJANGO_DEBUG=1 $(MANAGE) load_reference
	DJANGO_DEBUG=1 $(MANAGE) setup_roles
	DJANGO_DEBUG=1 $(MANAGE) seed_demo
	@echo "Portal Disnaker: http://$(HOST):$(PORT)/  (staff: http://$(HOST):$(PORT)/admin/)"
	DJANGO_DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_DEBUG=1 $(MANAGE) makemigrations --check --dry-run

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: setup lint
	DJANGO_DEBUG=1 $(VENV)/bin/pytest $(PYTEST_ARGS)

test-e2e: setup
	DJANGO_DEBUG=1 $(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

# Database dump and media files, encrypted to BACKUP_AGE_RECIPIENTS, into $(BACKUP_DIR)/<YYYYmmdd-HHMMSS>/
# (README, "Backup and restore").
backup: $(VENV)/.installed
	DJANGO_DEBUG=1 $(MANAGE) backup --dir "$(BACKUP_DIR)"

# make restore FROM=backups/<YYYYmmdd-HHMMSS> [YES=1 to replace a database that holds rows];
# the secret key comes from BACKUP_AGE_IDENTITY or BACKUP_AGE_IDENTITY_FILE.
restore: $(VENV)/.installed
	@test -n "$(FROM)" || { echo "Usage: make restore FROM=backups/<YYYYmmdd-HHMMSS> [YES=1]"; exit 2; }
	DJANGO_DEBUG=1 $(MANAGE) restore "$(FROM)" $(if $(YES),--yes)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
