"""The crux finders: the smallest belief change lands exactly on the threshold (and survives
evidence that a shift makes impossible); decisive observations sum the states that cross."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from support.errors import run_main

from cruxnet import Evidence, load_network, posterior
from cruxnet.sensitivity import (
    Question,
    SensitivityError,
    decisive_observations,
    smallest_belief_change,
)


@pytest.mark.parametrize("worldview,threshold,hard", [
    ("gs_deference", 0.25, {}), ("human_labor_first", 0.7, {"lead_time": "over_2y"}),
    ("karnofsky_playbook", 0.5, {})])
def test_smallest_belief_change_lands_exactly_on_the_threshold(worldview, threshold, hard):
    net = load_network("crux_network", worldview)
    ev = Evidence(hard=hard)
    q = Question(net, "catastrophe", evidence=ev, draws=0)
    ds = smallest_belief_change(q, threshold)
    crossing = ds.where(np.isfinite(ds["shift"]), drop=True)
    assert crossing.sizes["node"] >= 1
    for node in crossing.node.values[:4]:
        row = crossing.sel(node=node)
        spec = net.spec.node(str(node))
        x = spec.states.index(str(row.state.values))
        lam = float(row["shift"])
        cpt = np.asarray(net.cpts[str(node)])
        onehot = np.eye(spec.card)[x]
        mixed = net.with_cpt(str(node), (1 - lam) * cpt + lam * onehot)
        assert_allclose(posterior(mixed, "catastrophe", ev)["yes"], threshold, rtol=1e-9)
        # A smaller shift towards that state does not reach the threshold (it is the smallest).
        less = net.with_cpt(str(node), (1 - 0.98 * lam) * cpt + 0.98 * lam * onehot)
        base = posterior(net, "catastrophe", ev)["yes"]
        p_less = posterior(less, "catastrophe", ev)["yes"]
        assert (p_less - threshold) * (base - threshold) > 0
    with pytest.raises(SensitivityError, match=r"strictly between 0 and 1, got 1\.5"):
        smallest_belief_change(q, 1.5)


def test_decisive_observations_sum_the_states_that_cross():
    net = load_network("crux_network", "gs_deference")
    q = Question(net, "catastrophe", draws=0)
    tau = 0.3
    ds = decisive_observations(q, tau, ["scheming", "lead_time", "alignment_difficulty"])
    base = posterior(net, "catastrophe")["yes"]
    for node in ds.node.values:
        node = str(node)
        p_node = posterior(net, node).probs
        expect = sum(p for s, p in zip(net.spec.node(node).states, p_node, strict=True)
                     if (posterior(net, "catastrophe", Evidence(hard={node: s}))["yes"] >= tau)
                     != (base >= tau))
        assert_allclose(float(ds.p_cross.sel(node=node)), expect, rtol=1e-12)
    for bad in (0, 1, -0.2, "0.1", float("nan")):
        with pytest.raises(SensitivityError, match="threshold must be"):
            decisive_observations(q, bad)


# Issue 13, item 4: the crux finder ignores the spurious root where the evidence becomes
# impossible.
def _mixed(net, node: str, state: str, lam: float):
    cpt = np.asarray(net.cpts[node], dtype=float)
    k = net.spec.node(node).states.index(state)
    onehot = np.zeros(cpt.shape[-1])
    onehot[k] = 1.0
    return net.with_cpt(node, (1 - lam) * cpt + lam * onehot)


def test_crux_finder_survives_evidence_made_impossible(capsys):
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(hard={"good_initialization": "yes"})
    rc, _, err = run_main(capsys, "sensitivity", "catastrophe", "-e", "good_initialization=yes",
                          "--method", "cruxes", "--threshold", "0.3", "--draws", "0")
    assert rc == 0, err
    q = Question(net, "catastrophe", evidence=ev, draws=0)
    ds = smallest_belief_change(q, 0.3)
    for node in ds.node.values:
        lam = float(ds["shift"].sel(node=node))
        if not np.isfinite(lam):
            continue
        state = str(ds.state.sel(node=node).values)
        # The reported shift really carries P(catastrophe) to the threshold ...
        got = posterior(_mixed(net, str(node), state, lam), "catastrophe", ev)["yes"]
        assert_allclose(got, 0.3, atol=1e-9)
        # ... and no smaller shift of any state does (a grid check of the first crossing).
        for s in net.spec.node(str(node)).states:
            for g in np.linspace(0, lam, 12)[1:-1]:
                try:
                    p = posterior(_mixed(net, str(node), s, g), "catastrophe", ev)["yes"]
                except Exception:
                    continue
                assert (p - 0.3) * (q.point() - 0.3) > 0
