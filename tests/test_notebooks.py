"""Notebooks (jupytext percent scripts) run from start to finish."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.py"))


#: What each notebook must print (its sections ran to the end).
EXPECT = {
    "01_querying_the_crux_network.py": ["P(catastrophe)", "ImpossibleEvidenceError"],
    "02_sensitivity_analysis.py": ["swing_ci", "variance_reduction", "ST", "capability_restraint",
                                   "alignment_difficulty", "after the shift: P(catastrophe) = "
                                   "0.3000", "stated-marginal"],
    "03_updating_beliefs.py": ["fit error", "log pool: P(bgd_exists | hard)",
                               "hierarchical pool", "pooled panel", "do(capability_restraint=hold)",
                               "diagnostics: r_hat", "(same system)", "P(scheming): 0.300 -> "],
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    for needle in EXPECT[path.name]:
        assert needle in out, needle


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS
