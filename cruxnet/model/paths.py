"""Readable paths to the parameters of a CPT entry, as written in a worldview file.

A path is the entry's keys joined by dots, down to one parameter: ``odds_ratios.deference_timing
.late`` in a ``logit_additive`` entry, ``rows.hard`` or ``p`` in a table (a whole row: its
entries must sum to 1 together), ``rows.3.p`` for the fourth row of a table listed with
``when``. Elicitation records (``param:``), a personal worldview's ``set:`` and ``cruxnet
describe`` all use these paths.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from cruxnet.model.spec import state_name

__all__ = ["PARAM_KEYS", "describe_value", "is_parameter", "parameter_paths", "path_get",
           "path_set", "with_value"]

#: Keys of a parameter written with its uncertainty (``{mean, ess}``, ``{median, sd_log}``...).
PARAM_KEYS = frozenset({"mean", "ess", "median", "sd_log", "value", "sd"})
#: Entry keys that are settings, not parameters.
_NOT_PARAMS = frozenset({"form", "basis", "by", "ess", "normalize", "when", "_file"})


def _key(k: object) -> str:
    return state_name(k) if isinstance(k, (str, int, bool)) else str(k)


def _number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def is_parameter(value: object) -> bool:
    """A number, a row (a list of numbers) or a number with its uncertainty."""
    if _number(value):
        return True
    if isinstance(value, list):
        return bool(value) and all(_number(v) for v in value)
    return (isinstance(value, Mapping) and bool(value)
            and set(map(str, value)) <= PARAM_KEYS)


def path_get(entry: Any, path: str) -> Any:
    """The value at ``path`` in ``entry``; KeyError naming the first part that is missing."""
    cur = entry
    for part in path.split("."):
        if isinstance(cur, Mapping):
            keys = {_key(k): k for k in cur}
            if part not in keys:
                raise KeyError(part)
            cur = cur[keys[part]]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            raise KeyError(part)
    return cur


def path_set(entry: Any, path: str, value: Any) -> None:
    """Set the value at an existing ``path`` in ``entry`` (in place)."""
    parts = path.split(".")
    parent = path_get(entry, ".".join(parts[:-1])) if len(parts) > 1 else entry
    last = parts[-1]
    if isinstance(parent, Mapping):
        keys = {_key(k): k for k in parent}
        parent[keys[last]] = value  # type: ignore[index]
    else:
        parent[int(last)] = value


def parameter_paths(entry: object) -> list[tuple[str, Any]]:
    """Every parameter of a CPT entry as ``(path, value)``, in the order written.

    >>> parameter_paths({"form": "logit_additive", "base": {"by": "a", "values": {"x": 0.1}},
    ...                  "odds_ratios": {"b": {"yes": {"median": 3, "sd_log": 0.5}}}})
    [('base.values.x', 0.1), ('odds_ratios.b.yes', {'median': 3, 'sd_log': 0.5})]
    """
    return list(_walk(entry, ""))


def _walk(value: object, prefix: str) -> Iterator[tuple[str, Any]]:
    if prefix and is_parameter(value):
        yield prefix, value
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            key = _key(k)
            if key in _NOT_PARAMS:
                continue
            yield from _walk(v, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{prefix}.{i}" if prefix else str(i))


def with_value(old: object, new: object) -> object:
    """What ``new`` written over ``old`` means: a plain number over a parameter written with
    its uncertainty replaces the point value and keeps the uncertainty; anything else replaces
    the whole parameter.

    >>> with_value({"median": 3, "sd_log": 0.5}, 4)
    {'median': 4, 'sd_log': 0.5}
    >>> with_value({"mean": 0.2, "ess": 10}, {"mean": 0.1, "ess": 40})
    {'mean': 0.1, 'ess': 40}
    >>> with_value(0.45, 0.3)
    0.3
    """
    if _number(new) and isinstance(old, Mapping) and is_parameter(old):
        out = dict(copy.deepcopy(old))
        for key in ("mean", "median", "value"):
            if key in out:
                out[key] = new
                return out
    return copy.deepcopy(new)


def describe_value(value: object) -> str:
    """A parameter in words: ``0.3``, ``3 (median; sd_log 0.5)``, ``[0.3, 0.45, 0.25]``."""
    if isinstance(value, Mapping):
        vals = {str(k): v for k, v in value.items()}
        for key in ("mean", "median", "value"):
            if key in vals:
                rest = ", ".join(f"{k} {v:g}" if _number(v) else f"{k} {v}"
                                 for k, v in vals.items() if k != key)
                return f"{vals[key]:g} ({key}{'; ' + rest if rest else ''})"
        return ", ".join(f"{k} {v}" for k, v in vals.items())
    if isinstance(value, list):
        return "[" + ", ".join(f"{v:g}" for v in value) + "]"
    return f"{value:g}" if _number(value) else str(value)
