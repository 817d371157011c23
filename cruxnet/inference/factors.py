"""The factors of a query: the relevant CPTs, sliced by hard evidence, plus likelihood factors.

Shared by the exact engine (point CPTs) and the batched engine (CPTs with a trailing ``draw``
axis). A factor is ``(array, axis names)``; a drawn CPT carries :data:`DRAW` as its last axis.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from cruxnet.base.errors import EvidenceError, did_you_mean
from cruxnet.inference.contract import LAST_AXIS, Factor
from cruxnet.inference.evidence import Evidence
from cruxnet.model.network import BayesNet
from cruxnet.model.spec import ModelSpec

__all__ = ["DRAW", "Query", "cpt_factor_index", "prepare_query", "query_factors"]

#: Axis name of the draw axis inside the batched engine (last axis of every drawn factor).
DRAW = LAST_AXIS


@dataclass(frozen=True)
class Query:
    """A validated query: the evidence, the (mutilated) network, hard indices, kept nodes."""

    target: str
    evidence: Evidence
    work: BayesNet
    hard: Mapping[str, int]
    keep: set[str]


def prepare_query(net: BayesNet, target: str,
                  evidence: Evidence | Mapping[str, Any] | None) -> Query:
    """Validate the target and evidence (an Evidence or a plain mapping, see
    :meth:`Evidence.of`), apply do() by graph surgery and find the relevant nodes (ancestors
    of the target and the evidence; barren nodes sum to 1)."""
    ev = Evidence.of(evidence)
    if target not in net.spec:
        raise EvidenceError(f"target: unknown node {target!r} in model {net.spec.name}"
                            + did_you_mean(target, net.spec.node_ids))
    ev = ev.resolved(net.spec)
    ev.validate(net.spec)
    work = net.do(ev.do) if ev.do else net
    spec = work.spec
    hard = {n: spec.node(n).states.index(s) for n, s in ev.hard.items()}
    keep = spec.ancestors({target, *ev.hard, *ev.likelihood, *ev.fixed})
    return Query(target, ev, work, hard, keep)


Recipe = tuple[tuple[str, tuple[str | None, ...], tuple[str, ...]], ...]


def _recipe(spec: ModelSpec, keep: frozenset[str], hard: frozenset[str], target: str) -> Recipe:
    """Per kept node: its id, per axis the hard-evidence node that slices it (or None; empty if
    nothing does), and the axes that remain. Memoised on the spec (queries repeat)."""
    memo = spec.__dict__.setdefault("_factor_recipes", {})
    key = (keep, hard, target)
    if key not in memo:
        if len(memo) > 4096:
            memo.clear()
        out = []
        for node in spec.nodes:
            if node.id not in keep:
                continue
            axes = (*node.parents, node.id)
            sliced = tuple(a if a in hard and a != target else None for a in axes)
            out.append((node.id, sliced if any(sliced) else (),
                        tuple(a for a, h in zip(axes, sliced, strict=True) if h is None)))
        memo[key] = tuple(out)
    return cast(Recipe, memo[key])


def query_factors(spec: ModelSpec, keep: set[str], hard: Mapping[str, int], target: str,
                  likelihood: Mapping[str, tuple[float, ...]],
                  cpt_of: Callable[[str], tuple[np.ndarray[Any, Any], bool]]) -> list[Factor]:
    """Factors whose contraction is the unnormalised P(target, evidence).

    Parameters
    ----------
    spec
        The (mutilated, if there is a do()) structure.
    keep
        The nodes whose CPTs enter (the ancestors of the target and the evidence).
    hard
        Node -> observed state index.
    target
        The query node (kept as an axis even when it is observed).
    likelihood
        Node -> likelihood vector.
    cpt_of
        Node -> (CPT array, drawn?). A drawn array has the draw axis last.
    """
    factors: list[Factor] = []
    for node_id, hard_axes, kept in _recipe(spec, frozenset(keep), frozenset(hard), target):
        arr, drawn = cpt_of(node_id)
        if hard_axes:
            index: list[Any] = [slice(None) if h is None else hard[h] for h in hard_axes]
            if drawn:
                index.append(slice(None))
            arr = arr[tuple(index)]
        factors.append((arr, (*kept, DRAW) if drawn else kept))
    if target in hard:
        ind = np.zeros(spec.node(target).card)
        ind[hard[target]] = 1.0
        factors.append((ind, (target,)))
    for node_id, vec in likelihood.items():
        lam = np.asarray(vec, dtype=float)
        if node_id in hard and node_id != target:
            factors.append((np.asarray(lam[hard[node_id]]), ()))
        else:
            factors.append((lam, (node_id,)))
    return factors


def cpt_factor_index(spec: ModelSpec, keep: set[str] | frozenset[str]) -> dict[str, int]:
    """Position of each kept node's CPT in :func:`query_factors`' list (one per kept node, in
    the spec's node order, before the evidence factors)."""
    return {node: i for i, node in enumerate(n for n in spec.node_ids if n in keep)}
