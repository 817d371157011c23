"""Stated marginals: "my belief about this node differs", as the smallest change to its own CPT.

A person who says "I put P(scheming) at 8%" means the node's own table should be revised, its
causes untouched. That is neither evidence (a fixed marginal, Jeffrey's rule, also revises the
node's causes) nor a replaced table. :func:`with_stated_marginals` gives it one meaning: every
row of the node's CPT is multiplied by common per-state factors and renormalised,

    P'(x | u) = P(x | u) lam_x / Z_u(lam),

with ``lam`` chosen so that the network implies the stated marginal, sum_u P(u) P'(x | u) = q_x.
This is the change of least expected relative entropy, sum_u P(u) KL(P'(. | u) || P(. | u)),
weighted by the parents' distribution (its Lagrangian gives exactly this form). ``lam`` minimises
the convex function sum_u P(u) log Z_u(lam) - q . log lam; Newton's method solves it to 1e-12.

* A stated marginal is reachable only if every state it gives mass has some mass in a row the
  parents can reach, and the rows' supports allow it (a linear programme decides; an
  unreachable one is an error naming the node and state, not a silent approximation).
* Several stated marginals hold jointly. A node's tilt changes no ancestor's marginal, so they
  are solved in topological order, each with its parents' distribution under the earlier
  tilts: the answer does not depend on the order they are given in.
* **With draws** (:class:`StatedMarginalDraws`), each parameter draw meets its own marginal,
  drawn from the person's stated uncertainty (:mod:`cruxnet.model.stated`), and the node's
  drawn table is tilted to it given that draw's parents: the node's uncertainty is the
  person's. One vectorised Newton solve serves the point network (one draw) and every block.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from cruxnet.base.errors import EvidenceError, SpecError, did_you_mean
from cruxnet.base.types import NDArray
from cruxnet.base.validate import normalized_probabilities
from cruxnet.draws.marginal import draw_marginal, redraw_marginal
from cruxnet.draws.streams import BLOCK
from cruxnet.files.stated import parse_stated_marginal
from cruxnet.inference.contract import LAST_AXIS, Factor
from cruxnet.inference.evidence import check_distribution, state_vector
from cruxnet.inference.jeffrey import contract_draws
from cruxnet.inference.reach import reaches
from cruxnet.inference.tilt import parents_joint, tilt_cpt, tilt_draws
from cruxnet.model.network import TRANSFORMS, BayesNet
from cruxnet.model.stated import StatedMarginal

__all__ = ["StatedMarginalDraws", "stated_marginal_vector", "with_stated_marginals"]

#: A draw's stated marginal that its structure cannot reach is drawn again, up to
#: REDRAW_ROUNDS x CANDIDATES times (CANDIDATES at once).
REDRAW_ROUNDS = 16
CANDIDATES = 64


def stated_marginal_vector(net: BayesNet, node: str, value: Mapping[str, float] | Sequence[float]
                           ) -> tuple[float, ...]:
    """A stated marginal as a validated probability vector in the node's state order (a
    mapping may leave states out: they get 0)."""
    if node not in net.spec:
        raise EvidenceError(f"stated marginal: unknown node {node!r} in model {net.spec.name}")
    vec = (state_vector(net.spec, node, value, "stated marginal") if isinstance(value, Mapping)
           else tuple(float(v) for v in value))
    check_distribution(net.spec, node, vec, "stated marginal")
    return normalized_probabilities(vec)


MarginalValue = StatedMarginal | Mapping[str, Any] | Sequence[float] | float


def with_stated_marginals(net: BayesNet, marginals: Mapping[str, MarginalValue], *,
                          ess: float | None = None) -> BayesNet:
    """A new network in which each named node's own CPT is tilted (common per-state factors,
    rows renormalised) so that the network implies its stated marginal; parents untouched,
    nothing mutated.

    Parameters
    ----------
    net
        The network (its earlier stated marginals keep holding, jointly with the new ones).
    marginals
        Node -> its marginal: ``{state: p}`` (a state's value may be ``{mean, ess}`` or
        ``{low, high, prob}``), a list, a number for a two-state node's last state, or a
        :class:`~cruxnet.model.stated.StatedMarginal` (see :mod:`cruxnet.model.stated`).
    ess
        The uncertainty of marginals that state none (default: the worldview's
        ``default_ess``). Parameter draws of the result tilt each draw to a marginal drawn
        from it (:class:`StatedMarginalDraws`).

    Raises
    ------
    EvidenceError
        An unknown node or state, a marginal that is not a distribution, or one the node's
        table cannot reach by such a change (a structural zero).

    Examples
    --------
    >>> from cruxnet.catalog import load_network
    >>> from cruxnet.inference.exact import posterior
    >>> net = load_network("crux_network", "gs_deference")
    >>> mine = with_stated_marginals(net, {"scheming": {"no": 0.92, "yes": 0.08}})
    >>> round(posterior(mine, "scheming")["yes"], 12)
    0.08
    >>> posterior(mine, "alignment_difficulty").probs.round(6).tolist() == \\
    ...     posterior(net, "alignment_difficulty").probs.round(6).tolist()   # causes untouched
    True
    """
    default = ess if ess is not None else (net.prior.default_ess if net.prior else None)
    parsed = dict(net.marginals)
    for node, value in marginals.items():
        node = str(node)
        if node not in net.spec:
            raise EvidenceError(f"stated marginal: unknown node {node!r} in model "
                                f"{net.spec.name}" + did_you_mean(node, net.spec.node_ids))
        if isinstance(value, StatedMarginal):
            parsed[node] = value
            continue
        raw: object = value
        if isinstance(value, Sequence) and not isinstance(value, str):
            raw = [float(v) for v in value]
        try:
            parsed[node] = parse_stated_marginal(raw, net.spec, node, default_ess=default)
        except SpecError as exc:
            raise EvidenceError(str(exc)) from None
    return apply_stated_marginals(net, parsed)


def apply_stated_marginals(net: BayesNet, marginals: Mapping[str, StatedMarginal]) -> BayesNet:
    """``net`` with ``marginals`` (parsed) holding: its point CPTs tilted in topological order
    (re-tilting a tilted table gives the same tilt of the original: the family is closed), the
    marginals recorded on the network for its draws, and named in its provenance."""
    out = net
    for node in (n for n in net.spec.node_ids if n in marginals):  # topological order
        cpt = np.asarray(out.cpts[node], dtype=float)
        new = tilt_cpt(cpt, parents_joint(out, node), marginals[node].probs, node=node,
                       states=net.spec.node(node).states)
        new.setflags(write=False)
        out = BayesNet(out.spec, {**out.cpts, node: new}, out.worldview, out.provenance,
                       out.prior, out.marginals)
    said = "; ".join(f"{n}: {m.describe(net.spec.node(n).states)}"
                     for n, m in marginals.items())
    prov = {**net.provenance, **({"stated_marginals": said} if said else {})}
    return BayesNet(out.spec, out.cpts, net.worldview, prov, net.prior, dict(marginals))


TRANSFORMS["stated_marginals"] = apply_stated_marginals


class StatedMarginalDraws:
    """Parameter draws in which every stated marginal holds draw by draw.

    Wraps the draws of a worldview's forms: a node with a stated marginal gets, in each draw,
    its drawn table tilted (:func:`tilt_cpts`) to a marginal drawn from the stated uncertainty
    (:func:`~cruxnet.draws.worldview.draw_marginal`), given that draw's parents (themselves tilted
    where they have stated marginals). Other nodes' draws are the wrapped source's, unchanged.

    Parameters
    ----------
    source
        The draws to wrap (a :class:`~cruxnet.draws.worldview.WorldviewDraws`).
    net
        The network with its stated marginals (:attr:`BayesNet.marginals`).
    seed
        The seed of the marginals' own streams.
    ess
        The fallback uncertainty for a marginal that states none.
    marginal_draws
        Where the drawn marginals come from, ``(node, start, stop) -> (stop - start, card)``
        (default: :func:`~cruxnet.draws.worldview.draw_marginal`, the node's own stream); a
        Sobol design passes its own columns.
    """

    def __init__(self, source: Any, net: BayesNet, *, seed: int, ess: float | None = None,
                 marginal_draws: Callable[[str, int, int], NDArray] | None = None):
        self.source, self.spec, self.seed, self.ess = source, net.spec, seed, ess
        self._marginal_draws = marginal_draws
        self.n: int = source.n
        self.marginals = dict(net.marginals)
        self.file = net.prior.file if net.prior is not None else None
        self._point = net.cpts
        self._order = [n for n in net.spec.node_ids if n in self.marginals]
        self._cache: dict[tuple[int, int], dict[str, NDArray]] = {}
        self._redrawn: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def is_fixed(self, node: str) -> bool:
        """False for a node with a stated marginal (its table is tilted draw by draw)."""
        return node not in self.marginals and bool(self.source.is_fixed(node))

    def point(self, node: str) -> NDArray:
        if node in self.marginals:
            return np.asarray(self._point[node])
        out: NDArray = self.source.point(node)
        return out

    def block(self, node: str, start: int, stop: int) -> NDArray:
        if node not in self.marginals:
            out: NDArray = self.source.block(node, start, stop)
            return out
        return self._tilted(start, stop)[node]

    def check(self, nodes: Sequence[str]) -> None:
        """The wrapped source's check, and that every stated marginal can be drawn."""
        self.source.check(nodes)
        for m in self.marginals.values():
            draw_marginal(m, self.seed, 0, 1, 1, ess=self.ess, file=self.file)

    @property
    def provenance(self) -> dict[str, Any]:
        prov = dict(self.source.provenance)
        prov["stated_marginals"] = "; ".join(
            f"{n}: {m.describe(self.spec.node(n).states)}" for n, m in self.marginals.items())
        with self._lock:
            redrawn: dict[str, int] = {}
            for (node, _), count in self._redrawn.items():
                redrawn[node] = redrawn.get(node, 0) + count
        if redrawn:
            prov["stated_marginals_redrawn"] = "; ".join(
                f"{n}: {c} of {self.n} draws fell outside what its structure allows and were "
                "drawn again" for n, c in redrawn.items())
        return prov

    def _tilted(self, start: int, stop: int) -> dict[str, NDArray]:
        key = (start, stop)
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        m = stop - start
        done: dict[str, NDArray] = {}
        for node in self._order:
            parents = list(self.spec.node(node).parents)
            if parents:
                upstream = self.spec.ancestors(parents)
                factors = [self._factor(a, start, stop, done)
                           for a in self.spec.node_ids if a in upstream]
                joint = np.moveaxis(contract_draws(factors, parents, m), -1, 0)
            else:
                joint = np.ones((m,))
            own = (self.source.point(node)[None] if self.source.is_fixed(node)
                   else self.source.block(node, start, stop))
            own = np.broadcast_to(own, (m, *own.shape[1:]))
            q = (draw_marginal(self.marginals[node], self.seed, start, stop, self.n,
                               ess=self.ess, file=self.file) if self._marginal_draws is None
                 else self._marginal_draws(node, start, stop))
            own_arr, joint_arr = np.asarray(own, dtype=float), np.asarray(joint)
            tilted, bad = tilt_draws(own_arr, joint_arr, q)
            for b0 in range(start - start % BLOCK, stop, BLOCK):
                idx = np.flatnonzero(bad[max(b0, start) - start:min(b0 + BLOCK, stop) - start])
                idx += max(b0, start) - start
                if len(idx):
                    self._redraw(node, b0 // BLOCK, idx, own_arr, joint_arr, tilted)
            done[node] = tilted
        with self._lock:
            if len(self._cache) >= 8:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = done
        return done

    def _redraw(self, node: str, block: int, idx: np.ndarray[Any, Any], own: NDArray,
                joint: NDArray,
                tilted: NDArray) -> None:
        """Draws whose marginal the node's structure cannot reach (a stated uncertainty wider
        than its structural zeros allow) get a new marginal from the same distribution, from
        their block's own stream, until one can be reached: the person's uncertainty
        truncated to what the model allows. Counted in the provenance."""
        m = self.marginals[node]
        if m.exact:  # nothing to draw again: the marginal holds as stated or not at all
            raise EvidenceError(
                f"stated marginal for {node} (exact): {len(idx)} parameter draws cannot reach "
                f"{', '.join(f'{p:.4g}' for p in m.probs)}: their structural zeros bound it; "
                "give it an uncertainty (an ess or an interval) instead of 'exact'")
        todo = np.asarray(idx)
        k = own.shape[-1]
        for attempt in range(1, REDRAW_ROUNDS + 1):
            # CANDIDATES new marginals per draw at once, each tested exactly (Hall's condition
            # over every set of states); each draw takes the first its rows reach.
            q = redraw_marginal(m, self.seed, block, attempt, len(todo) * CANDIDATES,
                                ess=self.ess, file=self.file).reshape(len(todo), CANDIDATES, k)
            keep = q.reshape(-1, k).max(axis=0) > 0  # states the marginal can give mass
            rows = own[todo].reshape(len(todo), -1, k)[:, :, keep]
            w = np.asarray(joint[todo], dtype=float).reshape(len(todo), -1)
            inside = reaches(rows, w, q[:, :, keep] / q[:, :, keep].sum(axis=2,
                                                                         keepdims=True))
            found = np.flatnonzero(inside.any(axis=1))
            if len(found):
                chosen = q[found, inside[found].argmax(axis=1)]
                out, bad = tilt_draws(own[todo[found]], joint[todo[found]], chosen)
                tilted[todo[found[~bad]]] = out[~bad]
                found = found[~bad]
            todo = np.delete(todo, found)
            if not len(todo):
                break
        else:
            raise EvidenceError(
                f"stated marginal for {node}: {len(idx)} draws of its uncertainty fall where "
                f"its structural zeros cannot go, and {len(todo)} still did after "
                f"{REDRAW_ROUNDS * CANDIDATES} new draws each; state it with less uncertainty "
                "(a larger ess or a narrower interval) or replace the table")
        with self._lock:
            self._redrawn[(node, block)] = len(idx)

    def _factor(self, node: str, start: int, stop: int, done: Mapping[str, NDArray]) -> Factor:
        axes = (*self.spec.node(node).parents, node)
        if node in done:
            return np.moveaxis(done[node], 0, -1), (*axes, LAST_AXIS)
        if self.source.is_fixed(node):
            return np.asarray(self.source.point(node), dtype=float), axes
        return np.moveaxis(self.source.block(node, start, stop), 0, -1), (*axes, LAST_AXIS)
