"""Crux finder: what would carry P(target) across a decision threshold.

Two questions for a threshold tau on P(target = state | e) (e.g. "we act if P(catastrophe)
exceeds 10%"):

* :func:`smallest_belief_change`: for each node X and state x, mix X's CPT towards certainty in
  x, P'(X | pa) = (1 - lam) P(X | pa) + lam 1[X = x]. Every CPT entry of X is linear in lam, so
  P(target | e)(lam) is a ratio of linear functions and the lam at which it reaches tau is
  solved exactly. The answer per node is the state needing the smallest lam: "how much more
  sure of x would we have to be". It also reports X's marginal before and after.
* :func:`decisive_observations`: for each node X, the probability (given e) that observing it
  lands P(target) on the other side of tau: sum of P(X = x | e) over the states x with
  P(target | e, X = x) across. Per draw as well (an interval).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.sensitivity.common import (
    Question,
    SensitivityError,
    all_conditionals,
    candidate_nodes,
    described_result,
    interval,
    observe_and_do,
    quiet,
)

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["check_threshold", "decisive_observations", "smallest_belief_change"]


def check_threshold(threshold: object) -> float:
    """A decision threshold must be a number strictly between 0 and 1."""
    if (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
            or not 0 < threshold < 1):
        raise SensitivityError(f"threshold must be a probability strictly between 0 and 1, "
                               f"got {threshold!r}")
    return float(threshold)


@described_result
def smallest_belief_change(q: Question, threshold: float,
                           nodes: Sequence[str] | None = None, *,
                           include_outcomes: bool = False) -> xr.Dataset:
    """Per node, the smallest shift of its beliefs towards one state that crosses ``threshold``
    (default nodes: all but the target, the evidence's and the outcome nodes).

    Returns
    -------
    xarray.Dataset
        Dim ``node``, nodes that can cross first, sorted by ``shift`` (lam in [0, 1]; NaN if no
        state of the node can carry P(target) across). ``state`` the state to become surer of;
        ``p_node_before``/``p_node_after`` its marginal P(node = state | e) before and after;
        ``p_target_after`` (equals the threshold when it crosses). Attrs ``baseline``,
        ``threshold``, ``direction`` ("up" or "down").

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> net = load_network("carlsmith_2021")
    >>> ds = smallest_belief_change(Question(net, "catastrophe", draws=0), 0.10)
    >>> str(ds.node[0].values), str(ds.state[0].values), round(float(ds.p_target_after[0]), 6)
    ('disempowerment', 'yes', 0.1)
    """
    import xarray as xr

    tau = check_threshold(threshold)
    if q.evidence.fixed:
        raise SensitivityError("the crux finder needs hard, likelihood or do evidence (with "
                               "fixed marginals P(target) is not linear-fractional in a CPT)")
    base = q.point()
    if not np.isfinite(base):
        raise SensitivityError(f"{q.label} is undefined: the evidence is impossible")
    chosen = [n for n in candidate_nodes(q, nodes, include_outcomes) if n not in q.evidence.do]
    # Mixing X's CPT towards x: P(t, e) = (1 - lam) P(t, e) + lam P(t, e; do(X = x)), and
    # P(X = x, e) likewise, all from one contraction and its gradient.
    tables = observe_and_do(q, chosen, None, 0, 1)
    rows = []
    for node in chosen:
        obs, done = tables[node][0][..., 0], tables[node][1][..., 0]  # (t, x)
        n0, d0 = float(obs[q.state_index].sum()), float(obs.sum())
        states = q.net.spec.node(node).states
        best: tuple[float, int] | None = None
        for x in range(len(states)):
            a, b = float(done[q.state_index, x]) - n0, n0
            c, d = float(done[:, x].sum()) - d0, d0
            den = a - tau * c
            if den == 0:
                continue
            lam = (tau * d - b) / den
            if not (0 < lam <= 1 and (best is None or lam < best[0])):
                continue
            # Clearing denominators adds a spurious root where P(e) itself reaches 0 (setting
            # X = x makes the evidence impossible): keep only roots where P(target | e) is
            # defined and really equals tau.
            p_e = c * lam + d
            if not p_e > d0 * 1e-12 or abs((a * lam + b) / p_e - tau) > 1e-9:
                continue
            best = (lam, x)
        if best is None:
            rows.append((node, "", np.nan, np.nan, np.nan, np.nan))
            continue
        lam, x = best
        p_e = (1 - lam) * d0 + lam * float(done[:, x].sum())
        after_node = ((1 - lam) * float(obs[:, x].sum()) + lam * float(done[:, x].sum())) / p_e
        after_target = ((1 - lam) * n0 + lam * float(done[q.state_index, x])) / p_e
        rows.append((node, states[x], lam, float(obs[:, x].sum()) / d0, after_node,
                     after_target))
    rows.sort(key=lambda r: (np.isnan(r[2]), r[2]))
    return xr.Dataset(
        {"state": ("node", [r[1] for r in rows]), "shift": ("node", [r[2] for r in rows]),
         "p_node_before": ("node", [r[3] for r in rows]),
         "p_node_after": ("node", [r[4] for r in rows]),
         "p_target_after": ("node", [r[5] for r in rows])},
        coords={"node": [r[0] for r in rows]},
        attrs={**q.provenance("crux finder: smallest belief change"), "baseline": base,
               "threshold": tau, "direction": "up" if base < tau else "down"})


@described_result
def decisive_observations(q: Question, threshold: float,
                          nodes: Sequence[str] | None = None, *,
                          include_outcomes: bool = False) -> xr.Dataset:
    """Per node, the probability that observing it moves P(target) across ``threshold``. By
    default only nodes observable before the outcome: all but the target, the evidence's and
    the model's outcome nodes (``include_outcomes`` keeps those).

    Returns
    -------
    xarray.Dataset
        Dim ``node`` sorted by ``p_cross`` (largest first), with ``p_cross_ci`` over draws and
        ``crossing_states`` (the states whose observation crosses, comma-separated).

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> net = load_network("carlsmith_2021")
    >>> ds = decisive_observations(Question(net, "catastrophe", draws=0), 0.10)
    >>> str(ds.node[0].values), round(float(ds.p_cross[0]), 4)   # .65 x .8 x .4
    ('alignment_hard', 0.208)
    """
    import xarray as xr

    tau = check_threshold(threshold)
    base = q.point()
    if not np.isfinite(base):
        raise SensitivityError(f"{q.label} is undefined: the evidence is impossible")
    up = base < tau
    names, p_cross, cis, crossing = [], [], [], []
    chosen_nodes = candidate_nodes(q, nodes, include_outcomes)
    every = all_conditionals(q, chosen_nodes)
    base_d = q.target_draws() if q.draws else np.empty(0)
    for node in chosen_nodes:
        c = every[node]
        point_cross = _crosses(c.p_target, tau, up)
        names.append(node)
        p_cross.append(float(np.sum(np.where(point_cross, c.p_node, 0.0))))
        crossing.append(",".join(s for s, hit in zip(c.states, point_cross, strict=True)
                                 if hit))
        if q.draws:
            with quiet():
                hit = _crosses(c.p_target_draws, tau, (base_d < tau)[:, None])
                per_draw = np.where(np.isfinite(base_d),
                                    np.nansum(np.where(hit, c.p_node_draws, 0.0), axis=1),
                                    np.nan)
            cis.append(interval(per_draw, q.ci_prob))
        else:
            cis.append(np.full(2, np.nan))
    order = np.argsort(-np.array(p_cross), kind="stable")
    return xr.Dataset(
        {"p_cross": ("node", np.array(p_cross)[order]),
         "p_cross_ci": (("node", "ci_bound"), np.array(cis).reshape(-1, 2)[order]),
         "crossing_states": ("node", np.array(crossing, dtype=object)[order].astype(str))},
        coords={"node": np.array(names)[order], "ci_bound": ["lower", "upper"]},
        attrs={**q.provenance("crux finder: decisive observations"), "baseline": base,
               "threshold": tau, "direction": "up" if up else "down", "ci_kind": "eti"})


def _crosses(p: NDArray, tau: float, up: bool | np.ndarray[Any, Any]
             ) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Whether P(target) values land across ``tau`` (at or above it when going up, below it
    when going down); NaN (impossible state) never crosses."""
    with np.errstate(invalid="ignore"):
        out: np.ndarray[Any, np.dtype[np.bool_]] = np.where(up, p >= tau, p < tau) & np.isfinite(p)
    return out
