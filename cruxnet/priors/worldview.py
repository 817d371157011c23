"""Worldviews: one person's or school's beliefs about every CPT of a model, with uncertainty.

A worldview file names its model and gives each node's CPT in one of the forms of
:mod:`cruxnet.priors.forms`. ``extends: NAME`` starts from another worldview: a file ``NAME.yaml``
beside this one, else the bundled worldview of that name for the model; ``extends: PATH.yaml``
names a file (relative to this one). On top of what it extends, a file may

* replace whole nodes (``cpts: {node: entry}``),
* set single parameters by their readable paths (``set: {scheming.odds_ratios.deference_timing
  .late: 4}``, the paths :mod:`cruxnet.priors.paths` defines and ``cruxnet describe`` lists; a
  plain number over a parameter written with its uncertainty keeps the uncertainty), and
* state marginals (``marginals: {scheming: {yes: 0.08}}``, see :mod:`cruxnet.priors.stated`):
  the node's own table is moved by the smallest change that makes the network imply them.

The merged result must cover every node of the model and name no other node. A worldview that
extends another lists what it changed (:attr:`Worldview.overrides`) against its base.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cruxnet.errors import SpecError
from cruxnet.models.spec import ModelSpec, state_name
from cruxnet.priors.forms import CPTForm, TableForm, parse_cpt
from cruxnet.priors.params import ParseContext
from cruxnet.priors.paths import describe_value, parameter_paths, path_set, with_value
from cruxnet.priors.stated import StatedMarginal, parse_stated_marginals
from cruxnet.types import NDArray
from cruxnet.yamlio import load_yaml_mapping

__all__ = ["BUNDLED_WORLDVIEWS", "Override", "Worldview", "load_worldview", "point_table",
           "read_worldview_file", "worldview_from_cpts", "worldview_from_mapping"]

#: The folder of the bundled worldviews, one subfolder per model.
BUNDLED_WORLDVIEWS = Path(__file__).parent / "worldviews"

_TOP_KEYS = frozenset({"worldview", "model", "title", "reading", "summary", "extends",
                       "default_ess", "default_sd_log", "cpts", "sources", "stated",
                       "elicitation", "attribution", "ordered_draws", "basis", "marginals",
                       "set"})
#: Top-level defaults a worldview inherits from the file it extends unless it sets its own.
_INHERITED = ("default_ess", "default_sd_log", "ordered_draws", "basis")


@dataclass(frozen=True)
class Override:
    """One change a worldview makes to the worldview it extends.

    ``kind`` is ``node`` (the whole table replaced), ``parameter`` (one parameter, by ``path``)
    or ``marginal`` (a stated marginal); ``before`` and ``after`` say it in words.
    """

    kind: str
    node: str
    path: str = ""
    before: str = ""
    after: str = ""

    @property
    def label(self) -> str:
        return f"{self.node}.{self.path}" if self.path else self.node

    def describe(self) -> str:
        """``"scheming.odds_ratios.deference_timing.late: 3 -> 4"``."""
        what = {"node": "table replaced", "marginal": "stated marginal"}.get(self.kind, "")
        change = f"{self.before} -> {self.after}" if self.before else self.after
        return f"{self.label}: {what + ': ' if what else ''}{change}"


@dataclass(frozen=True)
class Worldview:
    """A validated set of CPT forms for every node of one model.

    Attributes
    ----------
    name, model
        The worldview's and its model's names.
    cpts
        Node id -> :class:`~cruxnet.priors.forms.CPTForm`.
    reading
        Whose numbers these are, e.g. "modelers' reading of S0".
    stated
        Marginals the worldview's holders state directly (``stated: {node: {state: p}}``),
        which the network's implied marginals should match (``cruxnet lint`` checks).
    attribution
        One line saying whose numbers these are, shown wherever a headline is read (e.g.
        "modelers' reading of Carlsmith (2025), not his own estimate").
    basis
        Node id -> where the numbers of its CPT come from (a seed section, or "modelers'
        reading: why"); the file's top-level ``basis`` covers its defaults.
    ordered_draws
        Draw the rows an ``expect`` ordering ties together jointly, so the ordering holds in
        every draw (default); false draws every row independently.
    marginals
        Stated marginals (``marginals:``), which the network built from the worldview holds
        by moving each node's own table (:mod:`cruxnet.inference.marginals`).
    base, overrides
        The worldview this one extends (None for a complete file or a shared partial) and
        what this file changes against it.
    default_ess
        The file's default effective sample size (used for stated marginals without one).
    """

    name: str
    model: str
    cpts: Mapping[str, CPTForm]
    title: str = ""
    reading: str = ""
    summary: str = ""
    file: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    stated: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    attribution: str = ""
    basis: Mapping[str, str] = field(default_factory=dict)
    ordered_draws: bool = True
    marginals: Mapping[str, StatedMarginal] = field(default_factory=dict)
    base: str | None = None
    overrides: tuple[Override, ...] = ()
    base_file: str | None = None
    default_ess: float | None = None

    def point_cpts(self, model: ModelSpec) -> dict[str, NDArray]:
        """Every node's CPT at the parameters' point values."""
        return {n: self.cpts[n].point_cpt(model) for n in model.node_ids}

    @property
    def sha256(self) -> str:
        """SHA-256 of the merged CPT entries as written (after ``extends``)."""
        data: Any = self.raw
        if self.marginals:
            data = {"cpts": self.raw, "marginals": {
                n: [m.probs, m.alpha] for n, m in sorted(self.marginals.items())}}
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()


def _extended_path(path: Path, ext: object, model: object) -> Path:
    """The file ``extends: ext`` names, seen from ``path``."""
    file = str(path)
    if not isinstance(ext, str) or not ext.strip():
        raise SpecError(f"'extends' must name a worldview or a .yaml file, got {ext!r}",
                        file=file)
    if ext.endswith((".yaml", ".yml")):
        cand = (path.parent / ext).resolve()
        if not cand.exists():
            raise SpecError(f"'extends: {ext}' names no file ({cand})", file=file)
        return cand
    beside = path.with_name(f"{ext}.yaml")
    if beside.exists():
        return beside
    bundled = BUNDLED_WORLDVIEWS / str(model) / f"{ext}.yaml"
    if bundled.exists():
        return bundled
    names = sorted(q.stem for q in (BUNDLED_WORLDVIEWS / str(model)).glob("*.yaml")
                   if not q.stem.startswith("_") and not q.name.endswith(".elicit.yaml"))
    raise SpecError(f"'extends: {ext}' names no file {beside.name} beside it and no bundled "
                    f"worldview of model {model!r} (bundled: {', '.join(names) or 'none'})",
                    file=file)


def _read_chain(path: Path, seen: tuple[Path, ...]
                ) -> tuple[dict[str, Any], dict[str, Any], list[Override]]:
    """The file's top-level mapping (marginals merged over what it extends), its CPT entries
    merged over what it extends, and what it changes against its base."""
    data = load_yaml_mapping(path)
    file = str(path)
    if "records" in data and "worldview" not in data:
        raise SpecError("this is an elicitation file, not a worldview: pool it with `cruxnet "
                        "elicit FILE --out NAME.yaml` and use the worldview it writes",
                        file=file)
    unknown = sorted(set(map(str, data)) - _TOP_KEYS)
    if unknown:
        raise SpecError(f"unknown key {unknown[0]!r}; allowed: {', '.join(sorted(_TOP_KEYS))}",
                        file=file)
    cpts = data.get("cpts") or {}
    if not isinstance(cpts, dict):
        raise SpecError("'cpts' must map node ids to CPT entries", file=file)
    merged: dict[str, Any] = {}
    overrides: list[Override] = []
    ext = data.get("extends")
    base_marginals: dict[str, Any] = {}
    if ext is not None:
        if "model" not in data:
            raise SpecError(f"'extends: {ext}' needs the model this worldview is for: add a "
                            "line 'model: NAME' (e.g. model: crux_network)", file=file)
        parent_path = _extended_path(path, ext, data.get("model"))
        if parent_path.resolve() in {q.resolve() for q in (*seen, path)}:
            raise SpecError(f"'extends: {ext}' loops back to itself", file=file)
        parent_top, merged, _ = _read_chain(parent_path, (*seen, path))
        if parent_top.get("model") != data.get("model"):
            raise SpecError(f"'extends: {ext}' is a worldview of model "
                            f"{parent_top.get('model')!r}, not {data.get('model')!r}", file=file)
        for key in _INHERITED:
            if key not in data and key in parent_top:
                data[key] = parent_top[key]
        base_marginals = dict(parent_top.get("marginals") or {})
        if not Path(parent_path).stem.startswith("_"):
            data["_base"] = parent_top.get("worldview")
            data["_base_file"] = str(parent_path)
    listed = "_base" in data  # overrides are listed against a worldview, not a shared partial
    for node, entry in cpts.items():
        node = str(node)
        if listed:
            before = merged.get(node)
            overrides.append(Override("node", node, before=_form_words(before),
                                      after=_form_words(entry)))
        if isinstance(entry, dict):
            entry = {**entry, "_file": file}
        merged[node] = entry
    changed = _apply_set(data.get("set"), merged, file)
    overrides += changed if listed else []
    marginals = data.get("marginals")
    if marginals is not None and not isinstance(marginals, dict):
        raise SpecError(f"'marginals' must map nodes to {{state: probability}}, got "
                        f"{marginals!r}", file=file)
    if base_marginals or marginals:
        data["marginals"] = {**base_marginals, **(marginals or {})}
    for node in (marginals or {}) if listed else ():
        overrides.append(Override("marginal", str(node)))
    return data, merged, overrides


def _form_words(entry: object) -> str:
    if isinstance(entry, dict):
        return f"form {entry.get('form', 'table')}"
    return "a table" if entry is not None else "none"


def _apply_set(raw: object, merged: dict[str, Any], file: str) -> list[Override]:
    """Apply ``set: {node.path: value}`` to the merged entries (copies), listing the changes."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise SpecError(f"'set' must map parameter paths (node.path) to values, got {raw!r}",
                        file=file)
    out = []
    for key, value in raw.items():
        text = str(key)
        node, _, path = text.partition(".")
        if node not in merged:
            raise SpecError(f"set: {text!r}: {node!r} is not a node of the model", file=file)
        entry = merged[node]
        paths = parameter_paths(entry)
        if not path:
            raise SpecError(f"set: {text!r} names a whole node; replace it under 'cpts', or "
                            f"name one parameter ({_path_list(node, paths)})", file=file,
                            node=node)
        if path not in dict(paths):
            raise SpecError(f"set: {text!r} is not a parameter of {node} "
                            f"({_path_list(node, paths)})", file=file, node=node)
        old = dict(paths)[path]
        entry = copy.deepcopy(entry)
        new = with_value(old, value)
        path_set(entry, path, new)
        if isinstance(entry, dict):
            entry["_file"] = file  # a bad value is this file's mistake, not the base's
        merged[node] = entry
        out.append(Override("parameter", node, path, describe_value(old), describe_value(new)))
    return out


def _path_list(node: str, paths: list[tuple[str, Any]]) -> str:
    if not paths:
        return f"{node} has no parameters to set"
    return "its parameters: " + ", ".join(f"{node}.{p}" for p, _ in paths)


def load_worldview(path: str | Path, model: ModelSpec) -> Worldview:
    """Load and validate a worldview file against ``model``.

    Parameters
    ----------
    path
        The worldview YAML file.
    model
        The model it gives CPTs for.

    Returns
    -------
    Worldview

    Raises
    ------
    SpecError
        Malformed YAML; a worldview for another model; a node missing or unknown; a bad CPT (a
        probability outside [0, 1], a row not summing to 1, an ess <= 0, an unknown state...).
    """
    p = Path(path)
    data, merged, overrides = _read_chain(p, ())
    return _build(data, merged, model, str(p), overrides)


def read_worldview_file(path: Path) -> dict[str, Any]:
    """A worldview file's top-level entries, with the defaults it inherits through ``extends``."""
    return _read_chain(path, ())[0]


def worldview_from_mapping(data: Mapping[str, Any], model: ModelSpec, *, file: str
                           ) -> Worldview:
    """Validate a complete worldview given as a mapping (the content of a file without
    ``extends``), e.g. one compiled from elicitation records; ``file`` names it in errors."""
    unknown = sorted(set(map(str, data)) - _TOP_KEYS)
    if unknown:
        raise SpecError(f"unknown key {unknown[0]!r}; allowed: {', '.join(sorted(_TOP_KEYS))}",
                        file=file)
    if data.get("extends") is not None:
        raise SpecError("a worldview given as a mapping cannot use 'extends'", file=file)
    cpts = data.get("cpts") or {}
    if not isinstance(cpts, Mapping):
        raise SpecError("'cpts' must map node ids to CPT entries", file=file)
    merged = {str(k): ({**v, "_file": file} if isinstance(v, dict) else v)
              for k, v in cpts.items()}
    return _build(dict(data), merged, model, file)


def _build(data: dict[str, Any], merged: dict[str, Any], model: ModelSpec, file: str,
           overrides: Sequence[Override] = ()) -> Worldview:
    name = data.get("worldview")
    if not isinstance(name, str) or not name:
        raise SpecError("the file needs a 'worldview: NAME' entry", file=file)
    if "model" not in data:
        raise SpecError(f"the file needs a 'model: NAME' entry (here: model: {model.name})",
                        file=file)
    if data.get("model") != model.name:
        raise SpecError(f"this worldview is for model {data.get('model')!r}, not {model.name!r}",
                        file=file)
    unknown = sorted(set(merged) - set(model.node_ids))
    if unknown:
        raise SpecError(f"gives a CPT for {unknown[0]!r}, which is not a node of model "
                        f"{model.name}", file=file)
    missing = [n for n in model.node_ids if n not in merged]
    if missing:
        raise SpecError(f"gives no CPT for node {missing[0]!r}"
                        + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
                        file=file)
    defaults: dict[str, float | None] = {}
    for key in ("default_ess", "default_sd_log"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not 0 < value < float("inf")):
            raise SpecError(f"{key} must be a number > 0, got {value!r}", file=file)
        defaults[key] = float(value) if value is not None else None
    ordered = data.get("ordered_draws", True)
    if not isinstance(ordered, bool):
        raise SpecError(f"ordered_draws must be true or false, got {ordered!r}", file=file)
    marginals = parse_stated_marginals(data.get("marginals"), model, file=file,
                                       default_ess=defaults["default_ess"])
    cpts: dict[str, CPTForm] = {}
    basis: dict[str, str] = {}
    for node in model.node_ids:
        entry = merged[node]
        src = file
        if isinstance(entry, dict):
            src = entry.pop("_file", file)
            if entry.get("basis") is not None:
                if not isinstance(entry["basis"], str) or not entry["basis"].strip():
                    raise SpecError(f"basis must be a non-empty text, got {entry['basis']!r}",
                                    file=src, node=node)
                basis[node] = " ".join(entry["basis"].split())
        ctx = ParseContext(file=src, node=node, default_ess=defaults["default_ess"],
                           default_sd_log=defaults["default_sd_log"])
        cpts[node] = parse_cpt(entry, model, node, ctx)
    return Worldview(name=name, model=model.name, cpts=cpts, title=str(data.get("title", "")),
                     reading=" ".join(str(data.get("reading", "")).split()),
                     summary=" ".join(str(data.get("summary", "")).split()), file=file,
                     raw=merged, stated=_stated(data.get("stated"), model, file),
                     attribution=" ".join(str(data.get("attribution", "")).split()),
                     basis=({"(defaults)": " ".join(str(data["basis"]).split())}
                            if data.get("basis") else {}) | basis,
                     ordered_draws=ordered, marginals=marginals,
                     base=data.get("_base"), base_file=data.get("_base_file"),
                     overrides=tuple(_described(overrides, marginals)),
                     default_ess=defaults["default_ess"])


def _described(overrides: Sequence[Override], marginals: Mapping[str, StatedMarginal]
               ) -> list[Override]:
    out = []
    for o in overrides:
        if o.kind == "marginal" and o.node in marginals:
            o = Override("marginal", o.node, after=marginals[o.node].said or "stated")
        out.append(o)
    return out


def _stated(raw: object, model: ModelSpec, file: str) -> dict[str, dict[str, float]]:
    """Validate ``stated: {node: {state: probability}}`` (a partial marginal is allowed)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SpecError(f"'stated' must map nodes to {{state: probability}}, got {raw!r}",
                        file=file)
    out: dict[str, dict[str, float]] = {}
    for node, probs in raw.items():
        node = str(node)
        if node not in model:
            raise SpecError(f"stated: {node!r} is not a node of model {model.name}", file=file)
        if not isinstance(probs, dict) or not probs:
            raise SpecError(f"stated: give {{state: probability}} for {node}, got {probs!r}",
                            file=file, node=node)
        states = model.node(node).states
        out[node] = {}
        for state, p in probs.items():
            state = state_name(state)
            if state not in states:
                raise SpecError(f"stated: unknown state {state!r} of {node} "
                                f"(states: {', '.join(states)})", file=file, node=node)
            if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
                raise SpecError(f"stated: P({node}={state}) must be a probability in [0, 1], "
                                f"got {p!r}", file=file, node=node)
            out[node][state] = float(p)
        if sum(out[node].values()) > 1 + 1e-9:
            raise SpecError(f"stated: the probabilities of {node} sum to "
                            f"{sum(out[node].values()):g} > 1", file=file, node=node)
    return out


def point_table(model: ModelSpec, node_id: str, cpt: NDArray) -> TableForm:
    """A full table form for a point CPT, stating no uncertainty (every row's ess is None)."""
    node = model.node(node_id)
    arr = np.asarray(cpt, dtype=float)
    rows = {}
    for idx in np.ndindex(*arr.shape[:-1]):
        key = tuple(model.node(p).states[i] for p, i in zip(node.parents, idx, strict=True))
        rows[key] = (tuple(float(x) for x in arr[idx]), None)
    return TableForm(node=node.id, by=node.parents, rows=rows)


def worldview_from_cpts(name: str, model: ModelSpec, cpts: Mapping[str, NDArray],
                        *, file: str | None = None) -> Worldview:
    """A worldview of full point tables (no uncertainty), e.g. from a BIF file."""
    forms: dict[str, CPTForm] = {}
    raw: dict[str, Any] = {}
    for node in model.nodes:
        forms[node.id] = point_table(model, node.id, cpts[node.id])
        raw[node.id] = np.asarray(cpts[node.id], dtype=float).tolist()
    return Worldview(name=name, model=model.name, cpts=forms, file=file, raw=raw)
