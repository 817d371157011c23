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
from typing import Any, ClassVar, Protocol

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.model.params import Param
from cruxnet.model.spec import ModelSpec, NodeSpec

__all__ = ["FORMS", "PAGE_FORMS", "POINT", "CPTForm", "KnownTableForm", "ParamValues",
           "PointValues",
           "ProgramIds", "page_conditions"]

Conditions = tuple[tuple[str, frozenset[str]], ...]


# ----------------------------------------------------------------------------------- helpers
def _parent_shape(model: ModelSpec, node: NodeSpec) -> tuple[int, ...]:
    return tuple(model.node(p).card for p in node.parents)


def _axis_vector(model: ModelSpec, node: NodeSpec, parent: str, values: Sequence[float]) -> NDArray:
    """A parent-shaped array that varies only along ``parent``'s axis."""
    shape = [1] * len(node.parents)
    shape[node.parents.index(parent)] = model.node(parent).card
    return np.asarray(values, dtype=float).reshape(shape)


def _condition_mask(model: ModelSpec, node: NodeSpec, conds: Conditions) -> NDArray:
    mask = np.ones(_parent_shape(model, node), dtype=bool)
    for parent, states in conds:
        pstates = model.node(parent).states
        mask = mask & _axis_vector(model, node, parent, [s in states for s in pstates]).astype(bool)
    return mask.astype(float)


def _binary(p_yes: NDArray) -> NDArray:
    """``[1 - p, p]`` on a new last axis (for draws, :func:`_binary_last` builds the layout
    the batched engine contracts)."""
    return np.stack([1.0 - p_yes, p_yes], axis=-1)


def _last(x: NDArray) -> NDArray:
    """``x`` (draw axis first) as a C-contiguous array with the draw axis last, so arithmetic
    between such arrays runs its inner loops along contiguous draws."""
    return np.ascontiguousarray(np.moveaxis(x, 0, -1))


def _binary_last(p_last: NDArray, parents: tuple[int, ...], n: int) -> NDArray:
    """``[1 - p, p]`` from P(yes) given draw-last (broadcastable to ``(*parents, n)``), in
    the draw-last buffer layout, returned as a view of shape ``(n, *parents, 2)``."""
    out = np.empty((*parents, 2, n))
    out[..., 1, :] = p_last
    np.subtract(1.0, out[..., 1, :], out=out[..., 0, :])
    return np.moveaxis(out, -1, 0)


def _draw_last_buffer(shape: tuple[int, ...]) -> NDArray:
    """An empty array of ``shape`` (draw axis first) whose draw axis is innermost in memory."""
    return np.moveaxis(np.empty((*shape[1:], shape[0])), -1, 0)


def _lead(x: NDArray, ndim: int) -> NDArray:
    """``x`` of shape ``(n,)`` as ``(n, 1, ..., 1)`` with ``ndim`` trailing unit axes."""
    return x.reshape((x.shape[0], *([1] * ndim)))


class ParamValues(Protocol):
    """Where a form gets its parameters' values: point values, or ``n`` draws of each.

    Every array a form builds has a leading axis of length ``n`` (1 for point values).
    """

    n: int

    def scalar(self, name: str, param: Param) -> NDArray:
        """Values of one scalar parameter, shape ``(n,)``."""
        ...

    def rows(self, name: str, labels: Sequence[str], means: NDArray,
             ess: Sequence[float | None]) -> NDArray:
        """Values of table rows with Dirichlet means ``means`` ``(R, card)``: ``(n, R, card)``."""
        ...

    def as_probability(self, p: NDArray) -> NDArray:
        """A computed probability: unchanged for point values, clipped to [0, 1] for draws."""
        ...


class PointValues:
    """The parameters' point values (the Beta mean, the log-normal median): ``n == 1``."""

    n = 1

    def scalar(self, name: str, param: Param) -> NDArray:
        return np.array([param.value])

    def rows(self, name: str, labels: Sequence[str], means: NDArray,
             ess: Sequence[float | None]) -> NDArray:
        return means[None]

    def as_probability(self, p: NDArray) -> NDArray:
        # Point CPTs are validated as they are (out-of-range values are errors, not clipped).
        return p


#: The point values: ``form.cpt(model, POINT)[0]`` is the point CPT.
POINT = PointValues()


class _Recorder(PointValues):
    """Point values that also record every parameter a form reads (for ``params``)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Param]] = []

    def scalar(self, name: str, param: Param) -> NDArray:
        self.seen.append((name, param))
        return super().scalar(name, param)

    def rows(self, name: str, labels: Sequence[str], means: NDArray,
             ess: Sequence[float | None]) -> NDArray:
        for label, vec, e in zip(labels, means, ess, strict=True):
            for state_i, v in enumerate(vec):
                self.seen.append((f"{name}[{label}][{state_i}]",
                                  Param(float(v), "probability", "beta" if e else None, e)))
        return super().rows(name, labels, means, ess)


@dataclass(frozen=True)
class ByParent:
    """A value that is either constant or given per state of one parent."""

    parent: str | None
    values: tuple[Param, ...]  # one per parent state, or a single constant
    states: tuple[str, ...] = ()  # the parent's states, for labels

    def array(self, model: ModelSpec, node: NodeSpec, values: ParamValues, name: str) -> NDArray:
        """Shape ``(n, *parent axes)``: constant, or varying along the parent's axis."""
        nd = len(node.parents)
        if self.parent is None:
            return _lead(values.scalar(name, self.values[0]), nd)
        per_state = np.stack([values.scalar(f"{name}[{self.parent}={s}]", v)
                              for v, s in zip(self.values, self.states, strict=True)], axis=-1)
        shape = [values.n] + [1] * nd
        shape[1 + node.parents.index(self.parent)] = len(self.values)
        return per_state.reshape(shape)


# ------------------------------------------------------------------------------------- forms
class ProgramIds:
    """The ids of a form's parameter arrays in the order the form reads them, checked against
    the names :func:`cruxnet.draws.values.record_parameters` recorded (for the page)."""

    def __init__(self, names: Sequence[str]):
        self.names, self.k = list(names), 0

    def take(self, name: str) -> int:
        """The id of parameter ``name``, which must be the next one recorded."""
        if self.k >= len(self.names) or self.names[self.k] != name:
            got = self.names[self.k] if self.k < len(self.names) else "nothing"
            raise ValueError(f"form program out of step: expected {name!r}, recorded {got!r}")
        self.k += 1
        return self.k - 1

    def by_parent(self, node: NodeSpec, bp: ByParent, name: str) -> dict[str, Any]:
        """The ids of a value that may differ by one parent's state, with that parent's axis."""
        if bp.parent is None:
            return {"axis": -1, "ids": [self.take(name)]}
        return {"axis": node.parents.index(bp.parent),
                "ids": [self.take(f"{name}[{bp.parent}={s}]") for s in bp.states]}


def page_conditions(model: ModelSpec, node: NodeSpec, conds: Conditions) -> list[list[Any]]:
    """Conditions as the page reads them: ``[parent axis, [allowed state indices]]``."""
    return [[node.parents.index(p), sorted(model.node(p).states.index(x) for x in states)]
            for p, states in conds]


def _table_fields(t: TableForm, node: NodeSpec, ids: ProgramIds) -> dict[str, Any]:
    return {"by": [node.parents.index(b) for b in t.by], "rows": ids.take("p")}



@dataclass(frozen=True)
class CPTForm:
    """Base of every CPT form: a node, an optional structural-zero gate."""

    node: str
    require: Conditions = ()
    otherwise: int = 0
    kind: ClassVar[str] = ""
    deterministic: ClassVar[bool] = False

    def _raw_cpt(self, model: ModelSpec, node: NodeSpec, values: ParamValues) -> NDArray:
        """The table before structural zeros, broadcastable to ``(n, *parents, card)``."""
        raise NotImplementedError

    def cpt(self, model: ModelSpec, values: ParamValues = POINT) -> NDArray:
        """The CPT for each set of parameter values: shape ``(values.n, *parent cards, card)``.

        With :data:`POINT` this is the point CPT with a leading axis of length 1; with draws
        (:mod:`cruxnet.draws.worldview`) it is one CPT per draw. Deterministic forms give a
        broadcast view.
        """
        node = model.node(self.node)
        shape = (values.n, *_parent_shape(model, node), node.card)
        cpt = np.broadcast_to(self._raw_cpt(model, node, values), shape)
        if self.require:
            ok = _condition_mask(model, node, self.require)[..., None].astype(bool)
            off = np.zeros(node.card)
            off[self.otherwise] = 1.0
            cpt = np.where(ok, cpt, off)
        return cpt

    def point_cpt(self, model: ModelSpec) -> NDArray:
        """The CPT at the parameters' point values: parents' axes, then the node's states."""
        cpt = np.array(self.cpt(model, POINT)[0], dtype=float)
        cpt.setflags(write=False)
        return cpt

    def params(self, model: ModelSpec) -> list[tuple[str, Param]]:
        """Named scalar parameters, in the order the form reads them; none if deterministic.

        Table rows appear as one entry per state (``p[row][state index]``) with the row's ess.
        """
        rec = _Recorder()
        self._raw_cpt(model, model.node(self.node), rec)
        return rec.seen

    def is_fixed(self, model: ModelSpec) -> bool:
        """True if the table is the same in every draw (deterministic, or every value fixed)."""
        return self.deterministic or all(p.dist == "fixed" for _, p in self.params(model))

    def page_program(self, model: ModelSpec, names: Sequence[str]) -> dict[str, Any] | None:
        """What the explorer page's module for this form (``static/forms/<kind>.js``) needs to
        rebuild the table in every draw from the parameter arrays ``names`` (in the order
        :func:`cruxnet.draws.values.record_parameters` recorded them); ``None`` for a form the
        page takes as drawn table columns instead."""
        node = model.node(self.node)
        ids = ProgramIds(names)
        fields = self._page_fields(model, node, ids)
        if fields is None:
            return None
        if ids.k != len(ids.names):
            raise ValueError(f"form program out of step: {len(ids.names) - ids.k} arrays unused")
        return {"kind": self.kind, "require": page_conditions(model, node, self.require),
                "otherwise": int(self.otherwise), **fields}

    def _page_fields(self, model: ModelSpec, node: NodeSpec, ids: ProgramIds
                     ) -> dict[str, Any] | None:
        """This form's own part of :meth:`page_program` (``None``: the page has no module)."""
        return None


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
        parents = _parent_shape(model, node)
        out = np.empty((*parents, 2, values.n))  # draw-last: inner loops along draws
        stay = out[..., 0, :]  # P(no) = (1 - leak) * prod over active causes of (1 - p)
        stay[...] = 1.0 - values.scalar("leak", self.leak)
        for i, (conds, p) in enumerate(self.causes):
            keep = _last(1.0 - p.array(model, node, values, cause_name(i, conds)))
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
        b = np.clip(_last(self.base.array(model, node, values, "base")), 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            logit = np.log(b) - np.log1p(-b)
            for r in self.odds_ratios:
                logit = logit + np.log(_last(r.array(model, node, values,
                                                     f"odds_ratio[{r.parent}]")))
        parents = _parent_shape(model, node)
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
        p = _last(self.base.array(model, node, values, "base"))
        for f in self.factors:
            p = p * _last(f.array(model, node, values, "factor"))
        return _binary_last(values.as_probability(p), _parent_shape(model, node), values.n)

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
        p = _last(self.base.array(model, node, values, "base"))
        for e in self.effects:
            p = p + _last(e.array(model, node, values, "effect"))
        if self.clip is not None:
            p = np.clip(p, *self.clip)
        return _binary_last(values.as_probability(p), _parent_shape(model, node), values.n)

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
        masks = [_condition_mask(model, node, (c,)) for c in self.conditions]
        if self.mode == "any":
            on = 1.0 - np.prod([1.0 - m for m in masks], axis=0)
        else:
            on = np.prod(masks, axis=0)
        return _binary(on)[None]


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
        shape = (values.n, *_parent_shape(model, node), node.card)
        cpt = _draw_last_buffer(shape)
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
        cpt = np.empty((1, *_parent_shape(model, node), node.card))
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


