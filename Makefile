# Quick start: `make report` (main job) and `make test` (the test suite). Each creates .venv first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: venv report test lint clean

$(BIN)/cruxnet: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(BIN)/cruxnet

venv: $(BIN)/cruxnet

## Main job: the crux report on the bundled crux network, all four worldviews, 1e5 draws.
report: venv
	$(BIN)/cruxnet report --out report --seed 1
	@echo "open report/report.html (self-contained) or read report/report.md"

## Tests: pytest (with doctests), mypy --strict and ruff.
test: venv
	$(BIN)/python -m pytest -q
	$(BIN)/python -m mypy
	$(BIN)/ruff check cruxnet tests benchmarks scripts notebooks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
