"""What the engines return: :class:`Posterior` (an exact distribution), :class:`PosteriorDraws`
(one per parameter draw) and :class:`PosteriorSummary` (their mean, median and credible
interval), each with its provenance and an xarray view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.base.validate import check_ci_prob
from cruxnet.inference.evidence import Evidence
from cruxnet.inference.summary import check_ci_kind, equal_tailed, hdi_interval

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["DrawnPosterior", "Posterior", "PosteriorDraws", "PosteriorSummary", "summarize"]


@dataclass(frozen=True)
class Posterior:
    """The answer to a query: P(target | evidence) over the target's states.

    Attributes
    ----------
    target, states, probs
        The node, its states and their posterior probabilities (sum to 1).
    p_evidence, log_p_evidence
        Probability of the hard and likelihood evidence in the (mutilated) network, and its
        logarithm (which stays exact where the probability is below float64's range); for
        likelihood evidence it is relative to the scale of the vectors. Fixed marginals do not
        enter it.
    """

    target: str
    states: tuple[str, ...]
    probs: np.ndarray[Any, np.dtype[np.float64]]
    p_evidence: float
    evidence: Evidence = field(default_factory=Evidence)
    provenance: Mapping[str, str] = field(default_factory=dict)
    log_p_evidence: float = 0.0  # log of p_evidence, exact where p_evidence underflows to 0

    def __repr__(self) -> str:
        probs = ", ".join(f"{s} {p:.4g}" for s, p in zip(self.states, self.probs, strict=True))
        return f"Posterior(P({self.target} | {self.evidence.describe()}): {probs})"

    def _repr_html_(self) -> str:
        from cruxnet.base.display import bar_html, html_table

        rows = [(s, f"{p:.4f}", bar_html(float(p)))
                for s, p in zip(self.states, self.probs, strict=True)]
        where = self.provenance.get("worldview", "")
        return html_table(("state", "P", ""), rows, raw=(2,),
                          caption=f"P({self.target} | {self.evidence.describe()})"
                                  + (f" under {where}" if where else ""))

    def __getitem__(self, state: str) -> float:
        return float(self.probs[self.states.index(state)])

    def as_dict(self) -> dict[str, float]:
        """State -> probability."""
        return {s: float(p) for s, p in zip(self.states, self.probs, strict=True)}

    def to_xarray(self) -> xr.DataArray:
        """As an ``xarray.DataArray`` with dim named after the target and provenance attrs."""
        import xarray as xr

        return xr.DataArray(self.probs, dims=(self.target,),
                            coords={self.target: list(self.states)},
                            name=f"P({self.target})",
                            attrs={**self.provenance, "evidence": self.evidence.describe(),
                                   "method": "exact"})


@dataclass(frozen=True)
class PosteriorDraws:
    """P(target | evidence) in each parameter draw where the evidence is possible.

    Attributes
    ----------
    target, states
        The query node and its states.
    probs
        Shape ``(n_possible, card)``: one posterior per possible draw (rows sum to 1).
    draw
        The draw indices of the rows of ``probs`` (0..n_draws-1, impossible ones left out).
    p_evidence
        P(hard and likelihood evidence) in each possible draw.
    n_draws
        How many draws were made.
    """

    target: str
    states: tuple[str, ...]
    probs: NDArray
    draw: np.ndarray[Any, np.dtype[np.int64]]
    p_evidence: NDArray
    n_draws: int
    evidence: Evidence = field(default_factory=Evidence)
    provenance: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n_impossible(self) -> int:
        """Draws in which the evidence has probability 0 (left out of ``probs``)."""
        return self.n_draws - len(self.draw)

    def __getitem__(self, state: str) -> NDArray:
        """P(target = state | evidence) across the possible draws."""
        return self.probs[:, self.states.index(state)]

    @property
    def attrs(self) -> dict[str, Any]:
        """Provenance plus the query: what every exported object carries."""
        return {**self.provenance, "target": self.target, "evidence": self.evidence.describe(),
                "method": "batched exact", "draws": self.n_draws,
                "impossible_draws": self.n_impossible}

    def to_inference_data(self) -> Any:
        """ArviZ InferenceData: P(target) per draw in the posterior group (one chain), named
        ``P(target)``, with the states as a coordinate; ``az.summary`` reads it."""
        from cruxnet.base.thirdparty import arviz

        az = arviz()

        da = self.to_xarray().expand_dims(chain=[0])
        return az.InferenceData(posterior=da.to_dataset(name=f"P({self.target})"))

    def __repr__(self) -> str:
        means = ", ".join(f"{s} {m:.3f}" for s, m in
                          zip(self.states, self.probs.mean(axis=0), strict=True))
        return (f"PosteriorDraws(P({self.target} | {self.evidence.describe()}) in "
                f"{len(self.draw)} of {self.n_draws} draws; mean {means})")

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def to_xarray(self) -> xr.DataArray:
        """As a DataArray with dims ``("draw", target)``, the target's states as coordinates."""
        import xarray as xr

        return xr.DataArray(self.probs, dims=("draw", self.target),
                            coords={"draw": self.draw, self.target: list(self.states)},
                            name=f"P({self.target})", attrs=self.attrs)

    def summary(self, ci_prob: float = 0.9, ci_kind: str = "eti") -> PosteriorSummary:
        """Mean, median and credible interval of each state's probability (see ``summary``)."""
        from cruxnet.inference.results import summarize

        return summarize(self, ci_prob=ci_prob, ci_kind=ci_kind)


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
        from cruxnet.base.display import html_table

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
    check_ci_kind(ci_kind)
    probs = post.probs
    if ci_kind == "eti":
        med = np.median(probs, axis=0)
        lo, hi = np.moveaxis(equal_tailed(probs, ci_prob), -1, 0)
        interval = {s: (float(lo[i]), float(hi[i])) for i, s in enumerate(post.states)}
    else:
        med = np.median(probs, axis=0)
        interval = {s: hdi_interval(probs[:, i], ci_prob) for i, s in enumerate(post.states)}
    mean = probs.mean(axis=0)
    return PosteriorSummary(
        target=post.target, states=post.states,
        mean={s: float(mean[i]) for i, s in enumerate(post.states)},
        median={s: float(med[i]) for i, s in enumerate(post.states)},
        interval=interval, ci_prob=ci_prob, ci_kind=ci_kind, draws=post.n_draws,
        impossible_draws=post.n_impossible, attrs=post.attrs)
