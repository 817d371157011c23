"""A ledger replayed: evidence entries become the evidence of each step (a later entry on a node
replaces an earlier one), data entries update the tables (conjugately where every parent the row
depends on is given, else by a PyMC fit), the person's stated marginals keep holding after each,
and the belief trajectory is P(target) with its interval after every entry. Reading the file is
:mod:`cruxnet.updating.ledger`."""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.errors import LedgerError
from cruxnet.inference.evidence import Evidence
from cruxnet.model.forms import KnownTableForm, TableForm
from cruxnet.model.network import BayesNet
from cruxnet.model.spec import ModelSpec
from cruxnet.updating.ledger import LedgerEntry

__all__ = ["apply_entries", "replay_ledger"]
if TYPE_CHECKING:
    import xarray as xr

    from cruxnet.beliefs import Beliefs


def _conjugate(net: BayesNet, entry: LedgerEntry, file: str) -> BayesNet:
    """The network with ``entry.node``'s table row for ``given`` updated by the counts (the
    entry passed :func:`_is_conjugate`)."""
    form = net.prior.cpts[entry.node]  # type: ignore[union-attr]
    assert isinstance(form, TableForm)
    key = tuple(entry.given[b] for b in form.by)
    means, ess = form.rows[key]
    if ess is None:
        raise LedgerError(f"{file}: line {entry.line}: the row {key} of {entry.node} states no "
                          "ess, so it has no prior weight to update")
    alpha = np.asarray(means) * ess + np.asarray(entry.counts, dtype=float)
    total = float(alpha.sum())
    rows = dict(form.rows)
    rows[key] = (tuple(float(a / total) for a in alpha), total)
    return _updated(net, {entry.node: replace(form, rows=rows)},
                    [entry.line, entry.node, list(entry.counts), dict(entry.given)])


def _updated(net: BayesNet, forms: Mapping[str, Any], record: list[Any],
             spec: ModelSpec | None = None) -> BayesNet:
    """``net`` with some CPT forms replaced (and optionally a new structure ``spec``), the
    update recorded in the worldview's hash and provenance."""
    from cruxnet.base.version import cruxnet_version

    wv = net.prior
    assert wv is not None
    spec = spec or net.spec
    raw = {**wv.raw, "_ledger": [*wv.raw.get("_ledger", []), record]}
    new_wv = replace(wv, cpts={**wv.cpts, **forms}, raw=raw)
    prov = {**net.provenance, "spec_sha256": spec.sha256, "worldview_sha256": new_wv.sha256,
            "cruxnet_version": cruxnet_version()}
    from cruxnet.inference.marginals import apply_stated_marginals

    # The person's stated marginals keep holding: the updated tables are tilted to them again.
    return apply_stated_marginals(
        BayesNet(spec, new_wv.point_cpts(spec), net.worldview, prov, new_wv), net.marginals)


def _marginal_update(net: BayesNet, entry: LedgerEntry, file: str) -> BayesNet:
    """Counts of a node whose marginal the person stated: the stated marginal is the prior of
    P(node), so counts of independent cases (parents not given) update it conjugately,
    Dirichlet(alpha + counts); the node's table is then tilted to the updated marginal."""
    from cruxnet.inference.marginals import apply_stated_marginals

    where = f"{file}: line {entry.line}"
    m = net.marginals[entry.node]
    if entry.given or entry.cases != "independent":
        raise LedgerError(
            f"{where}: {entry.node} has a stated marginal (P({entry.node}) as you put it), so "
            "data on it must be counts of independent cases with no parent given; counts "
            "given its parents would change a table the stated marginal overrides")
    from cruxnet.base.errors import SpecError
    from cruxnet.draws.marginal import marginal_alpha

    try:  # the weights its draws come from (the worldview's default_ess if it states none)
        if m.exact:
            raise SpecError("exact")
        alpha = marginal_alpha(m, net.prior.default_ess if net.prior else None, None)[0]
    except SpecError:
        raise LedgerError(f"{where}: the stated marginal of {entry.node} states no "
                          "uncertainty, so it has no prior weight to update; give it an "
                          "ess") from None
    new_alpha = tuple(float(a) + k for a, k in zip(alpha, entry.counts, strict=True))
    total = math.fsum(new_alpha)
    updated = replace(m, probs=tuple(a / total for a in new_alpha), alpha=new_alpha,
                      exact=False, said=f"{m.said}, updated by counts {list(entry.counts)}")
    return apply_stated_marginals(net, {**net.marginals, entry.node: updated})


def _is_conjugate(net: BayesNet, entry: LedgerEntry) -> bool:
    form = net.prior.cpts[entry.node] if net.prior is not None else None
    return (isinstance(form, TableForm) and not form.require
            and all(b in entry.given for b in form.by)
            and (entry.cases == "independent"
                 or all(p in entry.given for p in net.spec.node(entry.node).parents)))


_FITS: dict[tuple[Any, ...], Any] = {}


def _fitted(net: BayesNet, entry: LedgerEntry, file: str, seed: int) -> BayesNet:
    """The network after a PyMC fit of counts with latent parents (see the module doc)."""
    from cruxnet.draws.worldview import WorldviewDraws
    from cruxnet.model.spec import NodeSpec
    from cruxnet.updating.diagnostics import FitError
    from cruxnet.updating.fitting import (
        config_likelihood,
        fit_latent_counts,
        prior_row_dirichlets,
    )

    where = f"{file}: line {entry.line}"
    wv = net.prior
    if wv is None:
        raise LedgerError(f"{where}: data entries need a worldview with uncertainty")
    if entry.cases == "same":
        try:
            latent, configs, prior_alpha = prior_row_dirichlets(net, entry.node, entry.given,
                                                                seed=seed)
        except FitError as exc:
            raise FitError(f"{where}: {exc}", exc.diagnostics) from None
        k = np.asarray(entry.counts, dtype=float)
        # One system: given its configuration c, the row is Dirichlet(alpha_c) updated by the
        # counts, exactly; the counts' probability under each c enters as a data node below.
        fitted_alpha = prior_alpha + k
        lik = config_likelihood(prior_alpha, k)
    else:
        key = (net.spec.sha256, wv.sha256, entry.node, entry.counts,
               tuple(sorted(entry.given.items())), entry.cases, seed)
        if key not in _FITS:
            try:
                _FITS[key] = fit_latent_counts(net, entry.node, entry.counts, entry.given,
                                               cases=entry.cases, seed=seed,  # type: ignore[arg-type]
                                               progress=sys.stderr.isatty())
            except FitError as exc:
                raise FitError(f"{where}: {exc}", exc.diagnostics) from None
        fit = _FITS[key]
        latent, configs, fitted_alpha = fit.latent, fit.configs, fit.posterior_alpha
        lik = np.ones(len(configs))
    spec = net.spec
    nspec = spec.node(entry.node)
    # The node's CPT as a table over all its parents: fitted rows from the posterior, the
    # others as before (a table's rows, or Dirichlets moment-matched to the form's draws).
    form = wv.cpts[entry.node]
    prior_rows: dict[tuple[str, ...], tuple[tuple[float, ...], float | None]] = {}
    every = list(itertools.product(*(spec.node(p).states for p in nspec.parents)))
    if isinstance(form, TableForm):
        for c in every:
            states = dict(zip(nspec.parents, c, strict=True))
            prior_rows[c] = form.rows[tuple(states[b] for b in form.by)]
    else:
        from cruxnet.model.elicit import moment_dirichlet

        src = WorldviewDraws(spec, wv, 4000, seed, None)
        block = np.asarray(src.point(entry.node)[None] if src.is_fixed(entry.node)
                           else src.block(entry.node, 0, 4000))
        for c in every:
            idx = tuple(spec.node(p).states.index(s) for p, s in zip(nspec.parents, c,
                                                                       strict=True))
            row_draws = block[(slice(None), *idx)]  # type: ignore[arg-type]
            mean = row_draws.mean(axis=0)
            if row_draws.var(axis=0).sum() <= 0:  # a known row: a Dirichlet with no room to move
                prior_rows[c] = (tuple(float(x) for x in mean), 1e12)
            else:
                a = moment_dirichlet(row_draws[:, None, :])[0]
                prior_rows[c] = (tuple(float(x) for x in a / a.sum()), float(a.sum()))
    rows = dict(prior_rows)
    for j, lc in enumerate(configs):
        states = {**entry.given, **dict(zip(latent, lc, strict=True))}
        c = tuple(states[p] for p in nspec.parents)
        a = fitted_alpha[j]
        rows[c] = (tuple(float(x) for x in a / a.sum()), float(a.sum()))
    forms: dict[str, Any] = {entry.node: TableForm(
        node=entry.node, by=nspec.parents, rows=rows, require=form.require,
        otherwise=form.otherwise)}
    new_spec = spec
    if entry.cases == "same" and latent:
        data_id = f"ledger_line_{entry.line}"
        new_spec = replace(spec, nodes=(*spec.nodes, NodeSpec(
            id=data_id, states=("other", "observed"), parents=latent,
            label=f"Data of {file} line {entry.line}", role="mechanism",
            definition=f"{entry.describe()}; P(observed | parents) is the probability of the "
                       "counts under each configuration of the latent parents.")))
        forms[data_id] = KnownTableForm(node=data_id, by=latent, rows={
            c: ((float(1 - v), float(v)), None)
            for c, v in zip(configs, lik, strict=True)})
    return _updated(net, forms, [entry.line, entry.node, list(entry.counts),
                                 dict(entry.given), entry.cases, "fit"], new_spec)


def apply_entries(net: BayesNet, entries: Sequence[LedgerEntry], file: str = "ledger",
                  *, seed: int = 0) -> tuple[BayesNet, Evidence]:
    """The network (parameters updated by data entries) and the evidence after ``entries``.

    ``seed`` is for the PyMC fits of data entries with latent parents (the same seed gives
    the same network)."""
    hard: dict[str, str] = {}
    do: dict[str, str] = {}
    lik: dict[str, tuple[float, ...]] = {}
    fixed: dict[str, tuple[float, ...]] = {}
    for e in entries:
        if e.kind == "data":
            if e.node in net.marginals:
                net = _marginal_update(net, e, file)
            elif _is_conjugate(net, e):
                net = _conjugate(net, e, file)
            else:
                net = _fitted(net, e, file, seed)
                if e.cases == "same" and f"ledger_line_{e.line}" in net.spec:
                    hard[f"ledger_line_{e.line}"] = "observed"
            continue
        # What we know of a node now: a later entry on it replaces an earlier one of any kind
        # (reported uncertainly, then confirmed: the confirmation is what holds).
        for kind in (hard, do, lik, fixed):
            kind.pop(e.node, None)
        if e.kind == "hard":
            hard[e.node] = str(e.state)
        elif e.kind == "do":
            do[e.node] = str(e.state)
        elif e.kind == "likelihood":
            lik[e.node] = e.vector
        else:
            fixed[e.node] = e.vector
    return net, Evidence(hard=hard, likelihood=lik, fixed=fixed, do=do)


def replay_ledger(net: BayesNet | Beliefs, entries: Sequence[LedgerEntry], *, target: str,
                  state: str | None = None, cruxes: Sequence[str] = (), draws: int = 2000,
                  seed: int = 0, ci_prob: float = 0.9, file: str = "ledger") -> xr.Dataset:
    """The belief trajectory: P(target = state) before any entry and after each, with a
    credible interval over parameter draws, and the headline cruxes' point values and
    intervals.

    ``net`` may be a person's :class:`~cruxnet.beliefs.Beliefs`: then its stated marginals,
    evidence (the ledger's entries on top), draws, seed and threads are the replay's, and
    ``draws``/``seed`` are not used.

    Returns
    -------
    xarray.Dataset
        Dim ``step`` (0 = the prior, then one per entry): ``p`` (point), ``mean``,
        ``interval`` (with ``ci_bound``), ``impossible_draws``; one variable per crux and
        per node a ``data`` entry updates (so the step shows what the counts moved),
        ``P(node=its state of interest)`` (the last state unless the model names one);
        coordinates ``entry`` (its description), ``line``, ``date``,
        ``by`` and ``citation``.
    """
    import xarray as xr

    from cruxnet.base.errors import ImpossibleEvidenceError
    from cruxnet.beliefs import Beliefs

    beliefs = net if isinstance(net, Beliefs) else Beliefs(net, draws=draws, seed=seed)
    net = beliefs.net
    states = net.spec.node(target).states
    s = net.spec.node(target).state_of_interest if state is None else state
    if s not in states:
        raise LedgerError(f"unknown state {s!r} of {target} (states: {', '.join(states)})")
    idx = states.index(s)
    cruxes = list(dict.fromkeys([*cruxes, *(e.node for e in entries
                                            if e.kind == "data" and e.node != target)]))
    rows = []
    for k in range(len(entries) + 1):
        step_net, ev = apply_entries(net, entries[:k], file, seed=beliefs.seed)
        step = replace(beliefs, net=step_net, evidence=beliefs.evidence.combined(ev))
        where = "the prior" if k == 0 else f"{file}: line {entries[k - 1].line}"
        try:
            point = step.posterior(target)[s]
            post = step.posterior_draws(target)
        except ImpossibleEvidenceError as exc:
            raise LedgerError(f"after {where}: {exc}") from None
        summ = post.summary(ci_prob)
        crux_p = []
        for c in cruxes:
            c_post = step.posterior_draws(c).summary(ci_prob)
            focus = net.spec.node(c).state_of_interest
            crux_p.append((step.posterior(c)[focus], c_post.interval[focus]))
        rows.append((point, float(np.mean(post.probs[:, idx])), summ.interval[s],
                     post.n_impossible, crux_p))
    meta = [("prior", 0, "", "", "")] + [(e.describe(), e.line, e.date, e.by, e.citation)
                                         for e in entries]
    data: dict[str, Any] = {
        "p": ("step", [r[0] for r in rows]), "mean": ("step", [r[1] for r in rows]),
        "interval": (("step", "ci_bound"), np.array([r[2] for r in rows], dtype=float)),
        "impossible_draws": ("step", [r[3] for r in rows])}
    for j, c in enumerate(cruxes):
        name = f"P({c}={net.spec.node(c).state_of_interest})"
        data[name] = ("step", [r[4][j][0] for r in rows])
        data[f"{name} interval"] = (("step", "ci_bound"),
                                    np.array([r[4][j][1] for r in rows], dtype=float))
    coords = {"step": np.arange(len(rows)), "ci_bound": ["lower", "upper"],
              "entry": ("step", [m[0] for m in meta]), "line": ("step", [m[1] for m in meta]),
              "date": ("step", [m[2] for m in meta]), "by": ("step", [m[3] for m in meta]),
              "citation": ("step", [m[4] for m in meta])}
    return xr.Dataset(data, coords=coords,
                      attrs={**{k: v for k, v in net.provenance.items()
                                if isinstance(v, (str, int, float))},
                             "target": target, "state": s, "draws": beliefs.draws,
                             "seed": beliefs.seed,
                             "ci_prob": ci_prob, "ledger": file, "method": "ledger replay"})
