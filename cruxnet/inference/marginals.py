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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cruxnet.errors import EvidenceError
from cruxnet.inference.contract import contract_factors
from cruxnet.inference.evidence import check_distribution, state_vector
from cruxnet.models.network import BayesNet
from cruxnet.priors.forms import NDArray
from cruxnet.priors.params import normalized_probabilities

__all__ = ["MARGINAL_TOL", "stated_marginal_vector", "tilt_cpt", "with_stated_marginals"]

#: Every stated marginal holds to this (max abs difference) in the returned network.
MARGINAL_TOL = 1e-12


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
    if not _reachable(sub[live], w[live], qv[keep]):
        raise EvidenceError(f"stated marginal for {node} cannot be reached by scaling its rows: "
                            "the rows' structural zeros bound what it can be "
                            f"({dict(zip(names, np.round(qv, 6).tolist(), strict=True))}); "
                            "replace the table instead")
    phi = _solve(sub[live], w[live], qv[keep], node)
    out = np.zeros_like(rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        tilted = sub * np.exp(phi - phi.max())
        z = tilted.sum(axis=1, keepdims=True)
        out[:, keep] = np.where(z > 0, tilted / np.where(z > 0, z, 1.0), 0.0)
    # Rows the parents never reach keep a valid (unused) distribution: the original row,
    # tilted where it can be, else unchanged.
    dead = ~(out.sum(axis=1) > 0)
    out[dead] = rows[dead]
    result: NDArray = out.reshape(cpt.shape)
    return result


def _reachable(rows: NDArray, w: NDArray, q: NDArray) -> bool:
    """Whether some rows with the given supports mix (weights ``w``) to ``q`` with every
    allowed cell positive (the relative interior, where finite factors reach it): one linear
    programme, maximising the smallest allowed cell."""
    from scipy.optimize import linprog

    u, k = rows.shape
    cells = [(i, x) for i in range(u) for x in range(k) if rows[i, x] > 0]
    n = len(cells)
    a_eq, b_eq = [], []
    for i in range(u):  # each row sums to 1
        a_eq.append([1.0 if c[0] == i else 0.0 for c in cells] + [0.0])
        b_eq.append(1.0)
    for x in range(k):  # the weighted rows give q
        a_eq.append([w[c[0]] if c[1] == x else 0.0 for c in cells] + [0.0])
        b_eq.append(float(q[x]))
    a_ub = np.hstack([-np.eye(n), np.ones((n, 1))])  # t <= r_c
    res = linprog(np.append(np.zeros(n), -1.0), A_ub=a_ub, b_ub=np.zeros(n), A_eq=np.array(a_eq),
                  b_eq=np.array(b_eq), bounds=[(0, None)] * n + [(0, 1)], method="highs",
                  options={"primal_feasibility_tolerance": 1e-10})
    return bool(res.status == 0 and res.x is not None and res.x[-1] > 1e-12)


def _solve(rows: NDArray, w: NDArray, q: NDArray, node: str) -> NDArray:
    """log-factors phi minimising sum_u w_u log sum_x rows[u, x] e^phi_x - q . phi (Newton with
    backtracking; the Hessian is singular along the constant shift, so a pseudo-inverse)."""
    with np.errstate(divide="ignore"):
        log_r = np.log(rows)
    phi = np.log(q) - np.log((w[:, None] * rows).sum(axis=0))

    def evaluate(ph: NDArray) -> tuple[float, NDArray, NDArray]:
        z = log_r + ph
        top = z.max(axis=1, keepdims=True)
        e = np.exp(z - top)
        s = e.sum(axis=1, keepdims=True)
        p = e / s
        f = float(w @ (top[:, 0] + np.log(s[:, 0])) - q @ ph)
        return f, p, w @ p - q

    f, p, g = evaluate(phi)
    for _ in range(500):
        if np.abs(g).max() <= MARGINAL_TOL / 4:
            break
        h = (w[:, None, None] * (p[:, :, None] * np.eye(len(q)) - p[:, :, None] * p[:, None, :])
             ).sum(axis=0)
        step = -np.linalg.pinv(h, rcond=1e-14) @ g
        t = 1.0
        for _ls in range(60):
            f_t, p_t, g_t = evaluate(phi + t * step)
            if np.isfinite(f_t) and (f_t <= f + 1e-4 * t * float(g @ step)
                                     or (f_t <= f + 1e-13 * (1 + abs(f))
                                         and np.abs(g_t).max() < np.abs(g).max())):
                break
            t *= 0.5
        else:
            break
        phi, f, p, g = phi + t * step, f_t, p_t, g_t
    if np.abs(g).max() > 1e-11:
        raise EvidenceError(f"stated marginal for {node}: the fit did not converge (largest "
                            f"error {float(np.abs(g).max()):.3g})")
    out: NDArray = phi
    return out


def with_stated_marginals(net: BayesNet,
                          marginals: Mapping[str, Mapping[str, float] | Sequence[float]]
                          ) -> BayesNet:
    """A new network in which each named node's own CPT is tilted (common per-state factors,
    rows renormalised) so that the network implies its stated marginal; parents untouched,
    nothing mutated.

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
    targets: dict[str, Any] = {str(n): stated_marginal_vector(net, str(n), v)
                               for n, v in marginals.items()}
    out = net
    for node in (n for n in net.spec.node_ids if n in targets):  # topological order
        cpt = np.asarray(out.cpts[node], dtype=float)
        new = tilt_cpt(cpt, _parents_joint(out, node), targets[node], node=node,
                       states=net.spec.node(node).states)
        out = out.with_cpt(node, new)
    return out
