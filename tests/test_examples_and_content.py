"""Facts users can check (Carlsmith chain), and the bundled content's citations and anchors."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import WORLDVIEWS

from cruxnet import Evidence, load_network, posterior
from cruxnet.catalog import bundled_models, load_model, worldview_names
from cruxnet.examples import CARLSMITH_PREMISES, EXAMPLES
from cruxnet.sensitivity.anchors import ANCHORS, check_anchor

ROOT = Path(__file__).resolve().parents[1]
SEED_GRAMS = ROOT / "tests" / "data" / "seed_9grams.bin"
sys.path.insert(0, str(ROOT / "scripts"))

from seed_fingerprint import gram_hashes, words  # noqa: E402


def test_carlsmith_values() -> None:
    net = load_network("carlsmith_2021")
    assert posterior(net, "catastrophe")["yes"] == pytest.approx(0.051376, abs=1e-12)
    sf = load_network("carlsmith_2021", "superforecasters_2023")
    assert posterior(sf, "catastrophe")["yes"] == pytest.approx(0.002088, abs=1e-12)


@pytest.mark.parametrize("worldview", sorted(CARLSMITH_PREMISES))
def test_carlsmith_chain_is_the_product_of_premises(worldview: str) -> None:
    p = CARLSMITH_PREMISES[worldview]
    net = load_network("carlsmith_2021", worldview)
    ids = net.spec.node_ids
    assert ids[-1] == "catastrophe" and len(ids) == 6
    assert posterior(net, "catastrophe")["yes"] == pytest.approx(math.prod(p), abs=1e-15)
    assert EXAMPLES["carlsmith_2021"].expected[worldview] == pytest.approx(math.prod(p))
    # Given premise k holds, catastrophe needs only the later ones.
    for k, node in enumerate(ids):
        post = posterior(net, "catastrophe", Evidence(hard={node: "yes"}))
        assert post["yes"] == pytest.approx(math.prod(p[k + 1:]), abs=1e-15)
        # P(evidence) = P(premises 1..k+1 all hold)
        assert post.p_evidence == pytest.approx(math.prod(p[:k + 1]), abs=1e-15)
    # Structural zeros: a failed premise rules out catastrophe.
    for node in ids[:-1]:
        assert posterior(net, "catastrophe", Evidence(hard={node: "no"}))["yes"] == 0.0


def test_catalog_lists_models_and_worldviews() -> None:
    assert bundled_models() == ["carlsmith_2021", "crux_network", "honeypot_tests"]
    assert worldview_names(load_model("crux_network")) == sorted(WORLDVIEWS)
    assert worldview_names(load_model("carlsmith_2021")) == ["carlsmith", "superforecasters_2023"]


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


@pytest.mark.parametrize("model", ["crux_network", "honeypot_tests", "carlsmith_2021"])
def test_every_node_and_edge_cites_a_section_of_the_bibliography(model: str) -> None:
    """Citations are checked against the repository's bibliography (authors, title, date,
    link and each work's sections), so this runs on a fresh clone with nothing beside it."""
    from cruxnet.models.bibliography import check_citation

    spec = load_model(model).spec
    for seed in spec.sources:
        ref = spec.reference(seed)
        assert ref is not None, f"{model}: source {seed} names no bibliography entry"
        assert ref.authors and ref.title and ref.date and ref.link.startswith("https://")
    for node in spec.nodes:
        assert node.definition, node.id
        assert node.sources, node.id
        cites = [(node.id, s) for s in node.sources]
        assert len(node.edges) == len(node.parents)
        for e in node.edges:
            assert e.reason, (node.id, e.parent)
            # Carlsmith's chain conditions each premise on the earlier ones: its edges are the
            # chain's structure, cited by the premises themselves.
            assert e.sources or model == "carlsmith_2021", (node.id, e.parent)
            cites += [(f"{node.id} <- {e.parent}", s) for s in e.sources]
        for where, s in cites:
            ref = spec.reference(s.seed)
            assert ref is not None, (where, s.seed)
            assert not check_citation(ref, s.section), (
                f"{where}: {s.seed} section(s) {check_citation(ref, s.section)} are not "
                f"sections of {ref.short}")


def test_reports_cite_by_author_title_and_link() -> None:
    spec = load_model("crux_network").spec
    node = spec.node("lead_time")
    cite = spec.cite(node.sources[0])
    assert cite.startswith("Greenblatt & Stastny (2026), 'How do we (more) safely defer to AIs?'"
                           ", Lead Time Critical")
    assert "https://www.lesswrong.com/" in cite and ".txt" not in cite


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


@pytest.mark.parametrize(("anchor", "worldview"),
                         [(a, w) for a in ANCHORS for w in a.worldviews],
                         ids=[f"{a.id}-{w}" for a in ANCHORS for w in a.worldviews])
def test_anchor_holds(anchor, worldview: str) -> None:  # type: ignore[no-untyped-def]
    result = check_anchor(anchor, load_network("crux_network", worldview))
    assert result.passed, f"{anchor.id} ({anchor.source}) fails for {worldview}: {result.detail}"


def test_anchor_checks_can_fail() -> None:
    """A1 must fail on a worldview where route A is weak (human_labor_first: a_sts .70)."""
    a1 = next(a for a in ANCHORS if a.id == "A1")
    assert not check_anchor(a1, load_network("crux_network", "human_labor_first")).passed
    a7 = next(a for a in ANCHORS if a.id == "A7")
    assert not check_anchor(a7, load_network("crux_network", "human_labor_first")).passed


@pytest.mark.parametrize("worldview", WORLDVIEWS)
def test_every_worldview_is_marked_as_a_reading(worldview: str) -> None:
    from cruxnet.catalog import resolve_worldview
    from cruxnet.priors.worldview import load_worldview

    entry = load_model("crux_network")
    wv = load_worldview(resolve_worldview(entry, worldview), entry.spec)
    assert "reading" in wv.reading.lower()
    assert wv.title and wv.summary


def test_worldviews_are_ordered_as_their_readings_say() -> None:
    """Human-labour-first is the most pessimistic; the three others are close (draft §4)."""
    p = {w: posterior(load_network("crux_network", w), "catastrophe")["yes"] for w in WORLDVIEWS}
    assert p["human_labor_first"] > 0.7
    others = [p[w] for w in WORLDVIEWS if w != "human_labor_first"]
    assert max(others) - min(others) < 0.15
    assert np.isclose(p["gs_deference"], 0.3249014019, atol=1e-9)
