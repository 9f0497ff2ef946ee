# The two commands of the README contract: `make book` and `make test`.
# Both create a project-local virtual environment from the lock file first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup book pdf test test-fast test-slow test-all lint format browser-check lock clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

setup: $(STAMP)

# The HTML book and its PDF editions (_build/pdf/; needs Debian's chromium, else the HTML alone).
book: setup
	$(PY) -m analysis build

# Only the PDF editions, from the HTML book already built.
pdf: setup
	$(PY) -m analysis pdf

# The suite without the slow tests (statistical simulations, a second whole-book build on a CSV extract).
test: setup
	$(PY) -m pytest -n auto -m "not slow"

test-slow: setup
	$(PY) -m pytest -n auto -m slow

test-all: setup
	$(PY) -m pytest -n auto

test-fast: setup
	$(PY) -m pytest -m "not e2e and not slow"

lint: setup
	$(VENV)/bin/ruff check src tests scripts
	$(VENV)/bin/ruff format --check src tests scripts
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff check --fix src tests scripts
	$(VENV)/bin/ruff format src tests scripts

browser-check: book
	$(PY) -m analysis browser-check

lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile requirements.in --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf _build book/generated
