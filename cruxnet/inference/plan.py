"""The batched engine's plan, exported: how another engine (the explorer page) computes
P(target, evidence) in every parameter draw the way this one does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cruxnet.inference.contract import LAST_AXIS, contraction_plan
from cruxnet.model.spec import ModelSpec

__all__ = ["DrawPlan", "draw_plan"]


@dataclass(frozen=True)
class DrawPlan:
    """How the page computes P(target, evidence) in every parameter draw: the batched engine's
    own contraction plan (:func:`cruxnet.inference.contract.contraction_plan`, the draw axis on
    every CPT) in single-static-assignment form. ``steps``: each step's operands (CPTs are
    operands ``0..n-1`` in model order, step ``k`` makes operand ``n + k``) and the node indices
    of its result; ``work``: multiply-adds per draw."""

    steps: list[dict[str, Any]]
    work: int


def draw_plan(spec: ModelSpec, target: str, draws: int) -> DrawPlan:
    """The :class:`DrawPlan` to ``target`` for ``draws`` parameter draws."""
    index = {n: i for i, n in enumerate(spec.node_ids)}
    size = max(draws, 1)
    signature = tuple(((*n.parents, n.id, LAST_AXIS),
                       (*(spec.node(p).card for p in n.parents), n.card, size))
                      for n in spec.nodes)
    plan = contraction_plan(signature, (target, LAST_AXIS))
    steps = [{"in": list(ids), "out": [index[a] for a in axes if a != LAST_AXIS]}
             for (ids, _), axes in zip(plan.steps, plan.results, strict=True)]
    return DrawPlan(steps, plan.work // size)


