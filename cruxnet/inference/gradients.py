"""A contraction and its gradient with respect to every factor (reverse mode over the plan).

P(target, e) is multilinear in the factors: each CPT enters once. So with G_i the gradient of
the output with respect to factor F_i, the output equals sum(F_i * G_i) over F_i's axes, for
every i, and replacing F_i by another table F'_i gives sum(F'_i * G_i) without a new
contraction. Two uses:

* ``F_X * G_X`` summed down to X's own axis is the joint P(X = x, target, e) of every node X
  with the target: all "what if we learned X" conditionals from one forward and one backward
  pass, instead of a query per node and state;
* swapping one CPT at a time (Sobol's Saltelli rows, Shapley coalitions of one) costs one small
  sum per swap.

The backward pass runs the cached contraction plan (:mod:`cruxnet.inference.contract`) in
reverse; each step's gradient is an einsum of the result's gradient with the step's other
operands. Gradients carry the output's axes first (renamed ``GRAD_PREFIX + name``) and keep the
draw axis, so every draw gets its own gradient.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import opt_einsum as oe

from cruxnet.base.types import NDArray
from cruxnet.inference.contract import LAST_AXIS, Factor, contraction_plan, factor_signature

__all__ = ["GRAD_PREFIX", "contract_with_gradients", "pair_with_gradient"]

#: Prefix of the output axes a gradient carries (the output entry it is the gradient of).
GRAD_PREFIX = "\0grad:"


def _einsum(operands: Sequence[tuple[NDArray, tuple[str, ...]]], out: tuple[str, ...],
            sizes: dict[str, int]) -> NDArray:
    """einsum over named axes; output axes missing from every operand are broadcast to their
    ``sizes``."""
    symbols: dict[str, str] = {}
    for _, axes in operands:
        for a in axes:
            symbols.setdefault(a, oe.get_symbol(len(symbols)))
    present = tuple(a for a in out if a in symbols)
    eq = ",".join("".join(symbols[a] for a in axes) for _, axes in operands)
    eq += "->" + "".join(symbols[a] for a in present)
    res: NDArray = np.einsum(eq, *[arr for arr, _ in operands], optimize=len(operands) > 2)
    if len(present) == len(out):
        return res
    return _broadcast(res, present, out, sizes)


def _broadcast(arr: NDArray, axes: tuple[str, ...], out: tuple[str, ...],
               sizes: dict[str, int]) -> NDArray:
    shape = [sizes[a] for a in out]
    expanded = arr.reshape([arr.shape[axes.index(a)] if a in axes else 1 for a in out])
    return np.broadcast_to(expanded, shape)


def _step_axes(plan_steps: Any, inputs: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Axis names of every SSA operand: the inputs', then each step's result."""
    names = list(inputs)
    for pos, eq in plan_steps:
        lhs, res = eq.split("->")
        letter: dict[str, str] = {}
        for p, term in zip(pos, lhs.split(","), strict=True):
            for c, name in zip(term, names[p], strict=True):
                letter[c] = name
        names.append(tuple(letter[c] for c in res))
    return names


def contract_with_gradients(factors: Sequence[Factor], output: Sequence[str]
                            ) -> tuple[NDArray, list[tuple[NDArray, tuple[str, ...]]]]:
    """Contract ``factors`` to ``output`` and differentiate the result by every factor.

    Parameters
    ----------
    factors
        ``(array, axis names)`` pairs; the draw axis (:data:`LAST_AXIS`), if any, is
        elementwise (each draw is its own contraction).
    output
        Axis names to keep, e.g. ``[target, LAST_AXIS]``.

    Returns
    -------
    (result, gradients)
        ``result`` as :func:`~cruxnet.inference.contract.contract_factors` gives it; for each
        factor, ``(G, axes)`` with ``axes = (GRAD_PREFIX + o for o in output without the draw
        axis) + the factor's axes (+ the draw axis if the result has one)``. ``G`` is the
        derivative of ``result[o..., d]`` by the factor's entry (in draw ``d``).

    Examples
    --------
    >>> a = np.array([0.3, 0.7]); b = np.array([[0.9, 0.1], [0.2, 0.8]])
    >>> out, grads = contract_with_gradients([(a, ("x",)), (b, ("x", "y"))], ["y"])
    >>> ga, axes = grads[0]
    >>> axes, ga.round(2).tolist()          # d P(y) / d P(x) = P(y | x), indexed [y, x]
    (('\\x00grad:y', 'x'), [[0.9, 0.2], [0.1, 0.8]])
    >>> bool(np.allclose(np.einsum("yx,x->y", ga, a), out))   # out = sum(F * G)
    True
    """
    output = tuple(output)
    has_draw = LAST_AXIS in output
    keep = tuple(o for o in output if o != LAST_AXIS)
    grad_axes = tuple(GRAD_PREFIX + o for o in keep)
    plan = contraction_plan(factor_signature(factors), output)
    ops: list[NDArray] = [np.asarray(arr) for arr, _ in factors]
    names = _step_axes(plan.steps, [tuple(axes) for _, axes in factors])
    for pos, eq in plan.steps:
        ops.append(np.einsum(eq, *[ops[i] for i in pos]))
    last = len(ops) - 1
    final_axes = names[last] if plan.steps else (names[0] if ops else ())
    sizes = {a: n for arr, axes in zip(ops, names, strict=True)
             for a, n in zip(axes, arr.shape, strict=True)}
    sizes.update({GRAD_PREFIX + o: sizes[o] for o in keep})
    result = _einsum([(ops[last], final_axes)], output, sizes)
    # Seed: d result[o, d] / d result[o', d] = 1 if o == o' (per draw).
    seed_shape = [sizes[o] for o in keep]
    seed = np.eye(int(np.prod(seed_shape)) if keep else 1).reshape(seed_shape * 2)
    seed_axes = grad_axes + keep
    grads: dict[int, tuple[NDArray, tuple[str, ...]]] = {}

    def target_axes(i: int) -> tuple[str, ...]:
        return grad_axes + tuple(a for a in names[i] if a != LAST_AXIS) + (
            (LAST_AXIS,) if has_draw else ())

    # Through the final transpose/sum: the last operand's gradient.
    grads[last] = (_einsum([(seed, seed_axes)], target_axes(last), sizes), target_axes(last))
    ssa = [(len(factors) + k, pos) for k, (pos, _) in enumerate(plan.steps)]
    for z, pos in reversed(ssa):
        gz, gz_axes = grads.pop(z)
        for j, p in enumerate(pos):
            others = [(ops[q], names[q]) for k, q in enumerate(pos) if k != j]
            gp = _einsum([(gz, gz_axes), *others], target_axes(p), sizes)
            if p in grads:
                prev, axes = grads[p]
                grads[p] = (prev + gp, axes)
            else:
                grads[p] = (gp, target_axes(p))
    return result, [grads[i] for i in range(len(factors))]


def pair_with_gradient(gradient: tuple[NDArray, tuple[str, ...]], factor: Factor,
                       keep: Sequence[str]) -> NDArray:
    """``sum(factor * gradient)`` over every axis but ``keep`` (gradient axes by name).

    With ``factor`` the factor the gradient was taken by, keeping the gradient's output axes
    (and the draw axis) gives the contraction's result back; with another table in its place,
    the result with that table swapped in; keeping the factor's own node too, the joint of that
    node with the output.
    """
    g, g_axes = gradient
    arr, axes = factor
    operands = [(g, g_axes), (np.asarray(arr), tuple(axes))]
    sizes = {a: n for x, ax in operands for a, n in zip(ax, x.shape, strict=True)}
    return _einsum(operands, tuple(keep), sizes)
