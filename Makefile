# Kindcentrum Scan: two commands do all set-up.
#   make run   virtual environment, install, demo database on first start, serve the app
#   make test  install what the tests need (Debian chromium included), lint, run the whole suite
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The demo has a file of its own: the production default (data/scan.duckdb) never holds demo accounts.
DEMO_DB ?= data/demo.duckdb
PORT ?= 8501
DEMO_RESPONDENTS ?= 300

.PHONY: run test lint format bench bench-browser demo clean chromium screenshots


$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	$(PIP) install --quiet --no-deps --editable .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed requirements-test.txt
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

# Browser tests drive Debian's chromium through Playwright (no browser is ever downloaded); the PDF tests
# read reports back with poppler's pdftotext.
SYSTEM_PACKAGES := chromium poppler-utils
chromium:
	@command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || { \
		echo "Installing Debian packages for the tests: $(SYSTEM_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; }

demo: $(VENV)/.installed
	@test -f $(DEMO_DB) || $(PY) -m scan demo --db $(DEMO_DB) --respondents $(DEMO_RESPONDENTS)

run: demo
	SCAN_DB=$(DEMO_DB) SCAN_DEMO=1 $(VENV)/bin/streamlit run app.py --server.port $(PORT)

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.test-installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: $(VENV)/.test-installed chromium lint
	$(PY) -m pytest

# The README's screenshots, taken by the browser tests.
screenshots: $(VENV)/.test-installed chromium
	SCAN_SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest tests/e2e -q

bench: $(VENV)/.installed
	$(PY) -m scan bench --respondents $${RESPONDENTS:-1000000} --json

# The director overview on the benchmark data in Debian chromium (after `make bench`).
bench-browser: $(VENV)/.test-installed chromium
	$(PY) -m tests.bench.director_in_browser


clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
