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
from cruxnet.base.errors import DrawsError, SpecError
from cruxnet.draws.coupling import beta_quantiles
from cruxnet.draws.dataset import DatasetDraws, to_inference_data
from cruxnet.draws.values import cpt_name, record_parameters
from cruxnet.draws.worldview import WorldviewDraws, draw_worldview
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
    from cruxnet.draws.marginal import dirichlet_rows

    rng = np.random.default_rng(0)
    alpha = np.array([[1e-4, 2e-4, 0.0], [0.5, 2.0, 0.0], [3.0, 4.0, 1e-3]])
    d = dirichlet_rows(rng, alpha, 50_000)
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


# Issue 14 (the crux network v0.2), R5, and issue 23, finding 4.
@pytest.mark.slow
@pytest.mark.parametrize("worldview", WORLDVIEWS)
def test_orderings_break_only_where_the_stated_distributions_cross(worldview: str) -> None:
    """The draws couple what each ordering compares, so in 5,000 draws an ordering breaks
    only where two stated distributions cross: here the 'improved' research factor
    (log-normal, median 0.98, sd_log 0.3) against the fixed 1.0 of a breakthrough, which it
    exceeds with probability 1 - Phi(log(1 / 0.98) / 0.3) (closed form); lint names that pair
    and the share of draws matches."""
    from scipy.stats import norm

    net = load_network("crux_network", worldview)
    rep = lint_worldview(net, draws=5000, seed=3)
    assert rep.checked["monotonicity declarations"] >= 40
    for f in (f for f in rep.findings if f.kind == "monotonicity"):
        assert f.severity == "warning" and f.node in ("elicitation_success", "in_sweet_spot"), \
            rep.text()
        assert "alignment_research=improved and at alignment_research=breakthrough" in f.message
        form = net.prior.cpts[f.node]
        factor = next(b for b in form.factors if b.parent == "alignment_research")
        improved = factor.values[factor.states.index("improved")]
        want = 1 - norm.cdf(np.log(1 / improved.value) / improved.spread)
        share = float(f.message.split(" cross in ")[1].split("%")[0]) / 100
        assert abs(share - want) < 0.03, (f.message, want)  # 4 standard errors


@pytest.mark.parametrize(("a", "b"), [(0.025, 4.975), (0.5, 4.5), (2.5, 2.5), (30.0, 70.0),
                                      (4.5, 0.5), (1e-3, 2e-3)])
def test_quantile_tables_follow_the_exact_distribution(a: float, b: float) -> None:
    """Coupled Beta draws go through a table of the quantile in logit-logit space: at 2,000
    random u the exact CDF of the value drawn (SciPy's regularised incomplete beta) is u to
    within 5e-4 of min(u, 1 - u), and the draws rise with u."""
    from scipy.special import betainc, expit, logit

    from cruxnet.draws.coupling import LOGIT_U

    u = np.sort(np.random.default_rng(0).uniform(1e-12, 1 - 1e-12, 2000))
    x = np.interp(logit(u), LOGIT_U, beta_quantiles(a, b))
    assert np.all(np.diff(x) >= 0)
    q, not_q = expit(x), expit(-x)
    cdf = np.where(x < 0, betainc(a, b, q), 1 - betainc(b, a, not_q))
    fine = np.minimum(q, not_q) > 1e-300  # representable as a double
    assert fine.sum() > 500
    rel = np.abs(cdf - u)[fine] / np.minimum(u, 1 - u)[fine]
    assert rel.max() < 5e-4, rel.max()


def test_coupled_parameters_keep_their_stated_distributions() -> None:
    """Each parameter an ordering couples keeps exactly its stated distribution (Kolmogorov-
    Smirnov against the stated Beta or log-normal, 8,000 draws), including the 0.5% cause of
    misaligned takeover that rearranging rows once shrank 100-fold; rows stated alike are
    drawn alike, and stochastically ordered rows are ordered in every draw."""
    from scipy import stats

    net = load_network("crux_network", "gs_deference")
    n = 8000
    rec = record_parameters(net.spec, net.prior, "misaligned_takeover", n, seed=2)
    cause = rec.arrays[rec.names.index(next(m for m in rec.names
                                             if "alignment_difficulty=easy" in m
                                             and m.startswith("cause2")))]
    assert stats.kstest(cause, stats.beta(0.005 * 5, 0.995 * 5).cdf).pvalue > 1e-3
    assert abs(cause.mean() - 0.005) < 4 * stats.beta(0.025, 4.975).std() / np.sqrt(n)
    rec = record_parameters(net.spec, net.prior, "elicitation_success", n, seed=2)
    f = rec.arrays[rec.names.index("factor[alignment_research=status_quo]")]
    assert stats.kstest(f, stats.lognorm(s=0.3, scale=0.95).cdf).pvalue > 1e-3
    src = WorldviewDraws(net.spec, net.prior, n, 5)
    form = net.prior.cpts["deception_demonstrated"]
    drawn = src.block("deception_demonstrated", 0, n)  # (draws, difficulty, research, 2)
    spec = net.spec.node("deception_demonstrated")
    for key, (means, ess) in form.rows.items():
        where = dict(zip(form.by, key, strict=True))
        idx = tuple(net.spec.node(p).states.index(where[p]) for p in spec.parents)
        row = drawn[(slice(None), *idx, 1)]
        assert stats.kstest(row, stats.beta(means[1] * ess, means[0] * ess).cdf).pvalue > 1e-3
    # improved and breakthrough are stated alike at easy difficulty: drawn alike
    assert np.array_equal(drawn[:, 0, 1], drawn[:, 0, 2])
    # rising with research at hard difficulty, stated further apart: ordered in every draw
    assert np.all(np.diff(drawn[:, 2, :, 1], axis=1) >= -1e-15)
    # a three-state table row: each state's marginal is its Beta(alpha_j, rest)
    row = src.block("capability_restraint", 0, n)[:, 0, 0]
    means, ess = net.prior.cpts["capability_restraint"].rows[("none", "moderate")]
    for j, m in enumerate(means):
        assert stats.kstest(row[:, j], stats.beta(m * ess, (1 - m) * ess).cdf).pvalue > 1e-3


@pytest.mark.slow
def test_coupling_leaves_the_headline_mean() -> None:
    """P(catastrophe) is linear in each node's table, so coupling the rows within a node moves
    its spread but not its mean: coupled and independent draws agree on the mean within Monte
    Carlo error (rearranging rows moved human_labor_first's from 0.727 to 0.765)."""
    net = load_network("crux_network", "human_labor_first")
    loose = dataclasses.replace(net, prior=dataclasses.replace(net.prior, ordered_draws=False))
    a = posterior_draws(net, "catastrophe", draws=10_000, seed=4).probs[:, 1]
    b = posterior_draws(loose, "catastrophe", draws=10_000, seed=4).probs[:, 1]
    se = np.sqrt(a.var() / a.size + b.var() / b.size)
    assert abs(a.mean() - b.mean()) < 4 * se, (a.mean(), b.mean(), se)


def test_independent_draws_do_break_the_orderings() -> None:
    """The check above can fail: with rows drawn independently, the tax's rise with difficulty
    (A3) and the basin's fall break in a share of draws, as in v0.1."""
    net = load_network("crux_network", "gs_deference")
    loose = dataclasses.replace(net.prior, ordered_draws=False)  # type: ignore[arg-type]
    rep = lint_worldview(dataclasses.replace(net, prior=loose), draws=4000, seed=3)
    broken = {f.node for f in rep.findings if f.kind == "monotonicity"}
    assert {"deference_goodness_tax", "bgd_exists"} <= broken, rep.text()




