"""Whether a stated marginal can be reached by tilting a node's own table: the rows the parents can
reach bound what the node's marginal can be (Hall's condition on the rows' supports, with
tolerances relative to the problem), and a refusal names the constraint that is violated."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from cruxnet.base.types import NDArray

__all__ = ["HALL_STATES", "REACH_RTOL", "Mask", "reaches", "unreachable"]


#: Subsets of states enumerated exactly up to this many states (2^k - 2 subsets); above it
#: only the per-state bounds are checked before the solve, which then decides.
HALL_STATES = 8


#: Relative tolerance of a reachability comparison (a marginal and the mass that can carry it).
REACH_RTOL = 1e-12


def _subsets(k: int) -> Mask:
    """Every nonempty proper subset of k states, as rows of a boolean mask ``(2^k - 2, k)``."""
    codes = np.arange(1, 2**k - 1)
    return np.asarray((codes[:, None] >> np.arange(k)) & 1, dtype=bool)


Mask = np.ndarray[Any, np.dtype[np.bool_]]


def _capacity(rows: NDArray, w: NDArray, sets: Mask) -> tuple[NDArray, NDArray]:
    """For rows ``(..., U, k)`` with weights ``(..., U)`` and state sets ``(S, k)``: the mass of
    the rows that allow some state of each set, ``cap`` ``(..., S)``, and of the rows that allow
    only states of it, ``lo`` ``(..., S)``: every reachable marginal has lo <= q(S) <= cap."""
    allows = rows > 0  # (..., U, k)
    meets = np.einsum("...ux,sx->...us", allows.astype(float), sets.astype(float)) > 0
    inside = np.einsum("...ux,sx->...us", allows.astype(float), (~sets).astype(float)) == 0
    cap = np.einsum("...u,...us->...s", w, meets.astype(float))
    lo = np.einsum("...u,...us->...s", w, (meets & inside).astype(float))
    return cap, lo


def _hall(q: NDArray, sets: Mask, cap: NDArray, lo: NDArray
          ) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Which marginals ``q`` ``(..., k)`` the rows reach with every allowed cell positive (where
    finite factors reach): for every set S of states lo(S) < q(S) < cap(S), or q(S) = lo(S) =
    cap(S) when the rows that allow S allow nothing else (Hall's condition for the
    transportation polytope, strict off such closed sets). Each comparison is made on the side
    of the set with q(S) <= 1/2 (a set and its complement state the same condition), relative
    to the masses compared, so 1e-200 against 0 counts and 1 - 1e-13 against 1 is not lost."""
    qs = np.einsum("...x,sx->...s", q, sets.astype(float))
    small = qs <= 0.5
    closed = cap - lo <= REACH_RTOL * cap
    tol_hi = REACH_RTOL * np.maximum(qs, cap)
    tol_lo = REACH_RTOL * np.maximum(qs, lo)
    ok = np.where(closed, np.abs(qs - cap) <= tol_hi + 1e-300,
                  (qs < cap - tol_hi) & (qs > lo + tol_lo))
    return np.asarray((ok | ~small).all(axis=-1), dtype=bool)


def _g(x: float) -> str:
    return f"{x:.4g}"


def unreachable(rows: NDArray, w: NDArray, q: NDArray, names: Sequence[str], node: str) -> str:
    """Why ``q`` cannot be reached by scaling ``rows`` (weights ``w``), in words: the set of
    states whose constraint fails (:func:`_hall`); "" if it can."""
    k = rows.shape[1]
    if k > HALL_STATES:
        lo_b, hi_b = _batch_bounds(rows[None], w[None])
        if _within_bounds(lo_b, hi_b, q[None, None])[0, 0]:
            return ""
        sets = np.eye(k, dtype=bool)
    else:
        sets = _subsets(k) if k > 1 else np.ones((1, 1), dtype=bool)
    cap, lo = _capacity(rows, w, sets)
    qs = sets.astype(float) @ q
    if _hall(q, sets, cap, lo):
        return ""

    def said(j: int) -> str:
        which = [n for n, b in zip(names, sets[j], strict=True) if b]
        return (f"P({node}={which[0]})" if len(which) == 1
                else f"P({node} in {{{', '.join(which)}}})")

    closed = cap - lo <= REACH_RTOL * cap
    # The clearest failure first: the set asked for furthest beyond what its parents allow (a
    # set asked for less than its parents force is its complement asked for too much), then
    # one its zeros fix, then one asked exactly at a bound.
    over = qs - cap
    j = int(np.argmax(over))
    if over[j] > REACH_RTOL * max(qs[j], cap[j]):
        if sets[j].sum() == 1:
            return (f"{said(j)} between {_g(lo[j])} and {_g(cap[j])} is what its parents "
                    f"allow (its structural zeros), you asked {_g(qs[j])}")
        return (f"{said(j)} can be at most {_g(cap[j])} (the chance that its parents allow "
                f"any of them), you asked {_g(qs[j])}")
    j = int(np.argmax(np.where(closed, np.abs(qs - cap), -1.0)))
    if closed[j] and np.abs(qs[j] - cap[j]) > 0:
        return (f"{said(j)} is fixed at {cap[j]:.4g} by its structural zeros (the parents that "
                f"allow it allow nothing else), you asked {qs[j]:.4g}")
    j = int(np.argmin(np.minimum(np.abs(qs - cap), np.abs(qs - lo)) + closed))
    return (f"{said(j)} = {qs[j]:.4g} is at the edge of what its structural zeros allow "
            f"({lo[j]:.4g} to {cap[j]:.4g}), reached only with some allowed entries at 0; ask "
            "for a value just inside")


def _batch_bounds(rows: NDArray, w: NDArray) -> tuple[NDArray, NDArray]:
    """:func:`_bounds` for many draws: ``rows`` (m, U, k), ``w`` (m, U) -> lo, hi (m, k)."""
    possible = rows > 0
    only = possible.sum(axis=2) == 1
    return (np.einsum("mu,mux->mx", w * only, possible),
            np.einsum("mu,mux->mx", w, possible))


def reaches(rows: NDArray, w: NDArray, q: NDArray) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Which candidate marginals ``q`` ``(m, c, k)`` each draw's rows ``(m, U, k)`` with weights
    ``(m, U)`` reach: Hall's condition over every set of states (:func:`_hall`), exact, for up
    to :data:`HALL_STATES` states; the per-state bounds above that."""
    k = rows.shape[-1]
    if k > HALL_STATES:
        return _within_bounds(*_batch_bounds(rows, w), q)
    sets = _subsets(k) if k > 1 else np.ones((1, 1), dtype=bool)
    cap, lo = _capacity(rows, w / w.sum(axis=1, keepdims=True), sets)
    return _hall(q, sets, cap[:, None, :], lo[:, None, :])


def _within_bounds(lo: NDArray, hi: NDArray, q: NDArray) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Which candidate marginals ``q`` (m, c, k) lie strictly inside their draw's bounds (a
    state its zeros force takes exactly its forced value). On a bound only infinite factors
    would reach it; just inside, the Newton solve does (or reports that it did not)."""
    lo, hi = lo[:, None, :], hi[:, None, :]
    forced = hi - lo <= 1e-15
    # Beyond a bound, or on one that a structural zero sets (a bound of 0 or 1 that every
    # row allows is only rounding: the solve reaches that side).
    tol = 1e-12
    outside = np.where(forced, np.abs(q - lo) > 1e-9,
                       (q < lo - tol) | (q > hi + tol) | ((q <= lo) & (lo > tol))
                       | ((q >= hi) & (hi < 1 - tol)))
    return np.asarray(~outside.any(axis=2), dtype=bool)
