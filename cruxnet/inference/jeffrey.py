"""Jeffrey's rule for several fixed marginals, per draw: an exact fit, not a capped loop.

Shared by the exact engine (one "draw") and the batched engine (every draw at once).

Given the factors of the hard and likelihood evidence, fixing the marginals ``q_i`` of nodes
``X_1..X_K`` means reweighting the joint by a factor ``W(x_1..x_K)`` so that each fixed node's
posterior is ``q_i`` and the change is the smallest in relative entropy (the I-projection;
iterative proportional fitting converges to the same answer). Only the joint table
``J(x_1..x_K) = P(x_1..x_K, e)`` matters for ``W``, so the fit works on that small table:

1. **Feasibility, decided exactly.** Whether some distribution on the support of ``J`` has the
   marginals ``q`` depends only on that support, so one linear programme per support pattern
   (SciPy's HiGHS) says: *infeasible* (a required cell is zero: the marginals cannot all hold),
   *interior* (a solution positive on every cell of the support exists), or *boundary* (feasible
   only with some cells at zero; those cells are found by the same programme and removed).
2. **The fit itself** is Newton's method on the convex dual (log-partition minus ``q . phi``,
   with exact gradient and Hessian from ``J``), damped by a backtracking line search, vectorised
   over draws. It converges quadratically, so marginals hold to :data:`JEFFREY_TOL` whatever the
   conditioning (a 1e-5 entry that made iterative fitting need thousands of sweeps takes a few
   more Newton steps). A feasible case is never called impossible.

When the fixed nodes' joint would exceed :data:`JOINT_LIMIT` cells per draw, the fit falls back
to iterative proportional fitting on full contractions; it then stops on convergence, or
raises :class:`JeffreyNotConverged` (a slow fit, which is not an impossibility) after
:data:`JEFFREY_MAX_SWEEPS` sweeps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cruxnet.base.errors import ConvergenceError, JeffreyNotConverged
from cruxnet.base.types import NDArray
from cruxnet.inference.contract import (
    LAST_AXIS,
    UNDERFLOW,
    Factor,
    contract_factors,
    contract_factors_scaled,
)

__all__ = ["JEFFREY_MAX_SWEEPS", "JEFFREY_TOL", "JOINT_LIMIT", "JeffreyFit",
           "JeffreyNotConverged", "contract_draws", "fit_fixed_marginals", "unsupported_states"]

#: Every fixed node's fitted posterior is within this of its target (max abs difference).
JEFFREY_TOL = 1e-12
#: Sweeps of the fallback iterative fit (joint too large for the exact fit).
JEFFREY_MAX_SWEEPS = 100_000
#: Largest joint table of the fixed nodes (cells per draw) fitted exactly by Newton's method.
JOINT_LIMIT = 4096
_NEWTON_STEPS = 2000
#: Steps of the first try on the whole support pattern (interior cases converge in far fewer).
_QUICK_STEPS = 60

Mask = np.ndarray[Any, np.dtype[np.bool_]]


@dataclass(frozen=True)
class JeffreyFit:
    """The reweighting factors and, per draw, whether the marginals can hold.

    Attributes
    ----------
    factors
        Factors with a trailing draw axis (:data:`LAST_AXIS`): one per fixed node when the
        weight factorises (always, unless some cells must be zero), else one over all of them.
    feasible
        ``(m,)``: the marginals can all hold together in that draw.
    unsupported
        Node -> ``(card, m)``: the target puts mass on a state impossible given the other
        evidence (a special, named case of infeasibility).
    """

    factors: list[Factor]
    feasible: Mask
    unsupported: dict[str, Mask]


def contract_draws(factors: list[Factor], output: list[str], m: int) -> NDArray:
    """Contract to ``output`` plus a trailing draw axis of length ``m``, drawn or not."""
    if any(LAST_AXIS in axes for _, axes in factors):
        return contract_factors(factors, [*output, LAST_AXIS])
    res = contract_factors(factors, output)
    return np.broadcast_to(res[..., None], (*res.shape, m))


def _joint(base: list[Factor], nodes: list[str], m: int) -> NDArray:
    """``J`` over ``nodes`` plus the draw axis, each draw scaled to sum to 1 (0 where P(e) = 0);
    draws whose total underflows are contracted again with rescaling."""
    res = np.array(contract_draws(base, nodes, m), dtype=float)
    flat = res.reshape(-1, m)
    tot = flat.sum(axis=0)
    tiny = ~(tot > UNDERFLOW) & np.isfinite(tot)
    if tiny.any() and base:
        if any(LAST_AXIS in axes for _, axes in base):
            idx = np.flatnonzero(tiny)
            sub = [(arr[..., idx], axes) if LAST_AXIS in axes else (arr, axes)
                   for arr, axes in base]
            scaled, _ = contract_factors_scaled(sub, [*nodes, LAST_AXIS])
            flat[:, idx] = np.asarray(scaled).reshape(-1, len(idx))
        else:
            scaled, _ = contract_factors_scaled(base, nodes)
            flat[:] = np.asarray(scaled).reshape(-1, 1)
        tot = flat.sum(axis=0)
    good = np.isfinite(tot) & (tot > 0)
    flat /= np.where(good, tot, 1.0)
    flat[:, ~good] = 0.0
    return res


def unsupported_states(fixed: Mapping[str, Sequence[float] | NDArray], base: list[Factor],
                       m: int) -> dict[str, Mask]:
    """Per fixed node, ``(card, m)``: the target puts mass on a state impossible in that draw
    given the hard and likelihood evidence (Jeffrey's rule cannot move mass there)."""
    out = {}
    for node, q in fixed.items():
        m0 = contract_draws(base, [node], m)
        out[node] = (np.asarray(q, dtype=float)[:, None] > 0) & ~(m0 > 0)
    return out


def _targets(fixed: Mapping[str, Sequence[float]]) -> dict[str, NDArray]:
    """The target marginals, clipped at 0 and renormalised (validation allowed SUM_TOL)."""
    out = {}
    for node, q in fixed.items():
        arr = np.clip(np.asarray(q, dtype=float), 0.0, None)
        out[node] = arr / arr.sum()
    return out


def fit_fixed_marginals(fixed: Mapping[str, Sequence[float]], base: list[Factor],
                        m: int) -> JeffreyFit:
    """Fit Jeffrey's rule for every draw.

    Parameters
    ----------
    fixed
        Node -> target marginal (validated: entries >= 0 within tolerance, sum 1 within it).
    base
        The factors of the hard and likelihood evidence.
    m
        Number of draws (1 for the exact engine).

    Returns
    -------
    JeffreyFit
        Factors to add to ``base``; which draws are feasible. Feasible draws meet every
        marginal to :data:`JEFFREY_TOL`.

    Raises
    ------
    JeffreyNotConverged
        Only on the fallback path (joint larger than :data:`JOINT_LIMIT`).
    """
    targets = _targets(fixed)
    certain = {n: int(np.argmax(t)) for n, t in targets.items() if (t > 0).sum() == 1}
    if certain:
        return _with_certain(targets, certain, base, m)
    nodes = list(targets)
    cards = [len(targets[n]) for n in nodes]
    if int(np.prod(cards)) > JOINT_LIMIT:
        return _fit_by_sweeps(targets, base, m, unsupported_states(targets, base, m))
    if len(nodes) == 1:
        # One fixed node: Jeffrey's rule in one step, lambda = q / P(node | other evidence).
        (node,) = nodes
        marg = np.array(contract_draws(base, [node], m), dtype=float)
        tot = marg.sum(axis=0)
        unsupported = {node: (targets[node][:, None] > 0) & ~(marg > 0)}
        feasible = np.isfinite(tot) & (tot > 0) & ~unsupported[node].any(axis=0)
        q = targets[node][:, None]
        lam = np.where(q > 0, q / np.where(marg > 0, marg, 1.0), 0.0)
        lam = lam / np.where(lam.max(axis=0) > 0, lam.max(axis=0), 1.0)
        return JeffreyFit([(lam, (node, LAST_AXIS))], feasible, unsupported)
    joint = _joint(base, nodes, m)
    unsupported = {}
    for i, node in enumerate(nodes):
        marg = joint.sum(axis=tuple(j for j in range(len(nodes)) if j != i))
        unsupported[node] = (targets[node][:, None] > 0) & ~(marg > 0)
    weights, feasible = _fit_joint(joint.reshape(-1, m), cards,
                                   [targets[n] for n in nodes])
    for bad in unsupported.values():
        feasible &= ~bad.any(axis=0)
    weights = weights.reshape(*cards, m)
    return JeffreyFit(_as_factors(weights, nodes), feasible, unsupported)


def _with_certain(targets: dict[str, NDArray], certain: dict[str, int], base: list[Factor],
                  m: int) -> JeffreyFit:
    """A fixed marginal that is certain of one state is hard evidence of that state: its
    indicator joins the evidence and the other marginals are fitted given it (the I-projection
    onto "P(X = x) = 1" is conditioning on X = x)."""
    unsupported = unsupported_states({n: targets[n] for n in certain}, base, m)
    hard: list[Factor] = []
    for node, s in certain.items():
        onehot = np.zeros((len(targets[node]), m))
        onehot[s] = 1.0
        hard.append((onehot, (node, LAST_AXIS)))
    rest = {n: t for n, t in targets.items() if n not in certain}
    if rest:
        fit = fit_fixed_marginals({n: t.tolist() for n, t in rest.items()}, [*base, *hard], m)
        feasible, factors = fit.feasible.copy(), [*hard, *fit.factors]
        unsupported.update(fit.unsupported)
    else:
        first = next(iter(certain))
        tot = np.asarray(contract_draws([*base, *hard], [first], m)).sum(axis=0)
        feasible, factors = np.isfinite(tot) & (tot > 0), hard
    for bad in unsupported.values():
        feasible &= ~bad.any(axis=0)
    return JeffreyFit(factors, feasible, unsupported)


def _as_factors(weights: NDArray, nodes: list[str]) -> list[Factor]:
    """Per-node factors when ``weights`` is a product of per-node vectors in every draw (the
    usual case), else one joint factor."""
    if len(nodes) == 1:
        return [(weights, (nodes[0], LAST_AXIS))]
    k = len(nodes)
    # Rank-one test: W equals the outer product of its normalised one-node sums.
    tot = weights.sum(axis=tuple(range(k)))
    safe = np.where(tot > 0, tot, 1.0)
    sums = [weights.sum(axis=tuple(j for j in range(k) if j != i)) for i in range(k)]
    prod = np.ones_like(weights)
    for i, s in enumerate(sums):
        shape = [1] * k + [weights.shape[-1]]
        shape[i] = s.shape[0]
        prod = prod * (s / safe).reshape(shape)
    prod = prod * safe
    if np.allclose(prod, weights, rtol=1e-13, atol=0.0):
        return [(s / np.where(s.max(axis=0) > 0, s.max(axis=0), 1.0), (n, LAST_AXIS))
                for s, n in zip(sums, nodes, strict=True)]
    return [(weights, (*nodes, LAST_AXIS))]


def _cells(cards: list[int]) -> NDArray:
    """``(C, K)`` state index of each node in each cell of the flattened joint."""
    return np.stack(np.unravel_index(np.arange(int(np.prod(cards))), cards), axis=1)


def _fit_joint(joint: NDArray, cards: list[int], targets: list[NDArray]
               ) -> tuple[NDArray, Mask]:
    """Weights ``(C, m)`` with ``joint * weights`` having the target marginals, and which
    draws are feasible. ``joint`` is ``(C, m)``, each draw summing to 1 (or all 0)."""
    c, m = joint.shape
    cells = _cells(cards)
    allowed = np.ones(c, dtype=bool)
    for i, q in enumerate(targets):
        allowed &= q[cells[:, i]] > 0
    support = (joint > 0) & allowed[:, None]
    weights = np.zeros((c, m))
    feasible = np.zeros(m, dtype=bool)
    patterns, which = np.unique(support.T, axis=0, return_inverse=True)
    for k, pattern in enumerate(patterns):
        draws = np.flatnonzero(which.reshape(-1) == k)
        # The usual case first: the marginals hold with every cell of the pattern positive,
        # and Newton's method finds that in a few steps. Only draws it does not settle go
        # to the linear programme that finds which cells must be zero.
        idx = np.flatnonzero(pattern)
        if len(idx):
            w, done = _newton(joint[np.ix_(idx, draws)], cells[idx], targets,
                              steps=_QUICK_STEPS, strict=False)
            weights[np.ix_(idx, draws[done])] = w[:, done]
            feasible[draws[done]] = True
            draws = draws[~done]
            if not len(draws):
                continue
        keep = _maximal_support(pattern, cells, targets)
        if keep is None:
            continue
        feasible[draws] = True
        idx = np.flatnonzero(keep)
        sub = joint[np.ix_(idx, draws)]
        weights[np.ix_(idx, draws)] = _newton(sub, cells[idx], targets)[0]
    return weights, feasible


_SUPPORT_CACHE: dict[tuple[bytes, bytes, tuple[bytes, ...]], Mask | None] = {}


def _maximal_support(pattern: Mask, cells: NDArray, targets: list[NDArray]) -> Mask | None:
    """:func:`_support_programme`, remembered per (pattern, cells, targets): the batched
    engine meets the same support pattern in every chunk of draws."""
    key = (np.packbits(pattern).tobytes() + len(pattern).to_bytes(4, "little"),
           cells.tobytes(), tuple(q.tobytes() for q in targets))
    if key not in _SUPPORT_CACHE:
        if len(_SUPPORT_CACHE) > 1024:
            _SUPPORT_CACHE.clear()
        _SUPPORT_CACHE[key] = _support_programme(pattern, cells, targets)
    return _SUPPORT_CACHE[key]


def _support_programme(pattern: Mask, cells: NDArray, targets: list[NDArray]) -> Mask | None:
    """The cells some distribution on ``pattern`` with the target marginals can make positive,
    all at once (the support of the I-projection), or None if no such distribution exists.

    One linear programme in homogeneous form: ``p >= 0`` on the pattern's cells with marginals
    ``lam * q`` (``lam >= 0``), ``0 <= y_c <= min(p_c, 1)``, maximise ``sum y``. Scaling makes
    every cell that can be positive reach ``y_c = 1`` in one solution; all ``y = 0`` means only
    ``p = 0`` fits, i.e. the marginals cannot hold.
    """
    from scipy.optimize import linprog

    idx = np.flatnonzero(pattern)
    n = len(idx)
    if n == 0:
        return None
    # Scaled to the problem: a cell's mass is at most the smallest target marginal it lies in,
    # r_c, so the programme works in p'_c = p_c / r_c and each marginal row is divided by its
    # target (coefficients r_c / q in (0, 1]). Targets of 1e-10 next to ones of 0.5 are then
    # as well conditioned as any, instead of falling below the solver's absolute tolerances.
    # Should the solver still fail on a badly scaled case, it is tried unscaled and with its
    # other algorithms before giving up (a numerical failure, never "impossible").
    r = np.ones(n)
    for i, q in enumerate(targets):
        r = np.minimum(r, q[cells[idx, i]])
    a_ub = np.hstack([-np.eye(n), np.zeros((n, 1)), np.eye(n)])
    cost = np.concatenate([np.zeros(n + 1), -np.ones(n)])
    bounds = [(0, None)] * (n + 1) + [(0, 1)] * n
    res: Any = None
    for scale, method in ((r, "highs"), (np.ones(n), "highs"), (r, "highs-ipm"),
                          (np.ones(n), "highs-ipm"), (r, "highs-ds")):
        rows = []
        for i, q in enumerate(targets):
            for s in np.flatnonzero(q > 0):
                rows.append(np.append((cells[idx, i] == s) * scale / q[s], [-1.0] + [0.0] * n))
        res = linprog(cost, A_ub=a_ub, b_ub=np.zeros(n), A_eq=np.array(rows),
                      b_eq=np.zeros(len(rows)), bounds=bounds, method=method,
                      options={"primal_feasibility_tolerance": 1e-10,
                               "dual_feasibility_tolerance": 1e-10})
        if res.status == 0 and res.x is not None:
            break
    if res.status != 0 or res.x is None:
        raise ConvergenceError("Jeffrey's rule: the check of whether the fixed marginals can "
                               f"hold together did not finish ({res.message}); this is a "
                               "numerical failure, not an impossibility")
    y = res.x[n + 1:]
    if not y.max(initial=0.0) > 0.5:
        return None
    keep = np.zeros(len(pattern), dtype=bool)
    keep[idx[y > 0.5]] = True
    return keep


def _newton(joint: NDArray, cells: NDArray, targets: list[NDArray], *,
            steps: int = _NEWTON_STEPS, strict: bool = True) -> tuple[NDArray, Mask]:
    """Weights ``(C, m)`` on cells that can all be positive: ``exp(A phi)`` at the dual optimum.

    Features: one indicator per (node, state with q > 0). The dual
    ``f(phi) = log sum_c J_c exp(A_c phi) - q . phi`` is convex with gradient ``A^T p - q`` and
    Hessian ``A^T diag(p) A - (A^T p)(A^T p)^T`` at the tilted ``p`` (singular along each
    node's constant shift, which changes nothing: its pseudo-inverse is used). Each iteration
    takes a Newton step with a backtracking line search; where that makes too little progress
    (far from the optimum, with cells of very different sizes) it takes one sweep of iterative
    proportional fitting instead, which is block-coordinate descent on the same dual and always
    descends. Near the optimum Newton converges quadratically.
    """
    m = joint.shape[1]
    cols: list[NDArray] = []
    qs: list[float] = []
    groups: list[NDArray] = []
    for i, q in enumerate(targets):
        group: list[int] = []
        for s in np.flatnonzero(q > 0):
            group.append(len(cols))
            cols.append(cells[:, i] == s)
            qs.append(float(q[s]))
        groups.append(np.array(group))
    a = np.array(cols, dtype=float).T  # (C, D)
    qv = np.array(qs)
    log_j = np.log(joint)
    phi = np.zeros((a.shape[1], m))

    def evaluate(ph: NDArray, idx: Any = slice(None)) -> tuple[NDArray, NDArray, NDArray]:
        logits = log_j[:, idx] + a @ ph
        top = logits.max(axis=0)
        w = np.exp(logits - top)
        z = w.sum(axis=0)
        p = w / z
        f = top + np.log(z) - qv @ ph
        return f, p, a.T @ p - qv[:, None]

    def sweep(ph: NDArray, idx: NDArray) -> NDArray:
        """One pass of iterative proportional fitting: node by node, phi_i += log(q_i / m_i)."""
        ph = ph.copy()
        for group in groups:
            _, p, _ = evaluate(ph, idx)
            marg = a[:, group].T @ p
            ph[group] += np.log(qv[group][:, None]) - np.log(np.maximum(marg, 1e-300))
        return ph

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        f, p, g = evaluate(phi)
        stalled = np.zeros(m, dtype=int)  # iterations without progress, per draw
        for _ in range(steps):
            err = np.abs(g).max(axis=0)
            active = (err > JEFFREY_TOL / 4) & (stalled < 20)
            if not active.any():
                break
            ia = np.flatnonzero(active)
            pa, ga = p[:, ia], g[:, ia]
            mean = a.T @ pa  # (D, ma)
            hess = np.einsum("cd,ce,cm->mde", a, a, pa) - np.einsum("dm,em->mde", mean, mean)
            # Jacobi scaling first (states of probability 1e-17 next to ones of 0.5 would
            # otherwise fall below the pseudo-inverse's cut), then the pseudo-inverse.
            scale = 1.0 / np.sqrt(np.maximum(np.einsum("mdd->md", hess), 1e-300))
            scaled = hess * scale[:, :, None] * scale[:, None, :]
            w_eig, v_eig = np.linalg.eigh(scaled)
            cut = w_eig.max(axis=1, keepdims=True) * 1e-13
            inv_w = np.where(w_eig > cut, 1.0 / np.where(w_eig > cut, w_eig, 1.0), 0.0)
            step = -scale.T * np.einsum("mde,me,mfe,fm->dm", v_eig, inv_w, v_eig,
                                        ga * scale.T)
            slope = (ga * step).sum(axis=0)
            t = np.ones(len(ia))
            todo = slope < 0  # a descent direction; otherwise go straight to a sweep
            new_phi, new_f, new_p, new_g = phi[:, ia].copy(), f[ia].copy(), pa.copy(), ga.copy()
            for _ls in range(12):  # down to t = 1/2048
                if not todo.any():
                    break
                trial = phi[:, ia] + t * step
                f_t, p_t, g_t = evaluate(trial, ia)
                # Sufficient decrease, or (near the optimum, where f moves below its
                # rounding) the gradient at least halved.
                flat = f_t <= f[ia] + 1e-13 * (1 + np.abs(f[ia]))
                accept = todo & np.isfinite(f_t) & (
                    (f_t <= f[ia] + 1e-4 * t * slope)
                    | (flat & (np.abs(g_t).max(axis=0) <= 0.5 * err[ia])))
                new_phi[:, accept], new_f[accept] = trial[:, accept], f_t[accept]
                new_p[:, accept], new_g[:, accept] = p_t[:, accept], g_t[:, accept]
                todo &= ~accept
                t = np.where(todo, 0.5 * t, t)
            # Draws where Newton stalled, only crept (t < 1/16) or made no progress: one IPFP
            # sweep instead.
            gained = (new_f < f[ia] - 1e-13 * (1 + np.abs(f[ia]))) | (
                np.abs(new_g).max(axis=0) < 0.9 * err[ia])
            slow = todo | (t < 1 / 16) | ~gained
            if slow.any():
                idx = ia[slow]
                swept = sweep(phi[:, idx], idx)
                f_s, p_s, g_s = evaluate(swept, idx)
                ref = np.where(todo[slow], f[idx], new_f[slow])
                better = (f_s < ref) | ((f_s <= ref + 1e-13 * (1 + np.abs(ref)))
                                        & (np.abs(g_s).max(axis=0)
                                           < np.abs(new_g[:, slow]).max(axis=0)))
                pick = np.flatnonzero(slow)[better]
                new_phi[:, pick], new_f[pick] = swept[:, better], f_s[better]
                new_p[:, pick], new_g[:, pick] = p_s[:, better], g_s[:, better]
            progress = (new_f < f[ia]) | (np.abs(new_g).max(axis=0) < err[ia])
            stalled[ia] = np.where(progress, 0, stalled[ia] + 1)
            phi[:, ia], f[ia], p[:, ia], g[:, ia] = new_phi, new_f, new_p, new_g
        err = np.abs(g).max(axis=0)
        if strict and (err > 1e-11).any():
            raise JeffreyNotConverged(
                "Jeffrey's rule: the fit of the fixed marginals did not converge "
                f"(largest marginal error {float(err.max()):.3g}); this is slow, not impossible")
    log_w = a @ phi
    weights: NDArray = np.exp(log_w - log_w.max(axis=0))
    return weights, np.isfinite(err) & (err <= 1e-11)


def _fit_by_sweeps(targets: dict[str, NDArray], base: list[Factor], m: int,
                   unsupported: dict[str, Mask]) -> JeffreyFit:
    """Iterative proportional fitting on full contractions (joints too large to tabulate)."""
    feasible = np.ones(m, dtype=bool)
    for bad in unsupported.values():
        feasible &= ~bad.any(axis=0)
    qs = {node: q[:, None] for node, q in targets.items()}
    lams = {node: np.ones((len(q), m)) for node, q in qs.items()}
    history: list[float] = []
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for _sweep in range(JEFFREY_MAX_SWEEPS):
            worst = np.zeros(m)
            for node, q in qs.items():
                others: list[Factor] = [(lam, (other, LAST_AXIS)) for other, lam in lams.items()
                                        if other != node]
                marg = contract_draws(base + others, [node], m)
                total = marg.sum(axis=0)
                marg = marg / np.where(total > 0, total, 1.0)
                current = marg * lams[node]
                norm = current.sum(axis=0)
                current = current / np.where(norm > 0, norm, 1.0)
                worst = np.maximum(worst, np.where(feasible, np.abs(current - q).max(axis=0),
                                                   0.0))
                new = np.where(q > 0, q / np.where(marg > 0, marg, 1.0), 0.0)
                top = new.max(axis=0)
                lams[node] = new / np.where(top > 0, top, 1.0)
            if worst.max(initial=0.0) < JEFFREY_TOL:
                break
            history.append(float(worst.max(initial=0.0)))
            if len(history) > 200 and history[-1] > 0.99 * history[-201]:
                raise JeffreyNotConverged(
                    f"Jeffrey's rule: the fixed marginals of {', '.join(targets)} stopped "
                    "improving before they held (their joint has more than "
                    f"{JOINT_LIMIT} cells, too many for the exact fit); this is slow or on "
                    "the boundary of what can hold, not shown impossible")
        else:
            raise JeffreyNotConverged(
                f"Jeffrey's rule: the fixed marginals of {', '.join(targets)} did not converge "
                f"in {JEFFREY_MAX_SWEEPS} sweeps (their joint has more than {JOINT_LIMIT} "
                "cells, too many for the exact fit); this is slow, not impossible")
    return JeffreyFit([(lam, (n, LAST_AXIS)) for n, lam in lams.items()], feasible,
                      unsupported)
