"""CPT forms: a few general mechanisms that turn elicited parameters into a conditional table.

Every form yields a point CPT as a numpy array with one axis per parent (in the node's parent
order) and the node's own states on the last axis; each row sums to 1. Binary forms give the
probability of the node's *second* state (``yes`` for ``[no, yes]``).

====================  =============================================================================
form                  what it says
====================  =============================================================================
``table``             a Dirichlet row per configuration of ``by`` (a subset of the parents)
``noisy_or``          1 - (1 - leak) * prod(1 - p_k) over the causes whose ``when`` holds
``logit_additive``    logit P = sharpness * (logit base + sum log odds_ratio)  ("odds x3 if ...")
``product``           P = base * prod factor  (an error if it exceeds 1)
``linear``            P = base + sum effect, optionally clipped to ``clip: [lo, hi]``
``gate``              deterministic: yes iff ``any`` / ``all`` of the conditions hold
``shifted``           an ordinal base table, then mass moved up/down one state when conditions hold
``binned_product``    computed: parents are log-uniform intervals, the node bins scale * product
====================  =============================================================================

Any form takes ``require: {parent: state}``: a structural zero. Where the requirement fails the
node is in its ``otherwise`` state (default: its first state) with probability 1.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.model.cpt import (
    ByParent,
    Conditions,
    CPTForm,
    ParamValues,
    ProgramIds,
    binary,
    binary_last,
    condition_mask,
    draw_last_buffer,
    last,
    page_conditions,
    parent_shape,
)
from cruxnet.model.params import Param
from cruxnet.model.spec import ModelSpec, NodeSpec

__all__ = ["FORMS", "PAGE_FORMS", "KnownTableForm"]


def _table_fields(t: TableForm, node: NodeSpec, ids: ProgramIds) -> dict[str, Any]:
    return {"by": [node.parents.index(b) for b in t.by], "rows": ids.take("p")}


@dataclass(frozen=True)
class TableForm(CPTForm):
    """A full table over ``by`` (a subset of the parents); each row a Dirichlet (mean, ess)."""

    by: tuple[str, ...] = ()
    rows: Mapping[tuple[str, ...], tuple[tuple[float, ...], float | None]] = field(
        default_factory=dict)
    kind: ClassVar[str] = "table"

    def _raw_cpt(self, model: ModelSpec, node: NodeSpec, values: ParamValues) -> NDArray:
        by_nodes = [model.node(b) for b in self.by]
        keys = list(itertools.product(*(b.states for b in by_nodes)))
        means = np.array([self.rows[k][0] for k in keys], dtype=float).reshape(
            len(keys), node.card)
        labels = [",".join(f"{b}={s}" for b, s in zip(self.by, k, strict=True)) for k in keys]
        drawn = values.rows("p", labels, means, [self.rows[k][1] for k in keys])
        sub = drawn.reshape((values.n, *(b.card for b in by_nodes), node.card))
        # Put the by-axes where they sit among the parents; broadcast over the others.
        order = sorted(range(len(self.by)), key=lambda i: node.parents.index(self.by[i]))
        sub = np.transpose(sub, [0, *(1 + o for o in order), len(self.by) + 1])
        shape = [1] * len(node.parents)
        for b in by_nodes:
            shape[node.parents.index(b.id)] = b.card
        return sub.reshape((values.n, *shape, node.card))

    def _page_fields(self, model: ModelSpec, node: NodeSpec, ids: ProgramIds
                     ) -> dict[str, Any] | None:
        return _table_fields(self, node, ids)


@dataclass(frozen=True)
class KnownTableForm(TableForm):
    """A table known exactly (the same in every draw), e.g. the likelihood of recorded data.

    Not written in worldview files; built by code (the evidence ledger's data nodes)."""

    kind: ClassVar[str] = "known_table"
    deterministic: ClassVar[bool] = True

    def _page_fields(self, model: ModelSpec, node: NodeSpec, ids: ProgramIds
                     ) -> dict[str, Any] | None:
        return None


def cause_name(i: int, conds: Conditions) -> str:
    """A noisy-OR cause's parameter name: ``cause{i}`` and each single state its ``when``
    picks (``cause5[lead_time=under_2wk]``), so the draws can tell which causes an ordering
    compares (:func:`cruxnet.draws.worldview.coupling_key`)."""
    return f"cause{i}" + "".join(f"[{p}={next(iter(s))}]" for p, s in conds if len(s) == 1)


@dataclass(frozen=True)
class NoisyOrForm(CPTForm):
    """Generalised noisy-OR: each cause fires with its probability when its conditions hold."""

    leak: Param = field(default_factory=lambda: Param(0.0, "probability", "fixed"))
    causes: tuple[tuple[Conditions, ByParent], ...] = ()
    kind: ClassVar[str] = "noisy_or"

    def _raw_cpt(self, model: ModelSpec, node: NodeSpec, values: ParamValues) -> NDArray:
        parents = parent_shape(model, node)
        out = np.empty((*parents, 2, values.n))  # draw-last: inner loops along draws
        stay = out[..., 0, :]  # P(no) = (1 - leak) * prod over active causes of (1 - p)
        stay[...] = 1.0 - values.scalar("leak", self.leak)
        for i, (conds, p) in enumerate(self.causes):
            keep = last(1.0 - p.array(model, node, values, cause_name(i, conds)))
            for idx in _condition_index(model, node, conds):
                view = stay[(*idx, slice(None))]
                view *= keep[(*(sl if keep.shape[j] > 1 else slice(None)
                                for j, sl in enumerate(idx)), slice(None))]
        np.subtract(1.0, stay, out=out[..., 1, :])
        return np.moveaxis(out, -1, 0)

    def _page_fields(self, model: ModelSpec, node: NodeSpec, ids: ProgramIds
                     ) -> dict[str, Any] | None:
        leak = ids.take("leak")
        return {"leak": leak,
                "causes": [{"when": page_conditions(model, node, conds),
                            "p": ids.by_parent(node, p, cause_name(i, conds))}
                           for i, (conds, p) in enumerate(self.causes)]}


@dataclass(frozen=True)
class LogitAdditiveForm(CPTForm):
    """logit P(yes) = sharpness * (logit(base) + sum of log odds ratios of the parents' states)."""

    base: ByParent = ByParent(None, (Param(0.5),))
    odds_ratios: tuple[ByParent, ...] = ()
    sharpness: float = 1.0
    kind: ClassVar[str] = "logit_additive"

    def _raw_cpt(self, model: ModelSpec, node: NodeSpec, values: ParamValues) -> NDArray:
        b = np.clip(last(self.base.array(model, node, values, "base")), 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            logit = np.log(b) - np.log1p(-b)
            for r in self.odds_ratios:
                logit = logit + np.log(last(r.array(model, node, values,
                                                     f"odds_ratio[{r.parent}]")))
        parents = parent_shape(model, node)
        out = np.empty((*parents, 2, values.n))  # draw-last: inner loops along draws
        z = out[..., 1, :]
        np.multiply(logit, -self.sharpness, out=z)
        with np.errstate(over="ignore"):  # exp(-z) = inf for z << 0 gives p = 0 exactly
            np.exp(z, out=z)
        z += 1.0
        np.reciprocal(z, out=z)
        np.subtract(1.0, z, out=out[..., 0, :])
        return np.moveaxis(out, -1, 0)

    def _page_fields(self, model: ModelSpec, node: NodeSpec, ids: ProgramIds
                     ) -> dict[str, Any] | None:
        base = ids.by_parent(node, self.base, "base")
        return {"base": base,
                "odds": [ids.by_parent(node, r, f"odds_ratio[{r.parent}]")
                         for r in self.odds_ratios],
                "sharpness": float(self.sharpness)}


@dataclass(frozen=True)
class ProductForm(CPTForm):
    """P(yes) = base * product of per-parent factors (a factor of 1 where none is given)."""

    base: ByParent = ByParent(None, (Param(1.0),))
    factors: tuple[ByParent, ...] = ()
    kind: ClassVar[str] = "product"

    def _raw_cpt(self, model: ModelSpec, node: NodeSpec, values: ParamValues) -> NDArray:
        p = last(self.base.array(model, node, values, "base"))
        for f in self.factors:
            p = p * last(f.array(model, node, values, "factor"))
        return binary_last(values.as_probability(p), parent_shape(model, node), values.n)

    def _page_fields(self, model: ModelSpec, node: NodeSpec, ids: ProgramIds
                     ) -> dict[str, Any] | None:
        base = ids.by_parent(node, self.base, "base")
        return {"base": base, "factors": [ids.by_parent(node, f, "factor") for f in self.factors]}


@dataclass(frozen=True)
class LinearForm(CPTForm):
    """P(yes) = base + sum of per-parent effects, clipped to ``clip`` when given."""

    base: ByParent = ByParent(None, (Param(0.5),))
    effects: tuple[ByParent, ...] = ()
    clip: tuple[float, float] | None = None
    kind: ClassVar[str] = "linear"

    def _raw_cpt(self, model: ModelSpec, node: NodeSpec, values: ParamValues) -> NDArray:
        p = last(self.base.array(model, node, values, "base"))
        for e in self.effects:
            p = p + last(e.array(model, node, values, "effect"))
        if self.clip is not None:
            p = np.clip(p, *self.clip)
        return binary_last(values.as_probability(p), parent_shape(model, node), values.n)

    def _page_fields(self, model: ModelSpec, node: NodeSpec, ids: ProgramIds
                     ) -> dict[str, Any] | None:
        base = ids.by_parent(node, self.base, "base")
        return {"base": base, "effects": [ids.by_parent(node, e, "effect") for e in self.effects],
                "clip": list(self.clip) if self.clip is not None else None}


@dataclass(frozen=True)
class GateForm(CPTForm):
    """Deterministic AND/OR: the node is in its last state iff any/all conditions hold."""

    conditions: Conditions = ()
    mode: str = "any"
    kind: ClassVar[str] = "gate"
    deterministic: ClassVar[bool] = True

    def _raw_cpt(self, model: ModelSpec, node: NodeSpec, values: ParamValues) -> NDArray:
        masks = [condition_mask(model, node, (c,)) for c in self.conditions]
        if self.mode == "any":
            on = 1.0 - np.prod([1.0 - m for m in masks], axis=0)
        else:
            on = np.prod(masks, axis=0)
        return binary(on)[None]


@dataclass(frozen=True)
class Shift:
    """Move mass one state up or down, ``times`` times, where ``when`` holds."""

    when: Conditions
    up: bool
    p: Param
    times: int = 1
    from_states: frozenset[int] | None = None


@dataclass(frozen=True)
class ShiftedForm(CPTForm):
    """An ordinal base table, then shifts of mass to the neighbouring state under conditions."""

    base: TableForm = TableForm(node="")
    shifts: tuple[Shift, ...] = ()
    kind: ClassVar[str] = "shifted"

    def _raw_cpt(self, model: ModelSpec, node: NodeSpec, values: ParamValues) -> NDArray:
        shape = (values.n, *parent_shape(model, node), node.card)
        cpt = draw_last_buffer(shape)
        cpt[...] = self.base._raw_cpt(model, node, values)
        k = node.card
        # Work on the draw-last view (parents, states, draw): the buffer's memory order, so
        # every inner loop runs along contiguous draws.
        last = np.moveaxis(cpt, 0, -1)
        for j, s in enumerate(self.shifts):
            # Mass that can move: the 'from' states, never past the last (up) / first (down).
            movable = np.array([s.from_states is None or i in s.from_states for i in range(k)],
                               dtype=float)
            movable[k - 1 if s.up else 0] = 0.0
            rate = movable[:, None] * values.scalar(f"shift{j}", s.p)[None, :]  # (k, n)
            for idx in _condition_index(model, node, s.when):
                view = last[(*idx, slice(None), slice(None))]
                for _ in range(s.times):
                    moved = view * rate
                    view -= moved
                    if s.up:
                        view[..., 1:, :] += moved[..., :-1, :]
                    else:
                        view[..., :-1, :] += moved[..., 1:, :]
        return cpt

    def _page_fields(self, model: ModelSpec, node: NodeSpec, ids: ProgramIds
                     ) -> dict[str, Any] | None:
        base = _table_fields(self.base, node, ids)
        return {"base": base,
                "shifts": [{"when": page_conditions(model, node, sh.when), "up": bool(sh.up),
                            "p": ids.take(f"shift{j}"), "times": int(sh.times),
                            "from": (sorted(sh.from_states) if sh.from_states is not None
                                     else None)}
                           for j, sh in enumerate(self.shifts)]}


def _condition_index(model: ModelSpec, node: NodeSpec,
                     conds: Conditions) -> list[tuple[slice, ...]]:
    """Basic indices over the parents' axes, one per combination of allowed parent states,
    that together select the configurations where ``conds`` hold (for updates in place)."""
    allowed = dict(conds)
    choices: list[list[slice]] = []
    for p in node.parents:
        if p in allowed:
            states = model.node(p).states
            choices.append([slice(i, i + 1) for i in sorted(states.index(x) for x in allowed[p])])
        else:
            choices.append([slice(None)])
    return [tuple(combo) for combo in itertools.product(*choices)]


def _condition_views(model: ModelSpec, node: NodeSpec, conds: Conditions,
                     cpt: NDArray) -> list[NDArray]:
    """Views of ``cpt`` (draw axis, parents, states) on the configurations where ``conds``
    hold (see :func:`_condition_index`)."""
    return [cpt[(slice(None), *idx, slice(None))]
            for idx in _condition_index(model, node, conds)]


def _uniform_sum_cdf(t: float, widths: Sequence[float]) -> float:
    """P(U_1 + ... + U_k <= t) for independent U_i ~ Uniform[0, w_i] (exact).

    The inclusion-exclusion formula sum_S (-1)^|S| (t - sum_S w)_+^k / (k! prod w).

    >>> round(_uniform_sum_cdf(1.0, [1.0, 1.0]), 12)   # triangle: half the mass below the mode
    0.5
    """
    k = len(widths)
    if t <= 0:
        return 0.0
    if t >= sum(widths):
        return 1.0
    total = 0.0
    for r in range(k + 1):
        for subset in itertools.combinations(widths, r):
            x = t - sum(subset)
            if x > 0:
                total += (-1) ** r * x**k
    return min(1.0, max(0.0, total / (math.factorial(k) * math.prod(widths))))


@dataclass(frozen=True)
class BinnedProductForm(CPTForm):
    """Computed node: parents' states are log-uniform intervals; bin ``scale * product``.

    In log space the product is a sum of independent uniforms, whose CDF is exact
    (:func:`_uniform_sum_cdf`), so the table has no sampling or quadrature error.
    """

    intervals: Mapping[str, tuple[tuple[float, float], ...]] = field(default_factory=dict)
    scale: float = 1.0
    thresholds: tuple[float, ...] = ()
    kind: ClassVar[str] = "binned_product"
    deterministic: ClassVar[bool] = True

    def _raw_cpt(self, model: ModelSpec, node: NodeSpec, values: ParamValues) -> NDArray:
        cpt = np.empty((1, *parent_shape(model, node), node.card))
        for combo in itertools.product(*(range(model.node(p).card) for p in node.parents)):
            ivs = [self.intervals[p][i] for p, i in zip(node.parents, combo, strict=True)]
            widths = [math.log(hi) - math.log(lo) for lo, hi in ivs]
            shift = math.log(self.scale) + sum(math.log(lo) for lo, _ in ivs)
            cdf = [0.0, *(_uniform_sum_cdf(math.log(t) - shift, widths)
                          for t in self.thresholds), 1.0]
            cpt[(0, *combo)] = np.diff(cdf)
        return cpt


FORMS: dict[str, type[CPTForm]] = {
    f.kind: f for f in (TableForm, NoisyOrForm, LogitAdditiveForm, ProductForm, LinearForm,
                        GateForm, ShiftedForm, BinnedProductForm)
}
#: The forms the explorer page rebuilds from their parameters (each has a module,
#: ``static/forms/<kind>.js``, and a :meth:`CPTForm.page_program`).
PAGE_FORMS = frozenset({"table", "noisy_or", "logit_additive", "product", "linear",
                        "shifted"})


