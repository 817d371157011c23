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


# Booleans are re-added below as true/false only; dates stay text (``when: 2026-02-31`` is then
# an error the reader names, not a ValueError deep in the YAML constructor).
_RESOLVERS = {
    key: [(tag, rx) for tag, rx in resolvers
          if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
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
        return _checked(_load(text, _FastLoader, source), source)
    except (yaml.YAMLError, RecursionError):
        pass  # malformed: parse again with the pure-Python loader for its line and message
    try:
        data = _load(text, _CruxLoader, source)
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


def _load(text: str, loader_cls: type[Any], source: str) -> Any:
    """Compose the document, check what its aliases expand to, then construct it."""
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, source)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Refuse a document whose values, each alias counted as often as it is used (a long text
    as one per 64 characters), exceed :data:`cruxnet.base.limits.MAX_YAML_NODES`: an alias
    bomb is a few lines that expand to billions of values once anything walks them."""
    from cruxnet.base.limits import MAX_YAML_NODES

    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    active: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in size and not done:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if not done:
            if key in active:
                raise SpecError("a YAML alias refers to a value that holds it", file=source)
            active.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in size)
            continue
        active.discard(key)
        own = 1 + (len(node.value) // 64 if isinstance(node, yaml.ScalarNode) else 0)
        size[key] = own + sum(size[id(c)] for c in children)
        if size[key] > MAX_YAML_NODES:
            line = node.start_mark.line + 1 if node.start_mark else "?"
            raise SpecError(f"line {line}: the YAML expands to more than {MAX_YAML_NODES:,} "
                            "values (aliases repeat what they name); write the values out",
                            file=source)


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
    from cruxnet.base.limits import read_text_limited

    p = Path(path)
    return parse_yaml_mapping(read_text_limited(p), source=str(p))
