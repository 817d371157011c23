"""Network structure: nodes, states, parents, roles and sources, validated into frozen dataclasses.

A model file (YAML) declares the nodes of a discrete Bayesian network and the reasons for its
edges; it holds no probabilities. Those live in worldview files (:mod:`cruxnet.model.worldview`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    from cruxnet.model.bibliography import Reference

__all__ = ["NAME_SEPARATORS", "ROLES", "Edge", "Expectations", "ModelSpec", "NodeSpec", "Source",
           "name_problem", "state_name"]

Role = Literal["crux", "mechanism", "lever", "outcome"]
ROLES: frozenset[str] = frozenset({"crux", "mechanism", "lever", "outcome"})


def state_name(value: object) -> str:
    """The canonical string of a state or node name read from YAML.

    >>> state_name(True), state_name(3), state_name("yes")
    ('true', '3', 'yes')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int)):
        return str(value)
    raise TypeError(type(value).__name__)


#: Characters a node or state name may not hold, and why: the command line writes evidence as
#: ``NODE=STATE`` and distributions as ``NODE=S1:p1,S2:p2``.
NAME_SEPARATORS = {"=": "an '='", ",": "a ','", ":": "a ':'"}


def name_problem(name: str, *, state: bool = False) -> str | None:
    """What makes ``name`` unusable as a node (or, with ``state``, a state) name, or None. One
    rule for every model (YAML, BIF, XMLBIF), so describe, explore, show, report and the
    command line never meet a name they cannot write: not empty, no whitespace, no control
    character or lone surrogate, none of ``= , :`` (a state may hold ``=``, as bnlearn's
    ``>=7.5`` does: ``NODE=>=7.5`` splits at the first ``=``).

    >>> [name_problem(n) for n in ("scheming", "under_2wk", "0.5", "")]
    [None, None, None, 'is empty']
    >>> name_problem(">=7.5", state=True), name_problem("a,b", state=True)[:9]
    (None, "has a ','")
    >>> name_problem("a b")
    "has a space (use '_' instead)"
    >>> name_problem("x=1"), name_problem("bad\x1b")
    ("has an '=' (the command line writes NODE=STATE)", 'has a control character (U+001B)')
    """
    if not name:
        return "is empty"
    for ch in name:
        code = ord(ch)
        if ch.isspace():
            what = "a space" if ch == " " else f"a blank character (U+{code:04X})"
            return f"has {what} (use '_' instead)"
        if code < 0x20 or 0x7F <= code <= 0x9F:
            return f"has a control character (U+{code:04X})"
        if 0xD800 <= code <= 0xDFFF:
            return f"has a lone surrogate (U+{code:04X}), not text"
        if ch in NAME_SEPARATORS and not (state and ch == "="):
            return (f"has {NAME_SEPARATORS[ch]} (the command line writes NODE=STATE"
                    + (")" if ch == "=" else " and NODE=S1:p1,S2:p2)"))
    return None


@dataclass(frozen=True)
class Source:
    """Where a node or edge comes from: a seed document and a section, with a paraphrase."""

    seed: str
    section: str = ""
    note: str = ""

    def cite(self) -> str:
        """Short citation, e.g. ``S0 'Lead Time Critical'``."""
        return f"{self.seed} {self.section}".strip()


@dataclass(frozen=True)
class Edge:
    """A parent of a node, with the reason the edge exists."""

    parent: str
    reason: str = ""
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Expectations:
    """What the model declares every worldview's CPT of a node must respect (checked by
    ``cruxnet lint``).

    Attributes
    ----------
    increases_with, decreases_with
        Parents along whose states (in order) the node's distribution must rise (stochastically:
        the probability of its upper states never falls) or fall, in every context.
    impossible
        Structural zeros: ``(conditions, state)`` pairs; where every ``parent: state`` condition
        holds, the node can never be in ``state``.
    """

    increases_with: tuple[str, ...] = ()
    decreases_with: tuple[str, ...] = ()
    impossible: tuple[tuple[tuple[tuple[str, str], ...], str], ...] = ()


@dataclass(frozen=True)
class NodeSpec:
    """One node: its ordered states, its parents and what it means."""

    id: str
    states: tuple[str, ...]
    parents: tuple[str, ...] = ()
    label: str = ""
    definition: str = ""
    role: Role = "mechanism"
    headline: bool = False
    sources: tuple[Source, ...] = ()
    edges: tuple[Edge, ...] = ()
    expect: Expectations = field(default_factory=lambda: Expectations())
    #: For a lever: the (from, to) states its effect compares; default the first and last state.
    #: A lever whose best state is in the middle (deferring at the minimum) names them.
    lever_states: tuple[str, str] | None = None
    #: The state a question about this node is about by default (``state_of_interest:``;
    #: default the last state, e.g. ``yes``): what report, update and sensitivity show.
    interest: str | None = None

    @property
    def state_of_interest(self) -> str:
        """``state_of_interest`` as declared, else the last state."""
        return self.interest or self.states[-1]

    @property
    def lever_range(self) -> tuple[str, str]:
        """The states a lever table compares: ``lever_states``, or the first and the last."""
        return self.lever_states or (self.states[0], self.states[-1])

    @property
    def card(self) -> int:
        """Number of states."""
        return len(self.states)

    def state_index(self, state: str) -> int:
        """Index of ``state``; raises :class:`KeyError` if it is not a state of this node."""
        try:
            return self.states.index(state)
        except ValueError:
            raise KeyError(state) from None


@dataclass(frozen=True)
class ModelSpec:
    """A validated network structure: nodes in topological order, no probabilities.

    Build one with :func:`load_model_spec` (YAML) or :func:`model_spec_from_mapping`.
    """

    name: str
    nodes: tuple[NodeSpec, ...]
    title: str = ""
    description: str = ""
    default_worldview: str | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    file: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {n.id: i for i, n in enumerate(self.nodes)})

    def reference(self, seed: str) -> Reference | None:
        """The bibliography entry a seed id (``S0``) stands for, if ``sources`` names one (a
        plain file name, as older models give, has none)."""
        from cruxnet.model.bibliography import bibliography

        return bibliography().get(self.sources.get(seed, ""))

    def cite(self, source: Source) -> str:
        """A citation for readers: author, title, section and link, e.g. ``Greenblatt &
        Stastny (2026), 'How do we (more) safely defer to AIs?', Lead Time Critical
        (https://...)``; the seed id and section where the model names no bibliography entry."""
        ref = self.reference(source.seed)
        if ref is None:
            return source.cite()
        return f"{ref.cite(source.section)} ({ref.link})"

    @property
    def node_ids(self) -> tuple[str, ...]:
        """Node ids in topological order (parents before children)."""
        return tuple(n.id for n in self.nodes)

    def __contains__(self, node: object) -> bool:
        return node in cast(dict[str, int], self.__dict__["_index"])

    def node(self, node_id: str) -> NodeSpec:
        """The node called ``node_id``; raises :class:`KeyError` if there is none."""
        index = cast(dict[str, int], self.__dict__["_index"])
        return self.nodes[index[node_id]]

    def children(self, node_id: str) -> tuple[str, ...]:
        """Ids of the nodes that have ``node_id`` as a parent."""
        return tuple(n.id for n in self.nodes if node_id in n.parents)

    def default_target(self) -> str:
        """The node a model is about: ``catastrophe`` if it has one, else its last outcome node,
        else its last node (what report, summary and update show by default).

        >>> from cruxnet.catalog import load_model
        >>> load_model("carlsmith_2021").spec.default_target()
        'catastrophe'
        """
        outcomes = [n.id for n in self.nodes if n.role == "outcome"]
        return "catastrophe" if "catastrophe" in self else (outcomes or list(self.node_ids))[-1]

    def ancestors(self, node_ids: Iterable[str]) -> set[str]:
        """The given nodes and all their ancestors (memoised per set of nodes)."""
        key = frozenset(node_ids)
        memo = cast(dict[frozenset[str], frozenset[str]],
                    self.__dict__.setdefault("_ancestors_memo", {}))
        if key not in memo:
            if len(memo) > 4096:
                memo.clear()
            memo[key] = frozenset(self._ancestors(key))
        return set(memo[key])

    def _ancestors(self, node_ids: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        stack = list(node_ids)
        while stack:
            v = stack.pop()
            if v not in seen:
                seen.add(v)
                stack.extend(self.node(v).parents)
        return seen

    def descendants(self, node_id: str) -> set[str]:
        """Strict descendants of ``node_id``."""
        out: set[str] = set()
        stack = [node_id]
        while stack:
            v = stack.pop()
            for c in self.children(v):
                if c not in out:
                    out.add(c)
                    stack.append(c)
        return out

    def with_nodes(self, nodes: Iterable[NodeSpec]) -> ModelSpec:
        """A copy with some nodes replaced (by id); the original is unchanged."""
        repl = {n.id: n for n in nodes}
        return ModelSpec(
            name=self.name,
            nodes=tuple(repl.get(n.id, n) for n in self.nodes),
            title=self.title,
            description=self.description,
            default_worldview=self.default_worldview,
            sources=self.sources,
            file=self.file,
        )

    def structure_dict(self) -> dict[str, Any]:
        """The structure as plain data (ids, states, parents), used for hashing."""
        return {
            "name": self.name,
            "nodes": [{"id": n.id, "states": list(n.states), "parents": list(n.parents)}
                      for n in self.nodes],
        }

    @property
    def sha256(self) -> str:
        """SHA-256 of the structure (names, states, parents), stable across file formatting."""
        blob = json.dumps(self.structure_dict(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()


