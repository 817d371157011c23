"""Summaries of a posterior across parameter draws: mean, median, credible intervals, and the
aggregation trio for chain-like models.

Intervals are equal-tailed (``eti``: the (1 - p)/2 and (1 + p)/2 quantiles) or highest-density
(``hdi``, by ArviZ). The **aggregation trio** guards against a trap of forecasting practice: for
a target that is a chain of conditional premises (P = p1 * p2 * ... * pk), the product of the
per-premise medians, the median of the product and its mean can differ a lot; when the largest
is more than twice the smallest the summary says so.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from cruxnet.base.errors import DrawsError
from cruxnet.base.types import NDArray
from cruxnet.base.validate import check_ci_prob
from cruxnet.model.network import BayesNet

if TYPE_CHECKING:

    from cruxnet.draws.source import ParameterSource

__all__ = ["CI_KINDS", "AggregationTrio", "aggregation_trio", "chain_premises",
           "credible_interval", "equal_tailed"]

CIKind = Literal["eti", "hdi"]
#: Interval kinds: equal-tailed and highest-density.
CI_KINDS = frozenset({"eti", "hdi"})
#: The trio differs "a lot" when its largest member exceeds this multiple of its smallest.
TRIO_RATIO = 2.0


def check_ci_kind(ci_kind: str) -> str:
    if ci_kind not in CI_KINDS:
        raise DrawsError(f"unknown interval kind {ci_kind!r}; allowed: "
                         f"{', '.join(sorted(CI_KINDS))}")
    return ci_kind


def hdi_interval(values: NDArray, ci_prob: float) -> tuple[float, float]:
    """The narrowest interval holding ``ci_prob`` of the draws (ArviZ's rule: of the sorted
    draws, the shortest window spanning floor(ci_prob * n) steps; NaN ignored).

    >>> hdi_interval(np.array([0.0, 0.1, 0.2, 0.3, 5.0]), 0.6)   # windows of 3 steps
    (0.0, 0.3)
    """
    ary = np.sort(np.asarray(values, dtype=float).ravel())
    ary = ary[~np.isnan(ary)]
    n = len(ary)
    if n == 0:
        return float("nan"), float("nan")
    inc = int(np.floor(ci_prob * n))
    if inc >= n:
        return float(ary[0]), float(ary[-1])
    width = ary[inc:] - ary[:n - inc]
    i = int(np.argmin(width))
    return float(ary[i]), float(ary[i + inc])


def equal_tailed(values: NDArray, ci_prob: float, axis: int = 0) -> NDArray:
    """The equal-tailed ``ci_prob`` interval over ``axis``, ignoring NaN: shape ``(..., 2)``
    (lower, upper); NaN where a slice has no value. The one implementation every interval
    over draws uses (headlines, sensitivity tables, count fits).

    >>> equal_tailed(np.linspace(0, 1, 1001), 0.9).round(6).tolist()
    [0.05, 0.95]
    """
    lo, hi = (1 - ci_prob) / 2, (1 + ci_prob) / 2
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN slice is reported as NaN
        q = np.nanquantile(np.asarray(values, dtype=float), [lo, hi], axis=axis)
    out: NDArray = np.moveaxis(q, 0, -1)
    return out


def credible_interval(values: NDArray, ci_prob: float = 0.9,
                      ci_kind: str = "eti") -> tuple[float, float]:
    """Credible interval of a 1-D sample.

    Examples
    --------
    >>> x = np.linspace(0, 1, 1001)
    >>> [round(v, 6) for v in credible_interval(x, 0.9)]
    [0.05, 0.95]
    """
    ci_prob = check_ci_prob(ci_prob)
    if check_ci_kind(ci_kind) == "hdi":
        return hdi_interval(values, ci_prob)
    lo, hi = equal_tailed(values, ci_prob)
    return float(lo), float(hi)


@dataclass(frozen=True)
class AggregationTrio:
    """Three ways to aggregate a chain of uncertain premises into one probability.

    Attributes
    ----------
    premises
        ``(node, state, parent state or None)`` of each premise, root first.
    product_of_medians
        The product of each premise's median probability.
    median_of_product, mean
        The median and mean across draws of the product (the target's probability).
    """

    target: str
    state: str
    premises: tuple[tuple[str, str, str | None], ...]
    product_of_medians: float
    median_of_product: float
    mean: float

    @property
    def ratio(self) -> float:
        """Largest / smallest of the three (inf if the smallest is 0)."""
        vals = (self.product_of_medians, self.median_of_product, self.mean)
        return max(vals) / min(vals) if min(vals) > 0 else math.inf

    @property
    def differs(self) -> bool:
        """True when the three differ by more than :data:`TRIO_RATIO` times."""
        return self.ratio > TRIO_RATIO

    @property
    def note(self) -> str:
        """One sentence for a reader."""
        head = (f"P({self.target}={self.state}) as a chain of {len(self.premises)} premises: "
                f"product of medians {self.product_of_medians:.3g}, median of the product "
                f"{self.median_of_product:.3g}, mean {self.mean:.3g}")
        if self.differs:
            return (head + f"; they differ by {self.ratio:.1f}x, so say which one you quote "
                    "(the mean is the probability to act on; multiplying medians understates "
                    "it when premises are uncertain)")
        return head + " (within 2x of each other)"

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"premises": [list(p) for p in self.premises],
                "product_of_medians": self.product_of_medians,
                "median_of_product": self.median_of_product, "mean": self.mean,
                "ratio": self.ratio, "differs": self.differs, "note": self.note}


def chain_premises(net: BayesNet, target: str, state: str
                   ) -> tuple[tuple[str, int, str | None, int | None], ...] | None:
    """The premises if ``P(target = state)`` is a product along a chain, else None.

    A chain: each node from the target back to a root has exactly one parent, and the node's
    state is possible (in the point CPT) under exactly one parent state: the next premise.
    Returns ``(node, state index, parent, parent state index)``, root first.

    >>> from cruxnet.catalog import load_network
    >>> [p[0] for p in chain_premises(load_network("carlsmith_2021"), "catastrophe", "yes")]
    ['aps_systems', 'incentives', 'alignment_hard', 'high_impact_failures', 'disempowerment',
     'catastrophe']
    """
    spec = net.spec
    node, s = target, spec.node(target).states.index(state)
    chain: list[tuple[str, int, str | None, int | None]] = []
    while True:
        parents = spec.node(node).parents
        if not parents:
            chain.append((node, s, None, None))
            break
        if len(parents) != 1:
            return None
        possible = np.flatnonzero(np.asarray(net.cpts[node])[:, s] > 0)
        if len(possible) != 1:
            return None
        chain.append((node, s, parents[0], int(possible[0])))
        node, s = parents[0], int(possible[0])
    return tuple(reversed(chain))


def aggregation_trio(net: BayesNet, target: str, state: str, source: ParameterSource
                     ) -> AggregationTrio | None:
    """The trio for a chain-like target (see :func:`chain_premises`), else None.

    The premises' draws come from ``source``, the same draws a batched query uses, so the
    product in each draw equals that draw's exact P(target = state).
    """
    premises = chain_premises(net, target, state)
    if premises is None:
        return None
    n = source.n
    factors = []
    for node, s, parent, ps in premises:
        if source.is_fixed(node):
            cpt = np.broadcast_to(np.asarray(source.point(node))[None], (n, *net.cpts[node].shape))
        else:
            cpt = source.block(node, 0, n)
        factors.append(cpt[:, s] if parent is None else cpt[:, ps, s])
    product = np.prod(factors, axis=0)
    states = net.spec.node
    return AggregationTrio(
        target=target, state=state,
        premises=tuple((node, states(node).states[s],
                        None if parent is None or ps is None else states(parent).states[ps])
                       for node, s, parent, ps in premises),
        product_of_medians=float(np.prod([np.median(f) for f in factors])),
        median_of_product=float(np.median(product)), mean=float(product.mean()))


