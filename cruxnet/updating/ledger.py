"""The evidence ledger: an append-only JSON Lines file of belief updates, replayed in order.

Each line is one JSON object::

    {"kind": "hard", "node": "deception_demonstrated", "state": "yes",
     "citation": "https://...", "date": "2026-05-01", "by": "A. Analyst"}
    {"kind": "likelihood", "node": "scheming", "weights": {"no": 1, "yes": 3}, ...}
    {"kind": "fixed", "node": "lead_time", "marginal": {"about_1mo": 0.7, "to_6mo": 0.3}, ...}
    {"kind": "do", "node": "capability_restraint", "state": "pause", ...}
    {"kind": "data", "node": "infosec_strong", "counts": {"no": 3, "yes": 2},
     "given": {}, ...}
    {"kind": "data", "node": "honeypot_caught", "k": 0, "n": 20, "state": "yes",
     "cases": "same", ...}

``hard``, ``likelihood``, ``fixed`` and ``do`` entries add evidence (a later entry on a node
replaces an earlier one on it of any of these kinds: a node reported uncertainly, then
confirmed, is confirmed). ``data`` entries are counts of the node's states observed in cases
whose parents are in the ``given`` states: they update the *parameters*. Stated marginals
(``marginals:`` in the worldview, or ``--marginal``) keep holding after every update: the updated
tables are tilted to them again. Counts of a node that has a stated marginal update that
marginal itself (Dirichlet(alpha + counts): it is the prior of P(node)); they must then be of
independent cases with no parent given.

* Every parent the node's table depends on is given: a conjugate Dirichlet update of that row
  (mean x ess + counts), exact.
* Some parents are latent (not in ``given``), or the node's CPT is not a table: the PyMC fit of
  :func:`cruxnet.updating.fitting.fit_latent_counts` marginalises the latent parents. The
  node's CPT becomes a table whose rows for the latent configurations are the Dirichlets
  moment-matched to the posterior (the other rows keep their prior); the default
  ``"independent"`` reads the counts as separate cases. A fit that fails its checks stops the
  replay with :class:`~cruxnet.updating.diagnostics.FitError`'s diagnostics.
* ``"cases": "same"`` (every trial tested the same system, e.g. 20 honeypots on the model
  about to be deployed) needs no sampling: given the system's configuration c of the latent
  parents, row c's posterior is Dirichlet(alpha_c + counts) exactly, so each such row becomes
  that (its own conditional posterior, not an average over configurations), and the counts
  are evidence about the configuration: a data node below the latent parents is added,
  observed, with P(counts | c) as its table (the Dirichlet-multinomial under row c's prior).
  Predictions for the next trial are then exact: sum_c P(c | counts) (alpha_c + counts) /
  (alpha_c0 + n). Rows are exact Dirichlets for table forms, moment-matched to the prior
  draws for other forms.

Every entry needs ``citation``, ``date`` (ISO, YYYY-MM-DD) and ``by``. Blank lines and lines
starting with ``#`` are skipped. Reading never writes the file.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.errors import EvidenceError, LedgerError, did_you_mean
from cruxnet.base.validate import SUM_TOL, in_unit_interval, normalized_probabilities
from cruxnet.inference.evidence import Evidence, state_vector
from cruxnet.model.forms import KnownTableForm, TableForm
from cruxnet.model.network import BayesNet
from cruxnet.model.spec import ModelSpec

if TYPE_CHECKING:
    import xarray as xr

    from cruxnet.beliefs import Beliefs

__all__ = ["KINDS", "LedgerEntry", "LedgerError", "apply_entries", "read_ledger",
           "replay_ledger"]

KINDS = ("hard", "likelihood", "fixed", "do", "data")
_COMMON = {"kind", "node", "citation", "date", "by"}
_FIELDS = {"hard": {"state"}, "do": {"state"}, "likelihood": {"weights"},
           "fixed": {"marginal"}, "data": {"counts", "k", "n", "state", "given", "cases"}}
CASES = ("independent", "same")


@dataclass(frozen=True)
class LedgerEntry:
    """One validated update."""

    line: int
    kind: str
    node: str
    citation: str
    date: str
    by: str
    state: str | None = None
    vector: tuple[float, ...] = ()  # likelihood weights or fixed marginal, in state order
    counts: tuple[int, ...] = ()
    given: Mapping[str, str] = field(default_factory=dict)
    cases: str = "independent"

    def describe(self) -> str:
        if self.kind in ("hard", "do"):
            return f"{'do(' if self.kind == 'do' else ''}{self.node}={self.state}" + (
                ")" if self.kind == "do" else "")
        if self.kind == "data":
            cond = ", ".join(f"{p}={s}" for p, s in self.given.items())
            return f"data {self.node}: counts {list(self.counts)}" + (
                f" given {cond}" if cond else "") + (" (same system)" if self.cases == "same"
                                                     else "")
        return f"{self.kind}({self.node}={list(self.vector)})"


def _state_vector(raw: object, spec: ModelSpec, node: str, what: str, where: str
                  ) -> tuple[float, ...]:
    states = spec.node(node).states
    if not isinstance(raw, dict) or not raw:
        raise LedgerError(f"{where}: '{what}' must map states of {node} to numbers, got {raw!r}")
    out = [0.0] * len(states)
    for s, v in raw.items():
        if str(s) not in states:
            raise LedgerError(f"{where}: unknown state {s!r} of {node} "
                              f"(states: {', '.join(states)})")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or v < 0:
            raise LedgerError(f"{where}: {what}[{s}] must be a number >= 0, got {v!r}")
        out[states.index(str(s))] = float(v)
    return tuple(out)


def _entry(obj: object, line: int, spec: ModelSpec, file: str) -> LedgerEntry:
    where = f"{file}: line {line}"
    if not isinstance(obj, dict):
        raise LedgerError(f"{where}: an entry must be a JSON object, got {obj!r}")
    kind = obj.get("kind")
    if kind not in KINDS:
        raise LedgerError(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    allowed = _COMMON | _FIELDS[kind]
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise LedgerError(f"{where}: unknown key {unknown[0]!r} for a {kind} entry; allowed: "
                          f"{', '.join(sorted(allowed))}")
    for key in ("citation", "date", "by"):
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            raise LedgerError(f"{where}: every entry needs a non-empty {key!r}")
    try:
        _dt.date.fromisoformat(obj["date"])
    except ValueError:
        raise LedgerError(f"{where}: date must be YYYY-MM-DD, got {obj['date']!r}") from None
    node = obj.get("node")
    if not isinstance(node, str) or node not in spec:
        raise LedgerError(f"{where}: unknown node {node!r} in model {spec.name}"
                          + (did_you_mean(node, spec.node_ids) if isinstance(node, str)
                             else ""))
    common = {"line": line, "kind": kind, "node": node, "citation": obj["citation"],
              "date": obj["date"], "by": obj["by"]}
    states = spec.node(node).states
    if kind in ("hard", "do"):
        if str(obj.get("state")) not in states:
            raise LedgerError(f"{where}: unknown state {obj.get('state')!r} of {node} "
                              f"(states: {', '.join(states)})")
        return LedgerEntry(**common, state=str(obj["state"]))
    if kind == "likelihood":
        vec = _state_vector(obj.get("weights"), spec, node, "weights", where)
        missing = [s for s in states if s not in map(str, obj["weights"])]
        if missing:
            raise LedgerError(f"{where}: the likelihood weights of {node} leave out "
                              f"{', '.join(repr(m) for m in missing)}: give a weight for every "
                              "state (0 only where that state is ruled out)")
        if not sum(vec) > 0:
            raise LedgerError(f"{where}: likelihood weights of {node} are all zero")
        return LedgerEntry(**common, vector=vec)
    if kind == "fixed":
        vec = _state_vector(obj.get("marginal"), spec, node, "marginal", where)
        if not all(in_unit_interval(v) for v in vec):
            raise LedgerError(f"{where}: the fixed marginal of {node} has an entry outside "
                              f"[0, 1]: {list(vec)}")
        try:  # one state left out gets what is left, as on the command line and in Python
            vec = state_vector(spec, node, {str(s): float(v) for s, v in obj["marginal"].items()},
                               "fixed")
        except EvidenceError as exc:
            raise LedgerError(f"{where}: {exc}") from None
        if abs(math.fsum(vec) - 1.0) > SUM_TOL:
            raise LedgerError(f"{where}: the fixed marginal of {node} sums to "
                              f"{math.fsum(vec):.12g}, not 1")
        return LedgerEntry(**common, vector=normalized_probabilities(vec))
    if ("counts" in obj) == ("k" in obj or "n" in obj):
        raise LedgerError(f"{where}: a data entry gives either 'counts' per state or 'k' of "
                          "'n' (with 'state', default the node's last state)")
    if "counts" in obj:
        if "state" in obj:
            raise LedgerError(f"{where}: 'state' goes with 'k' of 'n', not with 'counts'")
        counts_raw = obj.get("counts")
    else:
        counts_raw = _k_of_n(obj, states, node, where)
    vec = _state_vector(counts_raw, spec, node, "counts", where)
    if any(v != int(v) for v in vec):
        raise LedgerError(f"{where}: counts must be whole numbers, got {counts_raw!r}")
    given = obj.get("given", {})
    if not isinstance(given, dict):
        raise LedgerError(f"{where}: 'given' must map parents to states, got {given!r}")
    parents = spec.node(node).parents
    for p, s in given.items():
        if p not in parents:
            raise LedgerError(f"{where}: {p!r} is not a parent of {node} "
                              f"(parents: {', '.join(parents) or 'none'})")
        if str(s) not in spec.node(p).states:
            raise LedgerError(f"{where}: unknown state {s!r} of {p}")
    cases = obj.get("cases", "independent")
    if cases not in CASES:
        raise LedgerError(f"{where}: cases must be one of {', '.join(CASES)}, got {cases!r}")
    if any(v < 0 for v in vec) or sum(vec) == 0:
        raise LedgerError(f"{where}: counts must be >= 0 and not all zero, got {counts_raw!r}")
    return LedgerEntry(**common, counts=tuple(int(v) for v in vec),
                       given={str(p): str(s) for p, s in given.items()}, cases=cases)


def _k_of_n(obj: Mapping[str, Any], states: Sequence[str], node: str, where: str
            ) -> dict[str, Any]:
    """``k`` of ``n`` cases in ``state`` as counts per state (two-state nodes)."""
    vals = {}
    for name in ("k", "n"):
        v = obj.get(name)
        if (isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)
                or v != int(v) or v < 0):
            raise LedgerError(f"{where}: {name} must be a whole number >= 0, got {v!r}")
        vals[name] = int(v)
    k, n = vals["k"], vals["n"]
    if k > n:
        raise LedgerError(f"{where}: k = {k} is more than n = {n}")
    if len(states) != 2:
        raise LedgerError(f"{where}: k of n is for two-state nodes; {node} has "
                          f"{len(states)} states ({', '.join(states)}): give 'counts' per state")
    state = str(obj.get("state", states[-1]))
    if state not in states:
        raise LedgerError(f"{where}: unknown state {state!r} of {node} "
                          f"(states: {', '.join(states)})")
    other = states[0] if state == states[1] else states[1]
    return {state: k, other: n - k}


def read_ledger(path: str | Path, spec: ModelSpec) -> list[LedgerEntry]:
    """Parse and validate a JSON Lines ledger against ``spec`` (the file is only read)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LedgerError(f"{p}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LedgerError(f"{p}: cannot read the ledger ({exc.__class__.__name__})") from None
    entries = []
    for i, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise LedgerError(f"{p}: line {i}: not valid JSON ({exc.msg} at column "
                              f"{exc.colno})") from None
        except RecursionError:
            raise LedgerError(f"{p}: line {i}: JSON nested too deeply to be a ledger "
                              "entry") from None
        entries.append(_entry(obj, i, spec, str(p)))
    return entries


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
