"""Build the shipped notebooks: each jupytext source ``notebooks/NAME.py`` is executed in a
Jupyter kernel and written with its outputs as ``notebooks/NAME.ipynb`` (so it reads on GitHub
with its figures). ``make notebooks`` runs this; tests/system/test_notebooks.py fails when a
shipped ``.ipynb`` has drifted from its source.

Run: python scripts/build_notebooks.py [NAME.py ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def execute(source: Path, timeout: int = 900) -> nbformat.NotebookNode:
    """The notebook of a jupytext source, executed in a fresh python3 kernel (in its folder)."""
    nb = jupytext.read(source)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute()
    for cell in nb.cells:  # no timestamps: a rebuild changes only what the outputs show
        cell.metadata.pop("execution", None)
    return nb


def main(argv: list[str]) -> None:
    sources = [NOTEBOOKS / a for a in argv] if argv else sorted(NOTEBOOKS.glob("*.py"))
    for src in sources:
        nb = execute(src)
        out = src.with_suffix(".ipynb")
        nbformat.write(nb, out)
        print(f"wrote {out.relative_to(NOTEBOOKS.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
