"""The values a CPT form reads its parameters from in a block of draws: fresh draws (coupled where
orderings ask), recorded ones, or ones replayed from a record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from cruxnet.base.types import NDArray
from cruxnet.base.validate import check_draws, check_seed
from cruxnet.draws.coupling import (
    coupled_row,
    coupled_scalar,
    coupling_key,
    ordering_parents,
    row_coupling_key,
)
from cruxnet.draws.marginal import (
    dirichlet_rows,
    row_alphas,
    scalar_distribution,
)
from cruxnet.draws.streams import BLOCK, DEFAULT_SEED, block_ranges, node_generator
from cruxnet.model.params import Param
from cruxnet.model.spec import ModelSpec
from cruxnet.model.worldview import Worldview

__all__ = ["DrawValues", "RecordedValues", "ReplayValues", "cpt_name", "record_parameters"]


@dataclass
class DrawValues:
    """``n`` draws of every parameter a form reads, from one random stream.

    Parameters
    ----------
    rng
        The stream (one per node and block).
    n
        Number of draws.
    where
        ``(file, node)`` for error messages.
    ess
        Effective sample size for table rows and probabilities that state no uncertainty
        (e.g. networks read from BIF files); ``None`` makes such a parameter an error.
    ordered
        The node's ordering parents (``expect: increases_with / decreases_with``). Parameters
        an ordering compares (a table's rows in one context of the other parents, a form's
        values along an ordering parent: :func:`coupling_key`) are drawn from shared uniforms
        through their quantile functions (common random numbers): each keeps exactly its stated
        distribution, and an ordering holds in every draw wherever the stated distributions
        allow it. The others are drawn independently.
    """

    rng: np.random.Generator
    n: int
    where: tuple[str | None, str]
    ess: float | None = None
    ordered: frozenset[str] = frozenset()
    _shared: dict[str, NDArray] = field(default_factory=dict, repr=False)

    def _uniforms(self, key: str, k: int) -> NDArray:
        """The uniforms ``(n, k)`` a coupled group shares (drawn when it is first read)."""
        if key not in self._shared:
            self._shared[key] = self.rng.random((self.n, k))
        return self._shared[key]

    def _beta(self, mean: float, ess: float) -> NDArray:
        alpha = np.array([[(1.0 - mean) * ess, mean * ess]])
        return np.ascontiguousarray(dirichlet_rows(self.rng, alpha, self.n)[:, 0, 1])

    def scalar(self, name: str, param: Param) -> NDArray:
        dist, spread = scalar_distribution(name, param, self.ess, self.where)
        if dist == "fixed":
            return np.full(self.n, param.value)
        key = coupling_key(name, self.ordered)
        if key is not None:
            return coupled_scalar(dist, param.value, spread, self._uniforms(key, 1)[:, 0])
        if dist == "beta":
            return self._beta(param.value, spread)
        if dist == "lognormal":
            return param.value * np.exp(spread * self.rng.standard_normal(self.n))
        return param.value + spread * self.rng.standard_normal(self.n)

    def rows(self, name: str, labels: Sequence[str], means: NDArray,
             ess: Sequence[float | None]) -> NDArray:
        alphas = row_alphas(labels, means, ess, self.ess, self.where)
        keys = [row_coupling_key(name, label, self.ordered) for label in labels]
        if all(k is None for k in keys):
            return dirichlet_rows(self.rng, alphas, self.n)
        out = np.empty((self.n, *alphas.shape))
        free = [r for r, k in enumerate(keys) if k is None]
        if free:
            out[:, free] = dirichlet_rows(self.rng, alphas[free], self.n)
        card = alphas.shape[1]
        for r, key in enumerate(keys):
            if key is not None:
                out[:, r] = coupled_row(alphas[r], self._uniforms(key, max(card - 1, 1)))
        return out

    def as_probability(self, p: NDArray) -> NDArray:
        return np.clip(p, 0.0, 1.0)


@dataclass
class RecordedValues:
    """Every parameter array a form read, by name, in the order it read them (see
    :func:`record_parameters`): ``kind`` is ``scalar`` (shape ``(n,)``) or ``rows``
    (``(n, R, card)``)."""

    names: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    arrays: list[NDArray] = field(default_factory=list)


class _Recording(DrawValues):
    def __init__(self, base: DrawValues, into: RecordedValues, part: int):
        super().__init__(base.rng, base.n, base.where, base.ess, base.ordered)
        self.into, self.part, self.k = into, part, 0

    def _keep(self, name: str, kind: str, arr: NDArray) -> NDArray:
        if self.part == 0:
            self.into.names.append(name)
            self.into.kinds.append(kind)
            self.into.arrays.append(np.array(arr))
        else:  # a later block: the same calls in the same order, appended along the draws
            self.into.arrays[self.k] = np.concatenate([self.into.arrays[self.k], arr], axis=0)
        self.k += 1
        return arr

    def scalar(self, name: str, param: Param) -> NDArray:
        return self._keep(name, "scalar", super().scalar(name, param))

    def rows(self, name: str, labels: Sequence[str], means: NDArray,
             ess: Sequence[float | None]) -> NDArray:
        return self._keep(name, "rows", super().rows(name, labels, means, ess))


class ReplayValues:
    """Parameter values given in advance, handed to a form in the order it reads them (the
    order :func:`record_parameters` recorded): so a form's CPT draws can be rebuilt from
    stored parameters (the explorer page does it in JavaScript, this in Python)."""

    def __init__(self, arrays: Sequence[NDArray], n: int):
        self.arrays, self.n, self.k = list(arrays), n, 0

    def _next(self) -> NDArray:
        out = self.arrays[self.k]
        self.k += 1
        return out

    def scalar(self, name: str, param: Param) -> NDArray:
        return self._next()

    def rows(self, name: str, labels: Sequence[str], means: NDArray,
             ess: Sequence[float | None]) -> NDArray:
        return self._next()

    def as_probability(self, p: NDArray) -> NDArray:
        return np.clip(p, 0.0, 1.0)


def record_parameters(model: ModelSpec, worldview: Worldview, node: str, n: int, *,
                      seed: int = DEFAULT_SEED, ess: float | None = None) -> RecordedValues:
    """The parameter draws ``node``'s form reads for draws ``0:n`` (the very values
    :class:`WorldviewDraws` turns into its CPT draws, stream block by stream block).

    >>> from cruxnet.catalog import load_model, load_worldview, resolve_worldview
    >>> entry = load_model("crux_network")
    >>> wv = load_worldview(resolve_worldview(entry, "gs_deference"), entry.spec)
    >>> rec = record_parameters(entry.spec, wv, "scheming", 10)
    >>> rec.names[:2], rec.arrays[0].shape
    (['base[alignment_difficulty=easy]', 'base[alignment_difficulty=moderate]'], (10,))
    """
    check_seed(seed)
    check_draws(n)
    form = worldview.cpts[node]
    out = RecordedValues()
    for part, (b0, b1) in enumerate(block_ranges(n)):
        values = DrawValues(node_generator(seed, node, b0 // BLOCK), b1 - b0,
                            (worldview.file, node), ess, ordering_parents(model, worldview, node))
        form.cpt(model, _Recording(values, out, part))
    return out


def cpt_name(model: ModelSpec, node: str) -> str:
    """Name of ``node``'s CPT variable in a draws Dataset: ``"P(node | parent, ...)"``.

    (A variable cannot share its node's name: that name is the node's dimension.)

    >>> from cruxnet.catalog import load_model
    >>> cpt_name(load_model("carlsmith_2021").spec, "incentives")
    'P(incentives | aps_systems)'
    """
    parents = model.node(node).parents
    return f"P({node} | {', '.join(parents)})" if parents else f"P({node})"
