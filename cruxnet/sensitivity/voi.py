"""Value of information: which observation would tell us most about the target.

For a node X and the question P(T = t | e), with p_x = P(X = x | e) and q_x = P(T = t | e, X = x):

* ``mutual_information`` I(X; T | e) in nats: the expected reduction in the entropy of T from
  observing X;
* ``variance_reduction`` sum_x p_x (q_x - P(T = t | e))^2: the expected reduction in the
  variance of the indicator of T = t, i.e. the variance of the answer we will hold after
  observing X ("how much will our P(target) move, on average, squared");
* ``expected_shift`` sum_x p_x |q_x - P(T = t | e)|: how far it moves on average.

Each is computed at the point CPTs and in every parameter draw (intervals).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from cruxnet.priors.forms import NDArray
from cruxnet.sensitivity.common import (
    Question,
    all_conditionals,
    candidate_nodes,
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


def voi_measures(p_node: NDArray, p_target_all: NDArray, state: int) -> dict[str, NDArray]:
    """The three measures from P(X = x | e) ``(..., k)`` and P(T | e, X = x) ``(..., k, m)``.

    Rows of ``p_target_all`` where ``p_node`` is 0 are ignored (they may be NaN).
    """
    w = np.where(p_node > 0, p_node, 0.0)
    cond = np.where((p_node > 0)[..., None], p_target_all, 0.0)
    marg = np.einsum("...k,...km->...m", w, cond)
    mi = _entropy(marg) - np.einsum("...k,...k->...", w, _entropy(cond))
    q = cond[..., state]
    base = marg[..., state][..., None]
    return {"mutual_information": np.maximum(mi, 0.0),
            "variance_reduction": np.einsum("...k,...k->...", w, (q - base) ** 2),
            "expected_shift": np.einsum("...k,...k->...", w, np.abs(q - base))}


def value_of_information(q: Question, nodes: Sequence[str] | None = None) -> xr.Dataset:
    """Mutual information, variance reduction and expected shift of each candidate observation.

    Returns
    -------
    xarray.Dataset
        Dim ``node``, sorted by ``variance_reduction`` (largest first); each measure at the
        point CPTs and as ``<measure>_ci`` over draws (dim ``ci_bound``). Read
        ``variance_reduction`` as "observing this node next moves our answer most".

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
    chosen_nodes = candidate_nodes(q, nodes)
    every = all_conditionals(q, chosen_nodes)
    for node in chosen_nodes:
        c = every[node]
        pm = voi_measures(c.p_node, c.target_given, q.state_index)
        names.append(node)
        point_rows.append(pm)
        if q.draws:
            with quiet():
                dm = voi_measures(c.p_node_draws, c.target_given_draws, q.state_index)
                bad = ~np.isfinite(c.p_node_draws).all(axis=1)
                ci_rows.append({k: interval(np.where(bad, np.nan, v), q.ci_prob)
                                for k, v in dm.items()})
        else:
            ci_rows.append({k: np.array([np.nan, np.nan]) for k in pm})
    order = np.argsort([-float(r["variance_reduction"]) for r in point_rows], kind="stable")
    data: dict[str, tuple[tuple[str, ...], NDArray]] = {}
    for key in ("mutual_information", "variance_reduction", "expected_shift"):
        data[key] = (("node",), np.array([float(point_rows[i][key]) for i in order]))
        data[f"{key}_ci"] = (("node", "ci_bound"),
                             np.array([ci_rows[i][key] for i in order]).reshape(-1, 2))
    return xr.Dataset(data, coords={"node": [names[i] for i in order],
                                    "ci_bound": ["lower", "upper"]},
                      attrs={**q.provenance("value of information"), "baseline": q.point(),
                             "units": "mutual_information in nats", "ci_kind": "eti"})
