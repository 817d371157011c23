"""The batched engine: the posterior in every parameter draw.

* Per draw, the batched posterior equals the exact engine on the same CPTs (to 1e-9), on the
  crux network with every evidence kind (against pgmpy, and on bnlearn networks:
  tests/oracles/test_batched.py).
* The Carlsmith chain: P(catastrophe) in each draw is the product of that draw's premises, and
  its mean is the product of the premise means (independence).
* The same seed gives the same numbers whatever the chunking and threads; results carry their
  dims and provenance; draws where the evidence is impossible are counted, not NaN; bad
  settings and contradictory fixed marginals are named.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from support.draws import N, net_in_draw

from cruxnet import Evidence, ImpossibleEvidenceError, load_network, posterior
from cruxnet.base.errors import DrawsError, EvidenceError
from cruxnet.draws.dataset import DatasetDraws
from cruxnet.draws.streams import BLOCK
from cruxnet.draws.values import cpt_name
from cruxnet.draws.worldview import draw_worldview
from cruxnet.inference.batched import posterior_draws, source_for
from cruxnet.inference.summary import aggregation_trio
from cruxnet.model.network import BayesNet

TOL = 1e-9
PROBE = [0, 7, BLOCK - 1, BLOCK, N - 1]


CRUX_EVIDENCE = [
    Evidence(),
    Evidence(hard={"scheming": "yes", "lead_time": "about_1mo"}),
    Evidence(likelihood={"bgd_exists": (0.3, 1.0)}, do={"capability_restraint": "pause"}),
    Evidence(fixed={"scheming": (0.4, 0.6)}),
    Evidence(fixed={"scheming": (0.4, 0.6), "bgd_exists": (0.7, 0.3)},
             hard={"alignment_difficulty": "hard"}),
    Evidence(hard={"catastrophe": "yes"}),
]


@pytest.mark.slow
@pytest.mark.parametrize("worldview", ["gs_deference", "human_labor_first"])
@pytest.mark.parametrize("ev", CRUX_EVIDENCE, ids=lambda e: e.describe())
def test_crux_network_each_draw_equals_exact_engine(worldview: str, ev: Evidence) -> None:
    net = load_network("crux_network", worldview)
    target = "bgd_exists" if "catastrophe" in ev.hard else "catastrophe"
    post = posterior_draws(net, target, ev, draws=N, seed=11)
    assert post.n_impossible == 0 and post.probs.shape == (N, 2)
    for i in PROBE:
        exact = posterior(net_in_draw(net, N, 11, i), target, ev)
        np.testing.assert_allclose(post.probs[i], exact.probs, rtol=0, atol=TOL)
        if not ev.fixed:
            np.testing.assert_allclose(post.p_evidence[i], exact.p_evidence, rtol=1e-9)


def test_carlsmith_chain_product_and_independence() -> None:
    net = load_network("carlsmith_2021", "carlsmith")
    n = 200_000
    post = posterior_draws(net, "catastrophe", draws=n, seed=9)
    src = source_for(net, n, 9)
    trio = aggregation_trio(net, "catastrophe", "yes", src)
    assert trio is not None and len(trio.premises) == 6
    # Per draw: the posterior is the product of that draw's premise probabilities.
    premises = []
    for node, state, given in trio.premises:
        cpt = src.block(node, 0, n)
        s = net.spec.node(node).states.index(state)
        if given is None:
            premises.append(cpt[:, s])
        else:
            parent = net.spec.node(net.spec.node(node).parents[0])
            premises.append(cpt[:, parent.states.index(given), s])
    np.testing.assert_allclose(post["yes"], np.prod(premises, axis=0), rtol=1e-12)
    # Analytic: independent Beta premises, so E[product] = product of the Beta means (the point
    # CPT), and Var[product] = prod E[X^2] - prod E[X]^2 bounds the Monte Carlo error.
    means = np.array([float(p.mean()) for p in premises])
    ess = 10.0
    mu = np.array([_premise_value(net, node, given) for node, _, given in trio.premises])
    ex2 = mu * (mu * ess + 1) / (ess + 1)
    var = np.prod(ex2) - np.prod(mu) ** 2
    se = math.sqrt(var / n)
    assert abs(float(post["yes"].mean()) - float(np.prod(mu))) < 4 * se
    assert abs(float(np.prod(mu)) - 0.051376) < 1e-6
    assert np.all(np.abs(means - mu) < 5 * np.sqrt(mu * (1 - mu) / (ess + 1) / n))


def _premise_value(net: BayesNet, node: str, given: str | None) -> float:
    cpt = net.cpts[node]
    if given is None:
        return float(cpt[-1])
    parent = net.spec.node(node).parents[0]
    return float(cpt[net.spec.node(parent).states.index(given), -1])


@pytest.mark.slow
def test_same_seed_same_numbers_and_independent_of_chunking() -> None:
    net = load_network("crux_network", "carlsmith_ai4ais")
    ev = Evidence(hard={"scheming": "yes"})
    a = posterior_draws(net, "catastrophe", ev, draws=3 * BLOCK, seed=1)
    c = posterior_draws(net, "catastrophe", ev, draws=3 * BLOCK, seed=2)
    # Chunking changes the contraction's sub-chunk sizes (down to one draw per sub-chunk under
    # this memory limit), so at most the rounding differs. Sub-chunks live inside a block, so
    # part of one block shows it (one-draw sub-chunks cost ~1 ms a draw).
    small = posterior_draws(net, "catastrophe", ev, draws=700, seed=1)
    b = posterior_draws(net, "catastrophe", ev, draws=700, seed=1, memory_limit=2**16)
    np.testing.assert_allclose(small.probs, b.probs, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(a.probs, posterior_draws(net, "catastrophe", ev,
                                                           draws=3 * BLOCK, seed=1).probs)
    one_thread = posterior_draws(net, "catastrophe", ev, draws=3 * BLOCK, seed=1, threads=1)
    np.testing.assert_array_equal(a.probs, one_thread.probs)  # threads never change results
    assert not np.allclose(a.probs, c.probs)
    # A node's draws do not depend on which other nodes are drawn.
    wv = net.prior
    assert wv is not None
    one = draw_worldview(net.spec, wv, 500, seed=3, nodes=["scheming"])
    many = draw_worldview(net.spec, wv, 500, seed=3)
    name = cpt_name(net.spec, "scheming")
    np.testing.assert_array_equal(one[name].values, many[name].values)


def test_xarray_result_dims_coords_and_provenance() -> None:
    net = load_network("crux_network", "gs_deference")
    post = posterior_draws(net, "lead_time", Evidence(hard={"scheming": "yes"}), draws=500,
                           seed=8)
    da = post.to_xarray()
    assert da.dims == ("draw", "lead_time")
    assert list(da.coords["lead_time"].values) == list(net.spec.node("lead_time").states)
    for key in ("worldview", "seed", "spec_sha256", "cruxnet_version", "evidence", "method"):
        assert key in da.attrs
    assert da.attrs["seed"] == 8 and da.attrs["worldview"] == "gs_deference"
    summ = post.summary(0.8).to_xarray()
    assert summ["interval"].dims == ("lead_time", "ci_bound")
    assert summ["interval"].attrs == {"ci_kind": "eti", "ci_prob": 0.8}


def _two_node_dataset(p_yes_draws: np.ndarray) -> tuple[BayesNet, DatasetDraws]:
    import xarray as xr

    net = load_network("carlsmith_2021", "carlsmith")
    spec = net.spec
    data = {}
    for node in spec.node_ids:
        dims = (*spec.node(node).parents, node)
        coords = {d: list(spec.node(d).states) for d in dims}
        arr = np.asarray(net.cpts[node])
        if node == "aps_systems":
            arr = np.stack([1 - p_yes_draws, p_yes_draws], axis=-1)
            data[cpt_name(spec, node)] = xr.DataArray(arr, dims=("draw", *dims), coords=coords)
        else:
            data[cpt_name(spec, node)] = xr.DataArray(arr, dims=dims, coords=coords)
    return net, DatasetDraws(spec, xr.Dataset(data))


def test_evidence_impossible_in_some_draws_is_counted_not_nan() -> None:
    p = np.array([0.0, 0.5, 0.2, 0.0, 0.9])
    net, src = _two_node_dataset(p)
    post = posterior_draws(net, "incentives", Evidence(hard={"aps_systems": "yes"}),
                           parameters=src)
    assert post.n_impossible == 2 and list(post.draw) == [1, 2, 4]
    s = post.summary()
    assert s.impossible_draws == 2 and "impossible in 2 draws" in s.text()
    assert all(math.isfinite(v) for v in s.mean.values())
    assert not np.isnan(post.to_xarray().values).any()
    # Fixed marginals that put mass on an impossible state: those draws are dropped too.
    post2 = posterior_draws(net, "incentives", Evidence(fixed={"aps_systems": (0.5, 0.5)}),
                            parameters=src)
    assert post2.n_impossible == 2
    np.testing.assert_allclose(post2.probs[0], posterior(net, "incentives", Evidence(
        fixed={"aps_systems": (0.5, 0.5)})).probs, atol=TOL)
    net0, src0 = _two_node_dataset(np.zeros(3))
    with pytest.raises(ImpossibleEvidenceError, match="every one of the 3 draws"):
        posterior_draws(net0, "incentives", Evidence(hard={"aps_systems": "yes"}),
                        parameters=src0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"draws": 0}, "positive integer"),
    ({"draws": -5}, "positive integer"),
    ({"draws": 2.5}, "positive integer"),
    ({"draws": 10, "seed": -1}, "non-negative integer"),
    ({"draws": 10, "seed": "abc"}, "non-negative integer"),
    ({"draws": 10, "seed": 1.5}, "non-negative integer"),
    ({"draws": 10, "ess": 0}, "ess must be"),
    ({"draws": 10**15}, r"need .*GiB .* available"),
])
def test_bad_draw_settings_are_named_errors(kwargs: dict[str, object], message: str) -> None:
    net = load_network("carlsmith_2021")
    with pytest.raises(DrawsError, match=message):
        posterior_draws(net, "catastrophe", **kwargs)  # type: ignore[arg-type]


def test_contradictory_fixed_marginals_are_named_quickly() -> None:
    # catastrophe = any(misaligned_takeover, ...), so P(catastrophe=yes) >= P(takeover=yes):
    # these two marginals cannot hold together in any draw.
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(fixed={"catastrophe": (0.9, 0.1), "misaligned_takeover": (0.5, 0.5)})
    with pytest.raises(EvidenceError, match=r"cannot all hold together .*point values"):
        posterior_draws(net, "scheming", ev, draws=600, seed=1)
    wv = net.prior
    assert wv is not None
    src = DatasetDraws(net.spec, draw_worldview(net.spec, wv, 600, seed=1))
    with pytest.raises(ImpossibleEvidenceError, match="cannot all hold, in every one of the 600"):
        posterior_draws(net, "scheming", ev, parameters=src)
