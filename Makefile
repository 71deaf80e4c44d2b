# The two commands of the README: `make run` and `make test`.
# Both create the virtual environment in .venv and install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint translations messages lock audit pdf-libraries docs test-clock

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Running needs only the finder itself; tests, lint and browser tools come with `make test`.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.installed-run
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# The gettext catalogues are compiled here, never committed.
translations: $(VENV)/.installed-run
	$(BIN)/pybabel compile -d translations -D messages --statistics

# After changing UI texts: collect them and update every language's catalogue.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ -k t:2 -k tn:2,3 -k Nn_:1,2 --no-location \
		--sort-output --project Familienwegweiser --version 0.1 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages \
		--ignore-obsolete --width 100

HOST ?= 127.0.0.1
PORT ?= 8000

run: translations
	$(BIN)/finder build --if-changed
	$(BIN)/finder serve --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium (no browser download) and inject axe-core.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

# The referral slip's PDF (WeasyPrint) needs Pango and a font with Arabic letters;
# Chromium brings them, this makes sure of them on a machine without it.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
pdf-libraries:
	@dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(PDF_PACKAGES); }

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

test: $(VENV)/.installed translations $(CHROMIUM) pdf-libraries node_modules/axe-core/axe.min.js
	$(BIN)/ruff check finder bot tests bench
	$(BIN)/bandit --quiet --recursive finder bot --severity-level medium
	$(BIN)/python -m pytest

# The README's command-line reference and ranking rules, written from the code.
docs: $(VENV)/.installed-run
	$(BIN)/python -c "from pathlib import Path; from finder.reference import update; update(Path('README.md'))"

lint: $(VENV)/.installed
	$(BIN)/ruff check finder bot tests bench

# The tests of the model, the search, the content and the build with the system clock moved
# 40 and 400 days ahead (libfaketime): they must not depend on the calendar. Server tests
# and the coordinator's and the bot's are left out (gunicorn's timers, the PDF renderer's and
# the bot stand-in's timed waits do not survive a moved clock); the fit, misses, Kreis and
# reminder tests start their own servers and pass. The monotonic clock moves
# too: with FAKETIME_DONT_FAKE_MONOTONIC=1, libfaketime 0.9.10 makes Python 3.11's
# time.sleep fail with EINVAL.
CLOCK_TESTS := tests/test_model.py tests/test_search.py tests/test_search_properties.py \
	tests/test_content.py tests/test_build.py tests/test_relevance.py tests/test_parity.py \
	tests/test_fit.py tests/test_misses.py tests/test_kreis.py tests/test_reminders.py
/usr/bin/faketime:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq faketime

test-clock: $(VENV)/.installed translations /usr/bin/faketime
	for shift in +40d +400d; do \
		FAKETIME_DONT_FAKE_MONOTONIC=0 faketime -f $$shift $(BIN)/python -m pytest -q -p no:cacheprovider \
			$(CLOCK_TESTS) || exit 1; \
	done

# The exact versions and hashes for a deployment (pip install --require-hashes -r requirements.lock).
lock: $(VENV)/.installed
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
		--python-platform linux --quiet -o requirements.lock

# Known vulnerabilities in the locked dependencies. Needs pip-audit's advisory service,
# which this project's CI machines cannot reach; run it where the server is deployed.
audit: $(VENV)/.installed
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit --require-hashes -r requirements.lock
