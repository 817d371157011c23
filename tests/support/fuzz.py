"""The fuzz corpus's cases, run through the CLI in this process: each case lays out the bundled
model and worldview in a scratch folder, writes its file over its slot, and runs the command
its kind calls for. ``scripts/fuzz_inputs.py`` writes the corpus (tests/fuzz_corpus) with
these, and tests/system/test_fuzz_corpus.py replays it."""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

from cruxnet.base.bundled import model_file, worldview_dir
from cruxnet.cli import main as cli


def run_cli(args: list[str]) -> tuple[int, str]:
    """Run ``cruxnet`` with ``args`` in this process: its exit code and what it wrote to stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            rc = cli(args)
        except SystemExit as exc:
            rc = int(exc.code or 0)
    return rc, err.getvalue()


def ok(rc: int, err: str) -> bool:
    """Exit 0, or exit 2 with one line ``cruxnet: error: ...`` (no internal error)."""
    lines = err.strip().splitlines()
    if rc == 0:
        return True
    return (rc == 2 and len(lines) == 1 and lines[0].startswith("cruxnet: error: ")
            and "internal error" not in lines[0])


#: How each kind of case is laid out in a scratch directory and run.
KIND_FILES = {"model": "crux_network.yaml",
              "worldview": "worldviews/crux_network/gs_deference.yaml",
              "shared": "worldviews/crux_network/_shared.yaml", "bif": "net.bif",
              "xmlbif": "net.xml", "elicit": "panel.elicit.yaml", "ledger": "ledger.jsonl",
              # hand-written kinds only: a BIF file read without --normalize, other tools' files
              "bifstrict": "strict.bif", "xdsl": "net.xdsl", "hugin": "net.net",
              "netica": "net.dne"}


def case_args(kind: str, d: Path, extra: list[str]) -> list[str]:
    """The command a case runs, with its file(s) laid out under ``d``."""
    if kind in ("model", "worldview", "shared"):
        return ["query", "catastrophe", "--model", str(d / KIND_FILES["model"]), *extra]
    if kind in ("bif", "xmlbif"):
        return ["validate", str(d / KIND_FILES[kind]), "--normalize"]
    if kind == "bifstrict":
        return ["validate", str(d / KIND_FILES[kind])]
    if kind in ("xdsl", "hugin", "netica"):
        return ["query", "x", "--model", str(d / KIND_FILES[kind]), *extra]
    if kind == "elicit":
        return ["elicit", str(d / KIND_FILES[kind]), "--out", str(d / "pooled.yaml")]
    if kind == "ledger":
        return ["update", str(d / KIND_FILES[kind]), "-n", "50", *extra]
    return list(extra)  # "cli": the arguments are the case


def lay_out(kind: str, d: Path, content: bytes | None) -> None:
    """Write the bundled model and worldview, then the case's file over its slot."""
    wdir = d / "worldviews" / "crux_network"
    wdir.mkdir(parents=True, exist_ok=True)
    (d / KIND_FILES["model"]).write_bytes((model_file("crux_network")).read_bytes())
    for name in ("gs_deference.yaml", "_shared.yaml"):
        (wdir / name).write_bytes((worldview_dir("crux_network") / name).read_bytes())
    if content is not None and kind in KIND_FILES:
        (d / KIND_FILES[kind]).write_bytes(content)


def run_case(kind: str, content: bytes | None, extra: list[str]) -> tuple[int, str]:
    """Lay out a case in a scratch folder and run its command: exit code and stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        lay_out(kind, d, content)
        return run_cli(case_args(kind, d, extra))
