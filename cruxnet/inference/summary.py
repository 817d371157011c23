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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from cruxnet.errors import DrawsError
from cruxnet.priors.network import BayesNet
from cruxnet.types import NDArray

if TYPE_CHECKING:
    import xarray as xr

    from cruxnet.inference.source import ParameterSource

__all__ = [
    "CI_KINDS",
    "AggregationTrio",
    "PosteriorSummary",
    "aggregation_trio",
    "chain_premises",
    "check_ci_prob",
    "credible_interval",
    "equal_tailed",
    "summarize",
]

CIKind = Literal["eti", "hdi"]
#: Interval kinds: equal-tailed and highest-density.
CI_KINDS = frozenset({"eti", "hdi"})
#: The trio differs "a lot" when its largest member exceeds this multiple of its smallest.
TRIO_RATIO = 2.0


def check_ci_prob(ci_prob: object) -> float:
    """A credible mass must be a number strictly between 0 and 1."""
    if (isinstance(ci_prob, bool) or not isinstance(ci_prob, (int, float))
            or not 0.0 < float(ci_prob) < 1.0):
        raise DrawsError(f"the credible interval probability must be in (0, 1), got {ci_prob!r}")
    return float(ci_prob)


def _check_kind(ci_kind: str) -> str:
    if ci_kind not in CI_KINDS:
        raise DrawsError(f"unknown interval kind {ci_kind!r}; allowed: "
                         f"{', '.join(sorted(CI_KINDS))}")
    return ci_kind


def _hdi(values: NDArray, ci_prob: float) -> tuple[float, float]:
    """The narrowest interval holding ``ci_prob`` of the draws (ArviZ's rule: of the sorted
    draws, the shortest window spanning floor(ci_prob * n) steps; NaN ignored).

    >>> _hdi(np.array([0.0, 0.1, 0.2, 0.3, 5.0]), 0.6)   # windows of 3 steps
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
    if _check_kind(ci_kind) == "hdi":
        return _hdi(values, ci_prob)
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


@dataclass(frozen=True)
class PosteriorSummary:
    """Mean, median and a credible interval of each state's posterior probability.

    Attributes
    ----------
    mean, median
        State -> probability (the mean is the probability to act on).
    interval
        State -> ``(lower, upper)`` with mass ``ci_prob`` (kind ``ci_kind``).
    draws, impossible_draws
        Draws made, and draws where the evidence was impossible (left out).
    """

    target: str
    states: tuple[str, ...]
    mean: Mapping[str, float]
    median: Mapping[str, float]
    interval: Mapping[str, tuple[float, float]]
    ci_prob: float
    ci_kind: str
    draws: int
    impossible_draws: int
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The JSON fields of ``cruxnet query --draws``."""
        return {"draws": self.draws, "impossible_draws": self.impossible_draws,
                "mean": dict(self.mean), "median": dict(self.median),
                "interval": {s: list(v) for s, v in self.interval.items()},
                "ci_prob": self.ci_prob, "ci_kind": self.ci_kind}

    def to_xarray(self) -> xr.Dataset:
        """``mean`` and ``median`` (dim: target) and ``interval`` (target, ci_bound)."""
        import xarray as xr

        t = self.target
        coords = {t: list(self.states), "ci_bound": ["lower", "upper"]}
        return xr.Dataset(
            {"mean": ((t,), [self.mean[s] for s in self.states]),
             "median": ((t,), [self.median[s] for s in self.states]),
             "interval": ((t, "ci_bound"), [list(self.interval[s]) for s in self.states],
                          {"ci_kind": self.ci_kind, "ci_prob": self.ci_prob})},
            coords=coords, attrs=dict(self.attrs))

    def __repr__(self) -> str:
        pct = f"{self.ci_prob * 100:g}%"
        parts = ", ".join(f"{s} {self.mean[s]:.3f} [{self.interval[s][0]:.3f}, "
                          f"{self.interval[s][1]:.3f}]" for s in self.states)
        return (f"PosteriorSummary(P({self.target}) over {self.draws} draws, mean and {pct} "
                f"{self.ci_kind}: {parts})")

    def _repr_html_(self) -> str:
        from cruxnet.display import html_table

        pct = f"{self.ci_prob * 100:g}%"
        rows = [(s, f"{self.mean[s]:.4f}", f"{self.median[s]:.4f}",
                 f"[{self.interval[s][0]:.4f}, {self.interval[s][1]:.4f}]") for s in self.states]
        kind = "equal-tailed" if self.ci_kind == "eti" else "highest-density"
        return html_table(("state", "mean", "median", f"{pct} {kind} interval"), rows,
                          caption=f"P({self.target}) over {self.draws} parameter draws"
                                  + (f" ({self.impossible_draws} impossible)"
                                     if self.impossible_draws else ""))

    def text(self) -> str:
        """A compact block for a terminal."""
        kind = "equal-tailed" if self.ci_kind == "eti" else "highest-density"
        pct = f"{self.ci_prob * 100:g}%"
        width = max(len(s) for s in self.states)
        lines = [f"{s:<{width}}  mean {self.mean[s]:.4f}  median {self.median[s]:.4f}  "
                 f"{pct} [{self.interval[s][0]:.4f}, {self.interval[s][1]:.4f}]"
                 for s in self.states]
        foot = f"{self.draws} draws, {pct} {kind} intervals"
        if self.impossible_draws:
            foot += (f"; the evidence was impossible in {self.impossible_draws} draws, "
                     "summarised over the rest")
        return "\n".join([*lines, foot])


class DrawnPosterior(Protocol):
    """What :func:`summarize` reads (a :class:`~cruxnet.inference.batched.PosteriorDraws`)."""

    @property
    def target(self) -> str: ...

    @property
    def states(self) -> tuple[str, ...]: ...

    @property
    def probs(self) -> NDArray: ...

    @property
    def n_draws(self) -> int: ...

    @property
    def n_impossible(self) -> int: ...

    @property
    def attrs(self) -> dict[str, Any]: ...


def summarize(post: DrawnPosterior, ci_prob: float = 0.9, ci_kind: str = "eti"
              ) -> PosteriorSummary:
    """Summarise batched posteriors (see :meth:`PosteriorDraws.summary`).

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> from cruxnet.inference.batched import posterior_draws
    >>> post = posterior_draws(load_network("carlsmith_2021"), "aps_systems", draws=4000, seed=3)
    >>> s = summarize(post, 0.9)
    >>> lo, hi = s.interval["yes"]
    >>> bool(lo < s.median["yes"] < hi), s.ci_kind
    (True, 'eti')
    """
    ci_prob = check_ci_prob(ci_prob)
    _check_kind(ci_kind)
    probs = post.probs
    if ci_kind == "eti":
        med = np.median(probs, axis=0)
        lo, hi = np.moveaxis(equal_tailed(probs, ci_prob), -1, 0)
        interval = {s: (float(lo[i]), float(hi[i])) for i, s in enumerate(post.states)}
    else:
        med = np.median(probs, axis=0)
        interval = {s: _hdi(probs[:, i], ci_prob) for i, s in enumerate(post.states)}
    mean = probs.mean(axis=0)
    return PosteriorSummary(
        target=post.target, states=post.states,
        mean={s: float(mean[i]) for i, s in enumerate(post.states)},
        median={s: float(med[i]) for i, s in enumerate(post.states)},
        interval=interval, ci_prob=ci_prob, ci_kind=ci_kind, draws=post.n_draws,
        impossible_draws=post.n_impossible, attrs=post.attrs)
