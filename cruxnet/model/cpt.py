"""What every CPT form is: a frozen dataclass that turns parameter values into a table
(:class:`CPTForm`), read through :class:`ParamValues` (the point values, or a block of draws),
with the helpers the forms share and the page program each gives the explorer. The forms
themselves are :mod:`cruxnet.model.forms`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.model.params import Param
from cruxnet.model.spec import ModelSpec, NodeSpec

__all__ = ["POINT", "ByParent", "CPTForm", "Conditions", "ParamValues", "PointValues",
           "ProgramIds", "page_conditions"]


Conditions = tuple[tuple[str, frozenset[str]], ...]


# ----------------------------------------------------------------------------------- helpers
def parent_shape(model: ModelSpec, node: NodeSpec) -> tuple[int, ...]:
    return tuple(model.node(p).card for p in node.parents)


def axis_vector(model: ModelSpec, node: NodeSpec, parent: str, values: Sequence[float]) -> NDArray:
    """A parent-shaped array that varies only along ``parent``'s axis."""
    shape = [1] * len(node.parents)
    shape[node.parents.index(parent)] = model.node(parent).card
    return np.asarray(values, dtype=float).reshape(shape)


def condition_mask(model: ModelSpec, node: NodeSpec, conds: Conditions) -> NDArray:
    mask = np.ones(parent_shape(model, node), dtype=bool)
    for parent, states in conds:
        pstates = model.node(parent).states
        mask = mask & axis_vector(model, node, parent, [s in states for s in pstates]).astype(bool)
    return mask.astype(float)


def binary(p_yes: NDArray) -> NDArray:
    """``[1 - p, p]`` on a new last axis (for draws, :func:`binary_last` builds the layout
    the batched engine contracts)."""
    return np.stack([1.0 - p_yes, p_yes], axis=-1)


def last(x: NDArray) -> NDArray:
    """``x`` (draw axis first) as a C-contiguous array with the draw axis last, so arithmetic
    between such arrays runs its inner loops along contiguous draws."""
    return np.ascontiguousarray(np.moveaxis(x, 0, -1))


def binary_last(p_last: NDArray, parents: tuple[int, ...], n: int) -> NDArray:
    """``[1 - p, p]`` from P(yes) given draw-last (broadcastable to ``(*parents, n)``), in
    the draw-last buffer layout, returned as a view of shape ``(n, *parents, 2)``."""
    out = np.empty((*parents, 2, n))
    out[..., 1, :] = p_last
    np.subtract(1.0, out[..., 1, :], out=out[..., 0, :])
    return np.moveaxis(out, -1, 0)


def draw_last_buffer(shape: tuple[int, ...]) -> NDArray:
    """An empty array of ``shape`` (draw axis first) whose draw axis is innermost in memory."""
    return np.moveaxis(np.empty((*shape[1:], shape[0])), -1, 0)


def lead(x: NDArray, ndim: int) -> NDArray:
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


class Recorder(PointValues):
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
            return lead(values.scalar(name, self.values[0]), nd)
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
        shape = (values.n, *parent_shape(model, node), node.card)
        cpt = np.broadcast_to(self._raw_cpt(model, node, values), shape)
        if self.require:
            ok = condition_mask(model, node, self.require)[..., None].astype(bool)
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
        rec = Recorder()
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
