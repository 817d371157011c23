"""Exact inference against pgmpy and pyAgrum on bnlearn networks and the crux network, to 1e-9.

The oracles parse the networks themselves (pgmpy's BIF reader) and never call cruxnet's engine.
Evidence states are drawn by ancestral sampling, so they have positive probability.
"""

from __future__ import annotations

import numpy as np
import pytest
from support.oracles import (
    agrum_from_pgmpy,
    agrum_from_pgmpy_name,
    agrum_query,
    bnlearn_path,
    pgmpy_bnlearn,
    pgmpy_from_bif_text,
    pgmpy_jeffrey,
    pgmpy_query,
)

from cruxnet import Evidence, ImpossibleEvidenceError, load_network, posterior
from cruxnet.io.bif import format_bif, read_bif
from cruxnet.priors.network import BayesNet

TOL = 1e-9
NETWORKS = ["asia", "cancer", "earthquake", "sachs", "survey", "child", "insurance", "alarm",
            "water", "hailfinder", "win95pts", "hepar2", "andes", "pigs"]


def _sample(net: BayesNet, rng: np.random.Generator) -> dict[str, str]:
    """One joint state by ancestral sampling."""
    out: dict[str, int] = {}
    for node in net.spec.nodes:
        row = net.cpts[node.id][tuple(out[p] for p in node.parents)]
        out[node.id] = int(rng.choice(node.card, p=row / row.sum()))
    return {k: net.spec.node(k).states[v] for k, v in out.items()}


def _close(ours: dict[str, float], oracle: dict[str, float]) -> None:
    assert set(ours) == set(oracle)
    np.testing.assert_allclose([ours[s] for s in oracle], list(oracle.values()), atol=TOL, rtol=0)


def _queries(net: BayesNet, rng: np.random.Generator, n: int) -> list[tuple[str, dict[str, str]]]:
    ids = list(net.spec.node_ids)
    out = []
    for _ in range(n):
        sample = _sample(net, rng)
        ev_nodes = rng.choice(ids, size=min(3, len(ids) - 1), replace=False)
        target = str(rng.choice([i for i in ids if i not in ev_nodes]))
        out.append((target, {str(e): sample[str(e)] for e in ev_nodes}))
    return out


@pytest.mark.parametrize("name", NETWORKS)
def test_hard_and_likelihood_match_pgmpy_and_pyagrum(name: str, rng: np.random.Generator) -> None:
    net = read_bif(bnlearn_path(name), normalize=True)
    pg, ag = pgmpy_bnlearn(name), agrum_from_pgmpy_name(name)
    for target, hard in _queries(net, rng, 4):
        ours = posterior(net, target, Evidence(hard=hard)).as_dict()
        _close(ours, pgmpy_query(pg, target, hard))
        _close(ours, agrum_query(ag, target, hard))
        # Likelihood evidence on one more node: a random positive vector.
        lnode = str(rng.choice([n for n in net.spec.node_ids if n not in hard and n != target]))
        lam = [float(x) for x in rng.uniform(0.05, 1.0, net.spec.node(lnode).card)]
        ours = posterior(net, target, Evidence(hard=hard, likelihood={lnode: lam})).as_dict()
        _close(ours, pgmpy_query(pg, target, hard, likelihood={lnode: lam}))
        _close(ours, agrum_query(ag, target, hard, likelihood={lnode: lam}))


@pytest.mark.parametrize("name", ["asia", "child", "insurance", "alarm", "hailfinder"])
def test_do_with_hard_and_likelihood_matches_mutilated_pgmpy(name: str,
                                                            rng: np.random.Generator) -> None:
    net = read_bif(bnlearn_path(name), normalize=True)
    pg = pgmpy_bnlearn(name)
    with_parents = [n.id for n in net.spec.nodes if n.parents]
    compared = 0
    for target, hard in _queries(net, rng, 3):
        dnode = str(rng.choice([n for n in with_parents if n not in hard and n != target]))
        dstate = str(rng.choice(net.spec.node(dnode).states))
        lnode = str(rng.choice([n for n in net.spec.node_ids
                                if n not in hard and n not in (target, dnode)]))
        lam = [float(x) for x in rng.uniform(0.05, 1.0, net.spec.node(lnode).card)]
        ev = Evidence(hard=hard, likelihood={lnode: lam}, do={dnode: dstate})
        try:
            ours = posterior(net, target, ev).as_dict()
        except ImpossibleEvidenceError:  # the observed states may be cut off by the surgery
            continue
        _close(ours, pgmpy_query(pg, target, hard, likelihood={lnode: lam}, do={dnode: dstate}))
        compared += 1
    assert compared >= 2, f"only {compared} do() queries were possible on {name}"


@pytest.mark.parametrize("name", ["asia", "child", "alarm", "insurance"])
def test_jeffrey_matches_its_definition_on_pgmpy(name: str, rng: np.random.Generator) -> None:
    net = read_bif(bnlearn_path(name), normalize=True)
    pg = pgmpy_bnlearn(name)
    for target, hard in _queries(net, rng, 3):
        fnode = str(rng.choice([n for n in net.spec.node_ids if n not in hard and n != target]))
        prior = posterior(net, fnode, Evidence(hard=hard)).probs
        # Only states possible given the evidence may carry mass.
        raw = rng.uniform(0.1, 1.0, len(prior)) * (prior > 0)
        q = raw / raw.sum()
        states = net.spec.node(fnode).states
        ev = Evidence(hard=hard, fixed={fnode: tuple(q)})
        ours = posterior(net, target, ev).as_dict()
        _close(ours, pgmpy_jeffrey(pg, target, fnode, dict(zip(states, q, strict=True)), hard))
        # The fixed node's own posterior is the given marginal.
        np.testing.assert_allclose(posterior(net, fnode, ev).probs, q, atol=1e-12)


@pytest.mark.parametrize("worldview", ["gs_deference", "human_labor_first"])
def test_crux_network_matches_pgmpy_and_pyagrum(worldview: str, rng: np.random.Generator) -> None:
    net = load_network("crux_network", worldview)
    pg = pgmpy_from_bif_text(format_bif(net))
    ag = agrum_from_pgmpy(pg)
    cases = [
        ("catastrophe", {}, {}, {}),
        ("scheming", {"deception_demonstrated": "yes"}, {}, {}),
        ("catastrophe", {"standards_monitoring": "voluntary"}, {}, {}),
        ("catastrophe", {}, {}, {"standards_monitoring": "voluntary"}),
        ("catastrophe", {"lead_time": "to_6mo"}, {"elicitation_success": [3.0, 1.0]},
         {"capability_restraint": "pause"}),
        ("good_initialization", {"catastrophe": "no"}, {"scheming": [0.2, 0.9]},
         {"alignment_research": "improved"}),
    ]
    for target, hard, lik, do in cases:
        ours = posterior(net, target, Evidence(hard=hard, likelihood=lik, do=do)).as_dict()
        _close(ours, pgmpy_query(pg, target, hard, likelihood=lik, do=do))
        if not do:
            _close(ours, agrum_query(ag, target, hard, likelihood=lik))
    q = {"under_2wk": 0.1, "about_1mo": 0.6, "to_6mo": 0.1, "to_2y": 0.1, "over_2y": 0.1}
    ours = posterior(net, "catastrophe", Evidence(fixed={"lead_time": tuple(q.values())},
                                                  do={"infosec_strong": "yes"})).as_dict()
    _close(ours, pgmpy_jeffrey(pg, "catastrophe", "lead_time", q, do={"infosec_strong": "yes"}))


def test_observing_and_doing_differ_on_a_back_door_path() -> None:
    """Observing voluntary standards raises P(cat): it signals a demonstrated deception, hence
    harder alignment. do() cuts that back-door path: it lies below the observation and below
    do(none). (The same numbers are checked against mutilated pgmpy models above.)"""
    net = load_network("crux_network", "gs_deference")
    base = posterior(net, "catastrophe")["yes"]
    seen = posterior(net, "catastrophe", Evidence(hard={"standards_monitoring": "voluntary"}))
    done = posterior(net, "catastrophe", Evidence(do={"standards_monitoring": "voluntary"}))
    none = posterior(net, "catastrophe", Evidence(do={"standards_monitoring": "none"}))
    assert seen["yes"] > base
    assert done["yes"] < seen["yes"]
    assert done["yes"] < none["yes"]


def test_do_on_a_root_equals_conditioning_on_it() -> None:
    net = load_network("crux_network", "karnofsky_playbook")
    for state in ("easy", "hard"):
        a = posterior(net, "catastrophe", Evidence(hard={"alignment_difficulty": state}))
        b = posterior(net, "catastrophe", Evidence(do={"alignment_difficulty": state}))
        np.testing.assert_allclose(a.probs, b.probs, atol=1e-15)


def test_two_fixed_marginals_hold_jointly() -> None:
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(fixed={"lead_time": (0.1, 0.6, 0.1, 0.1, 0.1), "scheming": (0.5, 0.5)})
    np.testing.assert_allclose(posterior(net, "lead_time", ev).probs, [0.1, 0.6, 0.1, 0.1, 0.1],
                               atol=1e-12)
    np.testing.assert_allclose(posterior(net, "scheming", ev).probs, [0.5, 0.5], atol=1e-12)


def test_likelihood_evidence_is_not_a_fixed_marginal() -> None:
    """Pearl: posterior = prior x likelihood, renormalised (hand-derived), not the vector."""
    net = load_network("crux_network", "gs_deference")
    prior = posterior(net, "scheming").probs
    post = posterior(net, "scheming", Evidence(likelihood={"scheming": (0.3, 0.7)})).probs
    expected = prior * [0.3, 0.7] / (prior * [0.3, 0.7]).sum()
    np.testing.assert_allclose(post, expected, atol=1e-15)
    assert abs(post[1] - 0.7) > 0.1
