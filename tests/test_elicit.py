"""Elicitation and pooling against closed forms."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, stats

from cruxnet.priors.elicit import (
    ElicitationError,
    ElicitationWarning,
    beta_from_interval,
    beta_from_quantiles,
    dirichlet_from_mean,
    dirichlet_from_mode,
    linear_pool,
    log_pool,
    log_pool_betas,
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
