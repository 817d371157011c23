"""Where parameter draws come from: the protocol every source of CPT draws follows.

A worldview's prior draws (:class:`~cruxnet.draws.worldview.WorldviewDraws`), a Dataset of
fitted draws (:class:`~cruxnet.draws.worldview.DatasetDraws`), draws with stated marginals
(:class:`~cruxnet.inference.marginals.StatedMarginalDraws`) and a Sobol design all give the
batched engine their CPTs block by block through this interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from cruxnet.base.types import NDArray

__all__ = ["ParameterSource"]


class ParameterSource(Protocol):
    """Where CPT draws come from (a worldview's prior, or a Dataset of fitted draws)."""

    @property
    def n(self) -> int:
        """Number of draws."""
        ...

    def is_fixed(self, node: str) -> bool:
        """True if the node's CPT is the same in every draw."""
        ...

    def point(self, node: str) -> NDArray:
        """The node's CPT when it is fixed."""
        ...

    def block(self, node: str, start: int, stop: int) -> NDArray:
        """Draws ``start:stop`` of the node's CPT, shape ``(stop - start, *parents, card)``."""
        ...

    def check(self, nodes: Sequence[str]) -> None:
        """Raise, before any drawing, the error drawing ``nodes`` would raise late (a CPT
        that states no uncertainty, a stated marginal that cannot be drawn); nothing for
        draws already made."""
        ...

    @property
    def provenance(self) -> dict[str, Any]:
        """Attrs the results carry (worldview, seed, ...)."""
        ...
