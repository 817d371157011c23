"""From what people say to distributions: elicited quantiles and intervals, and pooled experts.

* :func:`beta_from_quantiles` / :func:`beta_from_interval`: the Beta whose quantiles match what
  an expert gave ("between 10% and 40%, 80% sure"), fitted with SciPy's least squares on the
  log-parameters with residuals on the logit scale (so a 1% quantile counts as much as a 50%
  one), from several starts; the fit error is reported relative to each value's distance from
  0 or 1, with a warning above :data:`FIT_WARNING`.
  (PreliZ's ``maxent``/``quartile`` are the first choice; PreliZ 0.24, what Python 3.11 gets,
  does not import with matplotlib 3.11, so SciPy does the fitting, as the design allows.)
* :func:`dirichlet_from_mean` and :func:`dirichlet_from_mode`: a Dirichlet from a mean or mode
  vector and a concentration.
* :func:`lognormal_from_quantiles`: the log-normal of a ratio from its quantiles.
* :func:`moment_concentration` and :func:`moment_dirichlet`: the Dirichlet with given means and
  total per-state variance (of a mixture, or of draws): the one moment match every pool and
  fit uses.
* :func:`linear_pool` and :func:`log_pool`: pooling several experts' probabilities, the
  weighted mean and the normalised weighted geometric mean (for two states: the geometric mean
  of odds); :func:`log_pool_betas`: the logarithmic pool of Beta densities, again a Beta;
  :func:`pool_distributions`: the same for experts' Dirichlets and log-normals
  (:class:`Distribution`), with one weights check (:func:`check_weights`).

These are the one implementation of each: elicitation records, the hierarchical pool and count
fits (:mod:`cruxnet.updating`) and worldview files (stated marginals given as intervals,
:mod:`cruxnet.model.stated`) all use them. The module imports nothing from cruxnet but the
errors, so priors can use it without importing anything above them.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from cruxnet.base.errors import ElicitationError, ElicitationWarning
from cruxnet.base.types import NDArray

__all__ = ["FIT_WARNING", "LOG_FIT_WARNING", "Distribution", "ElicitationError",
           "ElicitationWarning", "FittedBeta", "beta_from_interval", "beta_from_quantiles",
           "check_weights", "dirichlet_from_mean", "dirichlet_from_mode", "linear_pool",
           "log_pool", "log_pool_betas", "lognormal_from_quantiles", "moment_concentration",
           "moment_dirichlet", "pool_distributions"]

#: Largest quantile error accepted without a warning, relative to the elicited value's distance
#: from 0 or 1 (whichever is nearer): 5% (a 0.0063 quantile fitted as 0.0066 passes, as 2e-10
#: does not).
FIT_WARNING = 0.05
#: Largest error in log space (a ratio's quantiles) accepted without a warning.
LOG_FIT_WARNING = 0.05




@dataclass(frozen=True)
class FittedBeta:
    """A Beta(a, b) fitted to elicited quantiles, and how well it reproduces them."""

    a: float
    b: float
    quantiles: tuple[tuple[float, float], ...]  # (probability, elicited value)
    fitted: tuple[float, ...]  # the Beta's quantiles at those probabilities
    error: float  # largest difference relative to the elicited value's distance from 0 or 1

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)

    @property
    def ess(self) -> float:
        """a + b: the "effective sample size" a worldview file writes as ``{mean, ess}``."""
        return self.a + self.b


def _check_quantiles(quantiles: Mapping[float, float]) -> list[tuple[float, float]]:
    if len(quantiles) < 2:
        raise ElicitationError(f"give at least two quantiles, got {dict(quantiles)!r}")
    items = sorted((float(p), float(v)) for p, v in quantiles.items())
    for p, v in items:
        if not 0 < p < 1:
            raise ElicitationError(f"quantile probability {p:g} is outside (0, 1)")
        if not 0 < v < 1:
            raise ElicitationError(f"the {p:g} quantile {v:g} is outside (0, 1); a Beta "
                                   "lives strictly between 0 and 1")
    values = [v for _, v in items]
    if any(b <= a for a, b in itertools.pairwise(values)):
        raise ElicitationError("quantiles must increase with their probabilities, got "
                               + ", ".join(f"{p:g}: {v:g}" for p, v in items))
    return items


def beta_from_quantiles(quantiles: Mapping[float, float], *, warn_above: float = FIT_WARNING
                        ) -> FittedBeta:
    """The Beta whose quantiles best match ``{probability: value}`` (least squares).

    Examples
    --------
    >>> fit = beta_from_quantiles({0.05: 0.1, 0.5: 0.25, 0.95: 0.5})
    >>> round(fit.mean, 2), fit.error < FIT_WARNING   # each quantile within 5% (relative)
    (0.27, True)
    >>> fit = beta_from_interval(0.0063, 0.029, 0.9)   # small probabilities fit too
    >>> round(fit.a, 1), round(fit.b), fit.error < 1e-9
    (5.0, 308, True)
    """
    from scipy.optimize import least_squares
    from scipy.stats import beta

    items = _check_quantiles(quantiles)
    probs = np.array([p for p, _ in items])
    target = np.array([v for _, v in items])
    logit_target = _logit(target)

    def residual(log_ab: NDArray) -> NDArray:
        a, b = np.exp(log_ab)
        # On the logit scale a small probability counts by its ratio: 2e-10 for 0.0063 is a
        # huge miss there, a negligible one in absolute terms.
        out: NDArray = _beta_logit_quantile(probs, a, b) - logit_target
        return out

    # Several starts (the Beta's quantiles are far from linear in its parameters): the method
    # of moments on the quantiles' median and spread, and a coarse grid of means and sizes.
    m = float(np.clip(np.interp(0.5, probs, target), 1e-4, 1 - 1e-4))
    starts = [(m * n, (1 - m) * n) for n in (1.0, 10.0, 100.0, 1000.0)]
    best = None
    for a0, b0 in starts:
        res = least_squares(residual, x0=np.log([max(a0, 2e-3), max(b0, 2e-3)]),
                            bounds=(np.log(1e-3), np.log(1e6)), xtol=1e-14, ftol=1e-14,
                            gtol=1e-14)
        if best is None or res.cost < best.cost:
            best = res
        if best.cost < 1e-24:  # an exact fit: no other start can do better
            break
    assert best is not None
    a, b = (float(x) for x in np.exp(best.x))
    fitted = tuple(float(x) for x in beta.ppf(probs, a, b))
    # The miss on the nearer tail, each side computed where it is precise (1 - X ~ Beta(b, a)).
    lower = beta.ppf(probs, a, b)
    upper = beta.ppf(1 - probs, b, a)
    miss = np.where(target <= 0.5, np.abs(lower - target) / target,
                    np.abs(upper - (1 - target)) / (1 - target))
    error = float(miss.max())
    if error > warn_above:
        warnings.warn(f"the Beta({a:.3g}, {b:.3g}) closest to the elicited quantiles misses "
                      f"one by {100 * error:.3g}% of its distance from 0 or 1 (above "
                      f"{100 * warn_above:g}%); the numbers may not fit a Beta, or may "
                      "contradict each other", ElicitationWarning, stacklevel=2)
    return FittedBeta(a, b, tuple(items), fitted, error)


def _logit(x: NDArray) -> NDArray:
    out: NDArray = np.log(x) - np.log1p(-x)
    return out


def _beta_logit_quantile(probs: NDArray, a: float, b: float) -> NDArray:
    """logit of Beta(a, b)'s quantiles, precise in both tails: ``log x`` from the quantile of
    X and ``log(1 - x)`` from the quantile of 1 - X ~ Beta(b, a)."""
    from scipy.stats import beta

    x = np.maximum(beta.ppf(probs, a, b), 1e-300)
    y = np.maximum(beta.ppf(1 - probs, b, a), 1e-300)
    out: NDArray = np.log(x) - np.log(y)
    return out


def beta_from_interval(low: float, high: float, mass: float, *,
                       warn_above: float = FIT_WARNING) -> FittedBeta:
    """The Beta with an equal-tailed ``mass`` interval ``[low, high]`` ("between 10% and 40%,
    80% sure")."""
    if not 0 < mass < 1:
        raise ElicitationError(f"the interval's probability must be in (0, 1), got {mass!r}")
    return beta_from_quantiles({(1 - mass) / 2: low, (1 + mass) / 2: high},
                               warn_above=warn_above)


def _check_vector(v: Sequence[float], what: str) -> NDArray:
    arr = np.asarray(v, dtype=float)
    if arr.ndim != 1 or len(arr) < 2 or not np.all(np.isfinite(arr)) or (arr < 0).any():
        raise ElicitationError(f"{what} must be at least two probabilities >= 0, got {list(v)}")
    if abs(arr.sum() - 1) > 1e-9:
        raise ElicitationError(f"{what} must sum to 1, got {arr.sum():g}")
    return arr


def dirichlet_from_mean(mean: Sequence[float], concentration: float) -> NDArray:
    """Dirichlet weights with the given mean vector and total ``concentration`` (= ess)."""
    m = _check_vector(mean, "the mean")
    if not concentration > 0:
        raise ElicitationError(f"the concentration must be > 0, got {concentration!r}")
    out: NDArray = m * concentration
    return out


def dirichlet_from_mode(mode: Sequence[float], concentration: float) -> NDArray:
    """Dirichlet weights whose mode is ``mode`` with total ``concentration`` (the weights'
    sum, > the number of states): alpha_i = 1 + mode_i (concentration - k)."""
    m = _check_vector(mode, "the mode")
    k = len(m)
    if not concentration > k:
        raise ElicitationError(f"a Dirichlet with a mode needs a concentration above the "
                               f"number of states ({k}), got {concentration!r}")
    out: NDArray = 1.0 + m * (concentration - k)
    return out


def check_weights(weights: Sequence[float] | None, n: int) -> NDArray:
    """The experts' weights normalised to sum to 1 (equal if None); an ElicitationError for
    a wrong count or a weight that is not a number > 0."""
    if weights is None:
        return np.full(n, 1.0 / n)
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise ElicitationError(f"give one weight per expert ({n}), got {list(weights)}")
    bad = [x for x in w if not (np.isfinite(x) and x > 0)]
    if bad:
        raise ElicitationError(f"expert weights must be > 0, got {bad[0]:g}")
    out: NDArray = w / w.sum()
    return out


def linear_pool(probs: Sequence[Sequence[float]], weights: Sequence[float] | None = None
                ) -> NDArray:
    """The weighted mean of the experts' distributions (each a probability vector)."""
    p = np.asarray(probs, dtype=float)
    for row in p:
        _check_vector(row, "each expert's distribution")
    out: NDArray = check_weights(weights, len(p)) @ p
    return out


def log_pool(probs: Sequence[Sequence[float]], weights: Sequence[float] | None = None
             ) -> NDArray:
    """The normalised weighted geometric mean of the experts' distributions. For two states
    this is the weighted geometric mean of the odds.

    Examples
    --------
    >>> p = log_pool([[0.9, 0.1], [0.6, 0.4]])     # odds 1/9 and 2/3
    >>> round(float(p[1] / p[0]), 6) == round((1 / 9 * 2 / 3) ** 0.5, 6)
    True
    """
    p = np.asarray(probs, dtype=float)
    for row in p:
        _check_vector(row, "each expert's distribution")
    w = check_weights(weights, len(p))
    with np.errstate(divide="ignore"):
        logp = w @ np.log(p)
    if not np.isfinite(logp).any():
        raise ElicitationError("the experts' distributions share no state with probability > 0")
    g = np.exp(logp - logp[np.isfinite(logp)].max())
    out: NDArray = g / g.sum()
    return out


def log_pool_betas(params: Sequence[tuple[float, float]],
                   weights: Sequence[float] | None = None) -> tuple[float, float]:
    """The logarithmic pool of Beta(a_i, b_i) densities with normalised weights w:
    prod f_i ** w_i is proportional to Beta(sum w (a - 1) + 1, sum w (b - 1) + 1)."""
    ab = np.asarray(params, dtype=float)
    if ab.ndim != 2 or ab.shape[1] != 2 or not (ab > 0).all():
        raise ElicitationError(f"give (a, b) > 0 per expert, got {list(map(tuple, ab))}")
    w = check_weights(weights, len(ab))
    a, b = w @ (ab - 1.0) + 1.0
    return float(a), float(b)


@dataclass(frozen=True)
class Distribution:
    """A Dirichlet over a row's states (``alpha``; a Beta when it has two), or a log-normal of a
    ratio (``mu``, ``sigma`` of its logarithm)."""

    alpha: tuple[float, ...] | None = None
    mu: float | None = None
    sigma: float | None = None

    @property
    def is_lognormal(self) -> bool:
        return self.alpha is None

    @property
    def mean(self) -> NDArray | float:
        """The Dirichlet mean vector, or the log-normal median (a worldview's point value)."""
        if self.alpha is None:
            return math.exp(float(self.mu))  # type: ignore[arg-type]
        a = np.asarray(self.alpha)
        out: NDArray = a / a.sum()
        return out

    @property
    def ess(self) -> float:
        """The Dirichlet concentration (sum of alpha), or the log-normal sd_log."""
        return float(sum(self.alpha)) if self.alpha is not None else float(self.sigma or 0.0)

    def moments(self) -> tuple[NDArray, NDArray]:
        """Mean and variance: per state for a Dirichlet, of the logarithm for a log-normal."""
        if self.alpha is None:
            return np.array([self.mu]), np.array([self.sigma]) ** 2
        a = np.asarray(self.alpha, dtype=float)
        a0 = a.sum()
        m = a / a0
        return m, m * (1 - m) / (a0 + 1)


def lognormal_from_quantiles(items: Sequence[tuple[float, float]], where: str
                              ) -> tuple[Distribution, float]:
    """The log-normal whose log-quantiles best match (least squares on log value vs z), and
    its largest miss in log space (a warning, naming ``where``, above LOG_FIT_WARNING)."""
    from scipy.stats import norm

    if len(items) < 2:
        raise ElicitationError("give at least two quantiles")
    probs = np.array([p for p, _ in items])
    vals = np.array([v for _, v in items])
    if ((probs <= 0) | (probs >= 1)).any():
        raise ElicitationError(f"quantile probabilities must be in (0, 1), got "
                               f"{[float(p) for p in probs]}")
    if (vals <= 0).any():
        raise ElicitationError(f"a ratio's quantiles must be > 0, got {[float(v) for v in vals]}")
    order = np.argsort(probs)
    if (np.diff(vals[order]) <= 0).any():
        raise ElicitationError("quantiles must increase with their probabilities, got "
                               + ", ".join(f"{p:g}: {v:g}" for p, v in items))
    z = norm.ppf(probs)
    sigma, mu = np.polyfit(z, np.log(vals), 1)
    error = float(np.max(np.abs(mu + sigma * z - np.log(vals))))
    if error > LOG_FIT_WARNING:
        warnings.warn(f"{where}: the log-normal closest to the elicited quantiles misses one by "
                      f"{error:.3g} in log space (above {LOG_FIT_WARNING:g})",
                      ElicitationWarning, stacklevel=3)
    return Distribution(mu=float(mu), sigma=float(sigma)), error


def pool_distributions(dists: Sequence[Distribution], weights: Sequence[float],
                       how: Literal["linear", "log"]) -> Distribution:
    """Pool experts' distributions of one target (weights are normalised).

    * ``log``: prod f_i ** w_i, renormalised. For Dirichlets this is Dirichlet(sum w (a - 1) + 1)
      and for log-normals the precision-weighted log-normal: both exact.
    * ``linear``: the mixture sum w_i f_i, replaced by the Dirichlet (log-normal) with the
      mixture's mean and total variance (per-state variances summed).

    Examples
    --------
    >>> d = pool_distributions([Distribution(alpha=(8, 2)), Distribution(alpha=(2, 8))],
    ...                        [1, 1], "log")
    >>> d.alpha
    (5.0, 5.0)
    """
    if not len(dists):
        raise ElicitationError("give at least one distribution to pool")
    w = check_weights(weights, len(dists))
    lognormal = {d.is_lognormal for d in dists}
    if len(lognormal) != 1:
        raise ElicitationError("cannot pool a log-normal with a Dirichlet")
    if lognormal.pop():
        mu = np.array([d.mu for d in dists], dtype=float)
        var = np.array([d.sigma for d in dists], dtype=float) ** 2
        if how == "log":
            prec = float(w @ (1 / var))
            return Distribution(mu=float((w @ (mu / var)) / prec), sigma=float(prec ** -0.5))
        m = float(w @ mu)
        return Distribution(mu=m, sigma=float(math.sqrt(w @ (var + mu ** 2) - m ** 2)))
    alphas = np.array([d.alpha for d in dists], dtype=float)
    if alphas.ndim != 2:
        raise ElicitationError("the experts' rows have different numbers of states")
    if how == "log":
        return Distribution(alpha=tuple(float(x) for x in w @ (alphas - 1.0) + 1.0))
    mom = [d.moments() for d in dists]
    means = np.array([m for m, _ in mom])
    second = np.array([v + m ** 2 for m, v in mom])
    mean = w @ means
    var = w @ second - mean ** 2
    return Distribution(alpha=tuple(float(x) for x in mean * moment_concentration(mean, var)))


def moment_concentration(mean: NDArray, var: NDArray) -> float:
    """The Dirichlet concentration a0 whose per-state variances m(1-m)/(a0+1) sum to ``var``'s."""
    total = float(np.sum(var))
    if total <= 0:
        return 1e6
    return max(float(np.sum(mean * (1 - mean)) / total - 1.0), 1e-6)


def moment_dirichlet(draws: NDArray) -> NDArray:
    """Dirichlet weights with the draws' mean and total per-state variance; rows (..., K)."""
    mean = draws.mean(axis=0)
    var = draws.var(axis=0)
    out: NDArray = np.empty_like(mean)
    for idx in np.ndindex(*mean.shape[:-1]):
        out[idx] = mean[idx] * moment_concentration(mean[idx], var[idx])
    return out
