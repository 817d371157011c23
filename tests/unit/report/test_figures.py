"""The report's figures: the distribution's axis fits the draws, and small numbers stay
readable."""

from __future__ import annotations

import numpy as np


def test_distribution_axis_fits_the_draws_and_small_numbers_stay_readable():
    from cruxnet.report.figures import axis_range
    from cruxnet.report.render import readable

    rng = np.random.default_rng(3)
    small = rng.beta(2, 400, size=4000)  # P(target) near 0.005
    lo, hi = axis_range([small, small * 1.5])
    assert 0 <= lo <= np.quantile(small, 0.005) and np.quantile(small * 1.5, 0.995) <= hi
    assert hi < 0.05  # not 0-1: the draws fill the axis
    assert readable(3.2e-6) == "3.2e-06" and readable(0.25) == "0.250"
