"""Exact posterior P(target | evidence) by variable elimination over the relevant subgraph.

The algorithm, for a query on ``target`` with :class:`~cruxnet.inference.evidence.Evidence`:

1. **do** by graph surgery (:meth:`BayesNet.do`): a new, mutilated network.
2. Keep only the ancestors of the target and the evidence nodes (barren nodes sum to 1).
3. **hard** evidence slices the factors; **likelihood** evidence multiplies a factor over its node.
4. **fixed** marginals (Jeffrey's rule) become weight factors over the fixed nodes, fitted
   exactly (feasibility by a linear programme, the weights by Newton's method on the joint of
   the fixed nodes; :mod:`cruxnet.inference.jeffrey`): every fixed node's posterior equals its
   target to 1e-12.
5. One contraction to the target's axis (path cached); normalise. P(e) = 0 raises
   :class:`~cruxnet.base.errors.ImpossibleEvidenceError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.errors import EvidenceError, ImpossibleEvidenceError
from cruxnet.inference.contract import UNDERFLOW, Factor, contract_factors, contract_factors_scaled
from cruxnet.inference.evidence import Evidence, EvidenceLike
from cruxnet.inference.factors import prepare_query, query_factors
from cruxnet.inference.jeffrey import fit_fixed_marginals
from cruxnet.inference.results import Posterior
from cruxnet.model.network import BayesNet

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["joint_posterior", "posterior", "posteriors"]


def _impossible(net: BayesNet, evidence: Evidence) -> ImpossibleEvidenceError:
    return ImpossibleEvidenceError(
        f"the evidence has probability 0 in model {net.spec.name}"
        f"{' (worldview ' + net.worldview + ')' if net.worldview else ''}: {evidence.describe()}")


def posterior(net: BayesNet, target: str, evidence: EvidenceLike = None) -> Posterior:
    """Exact P(target | evidence) with hard, likelihood, fixed-marginal and do evidence.

    Parameters
    ----------
    net
        The network (not modified).
    target
        The node to query.
    evidence
        What is observed and what is done; ``None`` for the prior marginal.

    Returns
    -------
    Posterior
        ``post["yes"]`` reads as "the probability that target is yes, given the evidence".

    Raises
    ------
    EvidenceError
        Unknown node or state; a malformed vector; fixed marginals that cannot all hold.
    ImpossibleEvidenceError
        The evidence has probability 0.

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> net = load_network("carlsmith_2021")
    >>> round(posterior(net, "catastrophe")["yes"], 6)
    0.051376
    >>> round(posterior(net, "catastrophe", Evidence(hard={"aps_systems": "yes"}))["yes"], 6)
    0.07904
    """
    q = prepare_query(net, target, evidence)
    ev, work, hard, keep = q.evidence, q.work, q.hard, q.keep
    spec = work.spec
    # A do() node that is also observed: consistent or impossible, decided by its point mass.
    factors = query_factors(spec, keep, hard, target, ev.likelihood,
                            lambda n: (np.asarray(work.cpts[n]), False))
    log_p_e = 0.0
    if ev.fixed:
        # P(e) of the hard/likelihood evidence needs its own contraction only here; otherwise
        # it is the normaliser of the target's contraction below.
        p_e, log_p_e = _total(factors, [])
        if not p_e > 0:
            raise _impossible(net, ev)
        factors = factors + _jeffrey_factors(net, ev, factors)
    unnorm, log_z = _contract(factors, [target])
    z = float(unnorm.sum())
    if not z > 0:
        raise _impossible(net, ev)
    if not ev.fixed:
        p_e, log_p_e = z, log_z
    probs = unnorm / z
    probs.setflags(write=False)
    return Posterior(target=target, states=spec.node(target).states, probs=probs,
                     p_evidence=float(p_e * np.exp(log_p_e)), evidence=ev,
                     provenance=dict(net.provenance), log_p_evidence=float(np.log(p_e) + log_p_e))


def _contract(factors: list[Factor], output: list[str]) -> tuple[np.ndarray[Any, Any], float]:
    """The contraction and a log scale: the plain one, or, where its total is so small that
    digits may have underflowed (long products of tiny probabilities), the rescaled one."""
    res = contract_factors(factors, output)
    total = float(res.sum())
    if total > UNDERFLOW or not factors:
        return res, 0.0
    scaled, log_s = contract_factors_scaled(factors, output)
    return scaled, float(log_s)


def _total(factors: list[Factor], output: list[str]) -> tuple[float, float]:
    res, log_s = _contract(factors, output)
    return float(res.sum()), log_s


def _jeffrey_factors(net: BayesNet, ev: Evidence, base: list[Factor]) -> list[Factor]:
    """Factors that make each fixed node's posterior equal its target marginal (see
    :mod:`cruxnet.inference.jeffrey`); errors name what makes them impossible."""
    fit = fit_fixed_marginals(ev.fixed, base, 1)
    for node, bad in fit.unsupported.items():
        if bad.any():
            state = net.spec.node(node).states[int(np.flatnonzero(bad[:, 0])[0])]
            raise ImpossibleEvidenceError(
                f"fixed marginal for {node} puts mass on state {state!r}, which has "
                f"probability 0 given the other evidence ({ev.describe()})")
    if not fit.feasible[0]:
        raise EvidenceError(
            f"the fixed marginals cannot all hold together ({ev.describe()}): no distribution "
            "on the state combinations still possible given the other evidence has them all")
    return [(arr[..., 0], axes[:-1]) for arr, axes in fit.factors]


def posteriors(net: BayesNet, targets: Sequence[str] | None = None,
               evidence: EvidenceLike = None) -> dict[str, Posterior]:
    """Posterior of several nodes (all nodes by default) under the same evidence."""
    return {t: posterior(net, t, evidence) for t in (targets or net.spec.node_ids)}


def joint_posterior(net: BayesNet, targets: Sequence[str], evidence: EvidenceLike = None
                    ) -> xr.DataArray:
    """Exact joint P(targets | evidence) as a DataArray with one dim per target (states as
    coordinates), like pgmpy's ``query(variables, joint=True)``.

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> j = joint_posterior(load_network("carlsmith_2021"), ["aps_systems", "catastrophe"])
    >>> j.dims, round(float(j.sum()), 12)
    (('aps_systems', 'catastrophe'), 1.0)
    >>> float(j.sel(aps_systems="no", catastrophe="yes"))
    0.0
    """
    import xarray as xr

    targets = list(targets)
    if not targets or len(set(targets)) != len(targets):
        raise EvidenceError(f"targets: give distinct nodes, got {targets!r}")
    q = prepare_query(net, targets[0], evidence)
    for t in targets[1:]:
        prepare_query(net, t, q.evidence)  # names an unknown target
    ev, work = q.evidence, q.work
    spec = work.spec
    hard = {n: i for n, i in q.hard.items() if n not in targets}
    keep = spec.ancestors({*targets, *ev.hard, *ev.likelihood, *ev.fixed})
    factors = query_factors(spec, keep, hard, targets[0], ev.likelihood,
                            lambda n: (np.asarray(work.cpts[n]), False))
    for t in targets:  # an observed target: its indicator
        if t in q.hard:
            ind = np.zeros(spec.node(t).card)
            ind[q.hard[t]] = 1.0
            factors.append((ind, (t,)))
    if ev.fixed:
        p_e, _ = _total(factors, [])
        if not p_e > 0:
            raise _impossible(net, ev)
        factors = factors + _jeffrey_factors(net, ev, factors)
    unnorm, _ = _contract(factors, targets)
    z = float(unnorm.sum())
    if not z > 0:
        raise _impossible(net, ev)
    name = f"P({', '.join(targets)}" + (f" | {ev.describe()})" if not ev.is_empty() else ")")
    return xr.DataArray(unnorm / z, dims=targets, name=name,
                        coords={t: list(spec.node(t).states) for t in targets},
                        attrs={**{k: v for k, v in net.provenance.items()
                                  if isinstance(v, (str, int, float))},
                               "evidence": ev.describe()})
