"""Worldviews: one person's or school's beliefs about every CPT of a model, with uncertainty.

A worldview file names its model and gives each node's CPT in one of the forms of
:mod:`cruxnet.priors.forms`. ``extends: NAME`` starts from another worldview file in the same
folder and replaces whole nodes; the merged result must cover every node of the model and name no
other node.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cruxnet.errors import SpecError
from cruxnet.models.spec import ModelSpec, state_name
from cruxnet.priors.forms import CPTForm, NDArray, TableForm, parse_cpt
from cruxnet.priors.params import ParseContext
from cruxnet.yamlio import load_yaml_mapping

__all__ = ["Worldview", "load_worldview", "point_table", "read_worldview_file",
           "worldview_from_cpts", "worldview_from_mapping"]

_TOP_KEYS = frozenset({"worldview", "model", "title", "reading", "summary", "extends",
                       "default_ess", "default_sd_log", "cpts", "sources", "stated",
                       "elicitation", "attribution", "ordered_draws", "basis"})
#: Top-level defaults a worldview inherits from the file it extends unless it sets its own.
_INHERITED = ("default_ess", "default_sd_log", "ordered_draws", "basis")


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

    def point_cpts(self, model: ModelSpec) -> dict[str, NDArray]:
        """Every node's CPT at the parameters' point values."""
        return {n: self.cpts[n].point_cpt(model) for n in model.node_ids}

    @property
    def sha256(self) -> str:
        """SHA-256 of the merged CPT entries as written (after ``extends``)."""
        blob = json.dumps(self.raw, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()


def _read_chain(path: Path, seen: tuple[Path, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The file's top-level mapping and its CPT entries merged over what it extends."""
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
    ext = data.get("extends")
    if ext is not None:
        parent_path = path.with_name(f"{ext}.yaml")
        if parent_path in seen:
            raise SpecError(f"'extends: {ext}' loops back to itself", file=file)
        if not parent_path.exists():
            raise SpecError(f"'extends: {ext}' names no file {parent_path.name} beside it",
                            file=file)
        parent_top, merged = _read_chain(parent_path, (*seen, path))
        if parent_top.get("model") != data.get("model"):
            raise SpecError(f"'extends: {ext}' is a worldview of model "
                            f"{parent_top.get('model')!r}, not {data.get('model')!r}", file=file)
        for key in _INHERITED:
            if key not in data and key in parent_top:
                data[key] = parent_top[key]
    for node, entry in cpts.items():
        if isinstance(entry, dict):
            entry = {**entry, "_file": file}
        merged[str(node)] = entry
    return data, merged


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
    data, merged = _read_chain(p, ())
    return _build(data, merged, model, str(p))


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


def _build(data: dict[str, Any], merged: dict[str, Any], model: ModelSpec, file: str
           ) -> Worldview:
    name = data.get("worldview")
    if not isinstance(name, str) or not name:
        raise SpecError("the file needs a 'worldview: NAME' entry", file=file)
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
                     ordered_draws=ordered)


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
