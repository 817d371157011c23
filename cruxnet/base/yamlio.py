"""Safe YAML reading with errors that name the file and line.

YAML 1.1 reads the bare words ``yes``/``no``/``on``/``off`` as booleans, which would turn the state
list ``[no, yes]`` into ``[False, True]``. cruxnet's loader keeps them as strings; only ``true`` and
``false`` are booleans.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from cruxnet.base.errors import SpecError

__all__ = ["load_yaml_mapping", "parse_yaml_mapping"]


class _DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping that repeats a key (PyYAML would silently keep the last value)."""


class _UniqueKeys(yaml.constructor.SafeConstructor):
    """Mixin: a mapping that repeats a key is an error (PyYAML keeps the last value silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                dup = key in seen
                seen.add(key)
            except TypeError:
                continue
            if dup:
                raise _DuplicateKeyError(problem=f"duplicate key {key!r}",
                                         problem_mark=key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


class _CruxLoader(_UniqueKeys, yaml.SafeLoader):
    """Pure-Python safe loader; booleans are only ``true``/``false``, keys must be unique."""


# The same rules on libyaml's parser (several times faster); used first, see parse_yaml_mapping.
_FastLoader: type[Any] = _CruxLoader
if getattr(yaml, "__with_libyaml__", False):
    class _FastLoader(_UniqueKeys, yaml.CSafeLoader):  # type: ignore[no-redef]
        """libyaml-backed :class:`_CruxLoader`."""


_RESOLVERS = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_loader: Any
for _loader in dict.fromkeys((_CruxLoader, _FastLoader)):
    _loader.yaml_implicit_resolvers = {k: list(v) for k, v in _RESOLVERS.items()}
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )

def parse_yaml_mapping(text: str, *, source: str) -> dict[str, Any]:
    """Parse YAML text that must hold a mapping at the top level.

    Parameters
    ----------
    text
        The YAML document.
    source
        The file name used in error messages.

    Returns
    -------
    dict
        The parsed mapping; ``yes``/``no`` stay strings.

    Examples
    --------
    >>> parse_yaml_mapping("states: [no, yes]", source="m.yaml")
    {'states': ['no', 'yes']}
    >>> parse_yaml_mapping("a: [1, 2", source="m.yaml")
    Traceback (most recent call last):
    ...
    cruxnet.base.errors.SpecError: m.yaml: line 1, column 9: malformed YAML (expected ...)
    """
    _check_depth(text, source)
    try:
        return _checked(yaml.load(text, Loader=_FastLoader), source)
    except (yaml.YAMLError, RecursionError):
        pass  # malformed: parse again with the pure-Python loader for its line and message
    try:
        data = yaml.load(text, Loader=_CruxLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = " ".join((exc.problem or exc.context or "invalid YAML").split())
        raise SpecError(f"{where}malformed YAML ({problem})", file=source) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        raise SpecError(f"malformed YAML ({first})", file=source) from None
    except RecursionError:
        raise SpecError("malformed YAML (nested too deeply)", file=source) from None
    return _checked(data, source)


#: How deep ``[...]`` and ``{...}`` may nest. cruxnet's files nest a few levels; thousands of
#: levels (a hostile or broken file) would only exhaust the parser's recursion, slowly.
MAX_NESTING = 64

# Quoted strings and comments are skipped; a quote inside a plain word (Carlsmith's) can only
# hide brackets, so the count may fall short (the parser then decides) but never overshoots.
_TOKENS = re.compile(r"""'(?:[^'\n]|'')*'|"(?:[^"\\\n]|\\.)*"|(?:^|(?<=\s))#[^\n]*|[\[\]{}]""",
                     re.MULTILINE)


def _check_depth(text: str, source: str) -> None:
    """Refuse flow collections nested deeper than :data:`MAX_NESTING`, before parsing.

    >>> _check_depth("a: [[1, 2], {b: [3]}]  # [[[", "m.yaml")
    >>> _check_depth("a: " + "[" * 100 + "]" * 100, "m.yaml")
    Traceback (most recent call last):
    ...
    cruxnet.base.errors.SpecError: m.yaml: line 1: lists or mappings nested more than 64 levels deep
    """
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return
    depth = 0
    for m in _TOKENS.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, m.start()) + 1
                raise SpecError(f"line {line}: lists or mappings nested more than "
                                f"{MAX_NESTING} levels deep", file=source)
        elif c in "]}":
            depth = max(depth - 1, 0)


def _checked(data: Any, source: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else f"a {type(data).__name__}"
        raise SpecError(f"expected a mapping at the top level, got {kind}", file=source)
    return data


def load_yaml_mapping(path: str | Path) -> dict[str, Any]:
    """Read a YAML file that must hold a mapping, with the safe loader only.

    Raises
    ------
    SpecError
        If the file is missing or unreadable, is not valid YAML (the message gives the line), or
        does not hold a mapping at the top level.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError("file not found", file=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read file ({exc.__class__.__name__})", file=str(p)) from None
    return parse_yaml_mapping(text, source=str(p))
