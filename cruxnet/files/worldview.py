"""A worldview file read into a :class:`~cruxnet.model.worldview.Worldview`: its chain of
``extends``, its ``set:`` overrides, every CPT entry and stated marginal checked against the
model."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cruxnet.base.bundled import worldview_dir
from cruxnet.base.errors import SpecError
from cruxnet.base.yamlio import load_yaml_mapping
from cruxnet.files.forms import parse_cpt
from cruxnet.files.params import MIN_ESS, ParseContext
from cruxnet.files.stated import parse_stated_marginals
from cruxnet.model.cpt import CPTForm
from cruxnet.model.paths import describe_value, parameter_paths, path_set, with_value
from cruxnet.model.spec import ModelSpec, state_name
from cruxnet.model.stated import StatedMarginal
from cruxnet.model.worldview import Override, Worldview

__all__ = ["load_worldview", "read_worldview_file", "text_sha256", "worldview_from_mapping"]


_TOP_KEYS = frozenset({"worldview", "model", "title", "reading", "summary", "extends",
                       "default_ess", "default_sd_log", "cpts", "sources", "stated",
                       "elicitation", "attribution", "answers", "ordered_draws", "basis",
                       "marginals", "set"})


#: Top-level defaults a worldview inherits from the file it extends unless it sets its own.
_INHERITED = ("default_ess", "default_sd_log", "ordered_draws", "basis")


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
    bundled = worldview_dir(str(model)) / f"{ext}.yaml"
    if bundled.exists():
        return bundled
    names = sorted(q.stem for q in (worldview_dir(str(model))).glob("*.yaml")
                   if not q.stem.startswith("_") and not q.name.endswith(".elicit.yaml"))
    raise SpecError(f"'extends: {ext}' names no file {beside.name} beside it and no bundled "
                    f"worldview of model {model!r} (bundled: {', '.join(names) or 'none'})",
                    file=file)


def text_sha256(text: str) -> str:
    """The sha256 of a text's UTF-8 bytes (how a worldview names the answers it was made from)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_answers(path: Path, answers: object) -> None:
    """A worldview written by the interview names its answers file and that file's sha256: a
    pair that disagrees (a revision killed between its two renames, or the answers edited by
    hand) is refused with what to do, instead of silently giving the older view."""
    if not (isinstance(answers, dict) and isinstance(answers.get("file"), str)
            and isinstance(answers.get("sha256"), str)):
        raise SpecError("'answers' must give the answers' file and its sha256", file=str(path))
    rec = path.parent / Path(answers["file"]).name
    try:
        now = text_sha256(rec.read_text(encoding="utf-8"))
    except OSError:
        raise SpecError(f"this view was made from the answers in {rec.name}, which is missing "
                        "beside it; run the interview again (cruxnet elicit --interview --out "
                        f"{path.stem})", file=str(path)) from None
    if now != answers["sha256"]:
        raise SpecError(f"this view and the answers in {rec.name} disagree (a revision that was "
                        "interrupted, or answers edited by hand): run cruxnet elicit "
                        f"--interview --out {path.stem} again to rewrite the view from them",
                        file=str(path))


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
    if "answers" in data:
        _check_answers(path, data["answers"])
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
        if key == "default_ess" and value is not None and value < MIN_ESS:
            raise SpecError(f"default_ess {value:g} is below {MIN_ESS:g}: so little weight "
                            "makes the drawn probabilities exactly 0 or 1 in many draws",
                            file=file)
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
