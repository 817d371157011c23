"""Second-order uncertainty: parameter draws and the batched engine, against independent answers.

* Per draw, the batched posterior equals the foundation's exact engine and pgmpy on the same
  CPTs (to 1e-9), on the crux network, the Carlsmith chain and bnlearn networks, with every
  evidence kind.
* Draws follow their stated distributions (Dirichlet and log-normal moments in closed form).
* The Carlsmith chain: P(catastrophe) in each draw is the product of that draw's premises, and
  its mean is the product of the premise means (independence).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy import optimize, stats
from support.oracles import pgmpy_from_bif_text, pgmpy_query

from cruxnet import Evidence, ImpossibleEvidenceError, load_network, posterior
from cruxnet.errors import DrawsError, EvidenceError, SpecError
from cruxnet.inference.batched import posterior_draws, source_for
from cruxnet.inference.summary import aggregation_trio, credible_interval
from cruxnet.io.bif import format_bif
from cruxnet.priors.draws import BLOCK, DatasetDraws, cpt_name, draw_worldview
from cruxnet.priors.network import BayesNet

TOL = 1e-9
N = BLOCK + 300  # crosses a stream-block boundary
PROBE = [0, 7, BLOCK - 1, BLOCK, N - 1]


def _net_in_draw(net: BayesNet, draws: int, seed: int, i: int, ess: float | None = None
                 ) -> BayesNet:
    """The network whose CPTs are draw ``i`` of the prior, built one CPT at a time."""
    src = source_for(net, draws, seed, ess)
    b0 = (i // BLOCK) * BLOCK
    out = net
    for node in net.spec.node_ids:
        if not src.is_fixed(node):
            out = out.with_cpt(node, src.block(node, b0, min(b0 + BLOCK, draws))[i - b0])
    return out


CRUX_EVIDENCE = [
    Evidence(),
    Evidence(hard={"scheming": "yes", "lead_time": "about_1mo"}),
    Evidence(likelihood={"bgd_exists": (0.3, 1.0)}, do={"capability_restraint": "pause"}),
    Evidence(fixed={"scheming": (0.4, 0.6)}),
    Evidence(fixed={"scheming": (0.4, 0.6), "bgd_exists": (0.7, 0.3)},
             hard={"alignment_difficulty": "hard"}),
    Evidence(hard={"catastrophe": "yes"}),
]


@pytest.mark.parametrize("worldview", ["gs_deference", "human_labor_first"])
@pytest.mark.parametrize("ev", CRUX_EVIDENCE, ids=lambda e: e.describe())
def test_crux_network_each_draw_equals_exact_engine(worldview: str, ev: Evidence) -> None:
    net = load_network("crux_network", worldview)
    target = "bgd_exists" if "catastrophe" in ev.hard else "catastrophe"
    post = posterior_draws(net, target, ev, draws=N, seed=11)
    assert post.n_impossible == 0 and post.probs.shape == (N, 2)
    for i in PROBE:
        exact = posterior(_net_in_draw(net, N, 11, i), target, ev)
        np.testing.assert_allclose(post.probs[i], exact.probs, rtol=0, atol=TOL)
        if not ev.fixed:
            np.testing.assert_allclose(post.p_evidence[i], exact.p_evidence, rtol=1e-9)


def test_crux_network_draws_agree_with_pgmpy() -> None:
    net = load_network("crux_network", "karnofsky_playbook")
    ev = Evidence(hard={"scheming": "no", "infosec_strong": "yes"})
    post = posterior_draws(net, "elicitation_success", ev, draws=N, seed=5)
    for i in (3, BLOCK + 1):
        model = pgmpy_from_bif_text(format_bif(_net_in_draw(net, N, 5, i)))
        oracle = pgmpy_query(model, "elicitation_success", hard=dict(ev.hard))
        np.testing.assert_allclose(post.probs[i], [oracle["no"], oracle["yes"]], atol=TOL)


@pytest.mark.parametrize("name", ["asia", "sachs", "alarm", "insurance"])
def test_bnlearn_draws_equal_exact_and_pgmpy(name: str) -> None:
    from support.oracles import bnlearn_path

    from cruxnet.catalog import load_network as load

    net = load(bnlearn_path(name), normalize=True)
    leaves = [n for n in net.spec.node_ids if not net.spec.children(n)][:3]
    target = net.spec.node_ids[0]
    ev = Evidence(hard={leaves[0]: net.spec.node(leaves[0]).states[0]},
                  likelihood={leaves[1]: tuple(np.linspace(0.2, 1, net.spec.node(leaves[1]).card))})
    post = posterior_draws(net, target, ev, draws=N, seed=2, ess=40)
    for i in (0, BLOCK + 5):
        drawn = _net_in_draw(net, N, 2, i, ess=40)
        np.testing.assert_allclose(post.probs[i], posterior(drawn, target, ev).probs, atol=TOL)
    # do() on a node with parents and a fixed marginal on a leaf, together.
    mid = next(n for n in net.spec.node_ids
               if net.spec.node(n).parents and n != target and n not in leaves)
    card = net.spec.node(leaves[-1]).card
    ev2 = Evidence(do={mid: net.spec.node(mid).states[-1]},
                   fixed={leaves[-1]: tuple(np.full(card, 1.0 / card))})
    post2 = posterior_draws(net, target, ev2, draws=N, seed=2, ess=40)
    for i in (3, BLOCK + 2):
        drawn = _net_in_draw(net, N, 2, i, ess=40)
        np.testing.assert_allclose(post2.probs[i], posterior(drawn, target, ev2).probs,
                                   atol=TOL)
    model = pgmpy_from_bif_text(format_bif(_net_in_draw(net, N, 2, 1, ess=40)))
    oracle = pgmpy_query(model, target, hard=dict(ev.hard), likelihood=dict(ev.likelihood))
    np.testing.assert_allclose(post.probs[1], [oracle[s] for s in net.spec.node(target).states],
                               atol=TOL)


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


def test_dirichlet_and_lognormal_draws_match_closed_forms() -> None:
    net = load_network("crux_network", "gs_deference")
    n = 40_000
    # Rows drawn independently (no ordering imposed), so each follows its own stated prior.
    independent = dataclasses.replace(net.prior, ordered_draws=False)  # type: ignore[arg-type]
    ds = draw_worldview(net.spec, independent, n, seed=4,
                         nodes=["alignment_difficulty", "elicitation_success"])
    m = net.cpts["alignment_difficulty"]
    draws = ds[cpt_name(net.spec, "alignment_difficulty")].values
    ess = net.prior.cpts["alignment_difficulty"].rows[()][1]  # type: ignore[union-attr,attr-defined]
    assert ess == 6
    assert np.all(np.abs(draws.mean(axis=0) - m) < 4 * np.sqrt(m * (1 - m) / (ess + 1) / n))
    np.testing.assert_allclose(draws.var(axis=0), m * (1 - m) / (ess + 1), rtol=0.05)
    # elicitation_success = base * factors; where every parent is in a state with no factor
    # (valid tests, no scheming, no lag, at the minimum, a breakthrough) only the Beta base
    # (mean .90, ess 5) varies.
    el = ds[cpt_name(net.spec, "elicitation_success")]
    cell = {"behavioral_tests_valid": "yes", "scheming": "no", "uneven_capability_arrival": "no",
            "deference_timing": "at_minimum", "alignment_research": "breakthrough"}
    base = el.sel(cell).values[:, 1]
    assert abs(base.mean() - 0.90) < 4 * math.sqrt(0.90 * 0.10 / 6 / n)
    np.testing.assert_allclose(base.var(), 0.90 * 0.10 / 6, rtol=0.05)


def test_tiny_dirichlet_weights_never_give_empty_rows() -> None:
    from cruxnet.priors.draws import _dirichlet

    rng = np.random.default_rng(0)
    alpha = np.array([[1e-4, 2e-4, 0.0], [0.5, 2.0, 0.0], [3.0, 4.0, 1e-3]])
    d = _dirichlet(rng, alpha, 50_000)
    assert np.all(np.isfinite(d))
    np.testing.assert_allclose(d.sum(axis=-1), 1.0, atol=1e-12)
    assert np.all(d[..., 0, 2] == 0) and np.all(d[..., 1, 2] == 0)  # structural zeros
    mean = alpha / alpha.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(d.mean(axis=0)[1:], mean[1:], atol=0.01)
    np.testing.assert_allclose(d.mean(axis=0)[0], mean[0], atol=0.02)


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


def test_intervals_eti_and_hdi_against_closed_forms() -> None:
    net = load_network("carlsmith_2021", "carlsmith")
    post = posterior_draws(net, "aps_systems", draws=100_000, seed=6)
    s = post.summary(0.9)
    p = float(net.cpts["aps_systems"][-1])
    a, b = p * 10, (1 - p) * 10  # default_ess 10
    lo, hi = stats.beta.ppf([0.05, 0.95], a, b)
    assert s.interval["yes"] == pytest.approx((lo, hi), abs=0.01)
    assert s.mean["yes"] == pytest.approx(p, abs=0.003)
    assert s.median["yes"] == pytest.approx(stats.beta.median(a, b), abs=0.005)
    # The HDI of a Beta: the shortest interval with 90% mass.
    width = lambda x: stats.beta.ppf(min(x + 0.9, 1.0), a, b) - stats.beta.ppf(x, a, b)  # noqa: E731
    x0 = optimize.minimize_scalar(width, bounds=(0, 0.1), method="bounded").x
    hdi = post.summary(0.9, "hdi").interval["yes"]
    assert hdi == pytest.approx((stats.beta.ppf(x0, a, b), stats.beta.ppf(x0 + 0.9, a, b)),
                                abs=0.01)
    assert hdi[1] - hdi[0] < s.interval["yes"][1] - s.interval["yes"][0]
    assert credible_interval(post["yes"], 0.9) == pytest.approx(s.interval["yes"])


def test_trio_flags_the_superforecasters_chain() -> None:
    net = load_network("carlsmith_2021", "superforecasters_2023")
    trio = aggregation_trio(net, "catastrophe", "yes", source_for(net, 50_000, 1))
    assert trio is not None
    # Independence: the mean of the product is the product of the point (mean) premises.
    assert trio.mean == pytest.approx(posterior(net, "catastrophe")["yes"], rel=0.05)
    assert trio.product_of_medians < trio.mean and trio.differs and "differ" in trio.note
    # The crux network is not a chain: no trio.
    crux = load_network("crux_network", "gs_deference")
    assert aggregation_trio(crux, "catastrophe", "yes", source_for(crux, 10, 1)) is None


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


def test_dataset_draws_round_trip_equals_prior_draws() -> None:
    net = load_network("crux_network", "gs_deference")
    wv = net.prior
    assert wv is not None
    ds = draw_worldview(net.spec, wv, 700, seed=12)
    a = posterior_draws(net, "scheming", draws=700, seed=12)
    b = posterior_draws(net, "scheming", parameters=DatasetDraws(net.spec, ds))
    np.testing.assert_allclose(a.probs, b.probs, atol=1e-15)


def test_missing_uncertainty_names_node_and_parameter(tmp_path: object) -> None:
    from support.oracles import bnlearn_path

    from cruxnet.catalog import load_network as load

    asia = load(bnlearn_path("asia"), normalize=True)
    with pytest.raises(SpecError, match=r"asia.bif.gz: node \w+: .*states no uncertainty.*--ess"):
        posterior_draws(asia, "lung", draws=10)
    net = load_network("crux_network", "gs_deference")
    prior = net.prior
    assert prior is not None
    bare = net.with_cpt("scheming", np.asarray(net.cpts["scheming"]))
    with pytest.raises(SpecError, match=r"node scheming: .*states no uncertainty"):
        posterior_draws(bare, "catastrophe", draws=10)
    # A node the query does not need is not drawn, so its missing uncertainty does not matter.
    assert posterior_draws(bare, "alignment_difficulty", draws=10).n_draws == 10


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


@pytest.mark.parametrize("ci", [0, 1, 1.5, -0.1, float("nan")])
def test_ci_outside_unit_interval(ci: float) -> None:
    post = posterior_draws(load_network("carlsmith_2021"), "catastrophe", draws=100)
    with pytest.raises(DrawsError, match=r"\(0, 1\)"):
        post.summary(ci)


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
