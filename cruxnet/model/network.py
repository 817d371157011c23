"""A Bayesian network: a validated structure with one point CPT per node.

:class:`BayesNet` is immutable. ``do`` and ``with_cpt`` return new networks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from cruxnet.base.errors import EvidenceError
from cruxnet.base.types import NDArray
from cruxnet.model.spec import ModelSpec

if TYPE_CHECKING:
    import xarray as xr

    from cruxnet.model.stated import StatedMarginal
    from cruxnet.model.worldview import Worldview

__all__ = ["VIEWS", "BayesNet", "do", "with_cpt"]

#: The pictures of a network, registered by the layers that draw them (``show`` by
#: :mod:`cruxnet.views.netview`, ``explore`` by :mod:`cruxnet.explorer`) when ``cruxnet`` is
#: imported:
#: ``net.show()`` and ``net.explore()`` call them without the network importing what draws it.
VIEWS: dict[str, Callable[..., Any]] = {}
#: Transforms a network needs from the layer above it, registered the same way:
#: ``"stated_marginals"`` (:func:`cruxnet.inference.marginals.apply_stated_marginals`) makes a
#: network's stated marginals hold again after one of its tables changed.
TRANSFORMS: dict[str, Callable[..., Any]] = {}


@dataclass(frozen=True)
class BayesNet:
    """Structure + point CPTs (parents' axes first, the node's states last).

    Attributes
    ----------
    spec
        The network structure.
    cpts
        Node id -> read-only array of shape ``(*parent cards, card)``.
    worldview
        The worldview the CPTs come from.
    provenance
        Hashes and names that results carry.
    prior
        The worldview's CPT forms with their uncertainty, which parameter draws come from
        (:mod:`cruxnet.draws.worldview`); ``None`` if the network has only point CPTs.
    marginals
        Stated marginals the point CPTs were tilted to (:mod:`cruxnet.inference.marginals`);
        parameter draws tilt each draw to a marginal drawn from their uncertainty.
    cut_from
        For a network made by :meth:`do`: the network before the surgery and the
        interventions. Its stated marginals were tilted to there, in the world without the
        interventions, so parameter draws are tilted there too, then cut (as
        ``Evidence(do=...)`` does); ``None`` otherwise.
    """

    spec: ModelSpec
    cpts: Mapping[str, NDArray]
    worldview: str = ""
    provenance: Mapping[str, str] = field(default_factory=dict)
    prior: Worldview | None = field(default=None, repr=False, compare=False)
    marginals: Mapping[str, StatedMarginal] = field(default_factory=dict, repr=False,
                                                    compare=False)
    cut_from: tuple[BayesNet, Mapping[str, str]] | None = field(default=None, repr=False,
                                                                compare=False)

    def __post_init__(self) -> None:
        for node in self.spec.nodes:
            arr = self.cpts[node.id]
            expected = (*(self.spec.node(p).card for p in node.parents), node.card)
            if arr.shape != expected:
                raise ValueError(f"CPT of {node.id} has shape {arr.shape}, expected {expected}")

    @property
    def name(self) -> str:
        """The model's name."""
        return self.spec.name

    def __repr__(self) -> str:
        edges = sum(len(n.parents) for n in self.spec.nodes)
        stated = f", stated marginals: {', '.join(self.marginals)}" if self.marginals else ""
        return (f"BayesNet(model={self.spec.name!r}, worldview={self.worldview!r}, "
                f"nodes={len(self.spec.nodes)}, edges={edges}{stated})")

    def _repr_html_(self) -> str:
        from cruxnet.base.display import html_table

        rows = [(n.id, n.label, n.role + (" (headline)" if n.headline else ""),
                 ", ".join(n.states), ", ".join(n.parents) or "-",
                 self.prior.cpts[n.id].kind if self.prior is not None else "table")
                for n in self.spec.nodes]
        edges = sum(len(n.parents) for n in self.spec.nodes)
        caption = (f"{self.spec.title or self.spec.name}: worldview {self.worldview}, "
                   f"{len(rows)} nodes, {edges} edges")
        return html_table(("node", "label", "role", "states", "parents", "CPT form"), rows,
                          caption=caption)

    def cpt(self, node: str) -> xr.DataArray:
        """``node``'s point CPT as a labelled DataArray: dims ``(*parents, node)`` with each
        node's states as coordinates.

        >>> from cruxnet.catalog import load_network
        >>> t = load_network("crux_network").cpt("bgd_exists")
        >>> t.dims, float(t.sel(alignment_difficulty="hard", bgd_exists="yes"))
        (('alignment_difficulty', 'bgd_exists'), 0.45)
        """
        import xarray as xr

        if node not in self.spec:
            raise EvidenceError(f"unknown node {node!r} in model {self.spec.name}")
        n = self.spec.node(node)
        dims = (*n.parents, node)
        return xr.DataArray(np.asarray(self.cpts[node]), dims=dims,
                            coords={d: list(self.spec.node(d).states) for d in dims},
                            name=f"P({node} | {', '.join(n.parents)})" if n.parents
                            else f"P({node})",
                            attrs={"node": node, "worldview": self.worldview,
                                   "model": self.spec.name})

    def node_states(self, node: str) -> tuple[str, ...]:
        """States of ``node``."""
        return self.spec.node(node).states

    def with_cpt(self, node: str, cpt: NDArray) -> BayesNet:
        """A copy with ``node``'s CPT replaced; the original network is unchanged.

        The new table is a point value: in the copy's ``prior`` it states no uncertainty, and
        a stated marginal of ``node`` no longer applies (the table is what it is). The other
        stated marginals keep holding, at the point and in every parameter draw: the tables of
        the nodes below ``node`` that have one are tilted to them again (on a network made by
        :meth:`do`, in the world before the interventions, which then hold again).
        """
        if self.cut_from is not None and node not in self.cut_from[1]:
            before, interventions = self.cut_from
            return before.with_cpt(node, cpt).do(interventions)
        arr = np.array(cpt, dtype=float)
        arr.setflags(write=False)
        prior = self.prior
        if prior is not None:
            from cruxnet.model.worldview import point_table

            prior = replace(prior, cpts={**prior.cpts, node: point_table(self.spec, node, arr)})
        marginals = {n: m for n, m in self.marginals.items() if n != node}
        prov = {k: v for k, v in self.provenance.items() if k != "stated_marginals"}
        prov["replaced_tables"] = ", ".join(
            [*filter(None, [self.provenance.get("replaced_tables", "")]), node])
        out = BayesNet(self.spec, {**self.cpts, node: arr}, self.worldview, prov, prior)
        return TRANSFORMS["stated_marginals"](out, marginals) if marginals else out

    def show(self, evidence: Any = None, **kwargs: Any) -> Any:
        """The network drawn with its beliefs: :func:`cruxnet.show` (``draws=``, ``seed=``,
        ``target=``)."""
        return VIEWS["show"](self, evidence, **kwargs)

    def explore(self, evidence: Any = None, **kwargs: Any) -> Any:
        """The interactive explorer of this network, shown inline in a notebook:
        :func:`cruxnet.explore` (``draws=``, ``seed=``, ``target=``, ``ess=``)."""
        return VIEWS["explore"](self, evidence, **kwargs)

    def do(self, interventions: Mapping[str, str]) -> BayesNet:
        """Graph surgery: cut each intervened node from its parents and fix its state.

        Parameters
        ----------
        interventions
            Node id -> state.

        Returns
        -------
        BayesNet
            The mutilated network (a new object). Its spec has the intervened nodes as roots.
            The other nodes keep their tables, stated marginals included: a stated marginal
            is a belief about the world as it is, so a node below the cut keeps the table
            tilted there (point and parameter draws alike) and its marginal moves with the
            intervention, exactly as with ``Evidence(do=...)``.

        Examples
        --------
        >>> from cruxnet.catalog import load_network
        >>> net = load_network("carlsmith_2021")
        >>> cut = net.do({"incentives": "no"})
        >>> cut.spec.node("incentives").parents, net.spec.node("incentives").parents
        ((), ('aps_systems',))
        """
        new_nodes = []
        cpts = dict(self.cpts)
        for node_id, state in interventions.items():
            if node_id not in self.spec:
                raise EvidenceError(f"do: unknown node {node_id!r} in model {self.spec.name}")
            node = self.spec.node(node_id)
            if state not in node.states:
                raise EvidenceError(f"do: unknown state {state!r} of {node_id} "
                                    f"(states: {', '.join(node.states)})")
            onehot = np.zeros(node.card)
            onehot[node.states.index(state)] = 1.0
            onehot.setflags(write=False)
            cpts[node_id] = onehot
            new_nodes.append(replace(node, parents=(), edges=()))
        before, done = self.cut_from if self.cut_from is not None else (self, {})
        return BayesNet(self.spec.with_nodes(new_nodes), cpts, self.worldview, self.provenance,
                        self.prior, {n: m for n, m in self.marginals.items()
                                     if n not in interventions},
                        (before, {**done, **interventions}))


def do(net: BayesNet, interventions: Mapping[str, str]) -> BayesNet:
    """``net`` after the interventions ``{node: state}`` (graph surgery, :meth:`BayesNet.do`).

    >>> from cruxnet import do, load_network, posterior
    >>> net = load_network("carlsmith_2021")
    >>> round(posterior(do(net, {"incentives": "no"}), "incentives")["no"], 12)
    1.0
    """
    return net.do(interventions)


def with_cpt(net: BayesNet, node: str, cpt: NDArray) -> BayesNet:
    """A copy of ``net`` with ``node``'s table replaced (:meth:`BayesNet.with_cpt`)."""
    return net.with_cpt(node, cpt)
