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

from cruxnet.models.spec import ModelSpec, NodeSpec, state_name
from cruxnet.priors.params import (
    SUM_TOL,
    Param,
    ParseContext,
    parse_ess,
    parse_param,
    parse_prob_vector,
)
from cruxnet.types import NDArray

__all__ = ["FORMS", "POINT", "CPTForm", "KnownTableForm", "ParamValues", "PointValues", "parse_cpt"]

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
        (:mod:`cruxnet.priors.draws`) it is one CPT per draw. Deterministic forms give a
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


@dataclass(frozen=True)
class KnownTableForm(TableForm):
    """A table known exactly (the same in every draw), e.g. the likelihood of recorded data.

    Not written in worldview files; built by code (the evidence ledger's data nodes)."""

    kind: ClassVar[str] = "known_table"
    deterministic: ClassVar[bool] = True


def cause_name(i: int, conds: Conditions) -> str:
    """A noisy-OR cause's parameter name: ``cause{i}`` and each single state its ``when``
    picks (``cause5[lead_time=under_2wk]``), so the draws can tell which causes an ordering
    compares (:func:`cruxnet.priors.draws.coupling_key`)."""
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


# ----------------------------------------------------------------------------------- parsing
#: Keys every form takes: its name, a structural zero, and free text (``basis``: where the
#: numbers come from, a seed section or "modelers' reading: why"; shown in reports).
_COMMON_KEYS = frozenset({"form", "require", "otherwise", "note", "sources", "basis"})


class _Reader:
    """Reads one node's CPT entry, with errors naming the file, node and value."""

    def __init__(self, raw: Mapping[str, Any], model: ModelSpec, node: NodeSpec,
                 ctx: ParseContext):
        self.raw, self.model, self.node, self.ctx = raw, model, node, ctx

    def allowed(self, keys: set[str]) -> None:
        extra = sorted(set(map(str, self.raw)) - keys - _COMMON_KEYS)
        if extra:
            allowed = sorted(keys | _COMMON_KEYS)
            raise self.ctx.error(f"unknown key {extra[0]!r} for form "
                                 f"{self.raw.get('form')!r}; allowed: {', '.join(allowed)}")

    def need(self, key: str) -> Any:
        if key not in self.raw:
            raise self.ctx.error(f"form {self.raw.get('form')!r} needs '{key}'")
        return self.raw[key]

    def parent(self, name: object, what: str) -> NodeSpec:
        pname = state_name(name) if isinstance(name, (str, int)) else repr(name)
        if pname not in self.node.parents:
            parents = ", ".join(self.node.parents) or "none"
            raise self.ctx.error(f"{what}: {pname!r} is not a parent of {self.node.id} "
                                 f"(parents: {parents})")
        return self.model.node(pname)

    def state(self, of: NodeSpec, raw: object, what: str) -> str:
        s = state_name(raw) if isinstance(raw, (str, int, bool)) else repr(raw)
        if s not in of.states:
            raise self.ctx.error(f"{what}: unknown state {s!r} of {of.id} "
                                 f"(states: {', '.join(of.states)})")
        return s

    def conditions(self, raw: object, what: str) -> Conditions:
        if raw is None:
            return ()
        if not isinstance(raw, Mapping):
            raise self.ctx.error(f"{what} must map parents to states, got {raw!r}")
        out = []
        for pname, states in raw.items():
            parent = self.parent(pname, what)
            items = states if isinstance(states, list) else [states]
            out.append((parent.id, frozenset(self.state(parent, s, what) for s in items)))
        return tuple(out)

    def binary(self) -> None:
        if self.node.card != 2:
            raise self.ctx.error(f"form {self.raw.get('form')!r} is for two-state nodes; "
                                 f"{self.node.id} has {self.node.card} states")

    def by_parent(self, raw: object, kind: str, what: str, *, default: float | None,
                  unused: Conditions = ()) -> ByParent:
        """A constant parameter, or ``{by: parent, values: {state: x}}`` / ``{parent: {...}}``.

        States that ``unused`` conditions exclude (a cause's own ``when``) need no value.
        """
        if isinstance(raw, Mapping) and "by" in raw:
            parent = self.parent(raw["by"], what)
            values = raw.get("values")
            allowed = dict(unused).get(parent.id)
            if allowed is not None and isinstance(values, Mapping):
                given = {state_name(k) for k in values}
                values = {**{s: 0.0 for s in parent.states
                             if s not in allowed and s not in given}, **values}
            return self._per_state(parent, values, kind, what, default)
        if isinstance(raw, Mapping) and len(raw) == 1 and next(iter(raw)) in self.node.parents:
            pname, values = next(iter(raw.items()))
            return self._per_state(self.parent(pname, what), values, kind, what, default)
        return ByParent(None, (parse_param(raw, kind, what, self.ctx),))  # type: ignore[arg-type]

    def _per_state(self, parent: NodeSpec, values: object, kind: str, what: str,
                   default: float | None) -> ByParent:
        if not isinstance(values, Mapping):
            raise self.ctx.error(f"{what}: expected a mapping from states of {parent.id} to "
                                 f"values, got {values!r}")
        given = {self.state(parent, s, what): v for s, v in values.items()}
        params = []
        for s in parent.states:
            if s in given:
                params.append(parse_param(given[s], kind, f"{what}[{parent.id}={s}]",  # type: ignore[arg-type]
                                          self.ctx))
            elif default is not None:
                params.append(Param(default, kind, "fixed"))  # type: ignore[arg-type]
            else:
                raise self.ctx.error(f"{what}: no value for {parent.id}={s}")
        return ByParent(parent.id, tuple(params), parent.states)

    def per_parent_maps(self, raw: object, kind: str, what: str) -> tuple[ByParent, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, Mapping):
            raise self.ctx.error(f"{what} must map parents to {{state: value}}, got {raw!r}")
        return tuple(self._per_state(self.parent(p, what), v, kind, what, 1.0 if kind == "ratio"
                                     else 0.0) for p, v in raw.items())


def _parse_table(r: _Reader, raw: Mapping[str, Any], node: str) -> TableForm:
    ctx, model, nspec = r.ctx, r.model, r.node
    normalize = bool(raw.get("normalize", False))
    ess_default = raw.get("ess", ctx.default_ess)
    if ess_default is not None:
        ess_default = parse_ess(ess_default, "", ctx)
    by_raw = raw.get("by")
    if by_raw is None:
        by_raw = [] if "p" in raw else list(nspec.parents)
    if isinstance(by_raw, str):
        by_raw = [by_raw]
    if not isinstance(by_raw, list):
        raise ctx.error(f"'by' must name a parent or list parents, got {by_raw!r}")
    by = tuple(r.parent(b, "by").id for b in by_raw)

    def row(value: object, what: str) -> tuple[tuple[float, ...], float | None]:
        ess = ess_default
        if isinstance(value, Mapping):
            if "ess" in value:
                ess = parse_ess(value["ess"], what, ctx)
            value = value.get("p")
        vec = parse_prob_vector(value, nspec.card, what, ctx, normalize=normalize)
        return vec, (float(ess) if ess is not None else None)

    rows: dict[tuple[str, ...], tuple[tuple[float, ...], float | None]] = {}
    if not by:
        rows[()] = row(r.need("p"), "p")
    else:
        rows_raw = r.need("rows")
        if isinstance(rows_raw, Mapping):
            if len(by) != 1:
                raise ctx.error("with several 'by' parents, 'rows' must be a list of "
                                "{when: {...}, p: [...]} entries")
            parent = model.node(by[0])
            for s, v in rows_raw.items():
                st = r.state(parent, s, "rows")
                rows[(st,)] = row(v, f"rows[{parent.id}={st}]")
        elif isinstance(rows_raw, list):
            for i, entry in enumerate(rows_raw):
                if not isinstance(entry, Mapping) or "when" not in entry:
                    raise ctx.error(f"rows[{i}] must be a mapping with 'when' and 'p'")
                when = entry["when"]
                if not isinstance(when, Mapping):
                    raise ctx.error(f"rows[{i}].when must map parents to states")
                key_map = {r.parent(p, f"rows[{i}].when").id:
                           r.state(model.node(state_name(p)), s, f"rows[{i}].when")
                           for p, s in when.items()}
                if set(key_map) != set(by):
                    raise ctx.error(f"rows[{i}].when must name exactly {', '.join(by)}, "
                                    f"got {', '.join(key_map)}")
                key = tuple(key_map[b] for b in by)
                if key in rows:
                    dup = dict(zip(by, key, strict=True))
                    raise ctx.error(f"rows[{i}]: duplicate row for {dup}")
                rows[key] = row(entry, f"rows[{i}]")
        else:
            raise ctx.error(f"'rows' must be a mapping or a list, got {rows_raw!r}")
        for combo in itertools.product(*(model.node(b).states for b in by)):
            if combo not in rows:
                missing = ", ".join(f"{b}={s}" for b, s in zip(by, combo, strict=True))
                raise ctx.error(f"no CPT row for {missing}")
    return TableForm(node=node, by=by, rows=rows)


def parse_cpt(raw: object, model: ModelSpec, node_id: str, ctx: ParseContext) -> CPTForm:
    """Validate one node's CPT entry of a worldview into a :class:`CPTForm`.

    Parameters
    ----------
    raw
        The YAML mapping for the node (it must have ``form``; ``table`` is assumed if it has
        ``p`` or ``rows``).
    model
        The model the worldview is for.
    node_id
        The node.
    ctx
        File, node and default effective sample size, for messages and defaults.

    Returns
    -------
    CPTForm
        The validated form; ``form.point_cpt(model)`` gives the table.
    """
    nspec = model.node(node_id)
    if not isinstance(raw, Mapping):
        raise ctx.error(f"the CPT entry must be a mapping with a 'form', got {raw!r}")
    kind = raw.get("form", "table" if ("p" in raw or "rows" in raw) else None)
    if not isinstance(kind, str) or kind not in FORMS:
        raise ctx.error(f"unknown form {kind!r}; allowed: {', '.join(sorted(FORMS))}")
    r = _Reader(raw, model, nspec, ctx)
    require = r.conditions(raw.get("require"), "require")
    otherwise = 0
    if "otherwise" in raw:
        otherwise = nspec.state_index(r.state(nspec, raw["otherwise"], "otherwise"))
    common: dict[str, Any] = {"node": node_id, "require": require, "otherwise": otherwise}
    form: CPTForm
    if kind == "table":
        r.allowed({"p", "rows", "by", "ess", "normalize"})
        t = _parse_table(r, raw, node_id)
        form = TableForm(by=t.by, rows=t.rows, **common)
    elif kind == "noisy_or":
        r.binary()
        r.allowed({"leak", "causes"})
        causes_raw = raw.get("causes") or []
        if not isinstance(causes_raw, list):
            raise ctx.error(f"'causes' must be a list, got {causes_raw!r}")
        causes = []
        for i, c in enumerate(causes_raw):
            if not isinstance(c, Mapping) or "p" not in c:
                raise ctx.error(f"causes[{i}] must be a mapping with 'when' and 'p'")
            when = r.conditions(c.get("when"), f"causes[{i}].when")
            causes.append((when, r.by_parent(c["p"], "probability", f"causes[{i}].p",
                                             default=None, unused=when)))
        leak = parse_param(raw.get("leak", {"value": 0.0}), "probability", "leak", ctx)
        form = NoisyOrForm(leak=leak, causes=tuple(causes), **common)
    elif kind == "logit_additive":
        r.binary()
        r.allowed({"base", "odds_ratios", "sharpness"})
        sharp = raw.get("sharpness", 1.0)
        if isinstance(sharp, bool) or not isinstance(sharp, (int, float)) or not sharp > 0:
            raise ctx.error(f"sharpness must be a number > 0, got {sharp!r}")
        form = LogitAdditiveForm(
            base=r.by_parent(r.need("base"), "probability", "base", default=None),
            odds_ratios=r.per_parent_maps(raw.get("odds_ratios"), "ratio", "odds_ratios"),
            sharpness=float(sharp), **common)
    elif kind == "product":
        r.binary()
        r.allowed({"base", "factors"})
        form = ProductForm(base=r.by_parent(raw.get("base", {"value": 1.0}), "probability",
                                            "base", default=None),
                           factors=r.per_parent_maps(raw.get("factors"), "ratio", "factors"),
                           **common)
    elif kind == "linear":
        r.binary()
        r.allowed({"base", "effects", "clip"})
        clip = raw.get("clip")
        if clip is not None:
            if (not isinstance(clip, list) or len(clip) != 2
                    or not all(isinstance(c, (int, float)) and 0 <= c <= 1 for c in clip)
                    or clip[0] > clip[1]):
                raise ctx.error(f"clip must be [lo, hi] with 0 <= lo <= hi <= 1, got {clip!r}")
            clip = (float(clip[0]), float(clip[1]))
        form = LinearForm(base=r.by_parent(r.need("base"), "probability", "base", default=None),
                          effects=r.per_parent_maps(raw.get("effects"), "real", "effects"),
                          clip=clip, **common)
    elif kind == "gate":
        r.binary()
        r.allowed({"any", "all"})
        modes = [m for m in ("any", "all") if m in raw]
        if len(modes) != 1:
            raise ctx.error("a gate needs exactly one of 'any' or 'all'")
        conds = r.conditions(raw[modes[0]], modes[0])
        if not conds:
            raise ctx.error(f"a gate's '{modes[0]}' lists no conditions")
        form = GateForm(conditions=conds, mode=modes[0], **common)
    elif kind == "shifted":
        r.allowed({"base", "shifts"})
        base_raw = r.need("base")
        if not isinstance(base_raw, Mapping):
            raise ctx.error("'base' of a shifted form must be a table mapping (p / by + rows)")
        base = _parse_table(_Reader(base_raw, model, nspec, ctx), base_raw, node_id)
        shifts = []
        for i, s in enumerate(raw.get("shifts") or []):
            if not isinstance(s, Mapping) or "p" not in s or "direction" not in s:
                raise ctx.error(f"shifts[{i}] needs 'direction' (up/down) and 'p'")
            direction = str(s["direction"])
            if direction not in ("up", "down"):
                raise ctx.error(f"shifts[{i}].direction must be 'up' or 'down', got {direction!r}")
            times = s.get("times", 1)
            if isinstance(times, bool) or not isinstance(times, int) or times < 1:
                raise ctx.error(f"shifts[{i}].times must be a positive integer, got {times!r}")
            from_raw = s.get("from")
            from_states = None
            if from_raw is not None:
                items = from_raw if isinstance(from_raw, list) else [from_raw]
                from_states = frozenset(nspec.state_index(r.state(nspec, x, f"shifts[{i}].from"))
                                        for x in items)
            shifts.append(Shift(when=r.conditions(s.get("when"), f"shifts[{i}].when"),
                                up=direction == "up",
                                p=parse_param(s["p"], "probability", f"shifts[{i}].p", ctx),
                                times=times, from_states=from_states))
        form = ShiftedForm(base=base, shifts=tuple(shifts), **common)
    else:  # binned_product
        r.allowed({"intervals", "scale", "thresholds"})
        ints_raw = r.need("intervals")
        if not isinstance(ints_raw, Mapping) or set(map(str, ints_raw)) != set(nspec.parents):
            raise ctx.error(f"'intervals' must give an interval per state of every parent "
                            f"({', '.join(nspec.parents)})")
        intervals: dict[str, tuple[tuple[float, float], ...]] = {}
        for pname, per_state in ints_raw.items():
            parent = r.parent(pname, "intervals")
            if not isinstance(per_state, Mapping) or set(map(state_name, per_state)) != set(
                    parent.states):
                raise ctx.error(f"intervals[{parent.id}] must give [lo, hi] for each of "
                                f"{', '.join(parent.states)}")
            ivs = []
            for s in parent.states:
                iv = {state_name(k): v for k, v in per_state.items()}[s]
                if (not isinstance(iv, list) or len(iv) != 2
                        or not all(isinstance(x, (int, float)) and x > 0 for x in iv)
                        or iv[0] >= iv[1]):
                    raise ctx.error(f"intervals[{parent.id}][{s}] must be [lo, hi] with "
                                    f"0 < lo < hi, got {iv!r}")
                ivs.append((float(iv[0]), float(iv[1])))
            intervals[parent.id] = tuple(ivs)
        th = r.need("thresholds")
        if (not isinstance(th, list) or len(th) != nspec.card - 1
                or not all(isinstance(x, (int, float)) and x > 0 for x in th)
                or any(a >= b for a, b in itertools.pairwise(th))):
            raise ctx.error(f"thresholds must be {nspec.card - 1} increasing positive numbers, "
                            f"got {th!r}")
        scale = raw.get("scale", 1.0)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not scale > 0:
            raise ctx.error(f"scale must be a number > 0, got {scale!r}")
        form = BinnedProductForm(intervals=intervals, scale=float(scale),
                                 thresholds=tuple(float(x) for x in th), **common)
    _check_cpt(form, model, ctx)
    return form


def _check_cpt(form: CPTForm, model: ModelSpec, ctx: ParseContext) -> None:
    """Every entry in [0, 1] and every row summing to 1; names the first bad configuration."""
    cpt = form.point_cpt(model)
    node = model.node(form.node)
    bad = (cpt < -SUM_TOL) | (cpt > 1 + SUM_TOL) | ~np.isfinite(cpt)
    sums = cpt.sum(axis=-1)
    bad_rows = np.abs(sums - 1.0) > SUM_TOL
    if bad.any() or bad_rows.any():
        idx = np.argwhere(bad.any(axis=-1) | bad_rows)[0]
        config = ", ".join(f"{p}={model.node(p).states[i]}"
                           for p, i in zip(node.parents, idx, strict=True)) or "(no parents)"
        row = [round(float(x), 6) for x in cpt[tuple(idx)]]
        raise ctx.error(f"form {form.kind!r} gives P({node.id} | {config}) = {row}, which is "
                        "not a probability distribution")
