"""The distributions a worldview states for its parameters and marginals (Beta, Dirichlet,
log-normal, normal), and drawing from them.

Dirichlet rows are normalised gamma variates (see :func:`dirichlet_rows`); rows with tiny weights
are drawn in log space so they never underflow to an all-zero row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cruxnet.base.errors import SpecError
from cruxnet.base.types import NDArray
from cruxnet.draws.streams import BLOCK, block_ranges, node_generator
from cruxnet.model.params import Param
from cruxnet.model.stated import StatedMarginal

__all__ = ["TINY_ALPHA", "draw_marginal", "marginal_alpha", "redraw_marginal", "row_alphas",
           "scalar_distribution"]


#: Rows whose largest Dirichlet weight is below this are drawn in log space (see below).
TINY_ALPHA = 0.1


def dirichlet_rows(rng: np.random.Generator, alpha: NDArray, n: int) -> NDArray:
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

    >>> from cruxnet.model.stated import StatedMarginal
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
    for b0, b1 in block_ranges(n):
        if b1 <= start or b0 >= stop:
            continue
        if b0 < start or b1 > stop:
            raise ValueError(f"draws {start}:{stop} do not lie on block boundaries")
        rng = node_generator(seed, f"marginal:{marginal.node}", b0 // BLOCK)
        parts.append(dirichlet_rows(rng, arr, b1 - b0)[:, 0, :])
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)


def redraw_marginal(marginal: StatedMarginal, seed: int, block: int, attempt: int, count: int,
                    *, ess: float | None = None, file: str | None = None) -> NDArray:
    """``count`` new draws of a stated marginal for draws of stream block ``block`` whose first
    draw could not be used (attempt 1, 2, ...): their own stream ``(seed,
    "marginal:NODE:again:ATTEMPT", block)``, so they too depend only on the seed."""
    rng = node_generator(seed, f"marginal:{marginal.node}:again:{attempt}", block)
    out: NDArray = dirichlet_rows(rng, marginal_alpha(marginal, ess, file), count)[:, 0, :]
    return out
