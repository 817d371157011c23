"""Value of information: mutual information, variance reduction and swings against pgmpy's
joints, and centred on P(T | e) under a fixed marginal."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from support.oracles import pgmpy_from_bif_text

from cruxnet import Evidence, load_network, posterior
from cruxnet.io.bif import format_bif
from cruxnet.sensitivity import Question, node_swings, value_of_information

EXACT = 1e-12


def _pgmpy_joint(net, a, b, hard):
    from pgmpy.inference import VariableElimination

    model = pgmpy_from_bif_text(format_bif(net))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = VariableElimination(model).query([a, b], evidence=hard, joint=True,
                                             show_progress=False)
    f = f.copy()
    order = [f.variables.index(a), f.variables.index(b)]
    vals = np.transpose(f.values, order)
    sa = [str(s) for s in f.state_names[a]]
    sb = [str(s) for s in f.state_names[b]]
    ia = [sa.index(s) for s in net.spec.node(a).states]
    ib = [sb.index(s) for s in net.spec.node(b).states]
    return vals[np.ix_(ia, ib)] / vals.sum()


@pytest.mark.slow
@pytest.mark.parametrize("worldview,hard", [
    ("gs_deference", {}), ("human_labor_first", {"deception_demonstrated": "yes"})])
def test_mutual_information_and_swings_match_pgmpy_joints(worldview, hard):
    net = load_network("crux_network", worldview)
    nodes = ["scheming", "alignment_difficulty", "lead_time", "safety_loop_outpaces"]
    q = Question(net, "catastrophe", evidence=Evidence(hard=hard), draws=0)
    voi = value_of_information(q, nodes)
    swings = node_swings(q, nodes)
    for node in nodes:
        joint = _pgmpy_joint(net, node, "catastrophe", hard)
        px, pt = joint.sum(axis=1), joint.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            mi = np.nansum(np.where(joint > 0, joint * np.log(joint / np.outer(px, pt)), 0))
            cond = joint[:, 1] / px
        assert_allclose(float(voi.mutual_information.sel(node=node)), mi, rtol=1e-9, atol=1e-12)
        assert_allclose(float(voi.variance_reduction.sel(node=node)),
                        np.sum(px * (cond - pt[1]) ** 2), rtol=1e-9, atol=1e-14)
        assert_allclose(float(swings.swing.sel(node=node)),
                        np.nanmax(cond) - np.nanmin(cond), rtol=1e-9)


# Issue 13, item 8: value of information is centred on P(T | e) as documented.
def test_voi_under_a_fixed_marginal_is_centred_on_the_posterior():
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(fixed={"scheming": (0.7, 0.3)})
    q = Question(net, "catastrophe", evidence=ev, draws=0)
    ds = value_of_information(q, ["lead_time", "bgd_exists"])
    base = posterior(net, "catastrophe", ev).probs
    for node in ("lead_time", "bgd_exists"):
        p_x = posterior(net, node, ev).probs
        q_x = np.array([posterior(net, "catastrophe", ev.observe(**{node: s})).probs
                        for s in net.spec.node(node).states])
        vr = float(p_x @ (q_x[:, 1] - base[1]) ** 2)
        shift = float(p_x @ np.abs(q_x[:, 1] - base[1]))

        def h(p):
            return -float(np.sum(np.where(p > 0, p * np.log(p), 0)))

        mi = h(base) - sum(p * h(r) for p, r in zip(p_x, q_x, strict=True))
        row = ds.sel(node=node)
        assert_allclose(float(row.variance_reduction), vr, atol=EXACT)
        assert_allclose(float(row.expected_shift), shift, atol=EXACT)
        assert_allclose(float(row.mutual_information), mi, atol=EXACT)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_observations_that_contradict_a_fixed_marginal_are_named_and_the_rest_computed(seed):
    """A -> F with F = yes impossible when A = yes; F fixed at (0.4, 0.6). Observing A = yes
    would break the fixed marginal: the tornado and VOI name that state and compute what is
    left by brute force over the joint (Jeffrey's rule: sum_f q_f P(T | F = f, ...)), and
    every other node's numbers are the brute-force ones."""
    from support.bruteforce import SmallNet, marginal

    rng = np.random.default_rng(seed)
    f_cpt = rng.dirichlet([2, 2], size=2)
    f_cpt[1] = [1.0, 0.0]
    small = SmallNet(["A", "B", "F", "T"], [2, 3, 2, 2], [[], [], [0], [2, 1, 0]],
                     [rng.dirichlet([2, 2]), rng.dirichlet([2, 2, 2]), f_cpt,
                      rng.dirichlet([1, 1], size=(2, 3, 2))])
    joint, names = small.joint(), small.names
    qf = np.array([0.4, 0.6])
    net = small.net()

    def jeffrey(**hard):
        """P(T, A, B) after the fixed marginal (and hard evidence), or None if impossible."""
        j = joint.copy()
        for node, s in hard.items():
            j = np.moveaxis(np.moveaxis(j, names.index(node), 0)[[s]], 0, names.index(node))
        pf = marginal(j, names, ["F"])
        if np.any((pf == 0) & (qf > 0)):
            return None
        return j * (qf / pf).reshape(1, 1, -1, 1)

    after = jeffrey()
    base = marginal(after, names, ["T"])[1] / after.sum()
    q = Question(net, "T", "s1", Evidence(fixed={"F": tuple(qf)}), draws=0)
    swings = node_swings(q, ["A", "B"])
    voi = value_of_information(q, ["A", "B"])
    # A: A = s1 contradicts the fixed marginal; it comes first and its swing is not 0 but none.
    assert str(swings.node[0].values) == str(voi.node[0].values) == "A"
    assert str(swings.contradicting_states.sel(node="A").values) == "s1"
    assert np.isnan(float(swings.swing.sel(node="A")))
    a0 = jeffrey(A=0)
    p_t_a0 = marginal(a0, names, ["T"])[1] / a0.sum()
    assert_allclose(float(swings.low.sel(node="A")), p_t_a0, atol=EXACT)
    p_a = marginal(after, names, ["A"]) / after.sum()
    assert_allclose(float(voi.p_contradiction.sel(node="A")), p_a[1], atol=EXACT)
    assert_allclose(float(swings.p_contradiction.sel(node="A")), p_a[1], atol=EXACT)
    assert float(swings.p_contradiction.sel(node="B")) == 0.0
    assert_allclose(float(voi.variance_reduction.sel(node="A")), (p_t_a0 - base) ** 2,
                    atol=EXACT)
    # B: every state possible; brute-force conditionals and measures.
    p_b = marginal(after, names, ["B"]) / after.sum()
    cond = []
    for b in range(3):
        jb = jeffrey(B=b)
        cond.append(marginal(jb, names, ["T"]) / jb.sum())
    cond = np.array(cond)
    assert str(swings.contradicting_states.sel(node="B").values) == ""
    assert_allclose(float(swings.swing.sel(node="B")), np.ptp(cond[:, 1]), atol=EXACT)
    assert_allclose(float(voi.variance_reduction.sel(node="B")),
                    np.sum(p_b * (cond[:, 1] - base) ** 2), atol=EXACT)
    ent = -np.sum(cond * np.log(cond), axis=1)
    pt = np.array([1 - base, base])
    assert_allclose(float(voi.mutual_information.sel(node="B")),
                    -np.sum(pt * np.log(pt)) - np.sum(p_b * ent), atol=1e-10)
