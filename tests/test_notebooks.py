"""Notebooks (jupytext percent scripts) run from start to finish."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.py"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    assert "P(catastrophe)" in out and "ImpossibleEvidenceError" in out


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS
