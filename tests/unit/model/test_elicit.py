"""Elicitation and pooling against closed forms: Beta fits from quantiles and intervals (small
probabilities too) and their warnings, Dirichlets from a mean or a mode, linear and log pools
of probabilities, Betas and distributions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, stats

from cruxnet.model.elicit import (
    FIT_WARNING,
    Distribution,
    ElicitationError,
    ElicitationWarning,
    beta_from_interval,
    beta_from_quantiles,
    dirichlet_from_mean,
    dirichlet_from_mode,
    linear_pool,
    log_pool,
    log_pool_betas,
    pool_distributions,
)


@pytest.mark.parametrize("a,b", [(2.0, 8.0), (0.7, 0.9), (30.0, 12.0), (1.5, 40.0)])
def test_beta_from_its_own_quantiles_is_recovered(a, b):
    probs = [0.1, 0.5, 0.9]
    q = {p: float(stats.beta.ppf(p, a, b)) for p in probs}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ElicitationWarning)
        fit = beta_from_quantiles(q)
    assert fit.error < 1e-6
    assert_allclose([fit.a, fit.b], [a, b], rtol=1e-3)


def test_interval_statement_is_reproduced_within_the_reported_error():
    fit = beta_from_interval(0.10, 0.40, 0.8)  # "between 10% and 40%, 80% sure"
    lo, hi = stats.beta.ppf([0.1, 0.9], fit.a, fit.b)
    assert max(abs(lo - 0.10), abs(hi - 0.40)) <= fit.error + 1e-12
    assert fit.error < 1e-6 and fit.ess == pytest.approx(fit.a + fit.b)


def test_quantiles_no_beta_fits_warn():
    with pytest.warns(ElicitationWarning, match="misses one by"):
        fit = beta_from_quantiles({0.1: 0.05, 0.5: 0.5, 0.9: 0.55})
    assert fit.error > 0.01


@pytest.mark.parametrize("q,needle", [
    ({0.1: 0.3, 0.9: 0.2}, "must increase"),
    ({0.1: 0.3, 0.9: 1.2}, "outside (0, 1)"),
    ({0.0: 0.3, 0.9: 0.5}, "probability 0 is outside"),
    ({0.5: 0.3}, "at least two"),
])
def test_bad_quantiles(q, needle):
    with pytest.raises(ElicitationError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        beta_from_quantiles(q)


def test_dirichlet_mean_and_mode():
    alpha = dirichlet_from_mean([0.2, 0.5, 0.3], 10)
    assert_allclose(alpha / alpha.sum(), [0.2, 0.5, 0.3]) and alpha.sum() == pytest.approx(10)
    alpha = dirichlet_from_mode([0.2, 0.5, 0.3], 12)
    mode = (alpha - 1) / (alpha.sum() - len(alpha))
    assert_allclose(mode, [0.2, 0.5, 0.3], rtol=1e-12)
    with pytest.raises(ElicitationError, match="above the number of states"):
        dirichlet_from_mode([0.5, 0.5], 2)
    with pytest.raises(ElicitationError, match="sum to 1"):
        dirichlet_from_mean([0.5, 0.6], 3)


def test_pools_against_closed_forms():
    p = [[0.9, 0.1], [0.6, 0.4], [0.7, 0.3]]
    w = [1, 2, 1]
    assert_allclose(linear_pool(p, w), np.average(p, axis=0, weights=w), rtol=1e-12)
    pooled = log_pool(p, w)
    odds = np.array([r[1] / r[0] for r in p])
    assert_allclose(pooled[1] / pooled[0], np.prod(odds ** (np.array(w) / 4)), rtol=1e-12)
    # The log pool of two Beta densities, normalised numerically, is the closed-form Beta.
    params, weights = [(2.0, 5.0), (6.0, 3.0)], [0.3, 0.7]
    a, b = log_pool_betas(params, weights)

    def pooled_density(x):
        return np.prod([stats.beta.pdf(x, *ab) ** wt for ab, wt in zip(params, weights,
                                                                         strict=True)])

    z = integrate.quad(pooled_density, 0, 1)[0]
    for x in (0.1, 0.4, 0.8):
        assert_allclose(pooled_density(x) / z, stats.beta.pdf(x, a, b), rtol=1e-8)
    for bad in ([0, 1, 1], [-1, 1, 1]):
        with pytest.raises(ElicitationError, match="weights must be > 0"):
            log_pool(p, bad)


def test_log_and_linear_pools_equal_their_closed_forms():
    a = Distribution(alpha=(6.0, 4.0))
    b = Distribution(alpha=(2.0, 8.0))
    # Log pool of Betas: Beta(sum w (a - 1) + 1, ...), the closed form of elicit.log_pool_betas.
    got = pool_distributions([a, b], [3, 1], "log").alpha
    expect = log_pool_betas([(4.0, 6.0), (8.0, 2.0)], [3, 1])  # (a, b) of P(yes)
    assert_allclose(got, (expect[1], expect[0]), rtol=1e-12)
    # Linear pool: the mixture's mean and variance, exactly, for two states.
    lin = pool_distributions([a, b], [3, 1], "linear")
    w = np.array([0.75, 0.25])
    means = np.array([0.4, 0.8])
    vars_ = np.array([stats.beta(4, 6).var(), stats.beta(8, 2).var()])
    mix_mean = w @ means
    mix_var = w @ (vars_ + means ** 2) - mix_mean ** 2
    p = stats.beta(lin.alpha[1], lin.alpha[0])
    assert_allclose([p.mean(), p.var()], [mix_mean, mix_var], rtol=1e-10)
    # Log-normals: precision weighting (log) and log-scale moments (linear).
    x, y = Distribution(mu=np.log(2.0), sigma=0.5), Distribution(mu=np.log(4.0), sigma=0.25)
    lg = pool_distributions([x, y], [1, 1], "log")
    prec = 0.5 / 0.25 + 0.5 / 0.0625
    assert_allclose([lg.mu, lg.sigma], [(0.5 * np.log(2) / 0.25 + 0.5 * np.log(4) / 0.0625)
                                        / prec, prec ** -0.5], rtol=1e-12)


# Issue 13, item 5: Beta quantile fits for small probabilities, and their warning.
def test_beta_from_a_small_probability_interval():
    fit = beta_from_interval(0.0063, 0.029, 0.9)
    q = stats.beta(fit.a, fit.b).ppf([0.05, 0.95])
    assert_allclose(q, [0.0063, 0.029], rtol=1e-8)
    ref = stats.beta(5, 300).ppf([0.05, 0.95])  # the reading: Beta(5, 300) fits both
    assert_allclose(ref, [0.0063, 0.029], rtol=0.05)
    assert fit.mean == pytest.approx(5 / 305, rel=0.05)
    assert fit.error < 1e-6


A_B = [0.3, 1, 3, 30, 300]


LEVELS = [(0.05, 0.95), (0.1, 0.9), (0.25, 0.75), (0.01, 0.5), (0.5, 0.99), (0.1, 0.5, 0.9)]


@pytest.mark.parametrize("levels", LEVELS, ids=str)
def test_beta_quantile_fits_recover_every_feasible_beta(levels):
    tried = 0
    for a in A_B:
        for b in A_B:
            qs = {p: float(stats.beta.ppf(p, a, b)) for p in levels}
            if not all(0 < v < 1 for v in qs.values()) or len(set(qs.values())) < len(qs):
                continue  # not expressible as quantiles in (0, 1) at float precision
            tried += 1
            with warnings.catch_warnings():
                warnings.simplefilter("error", ElicitationWarning)
                fit = beta_from_quantiles(qs)
            assert_allclose((fit.a, fit.b), (a, b), rtol=1e-5, err_msg=f"{a}, {b}, {qs}")
    assert tried >= 20


def test_beta_quantile_misfit_warns_on_relative_error():
    # 0.001 and 0.5 as 5% and 10% quantiles: no Beta has both; the miss is relative.
    with pytest.warns(ElicitationWarning, match="%"):
        fit = beta_from_quantiles({0.05: 0.001, 0.1: 0.5, 0.9: 0.6})
    assert fit.error > FIT_WARNING
