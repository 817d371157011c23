"""The notebooks as people use them: each jupytext source is executed in a real Jupyter kernel
(nbclient), every figure cell (tagged ``figure``) must show an image and no cell may err; the
shipped ``.ipynb`` files must match their sources and carry their figures, so they read on
GitHub. ``make notebooks`` rebuilds them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from support import ROOT

nbformat = pytest.importorskip("nbformat")
jupytext = pytest.importorskip("jupytext")
pytest.importorskip("nbclient")

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))
sys.path.insert(0, str(ROOT / "scripts"))

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


def _figure_cells(nb) -> list:
    return [c for c in nb.cells if "figure" in c.get("metadata", {}).get("tags", [])]


def _text(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []) if o.get("output_type") == "stream")


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(NOTEBOOKS, reverse=True), ids=lambda p: p.name)
def test_notebook_runs_in_a_kernel_and_shows_its_figures(path: Path) -> None:
    from build_notebooks import execute

    nb = execute(path)  # raises CellExecutionError (with the cell and traceback) if one errs
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    figures = _figure_cells(nb)
    assert figures, "a notebook with no figure cell tagged"
    for cell in figures:
        kinds = [o.get("output_type") for o in cell.outputs]
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert len(images) == 1, (cell.source[-200:], kinds)
        assert not any("<Figure size" in o.get("data", {}).get("text/plain", "")
                       and "image/png" not in o.get("data", {}) for o in cell.outputs)
    for cell in [c for c in nb.cells if "network" in c.get("metadata", {}).get("tags", [])]:
        shown = [o for o in cell.outputs if "<svg" in o.get("data", {}).get("text/html", "")]
        assert len(shown) == 1, [o.get("output_type") for o in cell.outputs]
    out = _text(nb)
    for needle in EXPECT[path.name]:
        assert needle in out, needle


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_shipped_ipynb_matches_its_source(path: Path) -> None:
    shipped = path.with_suffix(".ipynb")
    assert shipped.exists(), f"{shipped.name} is missing: run `make notebooks`"
    nb = nbformat.read(shipped, as_version=4)
    src = jupytext.read(path)
    assert [(c.cell_type, c.source) for c in nb.cells] == \
        [(c.cell_type, c.source) for c in src.cells], \
        f"{shipped.name} has drifted from {path.name}: run `make notebooks`"
    for cell in _figure_cells(nb):
        assert any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])), \
            f"{shipped.name}: a figure cell has no image (run `make notebooks`)"


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 3
