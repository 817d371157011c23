# Quick start: `make report` (main job) and `make test` (the test suite). Each creates .venv first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: venv report test lint clean chromium notebooks lab docs

$(BIN)/cruxnet: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@# Bytecode for the editable package now (saves ~0.3 s per process where
	@# PYTHONDONTWRITEBYTECODE is set; stale files are simply recompiled in memory).
	$(BIN)/python -m compileall -q cruxnet
	touch $(BIN)/cruxnet

venv: $(BIN)/cruxnet

## Main job: the crux report on the bundled crux network, all four worldviews, 1e5 draws.
report: venv
	$(BIN)/cruxnet report --out report --seed 1
	@echo "open report/report.html (self-contained; its explorer also as report/explore.html) or read report/report.md"

## The shipped notebooks: execute each jupytext source in a kernel, write NAME.ipynb with its
## outputs (the test fails when one has drifted from its source).
notebooks: venv
	$(BIN)/python scripts/build_notebooks.py

## The API reference from the docstrings (Sphinx, warnings as errors): docs/_build/api/index.html
docs: venv
	$(BIN)/python scripts/build_description.py
	$(BIN)/python -m sphinx -b html -W --keep-going docs/api docs/_build/api

## Open the notebooks in JupyterLab (installs the `notebooks` extra).
lab: venv
	$(BIN)/python -m pip install --quiet -e ".[notebooks]"
	$(BIN)/jupyter lab notebooks/

## Chromium renders the report in the browser test: Debian's package, installed here if it is
## missing and we may (root with apt-get); otherwise say how (the test then fails and says so).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: sudo apt-get install chromium (the browser test needs it)"; fi; }

## Tests: pytest (with doctests), mypy --strict and ruff.
test: venv chromium
	$(BIN)/python -m pytest -q
	$(BIN)/python -m mypy
	$(BIN)/ruff check cruxnet tests benchmarks scripts notebooks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
