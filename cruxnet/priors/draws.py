"""Parameter draws: N sets of CPTs drawn from a worldview's stated uncertainty.

Each CPT form reads its parameters through a :class:`~cruxnet.priors.forms.ParamValues`;
:class:`DrawValues` gives it ``n`` draws of each instead of the point value:

* table rows: Dirichlet(mean * ess) (a Beta for two states); zero means stay exactly zero;
* ``{mean, ess}`` probabilities: Beta(mean * ess, (1 - mean) * ess);
* ``{median, sd_log}`` ratios: median * exp(sd_log * Normal(0, 1));
* ``{mean, sd}`` reals: Normal(mean, sd);
* ``{value}`` and deterministic forms (``gate``, ``binned_product``, ``do()`` nodes): fixed.

Probabilities a form *computes* from drawn parameters (``product``, ``linear``) are clipped to
[0, 1]; the point CPT itself is validated, never clipped.

**Streams.** Draws come in blocks of :data:`BLOCK` draws. Block ``b`` of node ``X`` uses its own
random stream, seeded by ``(seed, X, b)``. So the draws of a node are the same whichever other
nodes a query needs, and whatever chunk size memory allows; they depend only on the seed, the
node and the number of draws (a run of ``N <= BLOCK`` draws is one block of size ``N``).

Dirichlet rows are normalised gamma variates (see :func:`_dirichlet`); rows with tiny weights
are drawn in log space so they never underflow to an all-zero row.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.errors import DrawsError, SpecError
from cruxnet.models.spec import ModelSpec
from cruxnet.priors.forms import POINT
from cruxnet.priors.params import Param
from cruxnet.priors.stated import StatedMarginal
from cruxnet.priors.worldview import Worldview
from cruxnet.types import NDArray

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "BLOCK",
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "ORDER_TOL",
    "DatasetDraws",
    "DrawValues",
    "RecordedValues",
    "ReplayValues",
    "WorldviewDraws",
    "check_draws",
    "check_seed",
    "coupled_row",
    "coupled_scalar",
    "coupling_key",
    "cpt_name",
    "draw_marginal",
    "draw_worldview",
    "marginal_alpha",
    "ordering_parents",
    "record_parameters",
    "redraw_marginal",
    "row_alphas",
    "row_coupling_key",
    "scalar_distribution",
    "source_dataset",
    "to_inference_data",
    "unstated_uncertainty",
]

#: Draws per random-stream block (see the module docstring).
BLOCK = 4096
#: The number of parameter draws a question gets when none is given (posterior_draws,
#: draw_parameters, cruxnet.show); analyses that repeat a query per node or lever
#: (:class:`cruxnet.sensitivity.Question`) default to fewer, 2,000.
DEFAULT_DRAWS = 10_000
#: The seed when none is given: the same everywhere, so results repeat.
DEFAULT_SEED = 0


def check_seed(seed: object) -> int:
    """A seed must be a non-negative integer; anything else is a one-line error."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise DrawsError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def check_draws(n: object) -> int:
    """A number of draws must be a positive integer; anything else is a one-line error."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise DrawsError(f"the number of draws must be a positive integer, got {n!r}")
    return int(n)


def _node_key(node: str) -> int:
    return int.from_bytes(hashlib.sha256(node.encode()).digest()[:8], "little")


def _generator(seed: int, node: str, block: int) -> np.random.Generator:
    ss = np.random.SeedSequence(seed, spawn_key=(_node_key(node), block))
    return np.random.Generator(np.random.PCG64(ss))


#: Rows whose largest Dirichlet weight is below this are drawn in log space (see below).
TINY_ALPHA = 0.1


def _dirichlet(rng: np.random.Generator, alpha: NDArray, n: int) -> NDArray:
    """``n`` draws of Dirichlet rows: ``alpha`` is ``(R, card)``, the result ``(n, R, card)``.

    Gamma variates normalised per row, drawn one weight at a time with a scalar shape (numpy's
    sampler is fastest so) into a draw-last buffer; the result is a view of that buffer, so the
    batched engine, which wants the draw axis last, gets it without a copy. A shape ``a < 1`` is
    drawn as ``G(a + 1) * U ** (1 / a)``. A row whose weights are all below :data:`TINY_ALPHA`
    could underflow to all zeros, so such rows are drawn in log space. Zero weights
    (structural zeros) give exact zeros.
    """
    buf = np.empty((*alpha.shape, n))
    u = np.empty(n)
    for r, row in enumerate(alpha):
        tiny = row.max() < TINY_ALPHA
        for c, a in enumerate(row):
            out = buf[r, c]
            if not a > 0:
                out.fill(-np.inf if tiny else 0.0)
                continue
            rng.standard_gamma(a + 1.0 if a < 1 else a, size=n, out=out)
            if a < 1:
                rng.random(n, out=u)
                if tiny:
                    with np.errstate(divide="ignore"):
                        np.log(out, out=out)
                        out += np.log(u) / a
                else:
                    out *= u ** (1.0 / a)
        if tiny:
            top = buf[r].max(axis=0)
            np.exp(buf[r] - top, out=buf[r])
    buf /= buf.sum(axis=1, keepdims=True)
    return np.moveaxis(buf, -1, 0)


def _missing(where: tuple[str | None, str], what: str, hint: str) -> SpecError:
    file, node = where
    return SpecError(f"{what} states no uncertainty, so it cannot be drawn ({hint})",
                     file=file, node=node)


def scalar_distribution(name: str, param: Param, ess: float | None,
                        where: tuple[str | None, str]) -> tuple[str, float]:
    """How a scalar parameter is drawn: ``("fixed", 0)``, ``("beta", ess)``,
    ``("lognormal", sd_log)`` or ``("normal", sd)``; a SpecError if it states no uncertainty.

    ``ess`` is the fallback for probabilities that state none (BIF networks)."""
    dist, spread = param.dist, param.spread
    if dist is None and param.kind == "probability" and ess is not None:
        dist, spread = "beta", ess
    if dist == "fixed":
        return "fixed", 0.0
    if dist in ("beta", "lognormal", "normal") and spread is not None:
        return dist, float(spread)
    hint = {"probability": "write {mean, ess} or set default_ess",
            "ratio": "write {median, sd_log} or set default_sd_log",
            "real": "write {mean, sd}"}[param.kind]
    raise _missing(where, f"parameter {name} = {param.value:g}", hint + ", or {value} if known")


def row_alphas(labels: Sequence[str], means: NDArray, ess: Sequence[float | None],
               fallback: float | None, where: tuple[str | None, str]) -> NDArray:
    """Dirichlet weights ``(R, card)`` of table rows: mean x ess (the fallback where a row has
    none); a SpecError if a row states no uncertainty and there is no fallback."""
    filled = []
    for label, e in zip(labels, ess, strict=True):
        if e is None:
            if fallback is None:
                raise _missing(where, f"CPT row {label}" if label else "the CPT",
                               "give the row an 'ess', set default_ess, or pass an ess "
                               "for tables without one (--ess)")
            e = fallback
        filled.append(e)
    alphas: NDArray = means * np.asarray(filled, dtype=float)[:, None]
    return alphas


#: The logit-u grid of the quantile tables coupled parameters are drawn through (see
#: :func:`beta_quantiles`): 2049 points from u = 3e-17 to 1 - 3e-17.
LOGIT_U = np.linspace(-38.0, 38.0, 2049)


@functools.lru_cache(maxsize=4096)
def beta_quantiles(a: float, b: float) -> NDArray:
    """logit of the Beta(a, b) quantile at every point of :data:`LOGIT_U` (non-decreasing).

    A coupled draw is ``expit(interp(logit(u), LOGIT_U, table))``: linear interpolation in
    logit-logit space, where a Beta's quantile is smooth and its tails are straight lines (near
    0, I_x(a, b) ~ x^a / (a B(a, b)), so logit Q ~ (logit u + log(a B(a, b))) / a), which the
    table's ends carry on by holding. Two Betas whose quantile functions do not cross get
    tables that do not cross, and so do their draws at any u: the coupling keeps an ordering
    wherever the stated distributions allow it. The exact CDF of a value drawn at u is u to
    within 5e-4 of min(u, 1 - u) (tested), far under what any test of fit at 1e5 draws could
    see."""
    from scipy.special import betaincinv, betaln, expit

    u = expit(LOGIT_U)
    q = betaincinv(a, b, u)
    with np.errstate(divide="ignore"):
        out = np.log(q) - np.log1p(-q)
    low = ~(q > 1e-280)  # the quantile underflows: its leading term
    if low.any():
        out[low] = (np.log(u[low]) + np.log(a) + betaln(a, b)) / a
    high = ~(q < 1 - 1e-14)  # 1 - q below double resolution: the mirror term
    if high.any():
        out[high] = -(np.log(expit(-LOGIT_U[high])) + np.log(b) + betaln(a, b)) / b
    result: NDArray = np.maximum.accumulate(out)
    return result


def _logit(u: NDArray) -> NDArray:
    with np.errstate(divide="ignore"):
        out: NDArray = np.log(u) - np.log1p(-u)
    return out


def coupled_beta(a: float, b: float, u: NDArray) -> tuple[NDArray, NDArray]:
    """Beta(a, b) draws at uniforms ``u`` through the quantile table, and one minus them
    (computed apart, so neither loses digits near 0 or 1)."""
    from scipy.special import expit

    if not a > 0:
        return np.zeros_like(u), np.ones_like(u)
    if not b > 0:
        return np.ones_like(u), np.zeros_like(u)
    x = np.interp(_logit(u), LOGIT_U, beta_quantiles(float(a), float(b)))
    return expit(x), expit(-x)


def coupled_scalar(dist: str, value: float, spread: float, u: NDArray) -> NDArray:
    """A scalar parameter's draws at uniforms ``u`` (monotone in u): a Beta with mean
    ``value`` and ess ``spread``, a log-normal with median ``value`` and sd_log ``spread``, or
    a normal."""
    from scipy.special import ndtri

    if dist == "beta":
        return coupled_beta(value * spread, (1.0 - value) * spread, u)[0]
    z = ndtri(np.clip(u, 1e-300, 1 - 1e-16))
    out: NDArray = value * np.exp(spread * z) if dist == "lognormal" else value + spread * z
    return out


def coupled_row(alpha: NDArray, u: NDArray) -> NDArray:
    """Dirichlet(``alpha``) draws ``(n, card)`` at uniforms ``u`` ``(n, card - 1)``, by
    breaking sticks from the top state down: v_j ~ Beta(alpha_j, sum of the alphas below j) at
    u[:, j - 1], P(state j) = v_j times what the states above left. Exactly Dirichlet; every
    upper tail P(state >= j) rises with every u, so rows drawn at the same uniforms keep an
    ordering wherever their stated distributions allow it."""
    k = len(alpha)
    n = u.shape[0]
    out = np.zeros((n, k))
    rest = np.ones(n)
    below = np.cumsum(alpha)
    for j in range(k - 1, 0, -1):
        v, not_v = coupled_beta(float(alpha[j]), float(below[j - 1]), u[:, j - 1])
        out[:, j] = rest * v
        rest = rest * not_v
    out[:, 0] = rest
    return out


_SEGMENT = re.compile(r"\[([^\[\]=]+)=([^\[\]]*)\]")


def coupling_key(name: str, ordered: frozenset[str]) -> str | None:
    """The group of a scalar parameter whose name picks out a state of an ordering parent
    (``factor[alignment_research=improved]``): the name with those states left out
    (``factor[alignment_research=*]``), and a leading number too (the causes of a noisy-OR,
    ``cause5[lead_time=under_2wk]``, ``cause6[lead_time=about_1mo]``: ``cause#[lead_time=*]``);
    None if it picks out none.

    >>> coupling_key("cause5[lead_time=under_2wk][safety=no]", frozenset({"lead_time"}))
    'cause#[lead_time=*][safety=no]'
    """
    if not ordered:
        return None
    key = _SEGMENT.sub(lambda m: f"[{m.group(1)}=*]" if m.group(1) in ordered
                       else m.group(0), name)
    if key == name:
        return None
    # Numbered alike (a noisy-OR's causes, one per state of an ordering parent): one group.
    return re.sub(r"^([A-Za-z_]*?)\d+(?=\[)", r"\1#", key)


def row_coupling_key(name: str, label: str, ordered: frozenset[str]) -> str | None:
    """The group of a table row whose label (``a=x,b=y``) names a state of an ordering
    parent: the other parents' states; None if it names none."""
    if not ordered or not label:
        return None
    parts = label.split(",")
    rest = [p for p in parts if p.split("=", 1)[0] not in ordered]
    return f"{name}|{','.join(rest)}" if len(rest) < len(parts) else None


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
        return np.ascontiguousarray(_dirichlet(self.rng, alpha, self.n)[:, 0, 1])

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
            return _dirichlet(self.rng, alphas, self.n)
        out = np.empty((self.n, *alphas.shape))
        free = [r for r, k in enumerate(keys) if k is None]
        if free:
            out[:, free] = _dirichlet(self.rng, alphas[free], self.n)
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
    for part, (b0, b1) in enumerate(_blocks(n)):
        values = DrawValues(_generator(seed, node, b0 // BLOCK), b1 - b0,
                            (worldview.file, node), ess, ordering_parents(model, worldview, node))
        form.cpt(model, _Recording(values, out, part))
    return out


def marginal_alpha(marginal: StatedMarginal, ess: float | None, file: str | None) -> NDArray:
    """The Dirichlet weights ``(1, card)`` a stated marginal is drawn from (``ess`` is the
    fallback when it states no uncertainty; without one, a SpecError)."""
    alpha = marginal.alpha
    if alpha is None:
        if ess is None:
            raise _missing((file, marginal.node), f"the stated marginal of {marginal.node}",
                           "give it an ess or an interval, or set default_ess")
        alpha = tuple(ess * p for p in marginal.probs)
    return np.asarray([alpha], dtype=float)


def draw_marginal(marginal: StatedMarginal, seed: int, start: int, stop: int, n: int, *,
                  ess: float | None = None, file: str | None = None) -> NDArray:
    """Draws ``start:stop`` (of ``n``) of a stated marginal, shape ``(stop - start, card)``:
    Dirichlet(alpha) from the node's own stream ``(seed, "marginal:NODE", block)``, so they do
    not depend on which other draws are made. ``ess`` is the fallback for a marginal that
    states no uncertainty (else a SpecError: it cannot be drawn).

    >>> from cruxnet.priors.stated import StatedMarginal
    >>> m = StatedMarginal("scheming", (0.92, 0.08), (18.4, 1.6))
    >>> d = draw_marginal(m, 0, 0, 4000, 4000)
    >>> d.shape, round(float(d[:, 1].mean()), 2)
    ((4000, 2), 0.08)
    >>> draw_marginal(StatedMarginal("scheming", (0.92, 0.08), exact=True), 0, 0, 2, 2).tolist()
    [[0.92, 0.08], [0.92, 0.08]]
    """
    if marginal.exact:  # no uncertainty: the marginal itself in every draw
        return np.tile(np.asarray(marginal.probs, dtype=float), (stop - start, 1))
    arr = marginal_alpha(marginal, ess, file)
    parts = []
    for b0, b1 in _blocks(n):
        if b1 <= start or b0 >= stop:
            continue
        if b0 < start or b1 > stop:
            raise ValueError(f"draws {start}:{stop} do not lie on block boundaries")
        rng = _generator(seed, f"marginal:{marginal.node}", b0 // BLOCK)
        parts.append(_dirichlet(rng, arr, b1 - b0)[:, 0, :])
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)


def redraw_marginal(marginal: StatedMarginal, seed: int, block: int, attempt: int, count: int,
                    *, ess: float | None = None, file: str | None = None) -> NDArray:
    """``count`` new draws of a stated marginal for draws of stream block ``block`` whose first
    draw could not be used (attempt 1, 2, ...): their own stream ``(seed,
    "marginal:NODE:again:ATTEMPT", block)``, so they too depend only on the seed."""
    rng = _generator(seed, f"marginal:{marginal.node}:again:{attempt}", block)
    out: NDArray = _dirichlet(rng, marginal_alpha(marginal, ess, file), count)[:, 0, :]
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


def _blocks(n: int) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` of the stream blocks covering ``n`` draws."""
    return [(s, min(s + BLOCK, n)) for s in range(0, n, BLOCK)]


@dataclass(frozen=True)
class WorldviewDraws:
    """Draws of a worldview's CPTs, made block by block on demand (nothing is stored).

    Parameters
    ----------
    model, worldview
        What to draw.
    n
        Number of draws.
    seed
        A non-negative integer.
    ess
        Effective sample size for rows that state none (see :class:`DrawValues`).

    Examples
    --------
    >>> from cruxnet.catalog import load_model, load_worldview, resolve_worldview
    >>> entry = load_model("carlsmith_2021")
    >>> wv = load_worldview(resolve_worldview(entry, "carlsmith"), entry.spec)
    >>> src = WorldviewDraws(entry.spec, wv, n=3, seed=1)
    >>> src.block("aps_systems", 0, 3).shape       # (draws, states)
    (3, 2)
    >>> bool((src.block("aps_systems", 0, 3) == src.block("aps_systems", 0, 3)).all())
    True
    """

    model: ModelSpec
    worldview: Worldview
    n: int
    seed: int
    ess: float | None = None
    _fixed: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_seed(self.seed)
        check_draws(self.n)

    def is_fixed(self, node: str) -> bool:
        """True if ``node``'s CPT is the same in every draw."""
        if node not in self._fixed:
            self._fixed[node] = self.worldview.cpts[node].is_fixed(self.model)
        return self._fixed[node]

    def point(self, node: str) -> NDArray:
        """The point CPT of ``node``."""
        return self.worldview.cpts[node].point_cpt(self.model)

    def block(self, node: str, start: int, stop: int) -> NDArray:
        """Draws ``start:stop`` of ``node``'s CPT, shape ``(stop - start, *parents, card)``.

        ``start`` and ``stop`` must lie on block boundaries (multiples of :data:`BLOCK`, or
        ``n``).
        """
        form = self.worldview.cpts[node]
        if self.is_fixed(node):
            point = form.cpt(self.model, POINT)
            return np.broadcast_to(point, (stop - start, *point.shape[1:]))
        parts = []
        for b0, b1 in _blocks(self.n):
            if b1 <= start or b0 >= stop:
                continue
            if b0 < start or b1 > stop:
                raise ValueError(f"draws {start}:{stop} do not lie on block boundaries")
            values = DrawValues(_generator(self.seed, node, b0 // BLOCK), b1 - b0,
                                (self.worldview.file, node), self.ess,
                                ordering_parents(self.model, self.worldview, node))
            parts.append(form.cpt(self.model, values))
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)

    def check(self, nodes: Sequence[str]) -> None:
        """Raise the missing-uncertainty error of the first node that has one (1 draw each)."""
        for node in nodes:
            if not self.is_fixed(node):
                form = self.worldview.cpts[node]
                form.cpt(self.model, DrawValues(np.random.default_rng(0), 1,
                                                (self.worldview.file, node), self.ess))


    @property
    def provenance(self) -> dict[str, Any]:
        """Attrs results carry."""
        from cruxnet.version import cruxnet_version

        return {"model": self.model.name, "spec_sha256": self.model.sha256,
                "worldview": self.worldview.name, "worldview_sha256": self.worldview.sha256,
                "seed": self.seed, "draws": self.n, "cruxnet_version": cruxnet_version(),
                **({"fallback_ess": self.ess} if self.ess is not None else {})}


#: Crossings smaller than this are rounding, not a broken ordering (lint, tests).
ORDER_TOL = 1e-12


def ordering_parents(model: ModelSpec, worldview: Worldview, node: str) -> frozenset[str]:
    """The parents ``node``'s draws are ordered along (``expect: increases_with /
    decreases_with``), or none if the worldview says ``ordered_draws: false``."""
    if not worldview.ordered_draws:
        return frozenset()
    expect = model.node(node).expect
    return frozenset((*expect.increases_with, *expect.decreases_with))


def unstated_uncertainty(model: ModelSpec, worldview: Worldview) -> list[SpecError]:
    """Per node whose CPT cannot be drawn because a parameter states no uncertainty, the error
    draws would raise (naming the node and the parameter): what ``cruxnet validate`` and
    ``lint`` warn about, since point queries work and ``--draws`` and reports refuse."""
    src = WorldviewDraws(model, worldview, 1, 0)
    out = []
    for node in model.node_ids:
        try:
            src.check([node])
        except SpecError as exc:
            out.append(exc)
    return out


def draw_worldview(model: ModelSpec, worldview: Worldview, n: int, *, seed: int = DEFAULT_SEED,
                    nodes: Sequence[str] | None = None, ess: float | None = None
                    ) -> xr.Dataset:
    """Draw ``n`` parameter sets of a worldview as an ``xarray.Dataset``.

    Parameters
    ----------
    model, worldview
        The model and the beliefs about its CPTs.
    n
        Number of draws (a positive integer).
    seed
        A non-negative integer; the same seed gives identical draws.
    nodes
        The CPTs to draw (default: every node). Each node's draws do not depend on which
        others are drawn.
    ess
        Effective sample size for table rows that state none (networks read from BIF files).

    Returns
    -------
    xarray.Dataset
        One variable per CPT, named by :func:`cpt_name` (``attrs["node"]`` is the node), with
        dims ``("draw", *parents, node)`` and each node's states as coordinates; a fixed CPT
        (deterministic form, all values known) has no ``draw`` dim. Attrs: model, worldview,
        their hashes, seed, draws, cruxnet version.

    Examples
    --------
    >>> from cruxnet.catalog import load_model, load_worldview, resolve_worldview
    >>> entry = load_model("carlsmith_2021")
    >>> wv = load_worldview(resolve_worldview(entry, "carlsmith"), entry.spec)
    >>> ds = draw_worldview(entry.spec, wv, 1000, seed=7, nodes=["aps_systems", "incentives"])
    >>> ds["P(incentives | aps_systems)"].dims
    ('draw', 'aps_systems', 'incentives')
    >>> p_aps = ds["P(aps_systems)"].sel(aps_systems="yes")
    >>> round(float(p_aps.mean()), 2), float(wv.cpts["aps_systems"].point_cpt(entry.spec)[1])
    (0.65, 0.65)
    """
    return source_dataset(model, WorldviewDraws(model, worldview, n, seed, ess), nodes)


def source_dataset(model: ModelSpec, source: Any, nodes: Sequence[str] | None = None
                   ) -> xr.Dataset:
    """Every draw of a parameter source (anything with ``n``, ``is_fixed``, ``point``,
    ``block`` and ``provenance``, e.g. :class:`WorldviewDraws`) as the Dataset
    :func:`draw_worldview` returns."""
    import xarray as xr

    n = int(source.n)
    chosen = list(nodes) if nodes is not None else list(model.node_ids)
    for node in chosen:
        if node not in model:
            raise DrawsError(f"unknown node {node!r} in model {model.name}")
    data: dict[str, xr.DataArray] = {}
    for node in chosen:
        spec = model.node(node)
        dims = (*spec.parents, node)
        coords: Mapping[str, Any] = {d: list(model.node(d).states) for d in dims}
        name, attrs = cpt_name(model, node), {"node": node}
        if source.is_fixed(node):
            data[name] = xr.DataArray(source.point(node), dims=dims, coords=coords, attrs=attrs)
        else:
            data[name] = xr.DataArray(source.block(node, 0, n), dims=("draw", *dims),
                                      coords={**coords, "draw": np.arange(n)}, attrs=attrs)
    return xr.Dataset(data, attrs={**source.provenance, "method": "prior draws"})


class DatasetDraws:
    """CPT draws held in an ``xarray.Dataset`` (from :func:`draw_worldview`, or fitted), or in
    a PyMC/ArviZ posterior (InferenceData, or a Dataset with (chain, draw) dims).

    Each node's variable is found by ``attrs["node"]`` or by :func:`cpt_name`; a variable
    without a ``draw`` dim is fixed. Every CPT must have the model's dims and be a distribution
    over the node's states in every draw.
    """

    def __init__(self, model: ModelSpec, dataset: Any):
        self.model = model
        if hasattr(dataset, "posterior"):  # ArviZ InferenceData (e.g. from PyMC): its draws,
            fixed = getattr(dataset, "constant_data", None)  # with any fixed CPTs beside them
            dataset = dataset.posterior
            if fixed is not None:
                dataset = dataset.merge(fixed)
        if "chain" in dataset.dims:  # (chain, draw) -> one draw dim, chains one after another
            dataset = dataset.drop_vars([c for c in ("chain", "draw") if c in dataset.coords])
            dataset = (dataset.stack(__sample=("chain", "draw")).drop_vars(
                ["__sample", "chain", "draw"], errors="ignore").rename(__sample="draw"))
        self.dataset = dataset
        by_node = {str(v.attrs.get("node")): name for name, v in dataset.data_vars.items()
                   if "node" in v.attrs}
        self._arrays: dict[str, NDArray] = {}
        self._drawn: set[str] = set()
        sizes = {int(dataset.sizes["draw"])} if "draw" in dataset.dims else set()
        for node in model.node_ids:
            name = by_node.get(node, cpt_name(model, node))
            if name not in dataset.data_vars:
                raise DrawsError(f"the parameter draws have no CPT for node {node!r} "
                                 f"(expected a variable {name!r})")
            var = dataset[name]
            dims = (*model.node(node).parents, node)
            has_draw = "draw" in var.dims
            if set(var.dims) != set(dims) | ({"draw"} if has_draw else set()):
                raise DrawsError(f"CPT draws for {node} have dims {var.dims}, expected "
                                 f"{('draw', *dims) if has_draw else dims}")
            # Drawn CPTs are kept draw-last, the layout the batched engine contracts.
            arr = np.ascontiguousarray(var.transpose(*dims, *(("draw",) if has_draw else ()))
                                       .values, dtype=float)
            sums = arr.sum(axis=-2 if has_draw else -1)
            if (not np.all(np.isfinite(arr)) or (arr < 0).any()
                    or np.abs(sums - 1.0).max(initial=0.0) > 1e-9):
                raise DrawsError(f"CPT draws for {node} are not probability distributions "
                                 "over its states in every draw")
            self._arrays[node] = arr
            if has_draw:
                self._drawn.add(node)
        self.n = sizes.pop() if sizes else 1

    def is_fixed(self, node: str) -> bool:
        return node not in self._drawn

    def point(self, node: str) -> NDArray:
        return self._arrays[node]

    def block(self, node: str, start: int, stop: int) -> NDArray:
        return np.moveaxis(self._arrays[node][..., start:stop], -1, 0)

    def check(self, nodes: Sequence[str]) -> None:
        """Nothing to check: the draws are made."""

    @property
    def provenance(self) -> dict[str, Any]:
        return {k: v for k, v in self.dataset.attrs.items()
                if isinstance(v, (str, int, float))}


def to_inference_data(dataset: xr.Dataset) -> Any:
    """Parameter draws (a Dataset with a ``draw`` dim) as ArviZ InferenceData: one chain, the
    CPTs in its posterior group, so ``az.summary`` and ArviZ's plots read them."""
    from cruxnet.thirdparty import arviz

    az = arviz()

    fixed = [v for v in dataset.data_vars if "draw" not in dataset[v].dims]
    drawn = dataset.drop_vars(fixed)
    posterior = drawn.expand_dims(chain=[0]) if "chain" not in drawn.dims else drawn
    # The posterior group holds what varies; CPTs fixed in every draw go to constant_data.
    return az.InferenceData(posterior=posterior.transpose("chain", "draw", ...),
                            constant_data=dataset[fixed])
