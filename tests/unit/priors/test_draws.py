"""Parameter draws: Dirichlet and log-normal moments in closed form, tiny Dirichlet weights,
declared orderings imposed in every draw (and broken without), draws as a Dataset and through
ArviZ (issue 16, item 5), and a missing uncertainty named."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from support.models import WORLDVIEWS

from cruxnet import draw_parameters, load_network, posterior_draws
from cruxnet.catalog import load_model
from cruxnet.errors import DrawsError, SpecError
from cruxnet.priors.draws import (
    DatasetDraws,
    cpt_name,
    draw_worldview,
    impose_orderings,
    to_inference_data,
)
from cruxnet.sensitivity import lint_worldview


def test_parameter_draws_in_line_with_posterior_draws_and_arviz(net) -> None:
    import arviz as az

    n, seed = 700, 5
    ds = draw_parameters(net, draws=n, seed=seed)
    direct = posterior_draws(net, "catastrophe", draws=n, seed=seed)
    via = posterior_draws(net, "catastrophe", parameters=DatasetDraws(net.spec, ds))
    assert_allclose(via.probs, direct.probs, atol=1e-13)
    with pytest.raises(DrawsError, match="not both"):
        posterior_draws(net, "catastrophe", draws=n, parameters=DatasetDraws(net.spec, ds))
    summ = az.summary(direct.to_inference_data(), kind="stats")
    assert summ.loc["P(catastrophe)[yes]", "mean"] == pytest.approx(
        direct.probs[:, 1].mean(), abs=5e-4)
    # Parameter draws through ArviZ and back, as a PyMC posterior with 7 chains would come.
    idata = to_inference_data(ds)
    chains = idata.posterior.isel(chain=0, drop=True).coarsen(draw=n // 7).construct(
        draw=("chain", "draw"))
    pymc_like = az.InferenceData(posterior=chains, constant_data=idata.constant_data)
    again = posterior_draws(net, "catastrophe", parameters=DatasetDraws(net.spec, pymc_like))
    assert_allclose(again.probs, direct.probs, atol=1e-13)  # chains one after another
    az.summary(idata, var_names=["P(scheming | alignment_difficulty, alignment_research, "
                                 "deference_timing, capability_restraint)"], kind="stats")


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


# Issue 14 (the crux network v0.2), R5.
@pytest.mark.slow
@pytest.mark.parametrize("worldview", WORLDVIEWS)
def test_no_declared_ordering_breaks_in_ten_thousand_draws(worldview: str) -> None:
    net = load_network("crux_network", worldview)
    rep = lint_worldview(net, draws=10_000, seed=3)
    assert not [f for f in rep.findings if f.kind == "monotonicity"], rep.text()
    assert rep.checked["monotonicity declarations"] >= 40


def test_independent_draws_do_break_the_orderings() -> None:
    """The check above can fail: with rows drawn independently, the tax's rise with difficulty
    (A3) and the basin's fall break in a share of draws, as in v0.1."""
    net = load_network("crux_network", "gs_deference")
    loose = dataclasses.replace(net.prior, ordered_draws=False)  # type: ignore[arg-type]
    rep = lint_worldview(dataclasses.replace(net, prior=loose), draws=4000, seed=3)
    broken = {f.node for f in rep.findings if f.kind == "monotonicity"}
    assert {"deference_goodness_tax", "bgd_exists"} <= broken, rep.text()


def _orderings_hold(model, node: str, cpts: np.ndarray) -> bool:
    nspec = model.node(node)
    tails = np.cumsum(cpts[..., ::-1], axis=-1)[..., ::-1][..., 1:]
    for parent, rising in ([(p, True) for p in nspec.expect.increases_with]
                           + [(p, False) for p in nspec.expect.decreases_with]):
        step = np.diff(tails, axis=1 + nspec.parents.index(parent))
        if (step < -1e-12).any() if rising else (step > 1e-12).any():
            return False
    return True


@pytest.mark.parametrize("node", ["deference_goodness_tax", "lead_time", "exogenous_catastrophe",
                                  "scheming", "good_initialization", "safety_loop_outpaces"])
def test_rearrangement_on_random_tables(node: str, rng: np.random.Generator) -> None:
    """On random Dirichlet tables: every declared ordering holds after, every row is a
    distribution, each tail keeps its set of values per context of the other parents, and a
    draw that already respected the orderings comes back unchanged."""
    model = load_model("crux_network").spec
    nspec = model.node(node)
    shape = (200, *(model.node(p).card for p in nspec.parents), nspec.card)
    draws = rng.dirichlet(np.full(nspec.card, 0.8), size=shape[:-1])
    # Some rows with a first entry of 1e-17 (so P(node >= 1) rounds to 1 and a sloppy rebuild
    # of the first entry would go negative).
    tiny = rng.random(shape[:-1]) < 0.2
    draws[tiny, 0] = 1e-17
    draws[tiny] /= draws[tiny].sum(axis=-1, keepdims=True)
    out = impose_orderings(model, node, draws)
    assert _orderings_hold(model, node, out)
    assert_allclose(out.sum(axis=-1), 1.0, atol=1e-12)
    assert (out >= 0).all()  # never a negative entry, not even by rounding
    # The multiset of all tail values in each draw is kept (values move between rows only).
    tails_in = np.sort(np.cumsum(draws[..., ::-1], axis=-1)[..., ::-1][..., 1:]
                       .reshape(200, -1, nspec.card - 1), axis=1)
    tails_out = np.sort(np.cumsum(out[..., ::-1], axis=-1)[..., ::-1][..., 1:]
                        .reshape(200, -1, nspec.card - 1), axis=1)
    assert_allclose(tails_in, tails_out, atol=1e-12)
    again = impose_orderings(model, node, out)
    assert np.array_equal(again, out)
