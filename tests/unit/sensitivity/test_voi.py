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
