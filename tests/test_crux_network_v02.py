"""The crux network v0.2 (issue 14, design §8): the checks of R1-R8 that are not anchors
(those run in test_examples_and_content.py for every worldview they apply to), orderings held
in every draw, rankings that lead with what can be learned or done, and whose numbers a
headline shows."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from conftest import WORLDVIEWS
from numpy.testing import assert_allclose

from cruxnet import Evidence, load_network, posterior
from cruxnet.catalog import load_model
from cruxnet.inference.batched import posterior_draws
from cruxnet.priors.draws import DatasetDraws, draw_worldview, impose_orderings
from cruxnet.sensitivity import (
    Question,
    decisive_observations,
    lint_worldview,
    node_swings,
    smallest_belief_change,
    value_of_information,
)
from cruxnet.sensitivity.anchors import UNORDERED_LEVERS, research_unlock


# ------------------------------------------------------------------------------------ R7
@pytest.mark.parametrize("node", ["elicitation_success", "in_sweet_spot"])
def test_breakthrough_unlocks_ai_labour_most_in_the_human_labour_first_reading(node: str) -> None:
    gains = {w: research_unlock(load_network("crux_network", w), node) for w in WORLDVIEWS}
    others = max(v for w, v in gains.items() if w != "human_labor_first")
    assert gains["human_labor_first"] > others, gains


# ------------------------------------------------------------------------------------ R5
@pytest.mark.parametrize("worldview", WORLDVIEWS)
def test_no_declared_ordering_breaks_in_ten_thousand_draws(worldview: str) -> None:
    net = load_network("crux_network", worldview)
    rep = lint_worldview(net, draws=10_000, seed=3)
    assert not [f for f in rep.findings if f.kind == "monotonicity"], rep.text()
    assert rep.checked["monotonicity declarations"] >= 40


def test_independent_draws_do_break_the_orderings() -> None:
    """The check above can fail: with rows drawn independently, the tax's rise with difficulty
    (A3) and the basin's fall break in a share of draws, as in v0.1."""
    net = load_network("crux_network", "gs_deference")
    loose = dataclasses.replace(net.prior, ordered_draws=False)  # type: ignore[arg-type]
    rep = lint_worldview(dataclasses.replace(net, prior=loose), draws=4000, seed=3)
    broken = {f.node for f in rep.findings if f.kind == "monotonicity"}
    assert {"deference_goodness_tax", "bgd_exists"} <= broken, rep.text()


def _orderings_hold(model, node: str, cpts: np.ndarray) -> bool:
    nspec = model.node(node)
    tails = np.cumsum(cpts[..., ::-1], axis=-1)[..., ::-1][..., 1:]
    for parent, rising in ([(p, True) for p in nspec.expect.increases_with]
                           + [(p, False) for p in nspec.expect.decreases_with]):
        step = np.diff(tails, axis=1 + nspec.parents.index(parent))
        if (step < -1e-12).any() if rising else (step > 1e-12).any():
            return False
    return True


@pytest.mark.parametrize("node", ["deference_goodness_tax", "lead_time", "exogenous_catastrophe",
                                  "scheming", "good_initialization", "safety_loop_outpaces"])
def test_rearrangement_on_random_tables(node: str, rng: np.random.Generator) -> None:
    """On random Dirichlet tables: every declared ordering holds after, every row is a
    distribution, each tail keeps its set of values per context of the other parents, and a
    draw that already respected the orderings comes back unchanged."""
    model = load_model("crux_network").spec
    nspec = model.node(node)
    shape = (200, *(model.node(p).card for p in nspec.parents), nspec.card)
    draws = rng.dirichlet(np.full(nspec.card, 0.8), size=shape[:-1])
    # Some rows with a first entry of 1e-17 (so P(node >= 1) rounds to 1 and a sloppy rebuild
    # of the first entry would go negative).
    tiny = rng.random(shape[:-1]) < 0.2
    draws[tiny, 0] = 1e-17
    draws[tiny] /= draws[tiny].sum(axis=-1, keepdims=True)
    out = impose_orderings(model, node, draws)
    assert _orderings_hold(model, node, out)
    assert_allclose(out.sum(axis=-1), 1.0, atol=1e-12)
    assert (out >= 0).all()  # never a negative entry, not even by rounding
    # The multiset of all tail values in each draw is kept (values move between rows only).
    tails_in = np.sort(np.cumsum(draws[..., ::-1], axis=-1)[..., ::-1][..., 1:]
                       .reshape(200, -1, nspec.card - 1), axis=1)
    tails_out = np.sort(np.cumsum(out[..., ::-1], axis=-1)[..., ::-1][..., 1:]
                        .reshape(200, -1, nspec.card - 1), axis=1)
    assert_allclose(tails_in, tails_out, atol=1e-12)
    again = impose_orderings(model, node, out)
    assert np.array_equal(again, out)


LEVER_DRAWS = 2000


@pytest.mark.parametrize("worldview", WORLDVIEWS)
def test_every_lever_lowers_risk_in_nearly_every_draw(worldview: str) -> None:
    """do(top) minus do(bottom) of each lever, per parameter draw (the same draws for both):
    negative in at least 97% of draws; for deference timing, at_minimum against late."""
    net = load_network("crux_network", worldview)
    spec = net.spec
    ds = draw_worldview(spec, net.prior, LEVER_DRAWS, seed=11)  # type: ignore[arg-type]
    src = DatasetDraws(spec, ds)
    for lever in (n for n in spec.nodes if n.role == "lever"):
        bottom, top = lever.lever_range
        assert (bottom, top) == (("late", "at_minimum") if lever.id in UNORDERED_LEVERS
                                 else (lever.states[0], lever.states[-1]))
        p = {s: posterior_draws(net, "catastrophe", Evidence(do={lever.id: s}),
                                parameters=src).probs[:, 1] for s in (bottom, top)}
        share = float(np.mean(p[top] - p[bottom] < 0))
        assert share >= 0.97, f"{worldview}: do({lever.id}={top}) lowers risk in {share:.3f}"


# ------------------------------------------------------------------------------------ R8
def test_rankings_leave_out_outcomes_unless_asked() -> None:
    net = load_network("crux_network", "gs_deference")
    q = Question(net, "catastrophe", draws=0)
    outcomes = {n.id for n in net.spec.nodes if n.role == "outcome"}
    tornado = node_swings(q)
    assert not outcomes & set(map(str, tornado.node.values))
    assert net.spec.node(str(tornado.node.values[0])).role != "outcome"
    assert not outcomes & set(map(str, value_of_information(q).node.values))
    assert not outcomes & set(map(str, smallest_belief_change(q, 0.2).node.values))
    assert not outcomes & set(map(str, decisive_observations(q, 0.2).node.values))
    back = node_swings(q, include_outcomes=True)
    assert outcomes - {"catastrophe"} <= set(map(str, back.node.values))
    assert (set(map(str, value_of_information(q, include_outcomes=True).node.values))
            >= outcomes - {"catastrophe"})


def test_tornado_do_swing_equals_direct_interventions() -> None:
    net = load_network("crux_network", "karnofsky_playbook")
    ev = Evidence(hard={"deception_demonstrated": "yes"})
    ds = node_swings(Question(net, "catastrophe", evidence=ev, draws=0))
    for node in ("scheming", "lead_time", "capability_restraint", "alignment_difficulty"):
        direct = [posterior(net, "catastrophe", ev.intervene(**{node: s}))["yes"]
                  for s in net.spec.node(node).states]
        row = ds.sel(node=node)
        assert_allclose([float(row.do_low), float(row.do_high)], [min(direct), max(direct)],
                        atol=1e-12)
        seen = [posterior(net, "catastrophe", ev.observe(**{node: s}))["yes"]
                for s in net.spec.node(node).states]
        assert_allclose(float(row.swing), max(seen) - min(seen), atol=1e-12)
    # A root's observational and interventional swings agree; a mechanism's need not.
    root = ds.sel(node="alignment_difficulty")
    assert_allclose(float(root.swing), float(root.do_swing), atol=1e-12)


def test_cli_rankings_default_and_option(capsys: pytest.CaptureFixture[str]) -> None:
    from cruxnet.cli import main

    assert main(["sensitivity", "catastrophe", "--draws", "0", "--json", "--top", "50"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert {"misaligned_takeover", "exogenous_catastrophe"}.isdisjoint(r["node"] for r in rows)
    assert all("do_swing" in r for r in rows)
    assert main(["sensitivity", "catastrophe", "--draws", "0", "--json",
                 "--include-outcomes"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert "misaligned_takeover" in {r["node"] for r in rows}


# ------------------------------------------------------------------------------- R9, R10
@pytest.mark.parametrize("worldview", WORLDVIEWS)
def test_every_number_has_a_basis_and_the_reading_says_whose(worldview: str) -> None:
    net = load_network("crux_network", worldview)
    wv = net.prior
    assert wv is not None
    missing = [n for n in net.spec.node_ids if n not in wv.basis]
    assert not missing, f"{worldview}: no basis for {missing}"
    assert wv.attribution.lower().startswith("modelers' reading")


def test_carlsmith_reading_is_not_attributed_to_him(capsys: pytest.CaptureFixture[str]) -> None:
    from cruxnet.cli import main

    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "not his own estimate" in x)
    assert line.split()[0] == "carlsmith_ai4ais" and "carlsmith_2021" in line


def test_offense_dominance_is_reworded() -> None:
    text = load_model("crux_network").spec.node("offense_dominance").definition.lower()
    assert "greatly outnumber" not in text and "outnumber" in text
