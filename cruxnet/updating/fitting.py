"""Fitting CPT parameters to counts whose parents were not observed, with PyMC.

"0 of 20 honeypot tests caught misbehaviour" is data on a node (say ``honeypot_caught``) whose
parents (``scheming``, ``behavioral_tests_valid``) nobody observed. :func:`fit_latent_counts`
marginalises the latent parents and returns the posterior over the parameters involved:

* ``theta[config, state]``: the node's CPT row for each configuration of the latent parents
  (the observed ones fixed at ``given``), with the worldview's prior (a table row's Dirichlet,
  or the Dirichlet moment-matched to the prior draws of any other form's row);
* ``pi[config]`` (``cases="independent"``): the distribution of the latent parents given the
  observed ones, logistic-normal with the means and spreads of log pi over its prior draws
  from the batched engine (correlations between configurations are left out).

Two readings of the counts (``cases``):

* ``independent``: each count is a separate case whose latent parents are drawn afresh
  (counts ~ Multinomial(n, pi @ theta)): data about a population of systems;
* ``same``: every trial tests the same system, whose latent parents are fixed but unknown
  (P(counts) = sum_c pi_c Multinomial(counts | theta_c), linear in pi, so pi enters by its
  prior mean and is not sampled): this is also evidence about that
  system's parents, given as ``config_posterior`` and as the likelihood of each configuration
  ``config_likelihood`` (the prior-predictive P(counts | config), exact up to Monte Carlo).

Every fit is checked with ArviZ: r_hat <= 1.01 and bulk ESS >= 400 on every reported parameter
and no divergent transitions; otherwise :class:`FitError` says which and what to try. The PyMC
model for a shape is built once and kept (its data are swapped with ``pm.set_data``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from cruxnet.base.errors import ImpossibleEvidenceError
from cruxnet.base.types import NDArray
from cruxnet.model.elicit import moment_dirichlet
from cruxnet.model.forms import TableForm
from cruxnet.updating.diagnostics import FitError, check_fit, quiet_sampling

if TYPE_CHECKING:
    from cruxnet.model.network import BayesNet

__all__ = ["CountFit", "config_likelihood", "fit_latent_counts", "prior_row_dirichlets"]

Cases = Literal["independent", "same"]


@dataclass(frozen=True)
class CountFit:
    """The posterior of the parameters behind counts with latent parents.

    Attributes
    ----------
    idata
        ArviZ InferenceData: posterior ``theta`` (config, state), and ``pi`` (config) for
        independent cases.
    node, latent, given, configs
        The node, its latent parents, the observed ones, and the latent configurations
        (tuples of states of ``latent``).
    prior_alpha, posterior_alpha
        Per configuration, the Dirichlet of the row before the data and the one moment-matched
        to the posterior draws.
    prior_pi
        P(latent configuration | given) at the point values.
    config_posterior
        P(latent configuration | counts) at the worldview's point values for ``cases="same"``
        (what the ledger's replay shows); P(latent configuration | given) otherwise.
    config_likelihood
        P(counts | configuration) under the prior of the rows (``same``; relative scale).
    diagnostics
        From :func:`check_fit`.
    """

    idata: Any  # arviz.InferenceData
    node: str
    latent: tuple[str, ...]
    given: Mapping[str, str]
    configs: tuple[tuple[str, ...], ...]
    counts: tuple[int, ...]
    cases: Cases
    prior_alpha: NDArray
    posterior_alpha: NDArray
    prior_pi: NDArray
    config_posterior: NDArray
    config_likelihood: NDArray
    diagnostics: Mapping[str, Any]

    def interval(self, prob: float = 0.9) -> NDArray:
        """Equal-tailed intervals of ``theta``: shape (config, state, 2)."""
        from cruxnet.inference.summary import equal_tailed

        th = self.idata.posterior["theta"].values.reshape(-1, *self.posterior_alpha.shape)
        return equal_tailed(th, prob)


_MODELS: dict[tuple[int, int, str], Any] = {}


def _model(n_config: int, card: int, cases: Cases) -> Any:
    """The PyMC model for this shape, built once (its data are set before each fit)."""
    key = (n_config, card, cases)
    if key in _MODELS:
        return _MODELS[key]
    from cruxnet.base.thirdparty import quiet_arviz_notice

    with quiet_arviz_notice():
        import pymc as pm
    import pytensor.tensor as pt

    with pm.Model() as model:
        a_theta = pm.Data("alpha_theta", np.ones((n_config, card)))
        counts = pm.Data("counts", np.zeros(card))
        theta = pm.Dirichlet("theta", a=a_theta, shape=(n_config, card))
        if cases == "independent":
            # The latent configuration's distribution, logistic-normal: z = mu + sd * eps,
            # pi = softmax(z), with mu/sd from the prior draws of log pi (sd 0 pins a value).
            mu = pm.Data("pi_mu", np.zeros(n_config))
            sd = pm.Data("pi_sd", np.zeros(n_config))
            eps = pm.Normal("pi_eps", 0.0, 1.0, shape=(n_config,))
            pi = pm.Deterministic("pi", pm.math.softmax(mu + sd * eps))
            p = pt.dot(pi, theta)  # type: ignore[no-untyped-call]
            pm.Potential("data", pt.sum(counts * pt.log(p)))  # type: ignore[no-untyped-call]
        else:
            # One system: the likelihood is linear in pi, so pi enters through its prior mean
            # (exact when pi is independent of the rows).
            log_pi = pm.Data("log_pi", np.zeros(n_config))
            loglik = pt.dot(pt.log(theta), counts)  # type: ignore[no-untyped-call]
            pm.Potential("data", pm.math.logsumexp(log_pi + loglik))
    _MODELS[key] = model
    return model


def _latent_prior(net: BayesNet, latent: Sequence[str], given: Mapping[str, str],
                  configs: Sequence[tuple[str, ...]], n: int, seed: int) -> NDArray:
    """Draws of P(latent configuration | given), shape (n, configs), by the chain rule; with
    ``n == 0`` the exact value at the point CPTs, shape (1, configs)."""
    from cruxnet.beliefs import Beliefs
    from cruxnet.inference.evidence import Evidence
    from cruxnet.inference.exact import posterior

    joint = np.ones((max(n, 1), len(configs)))
    held = Beliefs(net, draws=n, seed=seed) if n else None  # one set of draws for every query
    for i, var in enumerate(latent):
        prefixes = sorted({c[:i] for c in configs})
        for prefix in prefixes:
            ev = Evidence(hard={**given, **dict(zip(latent[:i], prefix, strict=True))})
            if n == 0:
                probs = np.asarray(posterior(net, var, ev).probs)[None]
            else:
                assert held is not None
                probs = np.nan_to_num(held.posterior_draws(var, ev, shared=True).probs)
            states = net.spec.node(var).states
            for j, c in enumerate(configs):
                if c[:i] == prefix:
                    joint[:, j] *= probs[:, states.index(c[i])]
    return joint


def prior_row_dirichlets(net: BayesNet, node: str, given: Mapping[str, str], *,
                         prior_draws: int = 4000, seed: int = 0
                         ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], NDArray]:
    """The Dirichlet prior of each of ``node``'s rows that the counts may come from.

    Returns the latent parents (those not in ``given``), their configurations, and the
    Dirichlet weights ``(configs, card)`` of the matching rows: exact for a table form, else
    moment-matched to the worldview's prior draws of the rows.

    Raises
    ------
    FitError
        An unknown parent or state; rows without uncertainty.
    """
    from cruxnet.draws.worldview import WorldviewDraws

    spec = net.spec
    nspec = spec.node(node)
    for p, s in given.items():
        if p not in nspec.parents:
            raise FitError(f"{p!r} is not a parent of {node} "
                           f"(parents: {', '.join(nspec.parents) or 'none'})")
        if s not in spec.node(p).states:
            raise FitError(f"unknown state {s!r} of {p}")
    latent = tuple(p for p in nspec.parents if p not in given)
    configs = tuple(itertools.product(*(spec.node(p).states for p in latent)))
    wv = net.prior
    if wv is None:
        raise FitError(f"the network {spec.name} has no worldview to take priors from")
    form = wv.cpts[node]
    idx_of = {p: spec.node(p).states.index(s) for p, s in given.items()}

    def cell(c: tuple[str, ...]) -> tuple[int, ...]:
        full = {**idx_of, **{p: spec.node(p).states.index(s)
                             for p, s in zip(latent, c, strict=True)}}
        return tuple(full[p] for p in nspec.parents)

    if isinstance(form, TableForm) and not form.require:
        alpha: list[NDArray] = []
        for c in configs:
            states = {**given, **dict(zip(latent, c, strict=True))}
            mean, ess = form.rows[tuple(states[b] for b in form.by)]
            if ess is None:
                alpha = []
                break
            alpha.append(np.asarray(mean) * ess)
        if alpha:
            return latent, configs, np.asarray(alpha)
    src = WorldviewDraws(spec, wv, prior_draws, seed, None)
    if src.is_fixed(node):
        raise FitError(f"the CPT of {node} has no uncertainty in worldview {wv.name}: "
                       "there are no parameters to fit")
    block = np.asarray(src.block(node, 0, prior_draws))
    rows = np.stack([block[(slice(None), *cell(c))] for c in configs],  # type: ignore[arg-type]
                    axis=1)
    if (rows.var(axis=0).sum(axis=-1) <= 0).any():
        raise FitError(f"a row of {node} for {latent} has no uncertainty in worldview "
                       f"{wv.name} (a structural zero or a fixed value): nothing to fit")
    return latent, configs, moment_dirichlet(rows)


def fit_latent_counts(net: BayesNet, node: str, counts: Sequence[int],
                      given: Mapping[str, str] | None = None, *, cases: Cases = "independent",
                      draws: int = 1000, tune: int = 1000, chains: int = 2, seed: int = 0,
                      prior_draws: int = 4000, target_accept: float = 0.9,
                      progress: bool = False) -> CountFit:
    """Posterior of ``node``'s CPT rows (and its latent parents' distribution) given counts.

    Parameters
    ----------
    net
        The network with its worldview (the priors).
    node
        The node whose states were counted.
    counts
        One whole number >= 0 per state of ``node``.
    given
        Parents observed in every case, ``{parent: state}``; the others are latent.
    cases
        ``independent`` or ``same`` (see the module docstring).
    draws, tune, chains, seed, target_accept
        The NUTS run (``cores=1``); the same seed gives the same result.
    prior_draws
        Draws of the batched engine used for the priors of non-table rows and of ``pi``.

    Raises
    ------
    FitError
        Bad counts or parents; the observed parents impossible; rows without uncertainty; a
        fit that fails r_hat <= 1.01, bulk ESS >= 400 or has divergences.
    """
    from cruxnet.base.thirdparty import quiet_arviz_notice

    with quiet_arviz_notice():
        import pymc as pm

    spec = net.spec
    if node not in spec:
        raise FitError(f"unknown node {node!r} in model {spec.name}")
    nspec = spec.node(node)
    k = np.asarray(counts)
    if k.shape != (nspec.card,) or not np.issubdtype(k.dtype, np.number) or (
            k < 0).any() or (k != np.round(k)).any():
        raise FitError(f"counts for {node} must be {nspec.card} whole numbers >= 0 (one per "
                       f"state: {', '.join(nspec.states)}), got {list(counts)}")
    if k.sum() == 0:
        raise FitError(f"counts for {node} are all zero: there is nothing to fit")
    if cases not in ("independent", "same"):
        raise FitError(f"cases must be 'independent' or 'same', got {cases!r}")
    given = dict(given or {})
    latent, configs, prior_alpha = prior_row_dirichlets(net, node, given,
                                                        prior_draws=prior_draws, seed=seed)
    # Prior of the latent parents' configuration given the observed ones.
    if latent:
        try:
            pi_draws = _latent_prior(net, latent, given, configs, prior_draws, seed)
            pi_mean = _latent_prior(net, latent, given, configs, 0, seed)[0]
        except ImpossibleEvidenceError as exc:
            raise FitError(f"the observed parents {given} are impossible: {exc}") from None
    else:
        pi_draws = np.ones((1, 1))
        pi_mean = np.ones(1)
    data: dict[str, NDArray] = {"alpha_theta": prior_alpha, "counts": k.astype(float)}
    if cases == "independent":
        logs = np.log(np.clip(pi_draws, 1e-12, None))
        logs -= logs.mean(axis=1, keepdims=True)
        data["pi_mu"], data["pi_sd"] = logs.mean(axis=0), logs.std(axis=0)
    else:
        data["log_pi"] = np.log(np.clip(pi_draws.mean(axis=0), 1e-300, None))
    with quiet_sampling(progress):
        model = _model(len(configs), nspec.card, cases)
    with model, quiet_sampling(progress):
        pm.set_data(data)
        idata = pm.sample(draws=draws, tune=tune, chains=chains, cores=1, random_seed=seed,
                          progressbar=progress, compute_convergence_checks=False,
                          target_accept=target_accept)
    idata.posterior = idata.posterior.assign_coords(
        {"theta_dim_0": [",".join(c) or "-" for c in configs], "theta_dim_1": list(nspec.states)})
    names = ["theta"] + (["pi"] if cases == "independent" and len(configs) > 1 else [])
    diag = check_fit(idata, names, what=f"the fit of {node} to counts {list(map(int, k))}")
    theta = idata.posterior["theta"].values.reshape(-1, len(configs), nspec.card)
    post_alpha = moment_dirichlet(theta)
    # Evidence about the latent configuration (cases="same").
    lik = config_likelihood(prior_alpha, k)
    if cases == "same":
        w = pi_mean * lik
        config_post = w / w.sum()
    else:
        config_post = pi_mean
    idata.posterior.attrs.update({"node": node, "cases": cases, "counts": list(map(int, k)),
                                  "given": str(given), "latent": ",".join(latent)})
    return CountFit(idata, node, latent, given, configs, tuple(int(x) for x in k), cases,
                    prior_alpha, post_alpha, pi_mean, config_post, lik, diag)


def config_likelihood(alpha: NDArray, k: NDArray) -> NDArray:
    """P(counts in this order | row ~ Dirichlet(alpha)) per configuration (Dirichlet-
    multinomial without the multinomial coefficient), scaled to a maximum of 1."""
    from scipy.special import gammaln

    a0 = alpha.sum(axis=-1)
    logl = gammaln(a0) - gammaln(a0 + k.sum()) + (gammaln(alpha + k) - gammaln(alpha)).sum(-1)
    out: NDArray = np.exp(logl - logl.max())
    return out
