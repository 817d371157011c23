"""Stated marginals: "my belief about this node differs", as the smallest change to its own CPT.

A person who says "I put P(scheming) at 8%" means the node's own table should be revised, its
causes untouched. That is neither evidence (a fixed marginal, Jeffrey's rule, also revises the
node's causes) nor a replaced table. :func:`with_stated_marginals` gives it one meaning: every
row of the node's CPT is multiplied by common per-state factors and renormalised,

    P'(x | u) = P(x | u) lam_x / Z_u(lam),

with ``lam`` chosen so that the network implies the stated marginal, sum_u P(u) P'(x | u) = q_x.
This is the change of least expected relative entropy, sum_u P(u) KL(P'(. | u) || P(. | u)),
weighted by the parents' distribution (its Lagrangian gives exactly this form). ``lam`` minimises
the convex function sum_u P(u) log Z_u(lam) - q . log lam; Newton's method solves it to 1e-12.

* A stated marginal is reachable only if every state it gives mass has some mass in a row the
  parents can reach, and the rows' supports allow it (a linear programme decides; an
  unreachable one is an error naming the node and state, not a silent approximation).
* Several stated marginals hold jointly. A node's tilt changes no ancestor's marginal, so they
  are solved in topological order, each with its parents' distribution under the earlier
  tilts: the answer does not depend on the order they are given in.
* **With draws** (:class:`StatedMarginalDraws`), each parameter draw meets its own marginal,
  drawn from the person's stated uncertainty (:mod:`cruxnet.priors.stated`), and the node's
  drawn table is tilted to it given that draw's parents: the node's uncertainty is the
  person's. One vectorised Newton solve serves the point network (one draw) and every block.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from cruxnet.errors import EvidenceError, SpecError, did_you_mean
from cruxnet.inference.contract import LAST_AXIS, Factor, contract_factors
from cruxnet.inference.evidence import check_distribution, state_vector
from cruxnet.inference.jeffrey import contract_draws
from cruxnet.priors.draws import BLOCK, draw_marginal, redraw_marginal
from cruxnet.priors.network import TRANSFORMS, BayesNet
from cruxnet.priors.params import normalized_probabilities
from cruxnet.priors.stated import StatedMarginal, parse_stated_marginal
from cruxnet.types import NDArray

__all__ = ["MARGINAL_TOL", "StatedMarginalDraws", "stated_marginal_vector", "tilt_cpt",
           "tilt_cpts", "with_stated_marginals"]

#: Every stated marginal holds to this (max abs difference) in the returned network.
MARGINAL_TOL = 1e-12
#: The largest change of a log-factor in one Newton step (see :func:`_solve`).
MAX_STEP = 4.0
#: A draw's stated marginal that its structure cannot reach is drawn again, up to
#: REDRAW_ROUNDS x CANDIDATES times (CANDIDATES at once).
REDRAW_ROUNDS = 16
CANDIDATES = 64


def stated_marginal_vector(net: BayesNet, node: str, value: Mapping[str, float] | Sequence[float]
                           ) -> tuple[float, ...]:
    """A stated marginal as a validated probability vector in the node's state order (a
    mapping may leave states out: they get 0)."""
    if node not in net.spec:
        raise EvidenceError(f"stated marginal: unknown node {node!r} in model {net.spec.name}")
    vec = (state_vector(net.spec, node, value, "stated marginal") if isinstance(value, Mapping)
           else tuple(float(v) for v in value))
    check_distribution(net.spec, node, vec, "stated marginal")
    return normalized_probabilities(vec)


def _parents_joint(net: BayesNet, node: str) -> NDArray:
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
    problem = _unreachable(sub[live], w[live] / w[live].sum(), qv[keep] / qv[keep].sum(), kept,
                           node)
    if problem:
        asked = ", ".join(f"{n} {v:.3g}" for n, v in zip(names, qv, strict=True))
        raise EvidenceError(f"stated marginal for {node} cannot be reached by scaling its rows "
                            f"(asked: {asked}): {problem}; replace the table instead")
    out: NDArray = tilt_cpts(np.asarray(cpt, dtype=float)[None], w.reshape(1, *cpt.shape[:-1]),
                             qv[None], node=node)[0]
    return out


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


def _unreachable(rows: NDArray, w: NDArray, q: NDArray, names: Sequence[str], node: str) -> str:
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


def _solve(rows: NDArray, w: NDArray, q: NDArray) -> tuple[NDArray, NDArray]:
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
        step = -_solve_each(h, gi)
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


def _solve_each(h: NDArray, g: NDArray) -> NDArray:
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
    out, bad = _tilt(cpts, p_parents, q)
    if bad.any():
        raise EvidenceError(f"stated marginal for {node} cannot be reached in {int(bad.sum())} "
                            f"of {len(q)} draws by scaling its rows (the rows' structural zeros "
                            "bound what it can be); state it with less uncertainty or replace "
                            "the table")
    return out


def _batch_bounds(rows: NDArray, w: NDArray) -> tuple[NDArray, NDArray]:
    """:func:`_bounds` for many draws: ``rows`` (m, U, k), ``w`` (m, U) -> lo, hi (m, k)."""
    possible = rows > 0
    only = possible.sum(axis=2) == 1
    return (np.einsum("mu,mux->mx", w * only, possible),
            np.einsum("mu,mux->mx", w, possible))


def _reaches(rows: NDArray, w: NDArray, q: NDArray) -> np.ndarray[Any, np.dtype[np.bool_]]:
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


def _tilt(cpts: NDArray, p_parents: NDArray, q: NDArray
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
    bad = ~_reaches(sub, live_w, qk[:, None, :])[:, 0]
    phi = np.zeros_like(qk)
    go = np.flatnonzero(~bad)
    if len(go):
        phi[go], err = _solve(np.where(sub[go].sum(axis=2, keepdims=True) > 0, sub[go], 1.0),
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


MarginalValue = StatedMarginal | Mapping[str, Any] | Sequence[float] | float


def with_stated_marginals(net: BayesNet, marginals: Mapping[str, MarginalValue], *,
                          ess: float | None = None) -> BayesNet:
    """A new network in which each named node's own CPT is tilted (common per-state factors,
    rows renormalised) so that the network implies its stated marginal; parents untouched,
    nothing mutated.

    Parameters
    ----------
    net
        The network (its earlier stated marginals keep holding, jointly with the new ones).
    marginals
        Node -> its marginal: ``{state: p}`` (a state's value may be ``{mean, ess}`` or
        ``{low, high, prob}``), a list, a number for a two-state node's last state, or a
        :class:`~cruxnet.priors.stated.StatedMarginal` (see :mod:`cruxnet.priors.stated`).
    ess
        The uncertainty of marginals that state none (default: the worldview's
        ``default_ess``). Parameter draws of the result tilt each draw to a marginal drawn
        from it (:class:`StatedMarginalDraws`).

    Raises
    ------
    EvidenceError
        An unknown node or state, a marginal that is not a distribution, or one the node's
        table cannot reach by such a change (a structural zero).

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> from cruxnet.inference.exact import posterior
    >>> net = load_network("crux_network", "gs_deference")
    >>> mine = with_stated_marginals(net, {"scheming": {"no": 0.92, "yes": 0.08}})
    >>> round(posterior(mine, "scheming")["yes"], 12)
    0.08
    >>> posterior(mine, "alignment_difficulty").probs.round(6).tolist() == \\
    ...     posterior(net, "alignment_difficulty").probs.round(6).tolist()   # causes untouched
    True
    """
    default = ess if ess is not None else (net.prior.default_ess if net.prior else None)
    parsed = dict(net.marginals)
    for node, value in marginals.items():
        node = str(node)
        if node not in net.spec:
            raise EvidenceError(f"stated marginal: unknown node {node!r} in model "
                                f"{net.spec.name}" + did_you_mean(node, net.spec.node_ids))
        if isinstance(value, StatedMarginal):
            parsed[node] = value
            continue
        raw: object = value
        if isinstance(value, Sequence) and not isinstance(value, str):
            raw = [float(v) for v in value]
        try:
            parsed[node] = parse_stated_marginal(raw, net.spec, node, default_ess=default)
        except SpecError as exc:
            raise EvidenceError(str(exc)) from None
    return apply_stated_marginals(net, parsed)


def apply_stated_marginals(net: BayesNet, marginals: Mapping[str, StatedMarginal]) -> BayesNet:
    """``net`` with ``marginals`` (parsed) holding: its point CPTs tilted in topological order
    (re-tilting a tilted table gives the same tilt of the original: the family is closed), the
    marginals recorded on the network for its draws, and named in its provenance."""
    out = net
    for node in (n for n in net.spec.node_ids if n in marginals):  # topological order
        cpt = np.asarray(out.cpts[node], dtype=float)
        new = tilt_cpt(cpt, _parents_joint(out, node), marginals[node].probs, node=node,
                       states=net.spec.node(node).states)
        new.setflags(write=False)
        out = BayesNet(out.spec, {**out.cpts, node: new}, out.worldview, out.provenance,
                       out.prior, out.marginals)
    said = "; ".join(f"{n}: {m.describe(net.spec.node(n).states)}"
                     for n, m in marginals.items())
    prov = {**net.provenance, **({"stated_marginals": said} if said else {})}
    return BayesNet(out.spec, out.cpts, net.worldview, prov, net.prior, dict(marginals))


TRANSFORMS["stated_marginals"] = apply_stated_marginals


class StatedMarginalDraws:
    """Parameter draws in which every stated marginal holds draw by draw.

    Wraps the draws of a worldview's forms: a node with a stated marginal gets, in each draw,
    its drawn table tilted (:func:`tilt_cpts`) to a marginal drawn from the stated uncertainty
    (:func:`~cruxnet.priors.draws.draw_marginal`), given that draw's parents (themselves tilted
    where they have stated marginals). Other nodes' draws are the wrapped source's, unchanged.

    Parameters
    ----------
    source
        The draws to wrap (a :class:`~cruxnet.priors.draws.WorldviewDraws`).
    net
        The network with its stated marginals (:attr:`BayesNet.marginals`).
    seed
        The seed of the marginals' own streams.
    ess
        The fallback uncertainty for a marginal that states none.
    marginal_draws
        Where the drawn marginals come from, ``(node, start, stop) -> (stop - start, card)``
        (default: :func:`~cruxnet.priors.draws.draw_marginal`, the node's own stream); a
        Sobol design passes its own columns.
    """

    def __init__(self, source: Any, net: BayesNet, *, seed: int, ess: float | None = None,
                 marginal_draws: Callable[[str, int, int], NDArray] | None = None):
        self.source, self.spec, self.seed, self.ess = source, net.spec, seed, ess
        self._marginal_draws = marginal_draws
        self.n: int = source.n
        self.marginals = dict(net.marginals)
        self.file = net.prior.file if net.prior is not None else None
        self._point = net.cpts
        self._order = [n for n in net.spec.node_ids if n in self.marginals]
        self._cache: dict[tuple[int, int], dict[str, NDArray]] = {}
        self._redrawn: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def is_fixed(self, node: str) -> bool:
        """False for a node with a stated marginal (its table is tilted draw by draw)."""
        return node not in self.marginals and bool(self.source.is_fixed(node))

    def point(self, node: str) -> NDArray:
        if node in self.marginals:
            return np.asarray(self._point[node])
        out: NDArray = self.source.point(node)
        return out

    def block(self, node: str, start: int, stop: int) -> NDArray:
        if node not in self.marginals:
            out: NDArray = self.source.block(node, start, stop)
            return out
        return self._tilted(start, stop)[node]

    def check(self, nodes: Sequence[str]) -> None:
        """The wrapped source's check, and that every stated marginal can be drawn."""
        self.source.check(nodes)
        for m in self.marginals.values():
            draw_marginal(m, self.seed, 0, 1, 1, ess=self.ess, file=self.file)

    @property
    def provenance(self) -> dict[str, Any]:
        prov = dict(self.source.provenance)
        prov["stated_marginals"] = "; ".join(
            f"{n}: {m.describe(self.spec.node(n).states)}" for n, m in self.marginals.items())
        with self._lock:
            redrawn: dict[str, int] = {}
            for (node, _), count in self._redrawn.items():
                redrawn[node] = redrawn.get(node, 0) + count
        if redrawn:
            prov["stated_marginals_redrawn"] = "; ".join(
                f"{n}: {c} of {self.n} draws fell outside what its structure allows and were "
                "drawn again" for n, c in redrawn.items())
        return prov

    def _tilted(self, start: int, stop: int) -> dict[str, NDArray]:
        key = (start, stop)
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        m = stop - start
        done: dict[str, NDArray] = {}
        for node in self._order:
            parents = list(self.spec.node(node).parents)
            if parents:
                upstream = self.spec.ancestors(parents)
                factors = [self._factor(a, start, stop, done)
                           for a in self.spec.node_ids if a in upstream]
                joint = np.moveaxis(contract_draws(factors, parents, m), -1, 0)
            else:
                joint = np.ones((m,))
            own = (self.source.point(node)[None] if self.source.is_fixed(node)
                   else self.source.block(node, start, stop))
            own = np.broadcast_to(own, (m, *own.shape[1:]))
            q = (draw_marginal(self.marginals[node], self.seed, start, stop, self.n,
                               ess=self.ess, file=self.file) if self._marginal_draws is None
                 else self._marginal_draws(node, start, stop))
            own_arr, joint_arr = np.asarray(own, dtype=float), np.asarray(joint)
            tilted, bad = _tilt(own_arr, joint_arr, q)
            for b0 in range(start - start % BLOCK, stop, BLOCK):
                idx = np.flatnonzero(bad[max(b0, start) - start:min(b0 + BLOCK, stop) - start])
                idx += max(b0, start) - start
                if len(idx):
                    self._redraw(node, b0 // BLOCK, idx, own_arr, joint_arr, tilted)
            done[node] = tilted
        with self._lock:
            if len(self._cache) >= 8:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = done
        return done

    def _redraw(self, node: str, block: int, idx: np.ndarray[Any, Any], own: NDArray,
                joint: NDArray,
                tilted: NDArray) -> None:
        """Draws whose marginal the node's structure cannot reach (a stated uncertainty wider
        than its structural zeros allow) get a new marginal from the same distribution, from
        their block's own stream, until one can be reached: the person's uncertainty
        truncated to what the model allows. Counted in the provenance."""
        m = self.marginals[node]
        if m.exact:  # nothing to draw again: the marginal holds as stated or not at all
            raise EvidenceError(
                f"stated marginal for {node} (exact): {len(idx)} parameter draws cannot reach "
                f"{', '.join(f'{p:.4g}' for p in m.probs)}: their structural zeros bound it; "
                "give it an uncertainty (an ess or an interval) instead of 'exact'")
        todo = np.asarray(idx)
        k = own.shape[-1]
        for attempt in range(1, REDRAW_ROUNDS + 1):
            # CANDIDATES new marginals per draw at once, each tested exactly (Hall's condition
            # over every set of states); each draw takes the first its rows reach.
            q = redraw_marginal(m, self.seed, block, attempt, len(todo) * CANDIDATES,
                                ess=self.ess, file=self.file).reshape(len(todo), CANDIDATES, k)
            keep = q.reshape(-1, k).max(axis=0) > 0  # states the marginal can give mass
            rows = own[todo].reshape(len(todo), -1, k)[:, :, keep]
            w = np.asarray(joint[todo], dtype=float).reshape(len(todo), -1)
            inside = _reaches(rows, w, q[:, :, keep] / q[:, :, keep].sum(axis=2,
                                                                         keepdims=True))
            found = np.flatnonzero(inside.any(axis=1))
            if len(found):
                chosen = q[found, inside[found].argmax(axis=1)]
                out, bad = _tilt(own[todo[found]], joint[todo[found]], chosen)
                tilted[todo[found[~bad]]] = out[~bad]
                found = found[~bad]
            todo = np.delete(todo, found)
            if not len(todo):
                break
        else:
            raise EvidenceError(
                f"stated marginal for {node}: {len(idx)} draws of its uncertainty fall where "
                f"its structural zeros cannot go, and {len(todo)} still did after "
                f"{REDRAW_ROUNDS * CANDIDATES} new draws each; state it with less uncertainty "
                "(a larger ess or a narrower interval) or replace the table")
        with self._lock:
            self._redrawn[(node, block)] = len(idx)

    def _factor(self, node: str, start: int, stop: int, done: Mapping[str, NDArray]) -> Factor:
        axes = (*self.spec.node(node).parents, node)
        if node in done:
            return np.moveaxis(done[node], 0, -1), (*axes, LAST_AXIS)
        if self.source.is_fixed(node):
            return np.asarray(self.source.point(node), dtype=float), axes
        return np.moveaxis(self.source.block(node, start, stop), 0, -1), (*axes, LAST_AXIS)
