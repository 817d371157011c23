"""The bundled model files (cruxnet/data/<model>/model.yaml): the crux network's shape and headline
cruxes, node texts that paraphrase rather than paste the seed essays, and v0.2's rewording."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from support import ROOT

from cruxnet.catalog import load_model

SEED_GRAMS = ROOT / "tests" / "data" / "seed_9grams.bin"
sys.path.insert(0, str(ROOT / "scripts"))

from seed_fingerprint import gram_hashes, words  # noqa: E402


def test_crux_network_shape_and_headline_cruxes() -> None:
    spec = load_model("crux_network").spec
    assert len(spec.nodes) == 31
    assert sum(len(n.parents) for n in spec.nodes) == 68
    assert {n.id for n in spec.nodes if n.headline} == {"scheming", "bgd_exists",
                                                        "elicitation_success", "lead_time"}
    assert spec.node("catastrophe").role == "outcome"
    levers = {n.id for n in spec.nodes if n.role == "lever"}
    assert {"capability_restraint", "alignment_research", "standards_monitoring",
            "deference_timing"} <= levers
    # v0.2 (design §8): option apart from motive, timing as a lever, lead with its causes.
    assert {"scheming", "rogue_options"} <= set(spec.node("misaligned_takeover").parents)
    assert "careful_lab_leads" in spec.node("lead_time").parents
    assert "lead_time" in spec.node("exogenous_catastrophe").parents
    assert "capability_overshoot" not in spec


@pytest.mark.parametrize("model", ["crux_network", "honeypot_tests"])
def test_node_texts_paraphrase_rather_than_paste_the_seeds(model: str) -> None:
    """No run of 9 consecutive words in a definition or edge reason appears in a seed. The seed
    texts are not distributed; the check reads their fingerprint, tests/data/seed_9grams.bin
    (hashes of every 9-word run, written by scripts/seed_fingerprint.py), so it runs on any
    clone."""
    grams = set(np.fromfile(SEED_GRAMS, dtype="<u8").tolist())
    assert len(grams) > 10_000  # three essays' worth of 9-word runs
    spec = load_model(model).spec
    for node in spec.nodes:
        for text in (node.definition, *(e.reason for e in node.edges)):
            w = words(text)
            hashes = gram_hashes(w).tolist()
            pasted = [" ".join(w[i:i + 9]) for i, h in enumerate(hashes) if h in grams]
            assert not pasted, (node.id, pasted[0])


# Issue 14 (the crux network v0.2), R9, R10.
def test_offense_dominance_is_reworded() -> None:
    text = load_model("crux_network").spec.node("offense_dominance").definition.lower()
    assert "greatly outnumber" not in text and "outnumber" in text
