# Two commands on a fresh machine: `make run` (the app) and `make test` (the suite). See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: install install-dev frontend translations system-deps run test bench clean

# Debian packages for the real slicer checks, the OpenSCAD comparison, GL previews (EGL on Mesa) and the
# browser tests (Chromium, driven by Playwright with executable_path: a Playwright browser download fails here).
# Installed when run as root with apt-get (CI, fresh machines); elsewhere it says what to install.
SYSTEM_PACKAGES := prusa-slicer admesh openscad libegl1 libegl-mesa0 libgl1-mesa-dri chromium poppler-utils fonts-dejavu-core

install: $(VENV)/.installed translations frontend

# Browser libraries (three.js), pinned in package-lock.json and served from node_modules by Django staticfiles.
frontend: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Italian and English: the .po files are the source, compiled with Babel (no system gettext needed).
translations: $(VENV)/.installed
	for domain in django djangojs; do \
	  if ls locale/*/LC_MESSAGES/$$domain.po >/dev/null 2>&1; then \
	    $(PY) -m babel.messages.frontend compile -d locale -D $$domain --statistics || exit 1; fi; done

install-dev: $(VENV)/.installed-dev translations frontend

system-deps:
	@if dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	else echo "note: install $(SYSTEM_PACKAGES) for the slicer, OpenSCAD and GL tests (they are skipped without them outside CI)"; fi

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Installs, migrates, loads the demo catalogue and users, starts the web server and a Celery worker.
# With REDIS_URL / DATABASE_URL unset: embedded Redis and SQLite under var/.
run: install
	$(PY) -m config.launcher serve

# The whole suite. Each run gets its own Celery queue and channel prefix, so runs sharing a Redis never mix.
test: install-dev system-deps
	node --test tests/js/  # the studio's pure modules (store, history, rules, formatting), with Node's own runner
	SARTORIA_CELERY_QUEUE=sartoria-test-$$$$ SARTORIA_CHANNEL_PREFIX=asgi-test-$$$$ \
	$(PY) -m config.launcher exec -- $(PY) -m pytest $(PYTEST_ARGS)

bench: install-dev system-deps
	$(PY) bench/bench_geometry.py
	$(PY) bench/bench_click_to_preview.py
	$(PY) bench/bench_scan.py
	$(PY) bench/bench_fit.py --scan
	$(PY) bench/bench_scan_shaped.py
	$(PY) bench/bench_studio.py
	$(PY) bench/bench_phone_vs_laser.py
	$(PY) bench/bench_recovery.py --runs 3
	$(PY) bench/bench_handoff.py
	$(PY) bench/bench_packing.py

clean:
	rm -rf $(VENV) var
