"""The API reference builds from the docstrings with Sphinx, warnings as errors (``make docs``
builds the same into docs/_build/api)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import ROOT

pytest.importorskip("sphinx")


def test_api_reference_builds_without_warnings(tmp_path) -> None:
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going",
                           "-q", str(ROOT / "docs" / "api"), str(tmp_path / "html")],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = (tmp_path / "html" / "query.html").read_text(encoding="utf-8")
    for name in ("posterior_draws", "joint_posterior", "with_stated_marginals", "to_pgmpy"):
        assert name in page, name
