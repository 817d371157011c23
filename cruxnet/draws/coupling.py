"""Orderings kept by coupling, not by rewriting: parameters that a worldview declares ordered draw
their values from shared uniforms (common random numbers), so each keeps its stated distribution
while ordered rows share ranks."""

from __future__ import annotations

import functools
import re

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.model.spec import ModelSpec
from cruxnet.model.worldview import Worldview

__all__ = ["LOGIT_U", "ORDER_TOL", "beta_quantiles", "coupled_beta", "coupled_row",
           "coupled_scalar", "coupling_key", "ordering_parents", "row_coupling_key"]


#: The logit-u grid of the quantile tables coupled parameters are drawn through (see
#: :func:`beta_quantiles`): 2049 points from u = 3e-17 to 1 - 3e-17.
LOGIT_U = np.linspace(-38.0, 38.0, 2049)


@functools.lru_cache(maxsize=4096)
def beta_quantiles(a: float, b: float) -> NDArray:
    """logit of the Beta(a, b) quantile at every point of :data:`LOGIT_U` (non-decreasing).

    A coupled draw is ``expit(interp(logit(u), LOGIT_U, table))``: linear interpolation in
    logit-logit space, where a Beta's quantile is smooth and its tails are straight lines (near
    0, I_x(a, b) ~ x^a / (a B(a, b)), so logit Q ~ (logit u + log(a B(a, b))) / a), which the
    table's ends carry on by holding. Two Betas whose quantile functions do not cross get
    tables that do not cross, and so do their draws at any u: the coupling keeps an ordering
    wherever the stated distributions allow it. The exact CDF of a value drawn at u is u to
    within 5e-4 of min(u, 1 - u) (tested), far under what any test of fit at 1e5 draws could
    see."""
    from scipy.special import betaincinv, betaln, expit

    u = expit(LOGIT_U)
    q = betaincinv(a, b, u)
    with np.errstate(divide="ignore"):
        out = np.log(q) - np.log1p(-q)
    low = ~(q > 1e-280)  # the quantile underflows: its leading term
    if low.any():
        out[low] = (np.log(u[low]) + np.log(a) + betaln(a, b)) / a
    high = ~(q < 1 - 1e-14)  # 1 - q below double resolution: the mirror term
    if high.any():
        out[high] = -(np.log(expit(-LOGIT_U[high])) + np.log(b) + betaln(a, b)) / b
    result: NDArray = np.maximum.accumulate(out)
    return result


def _logit(u: NDArray) -> NDArray:
    with np.errstate(divide="ignore"):
        out: NDArray = np.log(u) - np.log1p(-u)
    return out


def coupled_beta(a: float, b: float, u: NDArray) -> tuple[NDArray, NDArray]:
    """Beta(a, b) draws at uniforms ``u`` through the quantile table, and one minus them
    (computed apart, so neither loses digits near 0 or 1)."""
    from scipy.special import expit

    if not a > 0:
        return np.zeros_like(u), np.ones_like(u)
    if not b > 0:
        return np.ones_like(u), np.zeros_like(u)
    x = np.interp(_logit(u), LOGIT_U, beta_quantiles(float(a), float(b)))
    return expit(x), expit(-x)


def coupled_scalar(dist: str, value: float, spread: float, u: NDArray) -> NDArray:
    """A scalar parameter's draws at uniforms ``u`` (monotone in u): a Beta with mean
    ``value`` and ess ``spread``, a log-normal with median ``value`` and sd_log ``spread``, or
    a normal."""
    from scipy.special import ndtri

    if dist == "beta":
        return coupled_beta(value * spread, (1.0 - value) * spread, u)[0]
    z = ndtri(np.clip(u, 1e-300, 1 - 1e-16))
    out: NDArray = value * np.exp(spread * z) if dist == "lognormal" else value + spread * z
    return out


def coupled_row(alpha: NDArray, u: NDArray) -> NDArray:
    """Dirichlet(``alpha``) draws ``(n, card)`` at uniforms ``u`` ``(n, card - 1)``, by
    breaking sticks from the top state down: v_j ~ Beta(alpha_j, sum of the alphas below j) at
    u[:, j - 1], P(state j) = v_j times what the states above left. Exactly Dirichlet; every
    upper tail P(state >= j) rises with every u, so rows drawn at the same uniforms keep an
    ordering wherever their stated distributions allow it."""
    k = len(alpha)
    n = u.shape[0]
    out = np.zeros((n, k))
    rest = np.ones(n)
    below = np.cumsum(alpha)
    for j in range(k - 1, 0, -1):
        v, not_v = coupled_beta(float(alpha[j]), float(below[j - 1]), u[:, j - 1])
        out[:, j] = rest * v
        rest = rest * not_v
    out[:, 0] = rest
    return out


_SEGMENT = re.compile(r"\[([^\[\]=]+)=([^\[\]]*)\]")


def coupling_key(name: str, ordered: frozenset[str]) -> str | None:
    """The group of a scalar parameter whose name picks out a state of an ordering parent
    (``factor[alignment_research=improved]``): the name with those states left out
    (``factor[alignment_research=*]``), and a leading number too (the causes of a noisy-OR,
    ``cause5[lead_time=under_2wk]``, ``cause6[lead_time=about_1mo]``: ``cause#[lead_time=*]``);
    None if it picks out none.

    >>> coupling_key("cause5[lead_time=under_2wk][safety=no]", frozenset({"lead_time"}))
    'cause#[lead_time=*][safety=no]'
    """
    if not ordered:
        return None
    key = _SEGMENT.sub(lambda m: f"[{m.group(1)}=*]" if m.group(1) in ordered
                       else m.group(0), name)
    if key == name:
        return None
    # Numbered alike (a noisy-OR's causes, one per state of an ordering parent): one group.
    return re.sub(r"^([A-Za-z_]*?)\d+(?=\[)", r"\1#", key)


def row_coupling_key(name: str, label: str, ordered: frozenset[str]) -> str | None:
    """The group of a table row whose label (``a=x,b=y``) names a state of an ordering
    parent: the other parents' states; None if it names none."""
    if not ordered or not label:
        return None
    parts = label.split(",")
    rest = [p for p in parts if p.split("=", 1)[0] not in ordered]
    return f"{name}|{','.join(rest)}" if len(rest) < len(parts) else None


#: Crossings smaller than this are rounding, not a broken ordering (lint, tests).
ORDER_TOL = 1e-12


def ordering_parents(model: ModelSpec, worldview: Worldview, node: str) -> frozenset[str]:
    """The parents ``node``'s draws are ordered along (``expect: increases_with /
    decreases_with``), or none if the worldview says ``ordered_draws: false``."""
    if not worldview.ordered_draws:
        return frozenset()
    expect = model.node(node).expect
    return frozenset((*expect.increases_with, *expect.decreases_with))
