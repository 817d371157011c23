"""Fitted draws as a parameter source: a Dataset of CPT draws (from a PyMC fit or a file), and a
worldview's draws as ArviZ InferenceData."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.errors import DrawsError
from cruxnet.base.types import NDArray
from cruxnet.draws.values import (
    cpt_name,
)
from cruxnet.model.spec import ModelSpec

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["DatasetDraws", "source_dataset", "to_inference_data"]


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
    from cruxnet.base.thirdparty import arviz

    az = arviz()

    fixed = [v for v in dataset.data_vars if "draw" not in dataset[v].dims]
    drawn = dataset.drop_vars(fixed)
    posterior = drawn.expand_dims(chain=[0]) if "chain" not in drawn.dims else drawn
    # The posterior group holds what varies; CPTs fixed in every draw go to constant_data.
    return az.InferenceData(posterior=posterior.transpose("chain", "draw", ...),
                            constant_data=dataset[fixed])
