"""Summaries of posterior draws: equal-tailed and highest-density intervals against a Beta's
closed forms, the interval probability checked, and the aggregation trio of a chain."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

from cruxnet import load_network, posterior
from cruxnet.base.errors import DrawsError
from cruxnet.inference.batched import posterior_draws, source_for
from cruxnet.inference.summary import aggregation_trio, credible_interval


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


@pytest.mark.parametrize("ci", [0, 1, 1.5, -0.1, float("nan")])
def test_ci_outside_unit_interval(ci: float) -> None:
    post = posterior_draws(load_network("carlsmith_2021"), "catastrophe", draws=100)
    with pytest.raises(DrawsError, match=r"\(0, 1\)"):
        post.summary(ci)


def test_the_numpy_hdi_is_arviz_hdi() -> None:
    """The highest-density interval is a few lines of NumPy (ArviZ is not imported for it):
    the same interval as ArviZ's own on random draws of several sizes and masses."""
    from cruxnet.base.thirdparty import arviz
    from cruxnet.inference.summary import hdi_interval

    rng = np.random.default_rng(3)
    for n in (7, 100, 1001, 20_000):
        for prob in (0.5, 0.9, 0.95):
            x = rng.beta(2, 5, n)
            expected = tuple(arviz().hdi(x, hdi_prob=prob))
            assert hdi_interval(x, prob) == pytest.approx(expected, abs=0)
