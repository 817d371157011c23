"""Parameter draws: N sets of CPTs drawn from a worldview's stated uncertainty.

Each CPT form reads its parameters through a :class:`~cruxnet.model.forms.ParamValues`;
:class:`~cruxnet.draws.values.DrawValues` gives it ``n`` draws of each instead of the point value:

* table rows: Dirichlet(mean * ess) (a Beta for two states); zero means stay exactly zero;
* ``{mean, ess}`` probabilities: Beta(mean * ess, (1 - mean) * ess);
* ``{median, sd_log}`` ratios: median * exp(sd_log * Normal(0, 1));
* ``{mean, sd}`` reals: Normal(mean, sd);
* ``{value}`` and deterministic forms (``gate``, ``binned_product``, ``do()`` nodes): fixed.

Probabilities a form *computes* from drawn parameters (``product``, ``linear``) are clipped to
[0, 1]; the point CPT itself is validated, never clipped.

:class:`WorldviewDraws` draws a worldview's CPTs block by block (random streams:
:mod:`cruxnet.draws.streams`; orderings: :mod:`cruxnet.draws.coupling`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.errors import SpecError
from cruxnet.base.types import NDArray
from cruxnet.base.validate import check_draws, check_seed
from cruxnet.draws.coupling import (
    ordering_parents,
)
from cruxnet.draws.dataset import source_dataset
from cruxnet.draws.streams import BLOCK, DEFAULT_SEED, block_ranges, node_generator
from cruxnet.draws.values import (
    DrawValues,
)
from cruxnet.model.cpt import POINT
from cruxnet.model.spec import ModelSpec
from cruxnet.model.worldview import Worldview

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["WorldviewDraws", "draw_worldview", "unstated_uncertainty"]


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
        for b0, b1 in block_ranges(self.n):
            if b1 <= start or b0 >= stop:
                continue
            if b0 < start or b1 > stop:
                raise ValueError(f"draws {start}:{stop} do not lie on block boundaries")
            values = DrawValues(node_generator(self.seed, node, b0 // BLOCK), b1 - b0,
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
        from cruxnet.base.version import cruxnet_version

        return {"model": self.model.name, "spec_sha256": self.model.sha256,
                "worldview": self.worldview.name, "worldview_sha256": self.worldview.sha256,
                "seed": self.seed, "draws": self.n, "cruxnet_version": cruxnet_version(),
                **({"fallback_ess": self.ess} if self.ess is not None else {})}


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


