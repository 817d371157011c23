"""The same command with the same seed gives byte-identical output in separate processes (with
different hash seeds, so nothing may depend on set or dict-of-set order): JSON from every
command that prints it, the pooled worldview, plots, and the whole report (figures included)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

LEDGER = "\n".join(json.dumps({**e, "citation": "c", "date": "2026-05-01", "by": "a"}) for e in [
    {"kind": "hard", "node": "deception_demonstrated", "state": "yes"},
    {"kind": "likelihood", "node": "scheming", "weights": {"no": 1, "yes": 3}},
    {"kind": "data", "node": "infosec_strong", "counts": {"no": 1, "yes": 4}},
    {"kind": "do", "node": "capability_restraint", "state": "hold"}]) + "\n"

COMMANDS = {
    "query": ["query", "catastrophe", "-e", "scheming=yes", "--fixed",
              "lead_time=about_1mo:0.6,to_6mo:0.4", "--draws", "1000", "--seed", "4", "--json"],
    "summary": ["summary", "--draws", "300", "--seed", "2", "--json"],
    "tornado": ["sensitivity", "catastrophe", "--draws", "300", "--json", "--plot",
                "{out}/tornado.png"],
    "sobol": ["sensitivity", "catastrophe", "--method", "sobol", "--samples", "64", "--draws",
              "200", "--json"],
    "levers": ["sensitivity", "catastrophe", "-w", "karnofsky_playbook", "--method", "levers",
               "--draws", "300", "--json"],
    "compare": ["sensitivity", "catastrophe", "--compare", "human_labor_first", "--json"],
    "cruxes": ["sensitivity", "catastrophe", "--method", "cruxes", "--threshold", "0.3",
               "--draws", "300", "--json"],
    "lint": ["lint", "superforecasters_2023", "-m", "carlsmith_2021", "--json"],
    "update": ["update", "{out}/ledger.jsonl", "-n", "300", "--seed", "5", "--json"],
    "elicit": ["elicit", "panel_2026", "--out", "{out}/pooled.yaml", "--json"],
    "report": ["report", "-m", "carlsmith_2021", "--draws", "500", "--analysis-draws", "100",
               "--out", "{out}/report"],
}


def _run(name: str, out: Path, hash_seed: str) -> dict[str, bytes]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "ledger.jsonl").write_text(LEDGER)
    args = [a.replace("{out}", str(out)) for a in COMMANDS[name]]
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    proc = subprocess.run([sys.executable, "-m", "cruxnet", *args], capture_output=True,
                          env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    files = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
             if p.is_file() and p.name != "ledger.jsonl"}
    # Paths differ between the two runs' directories; nothing else may.
    stdout = proc.stdout.replace(str(out).encode(), b"<out>")
    return {"stdout": stdout, **files}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_same_seed_same_bytes(name: str, tmp_path: Path) -> None:
    first = _run(name, tmp_path / "a", "1")
    second = _run(name, tmp_path / "b", "2")
    assert first.keys() == second.keys()
    for key in first:
        assert first[key] == second[key], f"{name}: {key} differs between runs"
    if name not in ("report", "tornado"):
        json.loads(first["stdout"])  # it is JSON
