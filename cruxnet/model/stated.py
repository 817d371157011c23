"""Stated marginals as a person writes them: "I put P(scheming) at 8%, give or take".

A stated marginal is a probability for each state of one node, with the person's uncertainty
about it. :mod:`cruxnet.inference.marginals` gives it its meaning (the node's own table moves by
the smallest change that makes the network imply it); :mod:`cruxnet.files.stated` reads and
checks what was written. Accepted, in a worldview file's ``marginals:`` or in Python:

* ``{no: 0.92, yes: 0.08}``: a probability per state. States left out get what is left when
  exactly one is left out (``{yes: 0.08}`` on a two-state node means ``no: 0.92``), else 0 when
  the given ones already sum to 1; anything else is an error.
* a state's value with its own uncertainty: ``{yes: {mean: 0.08, ess: 20}}`` (a Beta with that
  mean and a + b = ess) or ``{yes: {low: 0.05, high: 0.15, prob: 0.9}}`` (the Beta with that
  equal-tailed interval; its mean is the point value);
* ``{p: [0.92, 0.08], ess: 20}`` or ``{p: {yes: 0.08}, ess: 20}``: the whole vector with one
  effective sample size; a plain list; or, for a two-state node, one number (its last state).
* ``{p: {...}, ess: exact}``: no uncertainty at all, the same marginal in every parameter draw
  whatever the file's ``default_ess`` (what the explorer's "my view" writes).

The uncertainty is one Dirichlet over the node's states: ``Dirichlet(ess * p)``, or for one state
given its own Beta(a, b), the Dirichlet whose marginal for that state is that Beta (the other
states share b in the point proportions). With no uncertainty given, the file's
``default_ess`` applies; with none at all drawing says so (as it does for a table row that
states no uncertainty). A drawn marginal that a draw's own table cannot reach (its structural
zeros bound it) is drawn again (:class:`cruxnet.inference.marginals.StatedMarginalDraws`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["StatedMarginal", "percent"]


def percent(p: float) -> str:
    """A probability as a percentage to three significant figures: ``percent(0.0812)`` is
    "8.12%"."""
    return f"{100 * p:.3g}%"


@dataclass(frozen=True)
class StatedMarginal:
    """One node's stated marginal.

    Attributes
    ----------
    node
        The node.
    probs
        The point marginal, in the node's state order (sums to 1).
    alpha
        The Dirichlet weights its draws come from (mean ``probs``), or None when no
        uncertainty was stated (the file's ``default_ess`` then applies when drawing).
    said
        What was written, for reports (e.g. ``"yes: 8% (ess 20)"``).
    """

    node: str
    probs: tuple[float, ...]
    alpha: tuple[float, ...] | None = None
    said: str = ""
    #: ``ess: exact``: no uncertainty at all; every parameter draw meets ``probs`` itself.
    exact: bool = False

    @property
    def ess(self) -> float | None:
        """The Dirichlet's total weight (None: no uncertainty)."""
        return None if self.alpha is None else math.fsum(self.alpha)

    def describe(self, states: Sequence[str]) -> str:
        """``"no 92%, yes 8% (ess 20)"``."""
        text = ", ".join(f"{s} {percent(p)}" for s, p in zip(states, self.probs, strict=True))
        return text + (f" (ess {self.ess:.3g})" if self.alpha is not None else
                       " (no uncertainty)")


