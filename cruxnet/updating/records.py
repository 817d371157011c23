"""Elicitation records: what each expert said, with who/when/source, read from a file.

An elicitation file lives beside the worldviews of its model (``NAME.elicit.yaml``)::

    elicitation: panel_2026            # the name of the worldview it compiles to
    model: crux_network
    extends: gs_deference              # nodes nobody was asked about come from this worldview
    pool: log                          # linear | log | hierarchical (default: linear)
    experts:
      ana: {weight: 2, affiliation: "evals team"}
      ben: {weight: 1}
    records:
      - node: bgd_exists                         # a table row: `given` names the row
        given: {alignment_difficulty: hard}
        state: yes                               # the state the numbers are about (binary
        interval: {low: 0.2, high: 0.6, prob: 0.8}   # nodes: their last state by default)
        who: ana
        when: 2026-10-02
        source: "interview notes, 2 Oct 2026"
      - node: alignment_difficulty               # a whole row as a Dirichlet
        mean: {easy: 0.2, moderate: 0.5, hard: 0.3}
        concentration: 8
        who: ben
        when: 2026-10-05
        source: "written survey"
      - node: lead_time                          # the node's marginal (a stated marginal)
        param: marginal
        state: under_2wk
        interval: {low: 0.1, high: 0.4, prob: 0.8}
        who: ben
        when: 2026-10-05
        source: "written survey"
      - node: scheming                           # a parameter of another form, by its path
        param: odds_ratios.deference_timing.late
        kind: ratio                              # a log-normal (default: a probability, Beta)
        quantiles: {0.1: 1.5, 0.5: 3, 0.9: 6}
        who: ana
        when: 2026-10-02
        source: "interview notes"

A ``param`` path is one ``cruxnet describe NODE`` lists (:mod:`cruxnet.model.paths`): a single
parameter, a row of probabilities (a table's ``rows.hard``, a shifted form's ``base.rows.moderate``;
``state`` names the state the numbers are about), or ``marginal``: the node's marginal, compiled
as a stated marginal (its own table moves by the smallest change that makes the network imply
it). A wrong path is an error listing the paths that exist.

What a record may give: ``quantiles: {p: value}`` or ``interval: {low, high, prob}`` (a Beta, or a
log-normal with ``kind: ratio``), fitted with the fit error reported (see
:mod:`cruxnet.model.elicit`); or ``mean``/``mode`` with ``concentration`` (a Dirichlet over the
row; a scalar is the probability of ``state``). A Beta for one state of a multi-state row keeps
the other states in the base row's proportions (the Dirichlet whose marginal is that Beta). An
expert's later record on the same target supersedes the earlier one.

Pooling the experts' distributions into a complete worldview is
:mod:`cruxnet.updating.pooling`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from cruxnet.base.bundled import worldview_dir
from cruxnet.base.errors import SpecError, did_you_mean
from cruxnet.base.types import NDArray
from cruxnet.base.yamlio import load_yaml_mapping
from cruxnet.files.worldview import load_worldview
from cruxnet.model.elicit import (
    Distribution,
    ElicitationError,
    ElicitationWarning,
    beta_from_quantiles,
    dirichlet_from_mean,
    dirichlet_from_mode,
    lognormal_from_quantiles,
)
from cruxnet.model.forms import TableForm
from cruxnet.model.paths import parameter_paths, path_get
from cruxnet.model.spec import ModelSpec, state_name
from cruxnet.model.worldview import Worldview

if TYPE_CHECKING:
    pass

__all__ = ["POOLS", "ElicitationRecords", "Record", "Target", "load_elicitation"]

POOLS = ("linear", "log", "hierarchical")
Pool = Literal["linear", "log", "hierarchical"]
_TOP = frozenset({"elicitation", "model", "extends", "title", "summary", "pool", "experts",
                  "records"})
_RECORD = frozenset({"node", "given", "state", "param", "kind", "quantiles", "interval", "mean",
                     "mode", "concentration", "who", "when", "source", "said"})


@dataclass(frozen=True)
class Target:
    """What a record is about: a row of a node's table, or a parameter of another form."""

    node: str
    row: tuple[str, ...] | None = None  # the states of the table's ``by`` parents
    by: tuple[str, ...] = ()
    param: str | None = None  # a dotted path into the node's CPT entry, or "marginal"
    kind: Literal["probability", "ratio"] = "probability"
    vector: bool = False  # the path is a row over the node's states (or the marginal)

    @property
    def label(self) -> str:
        if self.param is not None:
            return f"{self.node}.{self.param}"
        given = ",".join(f"{b}={s}" for b, s in zip(self.by, self.row or (), strict=True))
        return f"{self.node}[{given}]" if given else self.node


@dataclass(frozen=True)
class Record:
    """One elicited judgement: which target, whose, when, from what source, and its fit."""

    index: int
    target: Target
    who: str
    when: str
    source: str
    distribution: Distribution
    fit_error: float | None = None  # the largest quantile error of a fitted Beta/log-normal
    said: str = ""  # what the expert gave, in words


@dataclass(frozen=True)
class ElicitationRecords:
    """A validated elicitation file."""

    name: str
    spec: ModelSpec
    base: Worldview
    pool: Pool
    weights: Mapping[str, float]
    records: tuple[Record, ...]
    file: str
    title: str = ""
    summary: str = ""
    experts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sha256: str = ""

    @property
    def model(self) -> str:
        return self.spec.name

    def current(self) -> dict[Target, dict[str, Record]]:
        """Per target, each expert's latest record (by ``when``; ties are rejected on load)."""
        out: dict[Target, dict[str, Record]] = {}
        for rec in sorted(self.records, key=lambda r: (r.when, r.index)):
            out.setdefault(rec.target, {})[rec.who] = rec
        return out


def records_error(file: str, message: str, node: str | None = None) -> SpecError:
    """The one-line error about an elicitation file (naming the node where there is one)."""
    return SpecError(message, file=file, node=node)


def _name(value: object, what: str) -> str:
    """A node or state name as written (a string or a number), else an ElicitationError."""
    if isinstance(value, (str, int, bool)):
        return state_name(value)
    raise ElicitationError(f"{what} must be a name, got {value!r}")


def _quantile_items(raw: Any, what: str) -> list[tuple[float, float]]:
    if not isinstance(raw, Mapping) or not raw:
        raise ElicitationError(f"{what} must map probabilities to values, got {raw!r}")
    items = []
    for p, v in raw.items():
        for x in (p, v):
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
                raise ElicitationError(f"{what}: {x!r} is not a finite number")
        items.append((float(p), float(v)))
    return sorted(items)


def _interval_items(raw: Any) -> list[tuple[float, float]]:
    if not isinstance(raw, Mapping) or set(map(str, raw)) != {"low", "high", "prob"}:
        raise ElicitationError(f"interval must be {{low, high, prob}}, got {raw!r}")
    vals = {str(k): v for k, v in raw.items()}
    for k, v in vals.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ElicitationError(f"interval {k}: {v!r} is not a finite number")
    mass = float(vals["prob"])
    if not 0 < mass < 1:
        raise ElicitationError(f"the interval's prob must be in (0, 1), got {mass:g}")
    return [((1 - mass) / 2, float(vals["low"])), ((1 + mass) / 2, float(vals["high"]))]


def _vector(raw: Any, states: Sequence[str], state: str, what: str) -> list[float]:
    """A probability vector from a {state: p} mapping, a list, or the scalar P(state)."""
    if isinstance(raw, Mapping):
        given = {_name(k, what): v for k, v in raw.items()}
        unknown = sorted(set(given) - set(states))
        if unknown:
            raise ElicitationError(f"{what}: unknown state {unknown[0]!r} (states: "
                                   f"{', '.join(states)})")
        vec = [given.get(s, 0.0) for s in states]
    elif isinstance(raw, list):
        vec = raw
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if len(states) != 2:
            raise ElicitationError(f"{what}: a single number is for a two-state row; give a "
                                   f"{{state: p}} mapping over {', '.join(states)}")
        vec = [1 - raw, raw] if state == states[1] else [raw, 1 - raw]
    else:
        raise ElicitationError(f"{what} must be a {{state: p}} mapping, a list or a number, "
                               f"got {raw!r}")
    if len(vec) != len(states) or any(isinstance(x, bool) or not isinstance(x, (int, float))
                                      for x in vec):
        raise ElicitationError(f"{what} needs {len(states)} probabilities "
                               f"({', '.join(states)}), got {raw!r}")
    return [float(x) for x in vec]


def _concentration(raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise ElicitationError(f"concentration must be a number > 0, got {raw!r}")
    return float(raw)


def _distribution(raw: Mapping[str, Any], target: Target, states: Sequence[str], state: str,
                  base_mean: NDArray | None, where: str) -> tuple[Distribution, float | None,
                                                                  str]:
    given = [k for k in ("quantiles", "interval", "mean", "mode") if k in raw]
    if len(given) != 1:
        raise ElicitationError("give exactly one of quantiles, interval, mean or mode"
                               + (f" (got {', '.join(given)})" if given else ""))
    how = given[0]
    if how in ("quantiles", "interval"):
        items = (_quantile_items(raw["quantiles"], "quantiles") if how == "quantiles"
                 else _interval_items(raw["interval"]))
        said = ", ".join(f"q{p:g}={v:g}" for p, v in items)
        if target.kind == "ratio":
            dist, err = lognormal_from_quantiles(items, where)
            return dist, err, said
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ElicitationWarning)
            fit = beta_from_quantiles(dict(items))
        for w in caught:
            warnings.warn(f"{where}: {w.message}", ElicitationWarning, stacklevel=3)
        a, b = fit.a, fit.b  # Beta(a, b) of P(state); of the parameter for a 'param' record
        scalar = target.param is not None and not target.vector
        if scalar or (state == states[-1] and len(states) == 2):
            return Distribution(alpha=(b, a)), fit.error, said
        if len(states) == 2:
            return Distribution(alpha=(a, b)), fit.error, said
        # One state of a multi-state row: the other states keep the base row's proportions.
        i = list(states).index(state)
        rest = np.delete(np.asarray(base_mean, dtype=float), i)
        rest = rest / rest.sum() if rest.sum() > 0 else np.full(len(rest), 1 / len(rest))
        alpha_v = np.insert(rest * b, i, a)
        return Distribution(alpha=tuple(float(x) for x in alpha_v)), fit.error, said
    if target.kind == "ratio":
        raise ElicitationError("a ratio takes quantiles or an interval (a log-normal)")
    if "concentration" not in raw:
        raise ElicitationError(f"'{how}' needs a 'concentration' (the Dirichlet's total weight)")
    conc = _concentration(raw["concentration"])
    scalar = target.param is not None and not target.vector
    row_states = ("no", "yes") if scalar else tuple(states)
    vec = _vector(raw[how], row_states, "yes" if scalar else state, how)
    alpha_v = dirichlet_from_mean(vec, conc) if how == "mean" else dirichlet_from_mode(vec, conc)
    if (alpha_v <= 0).any():
        raise ElicitationError(f"{how} {vec} gives a Dirichlet weight <= 0; every state needs "
                               "some probability")
    said = f"{how} {', '.join(f'{s}={p:g}' for s, p in zip(row_states, vec, strict=True))}, " \
           f"concentration {conc:g}"
    return Distribution(alpha=tuple(float(x) for x in alpha_v)), None, said


def _paths_hint(base: Worldview, node: str) -> str:
    paths = [p for p, _ in parameter_paths(base.raw.get(node))]
    listed = ", ".join(paths) if paths else "none"
    return f"paths of {node} in {base.name}: {listed}, or marginal"


def _base_marginal(base: Worldview, model: ModelSpec, node: str) -> tuple[float, ...]:
    """The node's marginal under the base at its point values (the proportions of the states a
    one-state marginal record leaves to the rest), stated marginals included."""
    from cruxnet.catalog import network_from_worldview
    from cruxnet.inference.exact import posterior

    probs = posterior(network_from_worldview(model, base), node).probs
    return tuple(float(x) for x in probs)


def _path_target(base: Worldview, model: ModelSpec, node: str, path: str, kind: str,
                 where: str, file: str) -> tuple[Target, NDArray | None]:
    """The target a ``param`` path names, and the base row's mean for a row."""
    form = base.cpts[node]
    paths = dict(parameter_paths(base.raw.get(node)))
    if path not in paths:
        raise records_error(file, f"{where}: {path!r} is not a parameter of {node} "
                     f"({_paths_hint(base, node)})", node)
    current = paths[path]
    if isinstance(form, TableForm):
        # A table's row by its path: the same as naming the row with 'given'.
        row_key = _table_row_key(base.raw[node], form, path)
        if row_key is not None:
            return Target(node=node, row=row_key, by=form.by), np.asarray(form.rows[row_key][0])
    if isinstance(current, list):
        if kind != "probability":
            raise records_error(file, f"{where}: {path!r} is a row of probabilities; kind: ratio "
                         "is for ratio parameters", node)
        if len(current) != model.node(node).card:
            raise records_error(file, f"{where}: {path!r} is not a row over the states of {node}",
                         node)
        return (Target(node=node, param=path, vector=True),
                np.asarray(current, dtype=float) / math.fsum(current))
    return Target(node=node, param=path, kind=kind), None  # type: ignore[arg-type]


def _table_row_key(entry: Any, form: TableForm, path: str) -> tuple[str, ...] | None:
    parts = path.split(".")
    if parts == ["p"] and not form.by:
        return ()
    if len(parts) >= 2 and parts[0] == "rows":
        if len(form.by) == 1 and not parts[1].isdigit():
            return (parts[1],) if (parts[1],) in form.rows else None
        if parts[1].isdigit():
            item = path_get(entry, f"rows.{parts[1]}")
            when = {str(k): state_name(v) for k, v in item.get("when", {}).items()}
            key = tuple(when.get(b, "") for b in form.by)
            return key if key in form.rows else None
    return None


def _parse_record(raw: Any, i: int, model: ModelSpec, base: Worldview, experts: set[str] | None,
                  file: str) -> Record:
    where = f"records[{i}]"
    if not isinstance(raw, Mapping):
        raise records_error(file, f"{where} must be a mapping, got {raw!r}")
    unknown = sorted(set(map(str, raw)) - _RECORD)
    if unknown:
        raise records_error(file, f"{where}: unknown key {unknown[0]!r}; allowed: "
                     f"{', '.join(sorted(_RECORD))}")
    node = raw.get("node")
    if not isinstance(node, str) or node not in model:
        raise records_error(file, f"{where}: unknown node {node!r} in model {model.name}"
                     + (did_you_mean(node, model.node_ids) if isinstance(node, str) else ""))
    spec = model.node(node)
    for key in ("who", "source"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise records_error(file, f"{where}: every record needs a non-empty {key!r}", node)
    who = raw["who"].strip()
    if experts is not None and who not in experts:
        raise records_error(file, f"{where}: who: {who!r} is not one of the experts "
                     f"({', '.join(sorted(experts))})", node)
    when_raw = raw.get("when")
    try:
        when = (when_raw.isoformat() if isinstance(when_raw, _dt.date)
                else _dt.date.fromisoformat(str(when_raw)).isoformat())
    except ValueError:
        raise records_error(file, f"{where}: when must be a date YYYY-MM-DD, got {when_raw!r}",
                     node) from None
    form = base.cpts[node]
    try:
        state = _name(raw.get("state", spec.states[-1]), "state")
    except ElicitationError as exc:
        raise records_error(file, f"{where}: {exc}", node) from None
    if state not in spec.states:
        raise records_error(file, f"{where}: unknown state {state!r} of {node} "
                     f"(states: {', '.join(spec.states)})", node)
    kind = raw.get("kind", "probability")
    if kind not in ("probability", "ratio"):
        raise records_error(file, f"{where}: kind must be probability or ratio, got {kind!r}", node)
    base_mean = None
    target: Target | None = None
    if "param" in raw:
        path = raw["param"]
        if not isinstance(path, str) or not path:
            raise records_error(
                file, f"{where}: param must be a dotted path such as base.values.hard, "
                         f"or 'marginal', got {path!r}", node)
        if "given" in raw:
            raise records_error(file, f"{where}: 'given' names a table row; a 'param' record "
                         "takes none (the path names the row)", node)
        if path == "marginal":
            if kind != "probability":
                raise records_error(file, f"{where}: a marginal is a probability; kind: ratio is "
                             "for ratio parameters", node)
            base_mean = np.asarray(_base_marginal(base, model, node))
            target = Target(node=node, param="marginal", vector=True)
        else:
            target, base_mean = _path_target(base, model, node, path, kind, where, file)
        if target.param is not None and not target.vector and "state" in raw:
            raise records_error(file, f"{where}: 'state' names a state of a row; {path!r} is a "
                         "single parameter", node)
    else:
        if not isinstance(form, TableForm):
            raise records_error(file, f"{where}: the CPT of {node} in {base.name} has form "
                         f"{form.kind}, not table: name what the record is about with "
                         f"'param:' ({_paths_hint(base, node)})", node)
        if kind != "probability":
            raise records_error(file, f"{where}: a table row is a probability; kind: ratio is for "
                         "'param' records", node)
        given = raw.get("given", {})
        if not isinstance(given, Mapping):
            raise records_error(file, f"{where}: 'given' must map parents to states, got {given!r}",
                         node)
        try:
            given = {_name(k, "a 'given' parent"): _name(v, f"the state given for {k}")
                     for k, v in given.items()}
        except ElicitationError as exc:
            raise records_error(file, f"{where}: {exc}", node) from None
        if set(given) != set(form.by):
            raise records_error(file, f"{where}: the table of {node} has a row per "
                         f"{', '.join(form.by) or 'nothing (one row)'}; 'given' must name "
                         f"exactly those parents, got {', '.join(given) or 'none'}", node)
        for p, s in given.items():
            if s not in model.node(p).states:
                raise records_error(file, f"{where}: unknown state {s!r} of {p} (states: "
                             f"{', '.join(model.node(p).states)})", node)
        row = tuple(given[b] for b in form.by)
        base_mean = np.asarray(form.rows[row][0])
        target = Target(node=node, row=row, by=form.by)
    try:
        dist, err, said = _distribution(raw, target, spec.states, state, base_mean,
                                        f"{file}: {where} ({target.label}, {who})")
    except ElicitationError as exc:
        raise records_error(file, f"{where} ({target.label}, {who}): {exc}", node) from None
    return Record(i, target, who, when, raw["source"].strip(), dist, err, said)


def load_elicitation(path: str | Path, model: ModelSpec) -> ElicitationRecords:
    """Read and validate an elicitation file (see the module docstring): a path, or the name
    of one bundled with the model (``"panel_2026"`` for ``panel_2026.elicit.yaml``).

    Raises
    ------
    SpecError
        Malformed YAML; an unknown node, state, parent, expert or parameter path; a weight
        <= 0; quantiles not increasing or outside (0, 1); an expert with two records on one
        target on the same date. Every message names the file and the record.
    """
    p = Path(path)
    if not str(path).endswith((".yaml", ".yml")) and not p.exists():
        bundled = worldview_dir(model.name) / f"{path}.elicit.yaml"
        if not bundled.exists():
            names = sorted(q.name.removesuffix(".elicit.yaml") for q in
                           (worldview_dir(model.name)).glob("*.elicit.yaml"))
            raise SpecError(f"unknown elicitation {str(path)!r} for model {model.name}; "
                            f"bundled: {', '.join(names) or 'none'} (or give a path)")
        p = bundled
    file = str(p)
    data = load_yaml_mapping(p)
    unknown = sorted(set(map(str, data)) - _TOP)
    if unknown:
        raise records_error(file, f"unknown key {unknown[0]!r}; allowed: {', '.join(sorted(_TOP))}")
    name = data.get("elicitation")
    if not isinstance(name, str) or not name.strip():
        raise records_error(file, "the file needs an 'elicitation: NAME' entry (the pooled "
                     "worldview's name)")
    if data.get("model") != model.name:
        raise records_error(file, f"these records are for model {data.get('model')!r}, not "
                     f"{model.name!r}")
    ext = data.get("extends")
    if not isinstance(ext, str) or not ext:
        raise records_error(file, "the file needs 'extends: WORLDVIEW' (the worldview whose other "
                     "nodes the pooled worldview keeps)")
    base_path = p.with_name(f"{ext}.yaml")
    if not base_path.exists():
        bundled = worldview_dir(model.name) / f"{ext}.yaml"
        if not bundled.exists():
            raise records_error(
                file, f"'extends: {ext}' names no worldview {ext}.yaml beside it or "
                         f"among the bundled worldviews of {model.name}")
        base_path = bundled
    base = load_worldview(base_path, model)
    pool = data.get("pool", "linear")
    if pool not in POOLS:
        raise records_error(file, f"pool must be one of {', '.join(POOLS)}, got {pool!r}")
    experts_raw = data.get("experts")
    experts: dict[str, Mapping[str, Any]] = {}
    weights: dict[str, float] = {}
    if experts_raw is not None:
        if not isinstance(experts_raw, Mapping) or not experts_raw:
            raise records_error(file, f"'experts' must map expert ids to {{weight: ...}}, got "
                         f"{experts_raw!r}")
        for eid, info in experts_raw.items():
            info = info if info is not None else {}
            if not isinstance(info, Mapping):
                raise records_error(file, f"experts: {eid!r} must be a mapping, got {info!r}")
            w = info.get("weight", 1.0)
            if isinstance(w, bool) or not isinstance(w, (int, float)) or not (
                    math.isfinite(w) and w > 0):
                raise records_error(file, f"experts: the weight of {eid!r} must be a number > 0, "
                             f"got {w!r}")
            experts[str(eid)] = dict(info)
            weights[str(eid)] = float(w)
    recs_raw = data.get("records")
    if not isinstance(recs_raw, list) or not recs_raw:
        raise records_error(file, "'records' must be a non-empty list of elicited judgements")
    records = tuple(_parse_record(r, i, model, base, set(experts) if experts else None, file)
                    for i, r in enumerate(recs_raw))
    if not experts:
        weights = {r.who: 1.0 for r in records}
    seen: dict[tuple[Target, str, str], int] = {}
    for r in records:
        key = (r.target, r.who, r.when)
        if key in seen:
            raise records_error(file, f"records[{seen[key]}] and records[{r.index}]: {r.who} gives "
                         f"{r.target.label} twice on {r.when}; keep one, or date the revision",
                         r.target.node)
        seen[key] = r.index
    blob = json.dumps(data, sort_keys=True, default=str).encode()
    return ElicitationRecords(name=name.strip(), spec=model, base=base, pool=pool,
                              weights=weights, records=records, file=file,
                              title=str(data.get("title", "")),
                              summary=" ".join(str(data.get("summary", "")).split()),
                              experts=experts, sha256=hashlib.sha256(blob).hexdigest())


