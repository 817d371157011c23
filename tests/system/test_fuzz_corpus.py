"""The committed fuzz corpus (tests/fuzz_corpus, written by scripts/fuzz_inputs.py, each case run
by tests/support/fuzz.py): inputs
people get wrong — mutated models, worldviews, shared bases, elicitation records, ledgers,
BIF/XMLBIF files and command-line evidence, plus empty files, deep nesting, alias bombs, YAML
tags, NaN, huge numbers, unicode and bytes that are not UTF-8. Every one must be rejected with
exit 2 and one line ``cruxnet: error: ...``: no traceback, no internal error, nothing run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import ROOT
from support.fuzz import run_case

CORPUS = ROOT / "tests" / "fuzz_corpus"

CASES = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def test_the_corpus_is_large_and_covers_every_kind() -> None:
    kinds = {c["kind"] for c in CASES}
    assert len(CASES) >= 200
    assert kinds == {"model", "worldview", "shared", "elicit", "ledger", "bif", "xmlbif", "cli",
                     "bifstrict", "xdsl", "hugin", "netica"}
    whats = {c["what"] for c in CASES}
    for needed in ("empty file", "a YAML tag that would run a command", "an alias bomb",
                   "5000 levels of nested lists", "NaN in a row", "bytes that are not UTF-8",
                   # issue 13, items 9-13
                   "likelihood evidence leaving out a state",
                   "a ledger likelihood leaving out a state",
                   "a BIF row summing to 0.99", "a GeNIe .xdsl file", "a Hugin .net file",
                   "a Netica .dne file", "bare odds ratios with no default_sd_log",
                   "a report with fixed marginals that cannot hold together",
                   # issue 29: names, limits, types, output paths
                   "a node name with a space", "a state name with a terminal escape",
                   "headline: no", "a table of 30 parents", "100,000 states", "a tiny ess",
                   "a BIF row given twice", "a ledger object repeating a key",
                   "a ledger count of 1e30", "an impossible date", "--draws inf",
                   "explore into a missing folder", "--base without --interview"):
        assert any(w.startswith(needed) for w in whats), needed


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_case_is_rejected_in_one_line(case: dict, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # where a YAML tag would 'touch' its marker if it ran
    content = (CORPUS / case["file"]).read_bytes() if "file" in case else None
    rc, err = run_case(case["kind"], content, case["args"])
    lines = err.strip().splitlines()
    assert rc == 2, (case["what"], rc, err[:500])
    assert len(lines) == 1 and lines[0].startswith("cruxnet: error: "), err[:500]
    assert "internal error" not in err and "Traceback" not in err
    assert not (tmp_path / "CRUXNET_FUZZ_MARKER").exists()
