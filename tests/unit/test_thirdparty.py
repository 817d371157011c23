"""ArviZ's once-a-day notice (cruxnet.base.thirdparty): never shown to a user, never what decides a
test's outcome."""

from __future__ import annotations

import pytest
from support import ROOT


@pytest.mark.slow
def test_arviz_notice_depends_on_nothing_a_user_has(tmp_path) -> None:
    """ArviZ 0.2x shows a FutureWarning once a day per user cache (its text starts with a
    newline). With a fresh home folder and cache it is due: cruxnet's commands and imports must
    neither show it to a user nor let a test's outcome depend on it."""
    import ast
    import os
    import subprocess
    import sys

    import matplotlib

    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "MPLCONFIGDIR": matplotlib.get_cachedir()}  # matplotlib's font list, built once
    bare = subprocess.run([sys.executable, "-W", "error::FutureWarning", "-c", "import arviz"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert bare.returncode != 0 and "ArviZ is undergoing" in bare.stderr  # the notice is due
    ours = subprocess.run([sys.executable, "-W", "error::FutureWarning", "-m", "cruxnet",
                           "query", "catastrophe", "--draws", "200", "--ci-kind", "hdi"],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert ours.returncode == 0 and ours.stderr == "", ours.stderr
    # Every import of ArviZ or PyMC in the package goes through cruxnet.base.thirdparty.
    root = ROOT / "cruxnet"
    for f in root.rglob("*.py"):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        quiet = {id(n) for w in ast.walk(tree) if isinstance(w, ast.With)
                 and "quiet_arviz_notice" in ast.unparse(w.items[0].context_expr)
                 for n in w.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""])
                if any(n.split(".")[0] in ("arviz", "pymc") for n in names):
                    assert f.name == "thirdparty.py" or id(node) in quiet, (f, node.lineno)
