"""Jeffrey's rule for several fixed marginals: iterative proportional fitting, per draw.

Shared by the exact engine (one "draw") and the batched engine (every draw at once). Each fixed
node gets a likelihood factor lambda so that its posterior given the other evidence equals its
target marginal q; one node needs one step (lambda = q / P(node | other evidence)), several are
refitted in turn until every marginal holds to :data:`JEFFREY_TOL`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cruxnet.inference.contract import LAST_AXIS, Factor, contract_factors
from cruxnet.priors.forms import NDArray

__all__ = ["JEFFREY_MAX_SWEEPS", "JEFFREY_TOL", "contract_draws", "fit_fixed_marginals",
           "unsupported_states"]

JEFFREY_TOL = 1e-12
JEFFREY_MAX_SWEEPS = 1000

Mask = np.ndarray[Any, np.dtype[np.bool_]]


def contract_draws(factors: list[Factor], output: list[str], m: int) -> NDArray:
    """Contract to ``output`` plus a trailing draw axis of length ``m``, drawn or not."""
    if any(LAST_AXIS in axes for _, axes in factors):
        return contract_factors(factors, [*output, LAST_AXIS])
    res = contract_factors(factors, output)
    return np.broadcast_to(res[..., None], (*res.shape, m))


def unsupported_states(fixed: Mapping[str, Sequence[float]], base: list[Factor],
                       m: int) -> dict[str, Mask]:
    """Per fixed node, ``(card, m)``: the target puts mass on a state impossible in that draw
    given the hard and likelihood evidence (Jeffrey's rule cannot move mass there)."""
    out = {}
    for node, q in fixed.items():
        m0 = contract_draws(base, [node], m)
        out[node] = (np.asarray(q, dtype=float)[:, None] > 0) & ~(m0 > 0)
    return out


def fit_fixed_marginals(fixed: Mapping[str, Sequence[float]], base: list[Factor], m: int,
                        ok: Mask, *, stall: int | None = None) -> dict[str, NDArray]:
    """Lambdas ``(card, m)`` per fixed node; draws where the marginals cannot all hold are set
    not ``ok`` (in place).

    Parameters
    ----------
    fixed
        Node -> target marginal.
    base
        The factors of the hard and likelihood evidence.
    m
        Number of draws.
    ok
        Draws still possible; updated in place.
    stall
        If given, stop once the worst draw has not improved by 1% over this many sweeps
        (contradictory marginals never converge) and mark the draws still off target not ok.
        Without it, up to :data:`JEFFREY_MAX_SWEEPS` sweeps.
    """
    targets = {node: np.asarray(q, dtype=float)[:, None] for node, q in fixed.items()}
    lams = {node: np.ones((len(q), m)) for node, q in targets.items()}
    history: list[float] = []
    worst = np.zeros(m)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for _sweep in range(JEFFREY_MAX_SWEEPS):
            worst = np.zeros(m)
            for node, q in targets.items():
                others: list[Factor] = [(lam, (other, LAST_AXIS)) for other, lam in lams.items()
                                        if other != node]
                marg = contract_draws(base + others, [node], m)
                total = marg.sum(axis=0)
                bad = ~(np.isfinite(total) & (total > 0))
                marg = marg / np.where(bad, 1.0, total)
                bad |= np.any((q > 0) & ~(marg > 0), axis=0)
                ok &= ~bad
                current = marg * lams[node]
                norm = current.sum(axis=0)
                current = current / np.where(norm > 0, norm, 1.0)
                worst = np.maximum(worst, np.where(ok, np.max(np.abs(current - q), axis=0), 0.0))
                new = np.where(q > 0, q / np.where(marg > 0, marg, 1.0), 0.0)
                top = new.max(axis=0)
                lams[node] = new / np.where(top > 0, top, 1.0)
            history.append(float(worst.max(initial=0.0)))
            if history[-1] < JEFFREY_TOL:
                break
            if (stall is not None and len(history) > stall
                    and history[-1] > 0.99 * history[-1 - stall]):
                break
    ok &= ~(worst >= JEFFREY_TOL)
    return lams
