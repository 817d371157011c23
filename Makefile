# Quick start: `make report` (main job) and `make test` (the test suite). Each creates .venv first.
# `make report` installs cruxnet and what it needs; `make test` adds the test tools.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# pytest workers: one per core (pytest-xdist).
JOBS   ?= auto
# Stamp: the test extra (pytest, mypy, ruff, pyAgrum, Playwright, nbclient, Sphinx) is installed.
TOOLS  := $(VENV)/.test-tools
PIP    := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar on
SAY    := @printf 'make: %s\n'

.PHONY: venv report test test-fast lint clean chromium node notebooks lab docs

$(BIN)/cruxnet: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "make: cruxnet needs Python 3.11 or newer, and '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "make: name another one, e.g. make PYTHON=python3.11 $(MAKECMDGOALS)"; exit 1; }
	$(SAY) "[1/2] creating $(VENV) with $$($(PYTHON) --version)"
	$(PYTHON) -m venv $(VENV)
	$(SAY) "[2/2] installing cruxnet and what it runs on (numpy, SciPy, xarray, PyMC, pgmpy, ...): a few minutes the first time"
	$(PIP) -e .
	@# Bytecode for the editable package now (saves ~0.3 s per process where
	@# PYTHONDONTWRITEBYTECODE is set; stale files are simply recompiled in memory).
	$(BIN)/python -m compileall -q cruxnet
	touch $(BIN)/cruxnet

venv: $(BIN)/cruxnet

$(TOOLS): $(BIN)/cruxnet
	$(SAY) "installing the test tools (pytest, mypy, ruff, pyAgrum, Playwright, a Jupyter kernel, Sphinx)"
	$(PIP) -e ".[test]"
	touch $(TOOLS)

## Main job: the crux report on the bundled crux network, all four worldviews, 1e5 draws.
report: venv
	$(SAY) "writing the crux report (four worldviews, 100,000 parameter draws; about a minute)"
	$(BIN)/cruxnet report --out report --seed 1
	@echo
	@echo "Open report/report.html in a browser (self-contained; its explorer is also"
	@echo "report/explore.html), or read report/report.md. The cruxnet command is in $(BIN):"
	@echo
	@echo "  . $(BIN)/activate            # once per shell; then:"
	@echo "  cruxnet models"
	@echo "  cruxnet query catastrophe -e scheming=no --draws 1000"
	@echo "  cruxnet explore              # writes explore.html"
	@echo "  cruxnet --help"

## The shipped notebooks: execute each jupytext source in a kernel, write NAME.ipynb with its
## outputs (the test fails when one has drifted from its source).
notebooks: $(TOOLS)
	$(BIN)/python scripts/build_notebooks.py

## The API reference from the docstrings (Sphinx, warnings as errors): docs/_build/api/index.html
docs: $(TOOLS)
	$(BIN)/python scripts/build_description.py
	$(BIN)/python -m sphinx -b html -W --keep-going docs/api docs/_build/api

## Open the notebooks in JupyterLab (installs the `notebooks` extra). Jupyter refuses to run
## as root unless told, so root gets --allow-root (and is told).
lab: venv
	@if [ "$$(id -u)" = 0 ]; then echo "make: running as root, so JupyterLab gets --allow-root"; fi
	$(SAY) "installing the notebooks extra (JupyterLab, jupytext)"
	$(PIP) -e ".[notebooks]"
	$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/

## Chromium renders the pages in the browser tests and Node.js runs the page's numeric code:
## Debian's packages, installed here if missing and we may (root with apt-get); otherwise say
## how (the tests that need them then fail and say so).
# $(call apt_install,COMMAND,PACKAGE,WHY)
apt_install = @command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make: installing Debian's $(2) ($(3))"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else echo "make: $(1) is missing: sudo apt-get install $(2) ($(3))"; fi; }

chromium:
	$(call apt_install,chromium,chromium,the browser tests need it)

node:
	$(call apt_install,node,nodejs,the page's numeric tests run under Node.js)

## Tests: pytest on every core (tests, doctests, notebooks, browser and node checks), then
## mypy --strict and ruff. All three run whatever the others say; the exit code is 1 if any fails.
test: $(TOOLS) chromium node
	@rc=0; \
	echo "make: [1/3] pytest on $(JOBS) workers (mypy --strict checks the types meanwhile)"; \
	$(BIN)/python -m mypy > $(VENV)/.mypy.out 2>&1 & mypy=$$!; \
	$(BIN)/python -m pytest -n $(JOBS) --dist worksteal -q || rc=1; \
	echo "make: [2/3] mypy --strict"; \
	wait $$mypy || rc=1; cat $(VENV)/.mypy.out; \
	echo "make: [3/3] ruff"; \
	$(BIN)/ruff check cruxnet tests benchmarks scripts notebooks || rc=1; \
	if [ $$rc = 0 ]; then echo "make: all tests and checks passed"; \
	else echo "make: something failed (see above)"; fi; \
	exit $$rc

## The developer's inner loop (about a minute): unit tests and doctests, no browser, kernel,
## terminal or packaging (tests/system), no oracle sweeps (tests/oracles), nothing marked slow.
## `make test` (and CI) run everything.
test-fast: $(TOOLS)
	$(BIN)/python -m pytest -n $(JOBS) --dist worksteal -q -m "not slow" tests/unit cruxnet

lint: $(TOOLS)
	$(BIN)/python -m mypy
	$(BIN)/ruff check cruxnet tests benchmarks scripts notebooks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
