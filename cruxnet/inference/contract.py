"""Tensor contraction of named factors, with the contraction path cached per problem shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import opt_einsum as oe

from cruxnet.base.limits import check_intermediate

__all__ = ["LAST_AXIS", "UNDERFLOW", "ContractionPlan", "Factor", "contract_factors",
           "contract_factors_scaled", "contraction_plan", "contraction_work", "factor_signature",
           "largest_intermediate"]

#: Below this, a contraction's result may have lost digits to underflow (products of many
#: small probabilities); the engines then redo it with :func:`contract_factors_scaled`.
UNDERFLOW = 1e-250

#: Axis name kept last (contiguous) in every intermediate: the batched engine's draw axis.
LAST_AXIS = "\0draw"

#: A factor: an array and the names of its axes, in order.
Factor = tuple[np.ndarray[Any, np.dtype[np.float64]], tuple[str, ...]]


def _C_EINSUM(eq: str, *operands: Any) -> Any:
    """NumPy's einsum on one planned pairwise step (the plan is ours: no path search)."""
    return np.einsum(eq, *operands, optimize=False)

Signature = tuple[tuple[tuple[str, ...], tuple[int, ...]], ...]


def factor_signature(factors: Sequence[Factor]) -> Signature:
    """The cache key of a contraction: each factor's axis names and shape."""
    return tuple([(tuple(axes), arr.shape) for arr, axes in factors])


def _equation(signature: Signature, output: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """The einsum equation of a contraction and the symbol of each axis name."""
    symbols: dict[str, str] = {}
    for axes, _ in signature:
        for a in axes:
            symbols.setdefault(a, oe.get_symbol(len(symbols)))
    terms = ",".join("".join(symbols[a] for a in axes) for axes, _ in signature)
    return f"{terms}->{''.join(symbols[a] for a in output)}", symbols


@dataclass(frozen=True)
class ContractionPlan:
    """A contraction as a sequence of small einsums (one per step of the path)."""

    steps: tuple[tuple[tuple[int, ...], str], ...]
    # (operand ids in single-static-assignment form: inputs, then one new id per step; equation)
    final: str  # einsum equation putting the last operand's axes in the output order
    largest: int  # entries of the largest intermediate
    work: int  # multiply-adds: per step, the entries of the union of its operands' axes
    results: tuple[tuple[str, ...], ...] = ()  # each step's result axes, by name


@lru_cache(maxsize=4096)
def contraction_plan(signature: Signature, output: tuple[str, ...]) -> ContractionPlan:
    """Path by opt_einsum (greedy); each intermediate keeps the ``last`` axis name last.

    Keeping the draw axis of the batched engine last and contiguous in every intermediate lets
    each step's inner loop run over draws (a vectorised multiply-add).
    """
    eq, symbols = _equation(signature, output)
    shapes = [shape for _, shape in signature]
    last = symbols.get(LAST_AXIS)
    # The path is searched as if every factor had the draw axis: the cost that matters is per
    # draw. (Searched as they are, factors without it look free to combine, and greedy builds
    # big draw-free intermediates that then multiply every draw: 30x the work seen.)
    search_eq, search_shapes = eq, shapes
    terms = eq.split("->")[0].split(",")
    if last is not None and any(last in t for t in terms):
        draw_size = next(shape[t.index(last)] for t, shape in zip(terms, shapes, strict=True)
                         if last in t)
        pairs = [(t, shape) if last in t else (t + last, (*shape, draw_size))
                 for t, shape in zip(terms, shapes, strict=True)]
        search_eq = ",".join(t for t, _ in pairs) + "->" + eq.split("->")[1]
        search_shapes = [shape for _, shape in pairs]
    path, info = oe.contract_path(search_eq, *search_shapes, shapes=True, optimize="greedy")
    lhs, out = eq.split("->")
    ops = lhs.split(",") if lhs else []
    rank = {c: i for i, c in enumerate(symbols.values())}
    dims = {symbols[a]: n for axes, shape in signature for a, n in zip(axes, shape, strict=True)}
    eqs: list[str] = []
    results: list[tuple[str, ...]] = []
    name_of = {sym: name for name, sym in symbols.items()}
    work = 0
    for pos in path:
        inputs = [ops[i] for i in pos]
        for i in sorted(pos, reverse=True):
            del ops[i]
        needed = set(out).union(*ops)
        union = {c for term in inputs for c in term}
        work += int(np.prod([dims[c] for c in union]))
        # Every intermediate lists its axes in one global order (the order variables first
        # appear, roughly topological), the draw axis last: operands then agree on axis order,
        # so numpy iterates them without jumping through memory.
        result = "".join(sorted(union & needed, key=lambda c: (c == last, rank[c])))
        eqs.append(_ascii(",".join(inputs) + "->" + result))
        results.append(tuple(name_of[c] for c in result))
        ops.append(result)
    final = _ascii(f"{ops[0]}->{out}" if ops else f"->{out}")
    ssa = oe.paths.linear_to_ssa(path) if path else []
    return ContractionPlan(tuple((tuple(p), e) for p, e in zip(ssa, eqs, strict=True)), final,
                           int(info.largest_intermediate), work, tuple(results))


def _ascii(eq: str) -> str:
    """The equation with its symbols renamed to ASCII letters (numpy's einsum needs them).

    One step involves few axes, so the 52 letters suffice even when the whole network has more.
    """
    letters: dict[str, str] = {}
    for c in eq:
        if c not in ",->" and c not in letters:
            letters[c] = oe.get_symbol(len(letters))
    return "".join(letters.get(c, c) for c in eq)


def largest_intermediate(factors: Sequence[Factor], output: Sequence[str]) -> int:
    """Number of entries in the largest intermediate of the contraction to ``output``."""
    return contraction_plan(factor_signature(factors), tuple(output)).largest


def contraction_work(factors: Sequence[Factor], output: Sequence[str]) -> int:
    """Multiply-adds the contraction performs: the sum over its steps of the number of entries
    of the product of the step's operands (the union of their axes). The element-wise
    throughput bound of a contraction is this count times the time of one ``a * b`` entry."""
    return contraction_plan(factor_signature(factors), tuple(output)).work


def contract_factors(factors: Sequence[Factor], output: Sequence[str]) -> np.ndarray[Any, Any]:
    """Sum the product of ``factors`` over every axis not in ``output``.

    Parameters
    ----------
    factors
        ``(array, axis_names)`` pairs; an axis name shared by factors is one variable.
    output
        Axis names to keep, in this order.

    Returns
    -------
    numpy.ndarray
        The unnormalised result with one axis per ``output`` name.

    Examples
    --------
    >>> a = np.array([0.3, 0.7]); b = np.array([[0.9, 0.1], [0.2, 0.8]])
    >>> contract_factors([(a, ("x",)), (b, ("x", "y"))], ["y"]).round(2).tolist()
    [0.41, 0.59]
    """
    signature = factor_signature(factors)
    plan = contraction_plan(signature, tuple(output))
    if LAST_AXIS not in output:  # draws: the batched engine sizes its own chunks
        check_intermediate(plan.largest)
    ops = [arr for arr, _ in factors]
    if not ops:
        return np.asarray(1.0)
    einsum = _C_EINSUM
    for pos, eq in plan.steps:
        ops.append(einsum(eq, *[ops[i] for i in pos]))
    return np.asarray(einsum(plan.final, ops[-1]))


def _scale(arr: np.ndarray[Any, Any], per_last: bool) -> tuple[np.ndarray[Any, Any], Any]:
    """``arr`` divided by its maximum (per index of the last axis if ``per_last``) and the log
    of that maximum; all-zero slices are left alone (log scale 0)."""
    if per_last:
        m = arr.reshape(-1, arr.shape[-1]).max(axis=0) if arr.ndim > 1 else arr.copy()
    else:
        m = np.asarray(arr.max() if arr.size else 0.0)
    m = np.where(m > 0, m, 1.0)
    return arr / m, np.log(m)


def contract_factors_scaled(factors: Sequence[Factor], output: Sequence[str]
                            ) -> tuple[np.ndarray[Any, Any], Any]:
    """:func:`contract_factors` that cannot underflow: every input and every intermediate is
    rescaled to a maximum of 1 (per draw when the factors carry the :data:`LAST_AXIS`, which
    must then be the last output axis), the logs of the scales summed.

    Returns
    -------
    (result, log_scale)
        The true result is ``result * exp(log_scale)``; ``log_scale`` is a float, or one per
        draw (shape of the last axis).

    Examples
    --------
    >>> tiny = np.array([1e-200, 2e-200])   # sum of squares 5e-400: below float64's range
    >>> res, log_s = contract_factors_scaled([(tiny, ("x",)), (tiny, ("x",))], [])
    >>> bool(abs(float(np.log(res) + log_s) - (np.log(5) - 400 * np.log(10))) < 1e-9)
    True
    """
    signature = factor_signature(factors)
    plan = contraction_plan(signature, tuple(output))
    drawn = LAST_AXIS in output
    ops: list[np.ndarray[Any, Any]] = []
    logs: list[Any] = []
    has: list[bool] = []  # the operand carries the draw axis (always its last axis)
    for arr, axes in factors:
        per = drawn and bool(axes) and axes[-1] == LAST_AXIS
        a, lg = _scale(np.asarray(arr, dtype=float), per)
        ops.append(a)
        logs.append(lg)
        has.append(per)
    if not ops:
        return np.asarray(1.0), 0.0
    for pos, eq in plan.steps:
        per = any(has[i] for i in pos)
        scaled, lg = _scale(_C_EINSUM(eq, *[ops[i] for i in pos]), per)
        ops.append(scaled)
        logs.append(sum((logs[i] for i in pos), start=lg))
        has.append(per)
    return np.asarray(_C_EINSUM(plan.final, ops[-1])), logs[-1]
