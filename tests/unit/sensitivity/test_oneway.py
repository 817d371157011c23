"""One-way sensitivity: node swings (observing and doing) and sensitivity functions, against
direct queries, finite differences, the Carlsmith chain's products and the draws."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from support.errors import run_main
from support.models import CHAIN, premise
from support.oracles import bnlearn_path

from cruxnet import Evidence, load_network, posterior
from cruxnet.sensitivity import Question, node_swings, sensitivity_functions
from cruxnet.sensitivity.oneway import _row_covaried


@pytest.mark.parametrize("worldview", ["carlsmith", "superforecasters_2023"])
def test_chain_swing_of_each_premise_is_the_product_of_the_others(worldview):
    net = load_network("carlsmith_2021", worldview)
    ds = sensitivity_functions(Question(net, "catastrophe", draws=0))
    p = {n: premise(net, n) for n in CHAIN}
    for node in CHAIN:
        parent = net.spec.node(node).parents
        label = f"P({node}=yes{' | ' + parent[0] + '=yes' if parent else ''})"
        row = ds.sel(parameter=label)
        f0 = float(row.b / row.d)
        f1 = float((row.a + row.b) / (row.c + row.d))
        others = math.prod(v for k, v in p.items() if k != node)
        assert_allclose(f1 - f0, others, rtol=1e-12)


@pytest.mark.parametrize("model,worldview,target,evidence", [
    ("crux_network", "gs_deference", "catastrophe", Evidence(hard={"lead_time": "to_6mo"})),
    ("crux_network", "carlsmith_ai4ais", "scheming",
     Evidence(likelihood={"deception_demonstrated": (0.2, 0.9)})),
    ("asia", None, "lung", Evidence(hard={"xray": "yes", "smoke": "no"})),
])
def test_sensitivity_functions_match_recomputation_and_finite_differences(
        model, worldview, target, evidence, rng):
    if model == "asia":
        net = load_network(bnlearn_path("asia"), normalize=True)
    else:
        net = load_network(model, worldview)
    q = Question(net, target, evidence=evidence, draws=0)
    ds = sensitivity_functions(q)
    picks = rng.choice(ds.sizes["parameter"], size=min(12, ds.sizes["parameter"]), replace=False)
    checked = 0
    for i in picks:
        row = ds.isel(parameter=int(i))
        node = str(row.node.values)
        label = str(row.parameter.values)
        spec = net.spec.node(node)
        state = label[len(f"P({node}="):].split(" | ")[0].rstrip(")")
        x = spec.states.index(state)
        u = _row_index(net, node, label)
        cpt = np.asarray(net.cpts[node])
        a, b, c, d = (float(row[k]) for k in "abcd")

        def exact(theta, cpt=cpt, u=u, x=x, node=node):
            new = cpt.copy()
            new[u] = _row_covaried(cpt[u], x, theta)
            return posterior(net.with_cpt(node, new), target, evidence)[str(q.state)]

        theta = float(rng.uniform(0.05, 0.95))
        assert_allclose((a * theta + b) / (c * theta + d), exact(theta), rtol=1e-9, atol=1e-12)
        t0, h = float(row.value), 1e-6
        if h < t0 < 1 - h:
            fd = (exact(t0 + h) - exact(t0 - h)) / (2 * h)
            assert_allclose(float(row.derivative), fd, rtol=1e-4, atol=1e-8)
        checked += 1
    assert checked >= 5


def _row_index(net, node, label):
    spec = net.spec.node(node)
    if " | " not in label:
        return ()
    conds = dict(part.split("=") for part in label.split(" | ")[1].rstrip(")").split(", "))
    return tuple(net.spec.node(p).states.index(conds[p]) for p in spec.parents)


def test_node_swings_intervals_come_from_the_draws():
    net = load_network("carlsmith_2021", "carlsmith")
    q = Question(net, "catastrophe", draws=400, seed=3)
    ds = node_swings(q, ["aps_systems"])
    # In each draw P(cat | aps=yes) - P(cat | aps=no) = the product of the drawn later premises.
    draws = q.parameters.dataset
    prod = np.ones(400)
    for node in CHAIN[1:]:
        cpt = draws[f"P({node} | {net.spec.node(node).parents[0]})"]
        prod *= cpt.isel({cpt.dims[1]: -1, cpt.dims[2]: -1}).values
    assert_allclose(ds.swing_ci.sel(node="aps_systems").values,
                    np.quantile(prod, [0.05, 0.95]), rtol=1e-9)


def test_fixed_marginals_that_cannot_hold_with_a_state_give_nan_not_an_abort():
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(fixed={"scheming": (0.3, 0.7)})
    q = Question(net, "catastrophe", evidence=ev, draws=50, seed=1)
    ds = node_swings(q, ["good_initialization", "lead_time"])
    # good_initialization = yes rules out scheming = yes, so the marginal cannot hold there.
    row = ds.sel(node="good_initialization")
    assert str(row.low_state.values) == str(row.high_state.values) == "no"
    assert_allclose(float(row.high), posterior(net, "catastrophe", Evidence(
        hard={"good_initialization": "no"}, fixed={"scheming": (0.3, 0.7)}))["yes"], rtol=1e-9)
    assert np.isfinite(ds.swing.sel(node="lead_time"))


# Issue 13, item 6: sensitivity functions include the evidence nodes' entries; co-variation
# stated.
@pytest.mark.slow
def test_sensitivity_functions_include_evidence_nodes(capsys):
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(hard={"deception_demonstrated": "yes"},
                  likelihood={"behavioral_tests_valid": (1.0, 2.5)})
    ds = sensitivity_functions(Question(net, "catastrophe", evidence=ev, draws=0))
    nodes = set(map(str, ds.node.values))
    assert {"deception_demonstrated", "behavioral_tests_valid", "catastrophe"} <= nodes
    assert "proportional" in ds.attrs["covariation"]
    # Each function, for evidence nodes' entries and a sample of others, equals a direct query
    # on the network with that entry set (the row co-varied proportionally) at random theta.
    rng = np.random.default_rng(3)
    labels = [str(p) for p in ds.parameter.values]
    pick = [p for p in labels if p.startswith(("P(deception_demonstrated", "P(behavioral"))]
    pick += list(rng.choice(labels, 12, replace=False))
    for label in pick:
        row = ds.sel(parameter=label)
        node = str(row.node.values)
        spec = net.spec.node(node)
        head, _, cond = label[2:-1].partition(" | ")
        state = head.split("=", 1)[1]
        given = dict(c.split("=") for c in cond.split(", ")) if cond else {}
        idx = tuple(net.spec.node(p).states.index(given[p]) for p in spec.parents)
        cpt = np.array(net.cpts[node], dtype=float)
        x = spec.states.index(state)
        for theta in rng.uniform(0, 1, 2):
            old = cpt[idx].copy()
            if old[x] < 1:  # the others scaled proportionally ...
                new = old * (1 - theta) / (1 - old[x])
            else:  # ... or, all being 0, shared equally
                new = np.full_like(old, (1 - theta) / (len(old) - 1))
            new[x] = theta
            cpt2 = cpt.copy()
            cpt2[idx] = new
            direct = posterior(net.with_cpt(node, cpt2), "catastrophe", ev)["yes"]
            f = (float(row.a) * theta + float(row.b)) / (float(row.c) * theta + float(row.d))
            assert_allclose(f, direct, atol=1e-10, err_msg=label)
    rc, out, _ = run_main(capsys, "sensitivity", "catastrophe", "-e", "deception_demonstrated=yes",
                          "--method", "functions", "--draws", "0", "--top", "3")
    assert rc == 0 and "co-variation" in out and "proportional" in out
    rc, out, _ = run_main(capsys, "sensitivity", "catastrophe", "-e", "deception_demonstrated=yes",
                          "--method", "functions", "--draws", "0", "--json")
    assert "proportional" in json.loads(out)["attrs"]["covariation"]


# Issue 14 (the crux network v0.2), R8.
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
