"""A model file read into a validated :class:`~cruxnet.model.spec.ModelSpec`: its nodes, states,
edges with reasons, sources and expectations, each problem a one-line error naming the file,
node and value."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

from cruxnet.base.errors import SpecError
from cruxnet.base.limits import MAX_NODES, MAX_STATES, check_table_size
from cruxnet.base.yamlio import load_yaml_mapping
from cruxnet.model.spec import (
    ROLES,
    Edge,
    Expectations,
    ModelSpec,
    NodeSpec,
    Role,
    Source,
    name_problem,
    state_name,
)

__all__ = ["build_model_spec", "load_model_spec", "model_spec_from_mapping"]


def _topological_order(nodes: Mapping[str, NodeSpec], file: str | None) -> list[str]:
    """Kahn's algorithm, keeping the declared order among ready nodes; names a cycle if any."""
    indeg = {k: len(n.parents) for k, n in nodes.items()}
    children: dict[str, list[str]] = {k: [] for k in nodes}
    for k, n in nodes.items():
        for p in n.parents:
            children[p].append(k)
    declared = list(nodes)
    ready = [k for k in declared if indeg[k] == 0]
    order: list[str] = []
    while ready:
        v = ready.pop(0)
        order.append(v)
        for c in children[v]:
            indeg[c] -= 1
            if indeg[c] == 0:
                ready.append(c)
    if len(order) < len(nodes):
        remaining = {k for k in nodes if k not in set(order)}
        cycle = _find_cycle(nodes, remaining)
        raise SpecError(f"the graph has a cycle: {' -> '.join(cycle)}", file=file)
    return order


def _find_cycle(nodes: Mapping[str, NodeSpec], remaining: set[str]) -> list[str]:
    """One cycle among ``remaining`` (every node there lies on or above a cycle)."""
    start = sorted(remaining)[0]
    path: list[str] = []
    seen: dict[str, int] = {}
    v = start
    while v not in seen:
        seen[v] = len(path)
        path.append(v)
        v = next(p for p in nodes[v].parents if p in remaining)
    cycle = [*path[seen[v]:], v]
    return list(reversed(cycle))


def _sources(raw: object, where: str, file: str | None, node: str | None) -> tuple[Source, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        if isinstance(item, str):
            seed, _, section = item.partition(" ")
            out.append(Source(seed=seed, section=section.strip()))
        elif isinstance(item, dict) and "seed" in item:
            out.append(Source(seed=str(item["seed"]), section=str(item.get("section", "")),
                              note=str(item.get("note", ""))))
        else:
            raise SpecError(f"{where}: a source must be 'SEED section' or a mapping with 'seed', "
                            f"got {item!r}", file=file, node=node)
    return tuple(out)


_NODE_KEYS = frozenset({"id", "label", "definition", "states", "parents", "role", "headline",
                        "sources", "expect", "lever_states", "state_of_interest"})


_EXPECT_KEYS = frozenset({"increases_with", "decreases_with", "impossible"})


def _expectations(raw: object, nid: str, states: tuple[str, ...], parents: tuple[str, ...],
                  file: str | None) -> Expectations:
    """Parse a node's ``expect:`` block. Parent states are checked once the model is built."""
    if raw is None:
        return Expectations()
    if not isinstance(raw, dict):
        raise SpecError(f"'expect' must be a mapping, got {raw!r}", file=file, node=nid)
    unknown = sorted(set(map(str, raw)) - _EXPECT_KEYS)
    if unknown:
        raise SpecError(f"unknown key {unknown[0]!r} in 'expect'; allowed: "
                        f"{', '.join(sorted(_EXPECT_KEYS))}", file=file, node=nid)
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("increases_with", "decreases_with"):
        items = raw.get(key) or []
        if not isinstance(items, list):
            raise SpecError(f"expect.{key} must be a list of parents, got {items!r}",
                            file=file, node=nid)
        for item in items:
            if str(item) not in parents:
                raise SpecError(f"expect.{key}: {item!r} is not a parent of {nid} "
                                f"(parents: {', '.join(parents) or 'none'})",
                                file=file, node=nid)
        lists[key] = tuple(str(i) for i in items)
    zeros = []
    items = raw.get("impossible") or []
    if not isinstance(items, list):
        raise SpecError(f"expect.impossible must be a list, got {items!r}", file=file, node=nid)
    for item in items:
        if (not isinstance(item, dict) or set(item) != {"when", "state"}
                or not isinstance(item["when"], dict)):
            raise SpecError("each expect.impossible entry needs 'when: {parent: state}' and "
                            f"'state', got {item!r}", file=file, node=nid)
        state = state_name(item["state"])
        if state not in states:
            raise SpecError(f"expect.impossible: unknown state {state!r} of {nid} "
                            f"(states: {', '.join(states)})", file=file, node=nid)
        when = []
        for parent, pstate in item["when"].items():
            if str(parent) not in parents:
                raise SpecError(f"expect.impossible: {parent!r} is not a parent of {nid}",
                                file=file, node=nid)
            when.append((str(parent), state_name(pstate)))
        zeros.append((tuple(when), state))
    return Expectations(lists["increases_with"], lists["decreases_with"], tuple(zeros))


def _flag(value: object, key: str, file: str | None, node: str) -> bool:
    """A yes/no setting: ``true`` or ``false`` (the bare words yes/no are text in cruxnet's
    YAML, and ``headline: no`` must not read as true)."""
    if isinstance(value, bool):
        return value
    raise SpecError(f"{key} must be true or false, got {value!r}", file=file, node=node)


def _node(raw: object, i: int, file: str | None) -> NodeSpec:
    if not isinstance(raw, dict):
        raise SpecError(f"nodes[{i}] must be a mapping, got {raw!r}", file=file)
    if "id" not in raw:
        raise SpecError(f"nodes[{i}] has no 'id'", file=file)
    try:
        nid = state_name(raw["id"])
    except TypeError:
        raise SpecError(f"nodes[{i}] has a non-text id {raw['id']!r}", file=file) from None
    unknown = sorted(set(map(str, raw)) - _NODE_KEYS)
    if unknown:
        raise SpecError(f"unknown key {unknown[0]!r}; allowed: {', '.join(sorted(_NODE_KEYS))}",
                        file=file, node=nid)
    states_raw = raw.get("states")
    if isinstance(states_raw, list) and len(states_raw) > MAX_STATES:
        raise SpecError(f"{len(states_raw):,} states, more than the limit of {MAX_STATES:,}",
                        file=file, node=nid)
    if not isinstance(states_raw, list) or len(states_raw) < 2:
        raise SpecError(f"'states' must list at least two states, got {states_raw!r}",
                        file=file, node=nid)
    try:
        states = tuple(state_name(s) for s in states_raw)
    except TypeError:
        raise SpecError(f"states must be names, got {states_raw!r}", file=file, node=nid) from None
    dupes = sorted({s for s in states if states.count(s) > 1})
    if dupes:
        raise SpecError(f"duplicate state {dupes[0]!r} in {list(states)}", file=file, node=nid)
    role = str(raw.get("role", "mechanism"))
    if role not in ROLES:
        raise SpecError(f"role {role!r} is not one of {', '.join(sorted(ROLES))}",
                        file=file, node=nid)
    edges: list[Edge] = []
    parents_raw = raw.get("parents") or []
    if not isinstance(parents_raw, list):
        raise SpecError(f"'parents' must be a list, got {parents_raw!r}", file=file, node=nid)
    for p in parents_raw:
        if isinstance(p, dict) and "node" in p:
            if isinstance(p["node"], bool) or not isinstance(p["node"], (str, int)):
                raise SpecError(f"a parent's 'node' must be a node id, got {p['node']!r}",
                                file=file, node=nid)
            edges.append(Edge(parent=state_name(p["node"]), reason=str(p.get("reason", "")),
                              sources=_sources(p.get("sources"), "parent", file, nid)))
        elif isinstance(p, (str, int)) and not isinstance(p, bool):
            edges.append(Edge(parent=str(p)))
        else:
            raise SpecError(f"a parent must be a node id or a mapping with 'node', got {p!r}",
                            file=file, node=nid)
    parents = tuple(e.parent for e in edges)
    dupes = sorted({p for p in parents if parents.count(p) > 1})
    if dupes:
        raise SpecError(f"parent {dupes[0]!r} is listed twice", file=file, node=nid)
    if nid in parents:
        raise SpecError(f"the graph has a cycle: {nid} -> {nid}", file=file, node=nid)
    return NodeSpec(
        id=nid, states=states, parents=parents, label=str(raw.get("label", "") or nid),
        definition=" ".join(str(raw.get("definition", "")).split()),
        role=cast(Role, role), headline=_flag(raw.get("headline", False), "headline", file, nid),
        sources=_sources(raw.get("sources"), "sources", file, nid), edges=tuple(edges),
        expect=_expectations(raw.get("expect"), nid, states, parents, file),
        lever_states=_lever_states(raw.get("lever_states"), states, nid, file),
        interest=_interest(raw.get("state_of_interest"), states, nid, file),
    )


def _interest(raw: object, states: tuple[str, ...], nid: str, file: str | None) -> str | None:
    if raw is None:
        return None
    name = state_name(raw) if isinstance(raw, (str, int, bool)) else raw
    if name not in states:
        raise SpecError(f"state_of_interest: unknown state {name!r} (states: "
                        f"{', '.join(states)})", file=file, node=nid)
    return str(name)


def _lever_states(raw: object, states: tuple[str, ...], nid: str, file: str | None
                  ) -> tuple[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        raise SpecError(f"lever_states must be [from, to], got {raw!r}", file=file, node=nid)
    a, b = (state_name(x) if isinstance(x, (str, int, bool)) else x for x in raw)
    for x in (a, b):
        if x not in states:
            raise SpecError(f"lever_states: unknown state {x!r} (states: {', '.join(states)})",
                            file=file, node=nid)
    return (str(a), str(b))


def build_model_spec(name: str, nodes: Iterable[NodeSpec], *, file: str | None = None,
                     **meta: Any) -> ModelSpec:
    """Validate nodes (unique ids, known parents, no cycle) and order them topologically."""
    by_id: dict[str, NodeSpec] = {}
    it = iter(nodes)
    for n in it:
        if len(by_id) >= MAX_NODES:
            total = len(by_id) + 1 + sum(1 for _ in it)
            raise SpecError(f"the model has {total:,} nodes, more than the limit of "
                            f"{MAX_NODES:,}", file=file)
        if n.card > MAX_STATES:
            raise SpecError(f"{n.card:,} states, more than the limit of {MAX_STATES:,}",
                            file=file, node=n.id)
        problem = name_problem(n.id)
        if problem:
            raise SpecError(f"node name {n.id!r} {problem}", file=file)
        for s in n.states:
            problem = name_problem(s, state=True)
            if problem:
                raise SpecError(f"state name {s!r} {problem}", file=file, node=n.id)
        if n.id in by_id:
            raise SpecError("duplicate node id", file=file, node=n.id)
        by_id[n.id] = n
    if not by_id:
        raise SpecError("the model has no nodes", file=file)
    for n in by_id.values():
        for p in n.parents:
            if p not in by_id:
                raise SpecError(f"parent {p!r} is not a node of the model", file=file, node=n.id)
    for n in by_id.values():
        for when, _ in n.expect.impossible:
            for parent, pstate in when:
                if pstate not in by_id[parent].states:
                    raise SpecError(f"expect.impossible: unknown state {pstate!r} of {parent} "
                                    f"(states: {', '.join(by_id[parent].states)})",
                                    file=file, node=n.id)
    for n in by_id.values():
        check_table_size([by_id[p].card for p in n.parents] + [n.card], n.id, file)
    order = _topological_order(by_id, file)
    return ModelSpec(name=name, nodes=tuple(by_id[k] for k in order), file=file, **meta)


_MODEL_KEYS = frozenset({"model", "title", "description", "default_worldview", "sources",
                         "nodes"})


def model_spec_from_mapping(data: Mapping[str, Any], *, file: str | None = None) -> ModelSpec:
    """Validate a parsed model file into a :class:`ModelSpec`."""
    unknown = sorted(set(map(str, data)) - _MODEL_KEYS)
    if unknown:
        raise SpecError(f"unknown key {unknown[0]!r}; allowed: {', '.join(sorted(_MODEL_KEYS))}",
                        file=file)
    name = data.get("model")
    if not isinstance(name, str) or not name:
        raise SpecError("the file needs a 'model: NAME' entry", file=file)
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        raise SpecError("'nodes' must be a non-empty list", file=file)
    nodes = [_node(r, i, file) for i, r in enumerate(raw_nodes)]
    srcs = data.get("sources") or {}
    if not isinstance(srcs, dict):
        raise SpecError("'sources' must map seed ids to file names", file=file)
    dw = data.get("default_worldview")
    return build_model_spec(
        name, nodes, file=file, title=str(data.get("title", "")),
        description=" ".join(str(data.get("description", "")).split()),
        default_worldview=str(dw) if dw is not None else None,
        sources={str(k): str(v) for k, v in srcs.items()},
    )


def load_model_spec(path: str | Path) -> ModelSpec:
    """Load and validate a model (structure) file.

    Parameters
    ----------
    path
        A YAML model file.

    Returns
    -------
    ModelSpec
        Nodes in topological order.

    Raises
    ------
    SpecError
        Malformed YAML (with line), a duplicate node or state, an unknown parent, a cycle.
    """
    return model_spec_from_mapping(load_yaml_mapping(path), file=str(path))
