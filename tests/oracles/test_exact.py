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
from support.queries import random_queries

from cruxnet import Evidence, ImpossibleEvidenceError, load_network, posterior
from cruxnet.io.bif import format_bif, read_bif

TOL = 1e-9
NETWORKS = ["asia", "cancer", "earthquake", "sachs", "survey", "child", "insurance", "alarm",
            "water", "hailfinder", "win95pts", "hepar2", "andes", "pigs"]


def _close(ours: dict[str, float], oracle: dict[str, float]) -> None:
    assert set(ours) == set(oracle)
    np.testing.assert_allclose([ours[s] for s in oracle], list(oracle.values()), atol=TOL, rtol=0)


@pytest.mark.parametrize("name", NETWORKS)
def test_hard_and_likelihood_match_pgmpy_and_pyagrum(name: str, rng: np.random.Generator) -> None:
    net = read_bif(bnlearn_path(name), normalize=True)
    pg, ag = pgmpy_bnlearn(name), agrum_from_pgmpy_name(name)
    for target, hard in random_queries(net, rng, 4):
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
    for target, hard in random_queries(net, rng, 3):
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
    for target, hard in random_queries(net, rng, 3):
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
