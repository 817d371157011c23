"""Why two worldviews disagree: a Shapley split of the difference in log-odds of P(target).

Players are the nodes whose CPTs differ between worldview A and worldview B (among the nodes the
query depends on). The value of a coalition S is logit P(target = state | e) with the CPTs of S
taken from B and the rest from A, so v(all) - v(none) is the whole difference. Each node's
Shapley value is its average marginal contribution over orders of swapping; the values sum to
the total exactly. With up to ``exact_max`` players every coalition is evaluated; beyond that,
``permutations`` random orders (each with its reverse), whose contributions still telescope to
the total exactly. Every coalition is one "draw" of the batched engine, so all are contracted
at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.errors import ImpossibleEvidenceError
from cruxnet.base.types import NDArray
from cruxnet.inference.batched import posterior_draws
from cruxnet.inference.evidence import Evidence
from cruxnet.inference.factors import prepare_query
from cruxnet.model.network import BayesNet
from cruxnet.sensitivity.common import Question, SensitivityError, described_result

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["worldview_shapley"]


@dataclass(frozen=True)
class _CoalitionCPTs:
    """A parameter source whose draws are coalitions: draw j uses B's CPT for the players in
    coalition j and A's otherwise (the batched engine's ParameterSource protocol)."""

    a: BayesNet
    b: BayesNet
    players: tuple[str, ...]
    members: NDArray  # (coalitions, players) bool

    @property
    def n(self) -> int:
        return int(self.members.shape[0])

    def is_fixed(self, node: str) -> bool:
        return node not in self.players

    def point(self, node: str) -> NDArray:
        return np.asarray(self.a.cpts[node])

    def block(self, node: str, start: int, stop: int) -> NDArray:
        i = self.players.index(node)
        take = self.members[start:stop, i]
        a, b = np.asarray(self.a.cpts[node]), np.asarray(self.b.cpts[node])
        return np.where(take.reshape(-1, *([1] * a.ndim)), b[None], a[None])

    def check(self, nodes: Sequence[str]) -> None:
        """Nothing to check: every table is a point table."""

    @property
    def provenance(self) -> dict[str, Any]:
        return {}


def _logit(p: NDArray) -> NDArray:
    with np.errstate(divide="ignore"):
        return np.log(p) - np.log1p(-p)


@described_result
def worldview_shapley(net_a: BayesNet, net_b: BayesNet, target: str, state: str | None = None,
                      evidence: Evidence | None = None, *, exact_max: int = 14,
                      permutations: int = 500, seed: int = 0) -> xr.Dataset:
    """Per-node contributions to logit P_B(target = state | e) - logit P_A(target = state | e).

    Parameters
    ----------
    net_a, net_b
        The same model under two worldviews.
    target, state, evidence
        The question (state defaults to the target's last state).
    exact_max
        Up to this many differing nodes, evaluate all 2^k coalitions (exact Shapley values).
    permutations, seed
        Otherwise, this many random orders (plus their reverses), seeded.

    Returns
    -------
    xarray.Dataset
        Dim ``node`` (sorted by absolute contribution): ``contribution`` in log-odds (they sum
        to ``attrs["total"]`` exactly), ``share`` of the total. Attrs: ``p_a``, ``p_b``,
        ``total``, ``method`` ("exact" or "sampled orders").

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> a = load_network("crux_network", "gs_deference")
    >>> b = load_network("crux_network", "human_labor_first")
    >>> ds = worldview_shapley(a, b, "catastrophe", permutations=50)
    >>> bool(abs(float(ds.contribution.sum()) - ds.attrs["total"]) < 1e-9)
    True
    """
    import xarray as xr

    if net_a.spec.sha256 != net_b.spec.sha256:
        raise SensitivityError(f"cannot compare worldviews of different models: "
                               f"{net_a.spec.name} ({net_a.worldview}) and "
                               f"{net_b.spec.name} ({net_b.worldview})")
    q = Question(net_a, target, state, evidence or Evidence(), draws=0, seed=seed)
    ev = q.evidence
    keep = prepare_query(net_a, target, ev).keep
    players = tuple(n for n in net_a.spec.node_ids if n in keep and n not in ev.do
                    and not np.array_equal(net_a.cpts[n], net_b.cpts[n]))
    k = len(players)
    if k <= exact_max:
        members = ((np.arange(2**k)[:, None] >> np.arange(k)) & 1).astype(bool)
        method = "exact"
    else:
        rng = np.random.default_rng(seed)
        orders = np.array([rng.permutation(k) for _ in range(permutations)])
        orders = np.concatenate([orders, orders[:, ::-1]])
        # Coalition after the first j players of each order joined, j = 0..k.
        members = np.zeros((len(orders), k + 1, k), dtype=bool)
        for j in range(1, k + 1):
            members[:, j] = members[:, j - 1]
            members[np.arange(len(orders)), j, orders[:, j - 1]] = True
        members = members.reshape(-1, k)
        method = "sampled orders"
    source = _CoalitionCPTs(net_a, net_b, players, members)
    try:
        post = posterior_draws(net_a, target, ev, parameters=source)
    except ImpossibleEvidenceError as exc:
        raise SensitivityError(f"the evidence is impossible under some mix of the two "
                               f"worldviews: {exc}") from None
    if post.n_impossible:
        raise SensitivityError(f"the evidence is impossible in {post.n_impossible} mixes of "
                               f"{net_a.worldview} and {net_b.worldview} CPTs; the log-odds "
                               "split is undefined")
    v = _logit(post.probs[:, q.state_index])
    if not np.all(np.isfinite(v)):
        raise SensitivityError(f"P({target}={q.state}) is 0 or 1 under some mix of the two "
                               "worldviews, so its log-odds are infinite")
    phi = np.zeros(k)
    if method == "exact":
        size = members.sum(axis=1)
        weight = np.array([math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k)
                           if s < k else 0.0 for s in range(k + 1)])
        for i in range(k):
            without = ~members[:, i]
            idx = np.flatnonzero(without)
            phi[i] = np.sum(weight[size[idx]] * (v[idx | (1 << i)] - v[idx]))
    else:
        steps = v.reshape(-1, k + 1)
        gains = np.diff(steps, axis=1)  # (orders, k): gain of the j-th player to join
        for o, order in enumerate(orders):
            phi[order] += gains[o]
        phi /= len(orders)
    total = float(v[-1] - v[0])  # the last coalition holds every player, the first none
    order_idx = np.argsort(-np.abs(phi), kind="stable")
    return xr.Dataset(
        {"contribution": ("node", phi[order_idx]),
         "share": ("node", phi[order_idx] / total if total else np.full(k, np.nan))},
        coords={"node": [players[i] for i in order_idx]},
        attrs=_attrs(net_a, net_b, q, post.probs[:, q.state_index], total, method, k,
                     len(members)))


def _attrs(a: BayesNet, b: BayesNet, q: Question, p: NDArray, total: float, method: str,
           k: int, evaluations: int) -> Mapping[str, Any]:
    return {"model": a.spec.name, "spec_sha256": a.spec.sha256,
            "worldview_a": a.worldview or "", "worldview_b": b.worldview or "",
            "target": q.target, "state": str(q.state), "evidence": q.evidence.describe(),
            "p_a": float(p[0]), "p_b": float(p[-1]), "total": total,
            "units": "log-odds", "method": f"Shapley over CPT swaps ({method})",
            "players": k, "evaluations": evaluations}
