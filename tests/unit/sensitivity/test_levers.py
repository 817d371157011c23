"""Lever effects: do() at each lever's ends equals exact queries, a root's observing equals
doing, ranks and their stability, and the values from gradients equal one query each."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from cruxnet import Evidence, load_network, posterior
from cruxnet.sensitivity import Question, lever_effects


def test_root_lever_observing_equals_doing_and_effects_match_exact_queries():
    net = load_network("crux_network", "karnofsky_playbook")
    q = Question(net, "catastrophe", draws=300, seed=2)
    ds = lever_effects(q)
    for lever in ds.lever.values:
        row = ds.sel(lever=lever)
        spec = net.spec.node(str(lever))
        lo, hi = spec.lever_range  # first and last state, or the model's lever_states
        assert (str(row.low_state.values), str(row.high_state.values)) == (lo, hi)
        for col, state in (("do_low", lo), ("do_high", hi)):
            assert_allclose(float(row[col]),
                            posterior(net, "catastrophe", Evidence(do={str(lever): state}))["yes"],
                            rtol=1e-12)
        if not spec.parents:
            assert_allclose(float(row.do_low), float(row.observe_low), rtol=1e-12)
            assert_allclose(row.effect_ci.values, row.observed_effect_ci.values, rtol=1e-12)
            assert "root" in str(row.backdoor.values)
    ranks = ds["rank"].values
    assert sorted(ranks) == list(range(1, len(ranks) + 1))
    assert np.all(np.diff(np.abs(ds.effect.values)) <= 0)
    assert np.all((ds.rank_stability >= 0) & (ds.rank_stability <= 1))
    assert_allclose(float(ds.p_top.sum()), 1.0)


@pytest.mark.parametrize("evidence", [
    Evidence(), Evidence(hard={"deception_demonstrated": "yes"},
                         likelihood={"scheming": (1.0, 2.0)})])
def test_lever_values_from_gradients_equal_one_query_each(evidence):
    from cruxnet.sensitivity.levers import _values_by_gradients, _values_by_queries

    net = load_network("crux_network", "karnofsky_playbook")
    q = Question(net, "catastrophe", evidence=evidence, draws=200, seed=3)
    levers = ["capability_restraint", "standards_monitoring", "infosec_strong"]
    fast, slow = _values_by_gradients(q, levers), _values_by_queries(q, levers)
    for lever in levers:
        for key, (point, draws) in slow[lever].items():
            assert_allclose(fast[lever][key][0], point, rtol=1e-10, err_msg=f"{lever} {key}")
            assert_allclose(fast[lever][key][1], draws, rtol=1e-10, err_msg=f"{lever} {key}")
