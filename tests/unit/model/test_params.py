"""Parameters as files write them: one tolerance for probabilities and rows everywhere
(worldview files, ledgers), hand-rounded rows only with ``normalize: true``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.errors import error_message, run_main
from support.models import TINY_WORLDVIEW as WORLDVIEW
from support.models import write_tiny

from cruxnet import SpecError, load_network


# Issue 13, item 1: fixed marginals within the tolerance are normalised, one tolerance
# everywhere.
def test_one_tolerance_in_worldview_files_and_ledgers(tmp_path, capsys):
    from cruxnet.files.params import ParseContext, parse_param, parse_prob_vector

    ctx = ParseContext(file="w.yaml", node="n")
    assert parse_param(1.0000000000000002, "probability", "p", ctx).value == 1.0
    assert parse_param(-1e-12, "probability", "p", ctx).value == 0.0
    with pytest.raises(SpecError, match="outside"):
        parse_param(1.000001, "probability", "p", ctx)
    row = parse_prob_vector([0.3333333333, 0.3333333333, 0.3333333333], 3, "p", ctx)
    assert sum(row) == 1.0 and row[0] == pytest.approx(1 / 3, abs=1e-16)
    ledger = tmp_path / "l.jsonl"
    ledger.write_text(json.dumps({"kind": "fixed", "node": "capability_restraint", "marginal": {
        "weak": 0.3333333333, "hold": 0.3333333333, "pause": 0.3333333333},
        "citation": "c", "date": "2026-01-01", "by": "me"}) + "\n")
    from cruxnet.updating.ledger import read_ledger

    entry = read_ledger(ledger, load_network("crux_network").spec)[0]
    assert entry.vector == pytest.approx((1 / 3,) * 3, abs=1e-16) and sum(entry.vector) == 1
    rc, _, err = run_main(capsys, "update", str(ledger), "-n", "50")
    assert rc == 0, err


def test_hand_rounded_rows_pass_only_with_normalize(tmp_path: Path) -> None:
    rounded = WORLDVIEW.replace("[0.5, 0.3, 0.2]", "[0.33, 0.33, 0.33]")
    error_message(SpecError, load_network, write_tiny(tmp_path, worldview=rounded))
    ok = rounded.replace("    form: table\n    rows:", "    form: table\n    normalize: true\n"
                                                      "    rows:")
    net = load_network(write_tiny(tmp_path, worldview=ok))
    assert net.cpts["b"][0].tolist() == pytest.approx([1 / 3] * 3, abs=1e-15)


def test_a_sum_off_by_less_than_the_tolerance_passes(tmp_path: Path) -> None:
    near = WORLDVIEW.replace("[0.5, 0.3, 0.2]", "[0.5, 0.3, 0.2000000000005]")
    load_network(write_tiny(tmp_path, worldview=near))
    off = WORLDVIEW.replace("[0.5, 0.3, 0.2]", "[0.5, 0.3, 0.200000001]")
    error_message(SpecError, load_network, write_tiny(tmp_path, worldview=off))
