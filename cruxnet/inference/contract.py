"""Tensor contraction of named factors, with the contraction path cached per problem shape."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import opt_einsum as oe

__all__ = ["Factor", "contract_factors"]

#: A factor: an array and the names of its axes, in order.
Factor = tuple[np.ndarray[Any, np.dtype[np.float64]], tuple[str, ...]]


@lru_cache(maxsize=4096)
def _expression(signature: tuple[tuple[tuple[str, ...], tuple[int, ...]], ...],
                output: tuple[str, ...]) -> Any:
    symbols: dict[str, str] = {}
    for axes, _ in signature:
        for a in axes:
            symbols.setdefault(a, oe.get_symbol(len(symbols)))
    terms = ",".join("".join(symbols[a] for a in axes) for axes, _ in signature)
    eq = f"{terms}->{''.join(symbols[a] for a in output)}"
    shapes = [shape for _, shape in signature]
    return oe.contract_expression(eq, *shapes, optimize="greedy")


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
    signature = tuple((tuple(axes), tuple(arr.shape)) for arr, axes in factors)
    expr = _expression(signature, tuple(output))
    return np.asarray(expr(*(arr for arr, _ in factors)))
