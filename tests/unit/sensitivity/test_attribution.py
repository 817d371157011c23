"""Worldview attribution (Shapley values of the log-odds gap): exact values against brute force
over every order, and sampled orders that sum exactly and approach them."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from cruxnet import Evidence, load_network, posterior
from cruxnet.sensitivity import worldview_shapley


def _brute_shapley(a, b, target, players):
    def value(coalition):
        net = a
        for node in coalition:
            net = net.with_cpt(node, np.asarray(b.cpts[node]))
        p = posterior(net, target)["yes"]
        return math.log(p / (1 - p))

    phi = dict.fromkeys(players, 0.0)
    perms = list(itertools.permutations(players))
    for perm in perms:
        for j, node in enumerate(perm):
            phi[node] += value(perm[:j + 1]) - value(perm[:j])
    return {n: v / len(perms) for n, v in phi.items()}


def test_shapley_exact_matches_brute_force_and_sums_to_the_total():
    a = load_network("carlsmith_2021", "carlsmith")
    b = load_network("carlsmith_2021", "superforecasters_2023")
    ds = worldview_shapley(a, b, "catastrophe")
    players = [str(n) for n in ds.node.values]
    brute = _brute_shapley(a, b, "catastrophe", players)
    for node in players:
        assert_allclose(float(ds.contribution.sel(node=node)), brute[node], rtol=1e-9)
    pa, pb = posterior(a, "catastrophe")["yes"], posterior(b, "catastrophe")["yes"]
    total = math.log(pb / (1 - pb)) - math.log(pa / (1 - pa))
    assert_allclose(ds.attrs["total"], total, rtol=1e-12)
    assert_allclose(float(ds.contribution.sum()), total, rtol=1e-12)


@pytest.mark.slow
def test_shapley_sampled_orders_sum_exactly_and_approach_exact_values():
    a = load_network("crux_network", "gs_deference")
    b = load_network("crux_network", "carlsmith_ai4ais")
    ev = Evidence(hard={"deception_demonstrated": "yes"})
    exact = worldview_shapley(a, b, "catastrophe", evidence=ev, exact_max=30)
    sampled = worldview_shapley(a, b, "catastrophe", evidence=ev, exact_max=0,
                                permutations=400, seed=5)
    assert exact.attrs["method"].endswith("(exact)")
    for ds in (exact, sampled):
        assert_allclose(float(ds.contribution.sum()), ds.attrs["total"], rtol=1e-10)
    both = sampled.contribution.sel(node=exact.node.values)
    assert_allclose(both.values, exact.contribution.values,
                    atol=0.05 * abs(exact.attrs["total"]))
