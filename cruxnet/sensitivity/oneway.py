"""One-way sensitivity: how far P(target) moves with one node's state, or one CPT entry.

* :func:`node_swings`: P(target = s | e, X = x) for each state x of each node X, and the swing
  (largest minus smallest), point and with an interval over parameter draws: a tornado.
* :func:`sensitivity_functions`: for each CPT entry theta = P(X = x | parents = u), the exact
  sensitivity function. With the other entries of its row scaled proportionally, P(t, e) and
  P(e) are both linear in theta, so P(t | e) = (a theta + b) / (c theta + d); two contractions
  (theta = 0 and theta = 1) give the four coefficients exactly. Its swing is taken over the
  entry's credible range under the worldview (quantiles of its prior draws).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.inference.factors import prepare_query
from cruxnet.inference.observe import table_gradients
from cruxnet.sensitivity.common import (
    Question,
    SensitivityError,
    all_conditionals,
    candidate_nodes,
    described_result,
    do_conditionals,
    interval,
    quiet,
)

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["node_swings", "sensitivity_functions"]


@described_result
def node_swings(q: Question, nodes: Sequence[str] | None = None, *,
                include_outcomes: bool = False) -> xr.Dataset:
    """The tornado: for each node, P(target = state | e, node = x) over its states x, and
    beside it P(target = state | e; do(node = x)).

    Parameters
    ----------
    q
        The question (target, state, evidence, draws).
    nodes
        Nodes to vary (default: all but the target, the evidence's nodes and the model's
        outcome nodes).
    include_outcomes
        With the default node list, keep the outcome nodes too.

    Returns
    -------
    xarray.Dataset
        Dim ``node``, sorted by swing (largest first). ``low``/``high``: the smallest and
        largest P(target = state | e, node = x) at the point CPTs, ``low_state``/``high_state``
        the states giving them, ``swing = high - low``; ``swing_ci`` (with ``ci_bound``) the
        interval of the swing over draws; ``baseline`` attr: P(target = state | e).
        Read ``swing`` as "how far the answer moves if we learned this node's state".
        ``contradicting_states``: the node's states that have a chance under the current
        belief but cannot be observed with the evidence (a fixed marginal they would break),
        comma-separated ("" for none), and ``p_contradiction`` their probability now; such
        nodes come first, their low/high/swing over the
        states left (swing NaN when one state is left: there is nothing to compare it with).
        ``do_low``/``do_high``/``do_swing`` (and ``do_swing_ci``): the same for setting the
        node by intervention, "how far it moves if we made the node so"; the two differ where
        the node shares causes with the target.

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> net = load_network("carlsmith_2021")
    >>> ds = node_swings(Question(net, "catastrophe", draws=0))
    >>> str(ds.node[0].values), round(float(ds.swing[0]), 4)   # P(cat | disempowerment=yes)
    ('disempowerment', 0.95)
    """
    import xarray as xr

    chosen = candidate_nodes(q, nodes, include_outcomes)
    rows = []
    every = all_conditionals(q, chosen)
    done = do_conditionals(q, chosen)
    for node in chosen:
        c = every[node]
        finite = np.isfinite(c.p_target)
        # States the current belief gives a chance to but whose observation the evidence
        # cannot take (a fixed marginal it would break): named, not scored as no swing.
        clash = ",".join(str(st) for st, ok, p in zip(c.states, finite, c.p_node, strict=True)
                         if not ok and p > 0)
        p_clash = float(np.sum(np.where(~finite & (c.p_node > 0), c.p_node, 0.0)))
        if not finite.any():
            rows.append((node, np.nan, np.nan, "", "", np.array([np.nan, np.nan]), np.nan,
                         np.nan, np.array([np.nan, np.nan]), clash, True, p_clash))
            continue
        lo_i = int(np.nanargmin(np.where(finite, c.p_target, np.inf)))
        hi_i = int(np.nanargmax(np.where(finite, c.p_target, -np.inf)))
        none = np.array([np.nan, np.nan])
        if q.draws and not (clash and finite.sum() < 2):
            with quiet():
                per_draw = (np.nanmax(c.p_target_draws, axis=1)
                            - np.nanmin(c.p_target_draws, axis=1))
            ci = interval(per_draw, q.ci_prob)
        else:
            ci = none
        d_point, d_draws = done[node]
        with quiet():
            do_lo, do_hi = float(np.nanmin(d_point)), float(np.nanmax(d_point))
            do_ci = (interval(np.nanmax(d_draws, axis=1) - np.nanmin(d_draws, axis=1), q.ci_prob)
                     if q.draws else none)
        if np.isfinite(d_point).sum() < 2 and not np.isfinite(d_point).all():
            do_lo = do_hi = np.nan  # setting it to the other state contradicts the evidence
            do_ci = none
        rows.append((node, c.p_target[lo_i], c.p_target[hi_i], c.states[lo_i], c.states[hi_i],
                     ci, do_lo, do_hi, do_ci, clash, finite.sum() < 2, p_clash))
    # Nodes whose observation could contradict the evidence first (their swing over the
    # states left is shown, or none when one is left), then by swing.
    rows.sort(key=lambda r: (not r[9], -np.nan_to_num(r[2] - r[1], nan=np.inf)))
    names = [r[0] for r in rows]
    ds = xr.Dataset(
        {"low": ("node", [r[1] for r in rows]), "high": ("node", [r[2] for r in rows]),
         "low_state": ("node", [r[3] for r in rows]),
         "high_state": ("node", [r[4] for r in rows]),
         "swing": ("node", [np.nan if r[9] and r[10] else r[2] - r[1] for r in rows]),
         "contradicting_states": ("node", [r[9] for r in rows]),
         "p_contradiction": ("node", [r[11] for r in rows]),
         "swing_ci": (("node", "ci_bound"), np.array([r[5] for r in rows]).reshape(-1, 2)),
         "do_low": ("node", [r[6] for r in rows]), "do_high": ("node", [r[7] for r in rows]),
         "do_swing": ("node", [r[7] - r[6] for r in rows]),
         "do_swing_ci": (("node", "ci_bound"), np.array([r[8] for r in rows]).reshape(-1, 2))},
        coords={"node": names, "ci_bound": ["lower", "upper"]},
        attrs={**q.provenance("one-way node swings"), "baseline": q.point(),
               "ci_kind": "eti"})
    return ds


#: How the other entries of a row move with the one varied (stated in results and the CLI).
COVARIATION = ("proportional: setting one entry of a CPT row to theta scales the row's other "
               "entries by (1 - theta) / (1 - p), p the entry's old value, so the row still "
               "sums to 1")


def _row_covaried(row: NDArray, x: int, theta: float) -> NDArray:
    """The row with entry ``x`` set to ``theta`` and the others scaled proportionally (shared
    equally when they are all zero)."""
    out = row.astype(float).copy()
    rest = 1.0 - row[x]
    k = row.shape[-1]
    if rest > 0:
        out *= (1.0 - theta) / rest
    else:
        out[:] = (1.0 - theta) / (k - 1)
    out[x] = theta
    return out


@described_result
def sensitivity_functions(q: Question, nodes: Sequence[str] | None = None) -> xr.Dataset:
    """Exact sensitivity functions P(target = state | e)(theta) for every CPT entry.

    Every entry that can matter is included by default: those of the target, of the evidence
    nodes themselves (hard and likelihood: an observed node's own CPT can rank high) and of
    every other node in the query's relevant part; entries of nodes outside it (not ancestors of
    the target or the evidence) cannot matter and are skipped, as are do() nodes' (cut off).
    Binary nodes contribute one entry per row (the probability of their last state); others one
    per state.

    **Co-variation.** Moving one entry theta of a row moves the row's other entries
    proportionally, so the row still sums to 1: each other entry becomes
    ``p_j (1 - theta) / (1 - p_x)`` (shared equally if they are all zero). The function is
    f(theta) under that scheme; the dataset says so in its ``covariation`` attribute.

    Returns
    -------
    xarray.Dataset
        Dim ``parameter`` (labels like ``P(scheming=yes | alignment_difficulty=hard, ...)``),
        sorted by ``swing``. ``node``; ``value`` (theta at the point CPT); ``a, b, c, d`` with
        f(theta) = (a theta + b) / (c theta + d); ``derivative`` at the point value;
        ``theta_low``/``theta_high`` the entry's credible range (quantiles of its prior draws,
        or the point value when there are no draws); ``f_low``/``f_high`` and
        ``swing = |f_high - f_low|``.

    Raises
    ------
    SensitivityError
        With fixed-marginal evidence (Jeffrey's rule makes the function non-linear-fractional).

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> net = load_network("carlsmith_2021")
    >>> ds = sensitivity_functions(Question(net, "catastrophe", draws=0))
    >>> p = "P(aps_systems=yes)"
    >>> f = (ds.a + ds.b) / (ds.c + ds.d)      # theta = 1
    >>> round(float(f.sel(parameter=p)), 6)    # the product of the other premises
    0.07904
    """
    import xarray as xr

    if q.evidence.fixed:
        raise SensitivityError("sensitivity functions need hard, likelihood or do evidence; "
                               "with fixed marginals P(target) is not a ratio of linear "
                               "functions of a CPT entry")
    pq = prepare_query(q.net, q.target, q.evidence)
    if nodes is None:
        chosen = [n for n in pq.work.spec.node_ids if n in pq.keep and n not in q.evidence.do]
    else:
        chosen = [n for n in candidate_nodes(q, nodes) if n in pq.keep]
    spec = pq.work.spec
    gradient = table_gradients(q.net, q.target, q.evidence, chosen, q.state_index)
    labels, rows = [], []
    drawn = q.parameters
    for node in chosen:
        if node in q.evidence.do:
            continue
        ns = spec.node(node)
        cpt = np.asarray(pq.work.cpts[node])
        grad, n_0, d_0 = gradient[node]
        draws_cpt = None
        if drawn is not None and not drawn.is_fixed(node):
            draws_cpt = drawn.block(node, 0, drawn.n)
        entries = range(ns.card - 1, ns.card) if ns.card == 2 else range(ns.card)
        parent_states = [spec.node(p).states for p in ns.parents]
        for u in np.ndindex(*cpt.shape[:-1]):
            row = cpt[u]
            for x in entries:
                # P(t, e) and P(e) are linear in the row: base + (new row - row) . gradient
                ends = []
                for theta in (0.0, 1.0):
                    delta = _row_covaried(row, x, theta) - row
                    ends.append((n_0 + float(delta @ grad[q.state_index][u]),
                                 d_0 + float(delta @ grad.sum(axis=0)[u])))
                (n0, d0), (n1, d1) = ends
                a, b, c, d = n1 - n0, n0, d1 - d0, d0
                theta0 = float(row[x])
                if draws_cpt is not None:
                    lo, hi = interval(draws_cpt[(slice(None), *u, x)], q.ci_prob)
                else:
                    lo = hi = theta0
                f = [(a * t + b) / (c * t + d) if c * t + d > 0 else np.nan
                     for t in (lo, hi, theta0)]
                den = c * theta0 + d
                deriv = (a * d - b * c) / den**2 if den > 0 else np.nan
                cond = ", ".join(f"{p}={s[i]}" for p, s, i in
                                 zip(ns.parents, parent_states, u, strict=True))
                labels.append(f"P({node}={ns.states[x]}{' | ' + cond if cond else ''})")
                rows.append((node, theta0, a, b, c, d, deriv, lo, hi, f[0], f[1]))
    if not rows:
        raise SensitivityError(f"no CPT entry bears on {q.label}")
    arr = np.array([r[1:] for r in rows], dtype=float)
    swing = np.abs(arr[:, 9] - arr[:, 8])
    order = np.argsort(-np.nan_to_num(swing, nan=-1.0), kind="stable")
    cols = ["value", "a", "b", "c", "d", "derivative", "theta_low", "theta_high", "f_low",
            "f_high"]
    data = {name: ("parameter", arr[order, i]) for i, name in enumerate(cols)}
    data["swing"] = ("parameter", swing[order])
    data["node"] = ("parameter", [rows[i][0] for i in order])
    return xr.Dataset(data, coords={"parameter": [labels[i] for i in order]},
                      attrs={**q.provenance("sensitivity functions"), "baseline": q.point(),
                             "covariation": COVARIATION})

