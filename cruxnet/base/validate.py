"""Input checks and tolerances shared by every layer: seeds, numbers of draws, credible
masses, probabilities. Each failure is a one-line error naming the value."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from cruxnet.base.errors import DrawsError

__all__ = ["SUM_TOL", "check_ci_prob", "check_draws", "check_seed", "in_unit_interval",
           "normalized_probabilities"]


def check_seed(seed: object) -> int:
    """A seed must be a non-negative integer; anything else is a one-line error."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise DrawsError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def check_draws(n: object) -> int:
    """A number of draws must be a positive integer; anything else is a one-line error."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise DrawsError(f"the number of draws must be a positive integer, got {n!r}")
    return int(n)


def check_ci_prob(ci_prob: object) -> float:
    """A credible mass must be a number strictly between 0 and 1."""
    if (isinstance(ci_prob, bool) or not isinstance(ci_prob, (int, float))
            or not 0.0 < float(ci_prob) < 1.0):
        raise DrawsError(f"the credible interval probability must be in (0, 1), got {ci_prob!r}")
    return float(ci_prob)


#: The one tolerance for probabilities everywhere (worldviews, evidence, ledgers, files): an
#: entry counts as in [0, 1] within it, a vector as summing to 1 within it. What passes is then
#: clipped to [0, 1] and renormalised, so the engines always see exact distributions.
SUM_TOL = 1e-9


def in_unit_interval(x: float) -> bool:
    """``x`` lies in [0, 1] within :data:`SUM_TOL`.

    >>> in_unit_interval(1.0000000000000002), in_unit_interval(1.01), in_unit_interval(-1e-12)
    (True, False, True)
    """
    return -SUM_TOL <= x <= 1.0 + SUM_TOL


def normalized_probabilities(vals: Sequence[float]) -> tuple[float, ...]:
    """Entries clipped to [0, 1] and divided by their sum (for vectors that passed validation).

    >>> normalized_probabilities([0.3333333333, 0.3333333333, 0.3333333333])
    (0.3333333333333333, 0.3333333333333333, 0.3333333333333333)
    """
    clipped = [min(max(float(v), 0.0), 1.0) for v in vals]
    total = math.fsum(clipped)
    return tuple(clipped) if total == 1.0 else tuple(v / total for v in clipped)
