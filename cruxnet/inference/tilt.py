"""The tilt that makes a node's table imply a stated marginal: every row multiplied by common
per-state factors and renormalised, the factors found by a damped, vectorised Newton solve (one
draw or a whole block at once)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from cruxnet.base.errors import EvidenceError
from cruxnet.base.types import NDArray
from cruxnet.inference.contract import contract_factors
from cruxnet.inference.reach import reaches, unreachable
from cruxnet.model.network import BayesNet

__all__ = ["MARGINAL_TOL", "MAX_STEP", "parents_joint", "solve_tilt", "tilt_cpt", "tilt_cpts",
           "tilt_draws"]


#: The largest change of a log-factor in one Newton step (see :func:`solve_tilt`).
MAX_STEP = 4.0


def parents_joint(net: BayesNet, node: str) -> NDArray:
    """P(parents of ``node``) in ``net`` (shape: the parents' cards; a scalar 1 for a root)."""
    spec = net.spec
    parents = list(spec.node(node).parents)
    if not parents:
        return np.ones(())
    keep = spec.ancestors(parents)
    factors = [(np.asarray(net.cpts[n.id], dtype=float), (*n.parents, n.id))
               for n in spec.nodes if n.id in keep]
    out: NDArray = np.asarray(contract_factors(factors, parents), dtype=float)
    return out


def tilt_cpt(cpt: NDArray, p_parents: NDArray, q: Sequence[float], *, node: str = "node",
             states: Sequence[str] | None = None) -> NDArray:
    """The CPT ``(*parents, k)`` with every row multiplied by common per-state factors and
    renormalised so that sum_u p_parents[u] row[u] = q (see the module docstring).

    Raises
    ------
    EvidenceError
        The marginal cannot be reached by such a change (a state it needs has no mass in any
        reachable row, or the rows' structural zeros rule it out).
    """
    k = cpt.shape[-1]
    names = list(states) if states is not None else [str(i) for i in range(k)]
    rows = np.asarray(cpt, dtype=float).reshape(-1, k)
    w = np.asarray(p_parents, dtype=float).reshape(-1)
    qv = np.asarray(q, dtype=float)
    live = w > 0
    keep = qv > 0
    reach = (w[live, None] * rows[live]).sum(axis=0)
    for x in np.flatnonzero(keep & ~(reach > 0)):
        raise EvidenceError(f"stated marginal for {node} cannot be reached: state "
                            f"{names[x]!r} has probability 0 in every row its parents can "
                            "reach (a structural zero); replace the table instead")
    sub = rows[:, keep]
    empty = live & ~(sub.sum(axis=1) > 0)
    if empty.any():
        dropped = ", ".join(n for n, kk in zip(names, keep, strict=True) if not kk)
        raise EvidenceError(f"stated marginal for {node} cannot be reached: some reachable row "
                            f"puts all its mass on states the marginal gives 0 ({dropped})")
    kept = [n for n, kk in zip(names, keep, strict=True) if kk]
    problem = unreachable(sub[live], w[live] / w[live].sum(), qv[keep] / qv[keep].sum(), kept,
                           node)
    if problem:
        asked = ", ".join(f"{n} {v:.3g}" for n, v in zip(names, qv, strict=True))
        raise EvidenceError(f"stated marginal for {node} cannot be reached by scaling its rows "
                            f"(asked: {asked}): {problem}; replace the table instead")
    out: NDArray = tilt_cpts(np.asarray(cpt, dtype=float)[None], w.reshape(1, *cpt.shape[:-1]),
                             qv[None], node=node)[0]
    return out


def solve_tilt(rows: NDArray, w: NDArray, q: NDArray) -> tuple[NDArray, NDArray]:
    """Log-factors ``phi`` (m, k) minimising, per draw, sum_u w_u log sum_x rows[u, x] e^phi_x
    - q . phi; and each draw's largest marginal error. ``rows`` (m, U, k), ``w`` (m, U) summing
    to 1, ``q`` (m, k) > 0. Damped Newton: the Hessian is singular only along the constant
    shift, which the gradient never has (both sum to 0), so H + 11' solves the step."""
    k = rows.shape[2]
    with np.errstate(divide="ignore"):
        log_r = np.log(rows)
    phi = np.log(q) - np.log(np.einsum("mu,mux->mx", w, rows))
    ones = np.ones((k, k))
    f, p, g = _evaluate_rows(log_r, w, q, phi)
    # Every draw's iterates depend on that draw alone (so a draw's answer does not depend on
    # which other draws share its batch): a draw whose line search fails stops there.
    stuck = np.zeros(len(q), dtype=bool)
    for _ in range(400):
        err = np.abs(g).max(axis=1)
        todo = (err > MARGINAL_TOL / 4) & ~stuck
        if not todo.any():
            break
        idx = np.flatnonzero(todo)
        wi, pi, gi = w[idx], p[idx], g[idx]
        h = (np.einsum("mx,xy->mxy", np.einsum("mu,mux->mx", wi, pi), np.eye(k))
             - np.einsum("mu,mux,muy->mxy", wi, pi, pi)) + ones + 1e-15 * np.eye(k)
        step = -solve_tilt_each(h, gi)
        # Where rows are nearly saturated the Hessian is tiny and a full Newton step would
        # jump far past the answer (and saturate exactly): at most MAX_STEP in log space.
        big = np.abs(step).max(axis=1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.where(big > 0, big, 1.0))
        t = np.ones(len(idx))
        slope = (gi * step).sum(axis=1)
        accepted = np.zeros(len(idx), dtype=bool)
        new_phi, new_f, new_p, new_g = phi[idx].copy(), f[idx].copy(), pi.copy(), gi.copy()
        for _ls in range(60):
            trial = ~accepted
            if not trial.any():
                break
            ti = np.flatnonzero(trial)
            cand = phi[idx[ti]] + t[ti, None] * step[ti]
            ft, pt, gt = _evaluate_rows(log_r[idx[ti]], w[idx[ti]], q[idx[ti]], cand)
            ok = np.isfinite(ft) & ((ft <= f[idx[ti]] + 1e-4 * t[ti] * slope[ti])
                                    | ((ft <= f[idx[ti]] + 1e-13 * (1 + np.abs(f[idx[ti]])))
                                       & (np.abs(gt).max(axis=1) < err[idx[ti]])))
            good = ti[ok]
            new_phi[good], new_f[good], new_p[good], new_g[good] = (
                cand[ok], ft[ok], pt[ok], gt[ok])
            accepted[good] = True
            t[ti[~ok]] *= 0.5
        stuck[idx[~accepted]] = True
        phi[idx], f[idx], p[idx], g[idx] = new_phi, new_f, new_p, new_g
    return phi, np.abs(g).max(axis=1)


def solve_tilt_each(h: NDArray, g: NDArray) -> NDArray:
    """x with h[i] x[i] = g[i] for each i: LAPACK on the batch, and where one matrix is
    singular, each on its own (a pseudo-inverse for the singular ones)."""
    try:
        out: NDArray = np.asarray(np.linalg.solve(h, g[..., None])[..., 0], dtype=float)
        return out
    except np.linalg.LinAlgError:
        res = np.empty_like(g)
        for i in range(len(g)):
            try:
                res[i] = np.linalg.solve(h[i], g[i])
            except np.linalg.LinAlgError:
                res[i] = np.linalg.pinv(h[i], rcond=1e-14) @ g[i]
        return res


def _evaluate_rows(log_r: NDArray, w: NDArray, q: NDArray, ph: NDArray
                   ) -> tuple[NDArray, NDArray, NDArray]:
    z = log_r + ph[:, None, :]
    top = z.max(axis=2, keepdims=True)
    e = np.exp(z - top)
    tot = e.sum(axis=2, keepdims=True)
    p = e / tot
    f = np.einsum("mu,mu->m", w, top[..., 0] + np.log(tot[..., 0])) - (q * ph).sum(axis=1)
    return f, p, np.einsum("mu,mux->mx", w, p) - q


def tilt_cpts(cpts: NDArray, p_parents: NDArray, q: NDArray, *, node: str = "node"
              ) -> NDArray:
    """Many draws at once: ``cpts`` ``(m, *parents, k)``, their parents' joints ``(m,
    *parents)`` and marginals ``q`` ``(m, k)`` give the tilted CPTs (see :func:`tilt_cpt`,
    which also checks that the marginal can be reached; here a draw that cannot be raises)."""
    out, bad = tilt_draws(cpts, p_parents, q)
    if bad.any():
        raise EvidenceError(f"stated marginal for {node} cannot be reached in {int(bad.sum())} "
                            f"of {len(q)} draws by scaling its rows (the rows' structural zeros "
                            "bound what it can be); state it with less uncertainty or replace "
                            "the table")
    return out


#: Every stated marginal holds to this (max abs difference) in the returned network.
MARGINAL_TOL = 1e-12


def tilt_draws(cpts: NDArray, p_parents: NDArray, q: NDArray
          ) -> tuple[NDArray, np.ndarray[Any, np.dtype[np.bool_]]]:
    """:func:`tilt_cpts` without raising: the tilted CPTs and which draws' marginals could
    not be reached (their CPTs are left as they were)."""
    m, k = q.shape
    rows = np.asarray(cpts, dtype=float).reshape(m, -1, k)
    w = np.asarray(p_parents, dtype=float).reshape(m, -1)
    w = w / w.sum(axis=1, keepdims=True)
    keep = q.max(axis=0) > 0
    sub = rows[:, :, keep]
    qk = np.maximum(q[:, keep], 1e-300)
    qk = qk / qk.sum(axis=1, keepdims=True)
    # A row the parents never reach takes no part in the fit (and keeps a valid distribution).
    live_w = np.where(w > 0, w, 0.0)
    # Outside each state's bounds (see _bounds) no finite factors reach q: say so at once
    # rather than let Newton run to its limit (exact for two states, a first test for more).
    bad = ~reaches(sub, live_w, qk[:, None, :])[:, 0]
    phi = np.zeros_like(qk)
    go = np.flatnonzero(~bad)
    if len(go):
        phi[go], err = solve_tilt(np.where(sub[go].sum(axis=2, keepdims=True) > 0, sub[go], 1.0),
                              live_w[go], qk[go])
        bad[go] = ~(err <= 1e-11)
    out = np.zeros_like(rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        tilted = sub * np.exp(phi - phi.max(axis=1, keepdims=True))[:, None, :]
        z = tilted.sum(axis=2, keepdims=True)
        out[:, :, keep] = np.where(z > 0, tilted / np.where(z > 0, z, 1.0), 0.0)
    dead = ~(out.sum(axis=2) > 0)
    dead[bad] = True
    out[dead] = rows[dead]
    return out.reshape(cpts.shape), bad
