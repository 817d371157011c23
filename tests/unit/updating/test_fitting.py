"""PyMC fits: counts with latent parents (closed forms, recovery of known parameters, FitError),
and their use in the evidence ledger. Small seeded runs on one core; marked slow."""

from __future__ import annotations

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, stats

from cruxnet import load_network
from cruxnet.updating.diagnostics import FitError
from cruxnet.updating.fitting import fit_latent_counts
from cruxnet.updating.ledger import read_ledger
from cruxnet.updating.replay import apply_entries, replay_ledger

pytestmark = pytest.mark.slow
CONFIGS = [("no", "no"), ("no", "yes"), ("yes", "no"), ("yes", "yes")]


def _rows(net):
    form = net.prior.cpts["honeypot_caught"]
    return {c: (np.asarray(form.rows[c][0]), form.rows[c][1]) for c in CONFIGS}


def _closed_form_config_posterior(net, k_yes: int, n: int) -> np.ndarray:
    """P(scheming, recognised | k of n caught, same system), integrating each row's Beta prior
    numerically (independent of the Dirichlet-multinomial formula the code uses)."""
    p_s = net.cpts["scheming"][1]
    p_r = net.cpts["tests_recognised"][1]
    w = []
    for (s, r), (mean, ess) in _rows(net).items():
        a, b = mean[1] * ess, mean[0] * ess
        lik, _ = integrate.quad(lambda q, a=a, b=b: stats.binom.pmf(k_yes, n, q)
                                * stats.beta.pdf(q, a, b), 0, 1, epsabs=1e-14, limit=200)
        w.append((p_s if s == "yes" else 1 - p_s) * (p_r if r == "yes" else 1 - p_r) * lik)
    w = np.asarray(w)
    return w / w.sum()


def test_same_system_fit_matches_the_closed_form_and_recovers_the_truth():
    net = load_network("honeypot_tests")
    # Known parameters: the system schemes and does not recognise the tests; it takes the bait
    # with probability 0.45 per test. 200 honeypots.
    rng = np.random.default_rng(11)
    n, q_true = 200, 0.45
    k = int(rng.binomial(n, q_true))
    # 700 draws a chain (ESS ~700): the checks below scale with the Monte Carlo error.
    fit = fit_latent_counts(net, "honeypot_caught", [n - k, k], cases="same", seed=3,
                            draws=700, tune=500)
    exact = _closed_form_config_posterior(net, k, n)
    assert_allclose(fit.config_posterior, exact, rtol=1e-6, atol=1e-12)
    assert fit.config_posterior[CONFIGS.index(("yes", "no"))] > 0.99
    # Posterior mean of every row: a mixture of its updated and its prior Beta, weighted by
    # P(configuration | data); within 4 Monte Carlo standard errors of the PyMC draws.
    theta = fit.idata.posterior["theta"].values.reshape(-1, 4, 2)[..., 1]
    ess = fit.diagnostics["ess_bulk"]
    for j, c in enumerate(CONFIGS):
        mean, row_ess = _rows(net)[c]
        a = mean[1] * row_ess
        updated = (a + k) / (row_ess + n)
        expect = exact[j] * updated + (1 - exact[j]) * mean[1]
        se = theta[:, j].std() / np.sqrt(ess)
        assert abs(theta[:, j].mean() - expect) < 4 * se + 1e-4, c
    # Recovery: the true detection rate lies in the 90% interval, which is narrow.
    lo, hi = fit.interval(0.9)[CONFIGS.index(("yes", "no")), 1]
    assert lo < q_true < hi and hi - lo < 0.15
    assert fit.diagnostics["r_hat"] <= 1.01 and fit.diagnostics["ess_bulk"] >= 400


def test_independent_cases_recover_the_population_rate():
    net = load_network("honeypot_tests")
    # Known parameters: each case's parents drawn afresh; the rate at which cases are caught is
    # pi . theta. 3000 cases from a population where 25% scheme and 40% recognise the tests.
    pi_true = np.outer([0.75, 0.25], [0.6, 0.4]).ravel()
    theta_true = np.array([0.02, 0.02, 0.5, 0.03])
    p_true = float(pi_true @ theta_true)
    k = int(np.random.default_rng(5).binomial(3000, p_true))
    fit = fit_latent_counts(net, "honeypot_caught", [3000 - k, k], cases="independent",
                            seed=2, draws=600, tune=500)
    post = fit.idata.posterior
    pi = post["pi"].values.reshape(-1, 4)
    theta = post["theta"].values.reshape(-1, 4, 2)[..., 1]
    rate = (pi * theta).sum(axis=1)
    lo, hi = np.quantile(rate, [0.05, 0.95])
    assert lo < p_true < hi
    assert hi - lo < 0.025  # the data pin the rate down; the prior spread is far wider
    prior_rate_sd = _prior_rate_sd(net)
    assert rate.std() < prior_rate_sd / 3
    # Independent cases say nothing about one system: the configuration stays at the prior.
    assert_allclose(fit.config_posterior.sum(), 1.0)


def _prior_rate_sd(net) -> float:
    rng = np.random.default_rng(0)
    s = rng.beta(3, 7, 20000)
    r = rng.beta(5, 5, 20000)
    pi = np.stack([(1 - s) * (1 - r), (1 - s) * r, s * (1 - r), s * r], axis=1)
    theta = np.stack([rng.beta(m[1] * e, m[0] * e, 20000) for m, e in _rows(net).values()],
                     axis=1)
    return float((pi * theta).sum(axis=1).std())


def test_a_fit_that_does_not_converge_raises_fit_error():
    net = load_network("honeypot_tests")
    with pytest.raises(FitError, match=r"bulk ESS \d+ on .* \(needs >= 400\).*Try more draws") \
            as info:
        fit_latent_counts(net, "honeypot_caught", [20, 0], cases="same", draws=30, tune=30,
                          seed=1)
    diag = info.value.diagnostics
    assert diag["ess_bulk"] < 400 and "r_hat" in diag and diag["draws"] == 30
    # The same seed gives the same run (the cached model included).
    with pytest.raises(FitError) as again:
        fit_latent_counts(net, "honeypot_caught", [20, 0], cases="same", draws=30, tune=30,
                          seed=1)
    assert again.value.diagnostics == diag


@pytest.mark.parametrize("counts,given,match", [
    ([3, -1], {}, "whole numbers >= 0"),
    ([0, 0], {}, "all zero"),
    ([1, 2, 3], {}, "2 whole numbers"),
    ([3, 1], {"catastrophe": "yes"}, "not a parent"),
    ([3, 1], {"scheming": "maybe"}, "unknown state 'maybe'"),
])
def test_bad_counts_are_named(counts, given, match):
    net = load_network("honeypot_tests")
    with pytest.raises(FitError, match=match):
        fit_latent_counts(net, "honeypot_caught", counts, given)


def test_ledger_routes_latent_parent_data_to_the_fit(tmp_path):
    net = load_network("honeypot_tests")
    base = {"citation": "eval report", "date": "2026-11-01", "by": "tester"}
    path = tmp_path / "ledger.jsonl"
    path.write_text("\n".join(json.dumps({**base, **e}) for e in [
        {"kind": "data", "node": "honeypot_caught", "counts": {"no": 20, "yes": 0},
         "cases": "same"},
        {"kind": "hard", "node": "tests_recognised", "state": "no"},
    ]) + "\n")
    entries = read_ledger(path, net.spec)
    updated, ev = apply_entries(net, entries[:1], seed=0)
    assert "ledger_line_1" in updated.spec and ev.hard == {"ledger_line_1": "observed"}
    ds = replay_ledger(net, entries, target="scheming", draws=500, seed=0)
    exact = _closed_form_config_posterior(net, 0, 20)
    p_yes = exact[2] + exact[3]
    assert_allclose(float(ds.p.values[1]), p_yes, rtol=1e-8)
    # Then learning the tests were not recognised: P(scheming | not recognised, 0 of 20).
    assert_allclose(float(ds.p.values[2]), exact[2] / (exact[0] + exact[2]), rtol=1e-8)
    assert path.read_text().count("\n") == 2  # the ledger is never rewritten
