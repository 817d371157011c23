"""Value of information: which observation would tell us most about the target.

For a node X and the question P(T = t | e), with p_x = P(X = x | e) and q_x = P(T = t | e, X = x):

* ``mutual_information`` I(X; T | e) in nats: the expected reduction in the entropy of T from
  observing X;
* ``variance_reduction`` sum_x p_x (q_x - P(T = t | e))^2: the expected reduction in the
  variance of the indicator of T = t, i.e. the variance of the answer we will hold after
  observing X ("how much will our P(target) move, on average, squared");
* ``expected_shift`` ``sum_x p_x |q_x - P(T = t | e)|``: how far it moves on average.

Each is computed at the point CPTs and in every parameter draw (intervals).

**Centre.** Every measure is centred on the current answer P(T | e). Without fixed-marginal
evidence that is also sum_x p_x q_x (the answers after observing X average to the current one).
Under a fixed marginal (Jeffrey's rule) they need not: observing X and then re-imposing the
fixed marginal is not a martingale. The measures still describe how far the answer moves from
where it is now, and ``mutual_information`` is then the expected entropy reduction
H(P(T | e)) - sum_x p_x H(P(T | e, X = x)), which can be negative (it is reported as computed;
without fixed marginals it equals I(X; T | e) >= 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.inference.exact import posterior
from cruxnet.sensitivity.common import (
    Question,
    all_conditionals,
    candidate_nodes,
    described_result,
    interval,
    quiet,
)

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["value_of_information", "voi_measures"]


def _entropy(p: NDArray) -> NDArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms: NDArray = np.where(p > 0, p * np.log(p), 0.0)
    out: NDArray = -np.nansum(terms, axis=-1)
    return out


def voi_measures(p_node: NDArray, p_target_all: NDArray, state: int,
                 baseline: NDArray | None = None) -> dict[str, NDArray]:
    """The three measures from P(X = x | e) ``(..., k)`` and P(T | e, X = x) ``(..., k, m)``,
    centred on ``baseline`` = P(T | e) ``(..., m)`` (default: sum_x p_x P(T | e, X = x), the
    same thing when there is no fixed marginal; see the module docstring).

    Rows of ``p_target_all`` where ``p_node`` is 0 are ignored (they may be NaN). A state with
    a chance whose conditional is NaN (its observation contradicts a fixed marginal) is left
    out and the other states' chances renormalised: the measures are those of an observation
    that does not contradict the evidence (:func:`value_of_information` names such states).
    """
    ok = (p_node > 0) & np.isfinite(p_target_all).all(axis=-1)
    w = np.where(ok, p_node, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = w / w.sum(axis=-1, keepdims=True)
    cond = np.where(ok[..., None], p_target_all, 0.0)
    mixed = np.einsum("...k,...km->...m", w, cond)
    marg = mixed if baseline is None else baseline
    mi = _entropy(marg) - np.einsum("...k,...k->...", w, _entropy(cond))
    if baseline is None:
        mi = np.maximum(mi, 0.0)  # I(X; T | e) >= 0; only rounding can make it negative
    q = cond[..., state]
    base = marg[..., state][..., None]
    return {"mutual_information": mi,
            "variance_reduction": np.einsum("...k,...k->...", w, (q - base) ** 2),
            "expected_shift": np.einsum("...k,...k->...", w, np.abs(q - base))}


@described_result
def value_of_information(q: Question, nodes: Sequence[str] | None = None, *,
                         include_outcomes: bool = False) -> xr.Dataset:
    """Mutual information, variance reduction and expected shift of each candidate observation
    (by default every node but the target, the evidence's and the outcome nodes; an outcome is
    not something anyone observes before the outcome; ``include_outcomes`` keeps them).

    Returns
    -------
    xarray.Dataset
        Dim ``node``, sorted by ``variance_reduction`` (largest first); each measure at the
        point CPTs and as ``<measure>_ci`` over draws (dim ``ci_bound``). Read
        ``variance_reduction`` as "observing this node next moves our answer most".
        ``contradicting_states`` names the node's states that have a chance (``p_contradiction``
        in all) but cannot be observed with the evidence (a fixed marginal they would break);
        such nodes come first, their measures over the other states (renormalised).

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> net = load_network("carlsmith_2021")
    >>> ds = value_of_information(Question(net, "catastrophe", draws=0))
    >>> str(ds.node[0].values)
    'disempowerment'
    """
    import xarray as xr

    names, point_rows, ci_rows = [], [], []
    chosen_nodes = candidate_nodes(q, nodes, include_outcomes)
    every = all_conditionals(q, chosen_nodes)
    # The centre: P(T | e) itself (only differs from the average of the conditionals under a
    # fixed marginal).
    jeffrey = bool(q.evidence.fixed)
    base_point = posterior(q.net, q.target, q.evidence).probs if jeffrey else None
    base_draws = q.draws_of(q.target, q.evidence) if jeffrey and q.draws else None
    clashes: list[tuple[str, float]] = []
    for node in chosen_nodes:
        c = every[node]
        pm = voi_measures(c.p_node, c.target_given, q.state_index, base_point)
        clash = (c.p_node > 0) & ~np.isfinite(c.target_given).all(axis=-1)
        clashes.append((",".join(str(s) for s, b in zip(c.states, clash, strict=True) if b),
                        float(c.p_node[clash].sum())))
        names.append(node)
        point_rows.append(pm)
        if q.draws:
            with quiet():
                dm = voi_measures(c.p_node_draws, c.target_given_draws, q.state_index,
                                  base_draws)
                bad = ~np.isfinite(c.p_node_draws).all(axis=1)
                ci_rows.append({k: interval(np.where(bad, np.nan, v), q.ci_prob)
                                for k, v in dm.items()})
        else:
            ci_rows.append({k: np.array([np.nan, np.nan]) for k in pm})
    order = sorted(range(len(names)), key=lambda i: (
        -clashes[i][1], -np.nan_to_num(float(point_rows[i]["variance_reduction"]), nan=-1.0)))
    data: dict[str, tuple[tuple[str, ...], NDArray]] = {}
    data["contradicting_states"] = (("node",), np.array([clashes[i][0] for i in order],
                                                        dtype=object))
    data["p_contradiction"] = (("node",), np.array([clashes[i][1] for i in order]))
    for key in ("mutual_information", "variance_reduction", "expected_shift"):
        data[key] = (("node",), np.array([float(point_rows[i][key]) for i in order]))
        data[f"{key}_ci"] = (("node", "ci_bound"),
                             np.array([ci_rows[i][key] for i in order]).reshape(-1, 2))
    return xr.Dataset(data, coords={"node": [names[i] for i in order],
                                    "ci_bound": ["lower", "upper"]},
                      attrs={**q.provenance("value of information"), "baseline": q.point(),
                             "units": "mutual_information in nats", "ci_kind": "eti"})
