"""Hierarchical pooling of experts with PyMC: the population distribution of each parameter.

Each expert's elicited distribution of a parameter is read as a noisy measurement of the
parameter on an unbounded scale:

* a Dirichlet row (a Beta for two states) on the additive log-ratio scale against its last
  state, z_j = log(p_j / p_K): the expert's value y_e = E[z] = digamma(a_j) - digamma(a_K) and
  measurement sd s_e = sqrt(trigamma(a_j) + trigamma(a_K)) (exact moments of z under the
  expert's Dirichlet; the covariance between coordinates is left out);
* a log-normal ratio on the log scale: y_e = mu_e, s_e = sigma_e.

The model, per coordinate (logit-normal random effects per expert, marginalised)::

    mu ~ Normal(0, 2)          population mean
    tau ~ HalfNormal(1)        how much experts differ beyond their own uncertainty
    y_e ~ Normal(mu, sqrt(tau**2 + s_e**2))
    z_new = mu + tau * eps, eps ~ Normal(0, 1)      a new expert's value: the population

The posterior of ``z_new`` (mapped back by softmax / exp) is the pooled distribution; it is kept
as ArviZ ``InferenceData`` and summarised as the Dirichlet (log-normal) with its mean and total
variance. Every fit is checked (r_hat <= 1.01, bulk ESS >= 400, no divergences on ``mu``,
``tau`` and ``z_new``); a fit that fails raises :class:`~cruxnet.updating.diagnostics.FitError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.model.elicit import Distribution, ElicitationError, moment_concentration

if TYPE_CHECKING:

    pass

__all__ = ["HierarchicalPool", "hierarchical_pool"]


@dataclass(frozen=True)
class HierarchicalPool:
    """The fitted pool: per target label the moment-matched distribution, and the trace."""

    pooled: Mapping[str, Distribution]
    idata: Any  # arviz.InferenceData


def _coordinates(d: Distribution) -> tuple[NDArray, NDArray]:
    """The expert's value and measurement sd on the unbounded scale (see the module doc)."""
    from scipy.special import digamma, polygamma

    if d.is_lognormal:
        return np.array([d.mu], dtype=float), np.array([d.sigma], dtype=float)
    a = np.asarray(d.alpha, dtype=float)
    y = digamma(a[:-1]) - digamma(a[-1])
    s = np.sqrt(polygamma(1, a[:-1]) + polygamma(1, a[-1]))
    return y, s


def hierarchical_pool(targets: Mapping[str, Sequence[Distribution]],
                      weights: Mapping[str, Sequence[float]] | None = None, *, seed: int = 0,
                      draws: int = 1000, tune: int = 1000, chains: int = 2,
                      progress: bool = False) -> HierarchicalPool:
    """Fit the random-effects model for every target at once.

    Parameters
    ----------
    targets
        Target label -> the experts' distributions (all Dirichlets with the same number of
        states, or all log-normals).
    weights
        Target label -> one weight > 0 per expert (default: equal). A weight multiplies the
        precision of the expert's measurement (relative to the mean weight): an expert with
        twice the weight counts as two agreeing experts.
    seed, draws, tune, chains
        The NUTS run (``cores=1``; the same seed gives the same draws).

    Returns
    -------
    HierarchicalPool
        ``idata.posterior`` holds ``mu``, ``tau`` and ``z_new`` (dim ``coordinate``) and, per
        target, its population draws (a Dirichlet row over ``<label>:state``, or the ratio).

    Raises
    ------
    FitError
        r_hat > 1.01, bulk ESS < 400 or divergences on the reported parameters.
    """
    from cruxnet.base.thirdparty import quiet_arviz_notice
    from cruxnet.updating.diagnostics import check_fit, quiet_sampling

    with quiet_arviz_notice():
        import pymc as pm

    if not targets:
        raise ElicitationError("nothing to pool")
    labels: list[str] = []
    coord_names: list[str] = []
    y_rows: list[float] = []
    s_rows: list[float] = []
    which: list[int] = []
    spans: dict[str, tuple[int, int, bool, int]] = {}
    for label, dists in targets.items():
        kinds = {d.is_lognormal for d in dists}
        if len(kinds) != 1:
            raise ElicitationError(f"{label}: cannot pool a log-normal with a Dirichlet")
        sizes = {len(d.alpha) for d in dists if d.alpha is not None}
        if len(sizes) > 1:
            raise ElicitationError(f"{label}: the experts' rows have different numbers of "
                                   "states")
        start = len(coord_names)
        lognormal = kinds.pop()
        k = 1 if lognormal else sizes.pop() - 1
        for j in range(k):
            coord_names.append(f"{label}:{j}")
        w = np.asarray(weights[label] if weights is not None else np.ones(len(dists)), dtype=float)
        if w.shape != (len(dists),) or not (np.isfinite(w) & (w > 0)).all():
            raise ElicitationError(f"{label}: give one weight > 0 per expert, got {list(w)}")
        w = w / w.mean()
        for d, we in zip(dists, w, strict=True):
            y, s = _coordinates(d)
            s = s / np.sqrt(we)
            for j in range(k):
                y_rows.append(y[j])
                s_rows.append(s[j])
                which.append(start + j)
        spans[label] = (start, start + k, lognormal, k + (0 if lognormal else 1))
        labels.append(label)
    n_coord = len(coord_names)
    with quiet_sampling(progress), pm.Model(coords={"coordinate": coord_names}) as model:
        mu = pm.Normal("mu", 0.0, 2.0, dims="coordinate")
        tau = pm.HalfNormal("tau", 1.0, dims="coordinate")
        idx = np.asarray(which)
        pm.Normal("y", mu=mu[idx], sigma=pm.math.sqrt(tau[idx] ** 2 + np.asarray(s_rows) ** 2),
                  observed=np.asarray(y_rows))
        eps = pm.Normal("eps", 0.0, 1.0, dims="coordinate")
        pm.Deterministic("z_new", mu + tau * eps, dims="coordinate")
        idata = pm.sample(draws=draws, tune=tune, chains=chains, cores=1, random_seed=seed,
                          progressbar=progress, compute_convergence_checks=False,
                          target_accept=0.9)
    check_fit(idata, ["mu", "tau", "z_new"], what="the hierarchical pool of "
              f"{len(labels)} target(s)", n_coord=n_coord)
    post = idata.posterior
    z = post["z_new"].values  # (chain, draw, coordinate)
    pooled: dict[str, Distribution] = {}
    for label in labels:
        start, stop, lognormal, card = spans[label]
        zs = z[..., start:stop]
        if lognormal:
            logv = zs[..., 0].ravel()
            pooled[label] = Distribution(mu=float(logv.mean()), sigma=float(logv.std()))
            post[label] = (("chain", "draw"), np.exp(zs[..., 0]))
            continue
        full = np.concatenate([zs, np.zeros((*zs.shape[:2], 1))], axis=-1)
        full = np.exp(full - full.max(axis=-1, keepdims=True))
        theta = full / full.sum(axis=-1, keepdims=True)
        flat = theta.reshape(-1, card)
        mean, var = flat.mean(axis=0), flat.var(axis=0)
        pooled[label] = Distribution(alpha=tuple(float(x) for x in
                                                 mean * moment_concentration(mean, var)))
        post[label] = (("chain", "draw", f"{label}:state"), theta)
    idata.posterior.attrs["cruxnet_pool"] = "hierarchical (logit-normal random effects)"
    del model
    return HierarchicalPool(pooled, idata)
