"""Stated marginals (issue 15, item 1a): the node's own CPT tilted by common per-state factors so
the network implies the stated marginal, its causes untouched. Checked independently: the tilted
network is exported as BIF, read by pgmpy's own parser and queried there; the tilt's form is
checked on the tables; brute force over the joint for a small network."""

from __future__ import annotations

import numpy as np
import pytest
from bruteforce import SmallNet, marginal
from numpy.testing import assert_allclose
from oracles import pgmpy_from_bif_text, pgmpy_query

from cruxnet import Evidence, load_network, posterior
from cruxnet.errors import EvidenceError
from cruxnet.inference.marginals import with_stated_marginals
from cruxnet.io.bif import format_bif

EXACT = 1e-12


def _pgmpy(net):
    return pgmpy_from_bif_text(format_bif(net))


def _common_factors(old: np.ndarray, new: np.ndarray, p_u: np.ndarray) -> None:
    """new[u, x] / old[u, x] = lam_x / Z_u on every reachable row: the ratio of two states'
    factors is the same in every row."""
    k = old.shape[-1]
    o, n = old.reshape(-1, k), new.reshape(-1, k)
    rows = [i for i in range(len(o)) if p_u.reshape(-1)[i] > 0 and (o[i] > 0).all()]
    ratios = np.array([n[i] / o[i] for i in rows])
    ratios /= ratios[:, :1]
    assert_allclose(ratios, np.broadcast_to(ratios[:1], ratios.shape), rtol=1e-9)


@pytest.mark.parametrize(("node", "q"), [
    ("scheming", {"no": 0.92, "yes": 0.08}),
    ("lead_time", {"under_2wk": 0.5, "about_1mo": 0.3, "to_6mo": 0.1, "to_2y": 0.05,
                   "over_2y": 0.05}),
    ("deference_timing", {"too_early": 0.2, "at_minimum": 0.7, "late": 0.1}),
])
def test_one_stated_marginal_holds_and_leaves_the_causes(node: str, q: dict) -> None:
    net = load_network("crux_network", "gs_deference")
    mine = with_stated_marginals(net, {node: q})
    pg = _pgmpy(mine)
    got = pgmpy_query(pg, node)
    assert_allclose([got[s] for s in net.spec.node(node).states], list(q.values()), atol=EXACT)
    # The causes are untouched: every ancestor's marginal as before (pgmpy on both).
    before = _pgmpy(net)
    for anc in net.spec.ancestors([node]) - {node}:
        a, b = pgmpy_query(pg, anc), pgmpy_query(before, anc)
        assert_allclose(list(a.values()), list(b.values()), atol=1e-12)
    # Only the node's own CPT changed, and by common per-state factors.
    for other in net.spec.node_ids:
        if other != node:
            assert np.array_equal(np.asarray(mine.cpts[other]), np.asarray(net.cpts[other]))
    parents = list(net.spec.node(node).parents)
    p_u = _pgmpy_parents_joint(net, parents)
    _common_factors(np.asarray(net.cpts[node]), np.asarray(mine.cpts[node]), p_u)
    tilted = np.asarray(mine.cpts[node])
    implied = (p_u[..., None] * tilted).reshape(-1, tilted.shape[-1]).sum(axis=0)
    assert_allclose(implied, list(q.values()), atol=1e-11)
    assert mine is not net and net.cpts[node] is not mine.cpts[node]


def _pgmpy_parents_joint(net, parents):
    """P(parents) by pgmpy's variable elimination on the exported network, in parent order."""
    from pgmpy.inference import VariableElimination

    pg = _pgmpy(net)
    f = VariableElimination(pg).query(variables=list(parents), joint=True, show_progress=False)
    arr = np.moveaxis(f.values, [f.variables.index(p) for p in parents], range(len(parents)))
    # pgmpy orders states as the BIF lists them, which is cruxnet's order.
    return arr


def test_several_stated_marginals_hold_jointly_in_any_order() -> None:
    net = load_network("crux_network", "karnofsky_playbook")
    # deference_timing is an ancestor of scheming: the two interact.
    a = {"deference_timing": [0.1, 0.8, 0.1], "scheming": [0.9, 0.1],
         "bgd_exists": {"no": 0.4, "yes": 0.6}}
    b = dict(reversed(list(a.items())))
    m1, m2 = with_stated_marginals(net, a), with_stated_marginals(net, b)
    pg = _pgmpy(m1)
    for node, q in a.items():
        vec = list(q.values()) if isinstance(q, dict) else q
        got = pgmpy_query(pg, node)
        assert_allclose([got[s] for s in net.spec.node(node).states], vec, atol=EXACT)
        assert np.array_equal(np.asarray(m1.cpts[node]), np.asarray(m2.cpts[node]))
    assert posterior(m1, "catastrophe")["yes"] == posterior(m2, "catastrophe")["yes"]


def test_small_network_against_brute_force() -> None:
    small = SmallNet(["A", "B", "C"], [3, 2, 3], [[], [0], [0, 1]],
                     [np.array([0.2, 0.5, 0.3]), np.array([[0.9, 0.1], [0.4, 0.6], [0.3, 0.7]]),
                      np.random.default_rng(5).dirichlet(np.ones(3), size=(3, 2))])
    net = small.net()
    q = [0.1, 0.3, 0.6]
    mine = with_stated_marginals(net, {"C": q})
    p_ab = marginal(small.joint(), small.names, ["A", "B"])
    new = np.asarray(mine.cpts["C"])
    assert_allclose(np.einsum("ab,abc->c", p_ab, new), q, atol=EXACT)
    _common_factors(small.cpts[2], new, p_ab)
    # It is the least expected relative entropy among all tables with that marginal: checked
    # against a direct constrained minimisation with SciPy over every row's entries.
    from scipy.optimize import minimize

    old = small.cpts[2].reshape(-1, 3)
    w = p_ab.reshape(-1)

    def kl(flat):
        r = np.abs(flat.reshape(-1, 3))
        r = r / r.sum(axis=1, keepdims=True)
        return float((w[:, None] * r * np.log(r / old)).sum())

    cons = {"type": "eq", "fun": lambda f: (w[:, None] * (np.abs(f.reshape(-1, 3)) / np.abs(
        f.reshape(-1, 3)).sum(axis=1, keepdims=True))).sum(axis=0)[:2] - q[:2]}
    res = minimize(kl, old.reshape(-1), constraints=[cons], method="SLSQP",
                   options={"ftol": 1e-14, "maxiter": 2000})
    best = np.abs(res.x.reshape(-1, 3))
    best /= best.sum(axis=1, keepdims=True)
    assert kl(new.reshape(-1)) <= kl(best.reshape(-1)) + 1e-9
    assert_allclose(new.reshape(-1, 3), best, atol=2e-4)


def test_three_meanings_give_three_answers() -> None:
    """A stated marginal, a fixed marginal (evidence) and a replaced table are different
    things: under gs_deference, P(scheming) = 8% gives three different P(catastrophe)."""
    net = load_network("crux_network", "gs_deference")
    stated = posterior(with_stated_marginals(net, {"scheming": [0.92, 0.08]}), "catastrophe")
    fixed = posterior(net, "catastrophe", Evidence(fixed={"scheming": (0.92, 0.08)}))
    flat = np.zeros_like(np.asarray(net.cpts["scheming"]))
    flat[..., 0], flat[..., 1] = 0.92, 0.08
    replaced = posterior(net.with_cpt("scheming", flat), "catastrophe")
    values = [stated["yes"], fixed["yes"], replaced["yes"]]
    assert len({round(v, 6) for v in values}) == 3
    # The fixed marginal moves scheming's causes; the stated marginal does not.
    diff = posterior(net, "alignment_difficulty").probs
    assert not np.allclose(posterior(net, "alignment_difficulty",
                                     Evidence(fixed={"scheming": (0.92, 0.08)})).probs, diff)
    assert_allclose(posterior(with_stated_marginals(net, {"scheming": [0.92, 0.08]}),
                              "alignment_difficulty").probs, diff, atol=1e-12)


def test_unreachable_and_bad_marginals_are_named() -> None:
    net = load_network("crux_network", "gs_deference")
    # good_initialization is structurally 0 for schemers, but reachable overall.
    with_stated_marginals(net, {"good_initialization": [0.85, 0.15]})
    small = SmallNet(["A", "B"], [2, 2], [[], [0]],
                     [np.array([0.5, 0.5]), np.array([[1.0, 0.0], [0.5, 0.5]])])
    # B=yes only through A=s1 (half the rows, at most half of it): P(B=s1) = .8 is beyond reach.
    with pytest.raises(EvidenceError, match="stated marginal for B cannot be reached"):
        with_stated_marginals(small.net(), {"B": [0.2, 0.8]})
    assert_allclose(posterior(with_stated_marginals(small.net(), {"B": [0.6, 0.4]}), "B").probs,
                    [0.6, 0.4], atol=EXACT)
    zero = SmallNet(["A"], [3], [[]], [np.array([0.5, 0.5, 0.0])])
    with pytest.raises(EvidenceError, match="state 's2' has probability 0"):
        with_stated_marginals(zero.net(), {"A": [0.2, 0.3, 0.5]})
    with pytest.raises(EvidenceError, match=r"sums to 0\.9"):
        with_stated_marginals(net, {"scheming": [0.8, 0.1]})
    with pytest.raises(EvidenceError, match="unknown node 'schemin'"):
        with_stated_marginals(net, {"schemin": [0.9, 0.1]})
