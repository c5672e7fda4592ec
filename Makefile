# make run: the development server with the demo content. make test: lint, types, migrations check, the whole
# suite with coverage.
# make serve: the site as production runs it (gunicorn, DEBUG off) on the local PostgreSQL and Redis.
# make check: lint, types and the fast tests, for the edit-test loop. make lock: recompile the pinned requirements.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# The first interpreter that is Python 3.12 or newer (Django 6 needs it); .python-version asks pyenv for 3.13.
PYTHON := $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then command -v $$p; break; fi; done)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run serve soak bench test check audit lint typecheck lock format browser vnu postgres redis clean

run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.runtime
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py setup_roles
	@# The task worker (order emails) runs beside the server and stops with it.
	DEBUG=1 $(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# make serve: production settings against the local services. Any of these can be set in the environment.
WEB_WORKERS ?= 2
SERVE_DB ?= fatigue_site
serve: export DEBUG = 0
serve: export HTTPS ?= 0
serve: export SERVE_MEDIA ?= 1
serve: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/$(SERVE_DB)
serve: export REDIS_URL ?= redis://127.0.0.1:6379/0
serve: export SECRET_KEY ?= $(shell cat $(VENV)/serve-secret-key 2>/dev/null)

serve: $(VENV)/.runtime $(VENV)/serve-secret-key postgres redis
	@# The deployment check as deployed, behind HTTPS: any warning stops here. (This server speaks
	@# plain HTTP on loopback, so it serves with HTTPS=0: no redirect, no Secure-only cookies.)
	HTTPS=1 $(PY) manage.py check --deploy --fail-level WARNING
	@# The local database, created once when DATABASE_URL is the default.
	@[ "$(DATABASE_URL)" != "postgres://postgres@127.0.0.1:5432/$(SERVE_DB)" ] \
		|| psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$(SERVE_DB)'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres $(SERVE_DB)
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py setup_roles
	$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(VENV)/bin/gunicorn fatigue_site.wsgi --bind 127.0.0.1:$(PORT) --workers $(WEB_WORKERS) \
		--no-control-socket --access-logfile - --timeout 30 --graceful-timeout 10

$(VENV)/serve-secret-key: | $(PY)
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# Coverage of lines and branches, with a floor it must not fall below ([tool.coverage] in pyproject.toml).
# Measuring makes the suite half as slow again, so it is measured on SQLite, the first of CI's two runs;
# the PostgreSQL run covers the same code and goes without (COVERAGE=1 measures there too).
COVERAGE ?= $(if $(findstring postgres,$(DATABASE_URL)),,1)
test: $(VENV)/.dev browser vnu redis $(if $(findstring postgres,$(DATABASE_URL)),postgres) lint typecheck audit
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(if $(COVERAGE),--cov)

# The edit-test loop, in under a minute (figures in docs/development.md): lint, types and the tests that need
# no browser, no server process, no Redis and no whole-site crawl (the marks in pyproject.toml), on every core
# (pytest-xdist). It installs and starts nothing beyond the venv; make test runs everything, one at a time.
check: $(VENV)/.dev lint typecheck
	$(VENV)/bin/pytest -q -n auto -m "not browser and not slow and not redis and not thorough"

# Kill the app server during a stream of cart and checkout requests for SOAK_SECONDS, then check that
# nothing was lost or doubled. It needs PostgreSQL: the servers and the checks share the test database.
SOAK_SECONDS ?= 50
soak: $(VENV)/.dev postgres redis
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} SOAK_SECONDS=$(SOAK_SECONDS) \
		$(VENV)/bin/pytest -s -q tests/production/test_soak.py

# Known vulnerabilities in the runtime requirements and everything they pull in, from PyPI's advisory data.
# A found vulnerability fails. A package the advisory service cannot be asked about is listed as not
# audited (on a machine without that service, all of them); AUDIT_STRICT=1 fails on that too.
# requirements.txt pins the whole tree with hashes, so pip-audit reads it as it is (--disable-pip)
# instead of installing it in a virtualenv of its own to find the dependencies.
audit: $(VENV)/.dev
	$(VENV)/bin/pip-audit -r requirements.txt --disable-pip --progress-spinner off $(if $(AUDIT_STRICT),--strict) \
		2> >(grep -v "Location '" >&2)

# The lock files: requirements.txt and requirements-dev.txt compiled by pip-tools from requirements.in and
# requirements-dev.in, every package of the tree pinned with its hashes (options: [tool.pip-tools] in
# pyproject.toml). A pin moves when its .in line does; LOCK_ARGS=--upgrade moves the indirect ones too.
lock: $(VENV)/.dev
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile -q $(LOCK_ARGS) requirements.in \
		2> >(grep -v "Location '" >&2)
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile -q $(LOCK_ARGS) requirements-dev.in \
		2> >(grep -v "Location '" >&2)

# The production stack under load, each page against a one-line view; writes bench/results.md.
# wrk from Debian's packages, Lighthouse from the npm registry (bench/package.json); a few minutes.
bench: $(VENV)/.dev postgres redis
	@command -v wrk >/dev/null 2>&1 || { \
		echo "Installing wrk from Debian's packages"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || $(MAKE) --no-print-directory browser
	@[ -x bench/node_modules/.bin/lighthouse ] || (cd bench && npm ci --no-audit --no-fund --loglevel=error) \
		|| echo "Lighthouse could not be installed: bench/results.md will say so"
	$(PY) bench/run.py

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with django-stubs over the apps and the project package ([tool.mypy] in pyproject.toml). The plugin
# imports the settings, which need DEBUG=1 or a SECRET_KEY.
typecheck: $(VENV)/.dev
	DEBUG=1 $(VENV)/bin/mypy

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The local PostgreSQL (make serve, soak, bench and the PostgreSQL test run), started when it is not running.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
		echo "Starting the local PostgreSQL server"; \
		$(SUDO) pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start && \
		for _ in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

# The local Redis, which the fault tests use (databases 14 and 15), started when it is not running.
redis:
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
		echo "Starting the local Redis server"; \
		redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
			--dir /var/lib/redis --logfile /var/log/redis/ci.log && \
		for _ in $$(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done; }

# Debian's Chromium for the browser tests; Playwright's own browser download is not used.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Chromium from Debian's packages"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# The Nu HTML checker for tests/test_html_valid.py: Java from Debian's packages and the pinned vnu-jar
# (tests/vnu/package.json), installed again when the lockfile is newer. --ignore-scripts: vnu-jar's
# install script would download a Java runtime of its own.
vnu:
	@command -v java >/dev/null 2>&1 || { \
		echo "Installing Java from Debian's packages"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless >/dev/null; }
	@[ tests/vnu/node_modules/vnu-jar/build/dist/vnu.jar -nt tests/vnu/package-lock.json ] || \
		(cd tests/vnu && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

$(PY):
	@test -n "$(PYTHON)" || { echo "error: Python 3.12 or newer is needed (Django 6). Install one, e.g. 'pyenv install 3.13', and run make again." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# The lock files (make lock) name every package with its hashes: pip installs exactly those files or stops.
# requirements-dev.txt holds the runtime tree too, at requirements.txt's versions.
$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install -q --require-hashes -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q --require-hashes -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

clean:
	rm -rf $(VENV) staticfiles test-artifacts .coverage .mypy_cache
