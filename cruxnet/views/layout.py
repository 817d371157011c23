"""A layered drawing of a network: causes left, outcomes right, few edge crossings.

The Sugiyama method, computed once and used by every picture of a network (the SVG network
view, the report, an interactive page):

1. **Layers.** Each node's layer is its longest path from a root; outcome nodes are pushed to
   the last layer, so the target sits on the right.
2. **Dummies.** An edge that spans several layers passes through one dummy point per layer, so
   every edge joins adjacent layers and its route can bend around nodes.
3. **Order.** Within each layer the nodes are ordered by the barycentre of their neighbours in
   the layer before (sweeping right) or after (sweeping left), with adjacent swaps where they
   remove crossings; the order with the fewest crossings over all sweeps is kept.
4. **Coordinates.** Layers are columns; in each column nodes are stacked with their own
   heights, and each is pulled towards the mean height of its neighbours (a few passes, never
   overlapping).

:func:`layered_layout` returns a :class:`Layout` with every node's box, every edge's route and
the number of edge crossings between adjacent layers.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cruxnet.model.spec import ModelSpec

__all__ = ["RESTARTS", "Box", "Layout", "count_crossings", "layered_layout"]

#: Starts of the ordering search for drawings of up to 80 points (nodes and dummies); 4 up
#: to 300 points, then 1.
RESTARTS = 12


@dataclass(frozen=True)
class Box:
    """A node's rectangle: top-left corner, width and height (pixels)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def middle_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Layout:
    """Node boxes, edge routes and the layering they came from.

    Attributes
    ----------
    boxes
        Node id -> :class:`Box`.
    routes
        (parent, child) -> the route's points, from the parent's right side to the child's left
        side, through one point per layer it crosses.
    layers
        The nodes of each layer in their final order (dummies left out).
    crossings
        Edge crossings between adjacent layers in the final order (dummies included).
    width, height
        The drawing's size.
    """

    boxes: Mapping[str, Box]
    routes: Mapping[tuple[str, str], tuple[tuple[float, float], ...]]
    layers: tuple[tuple[str, ...], ...]
    crossings: int
    width: float
    height: float
    order: tuple[tuple[str, ...], ...] = field(default=(), repr=False)


def _layers(spec: ModelSpec) -> dict[str, int]:
    layer: dict[str, int] = {}
    for n in spec.nodes:  # topological order
        layer[n.id] = 1 + max((layer[p] for p in n.parents), default=-1)
    last = max(layer.values(), default=0)
    children: dict[str, list[str]] = {n.id: [] for n in spec.nodes}
    for n in spec.nodes:
        for p in n.parents:
            children[p].append(n.id)
    for n in spec.nodes:
        if n.role == "outcome" and not children[n.id]:
            layer[n.id] = last
    # A root sits just before its first child (short edges, fewer crossings).
    for n in spec.nodes:
        if not n.parents and children[n.id]:
            layer[n.id] = min(layer[c] for c in children[n.id]) - 1
    return layer


def count_crossings(order: list[list[str]], edges: list[tuple[str, str]]) -> int:
    """Crossings of ``edges`` (each joining adjacent layers) drawn with ``order``."""
    return sum(_pair_crossings(order, edges, k) for k in range(len(order) - 1))


def _pair_crossings(order: list[list[str]], edges: list[tuple[str, str]], k: int) -> int:
    """Crossings between layers ``k`` and ``k + 1``."""
    left = {v: i for i, v in enumerate(order[k])}
    right = {v: i for i, v in enumerate(order[k + 1])}
    es = sorted((left[a], right[b]) for a, b in edges if a in left and b in right)
    # Inversions between edges with different left ends, by a Fenwick tree over the right
    # positions: each group of equal left ends is counted against the earlier groups only.
    n = len(order[k + 1])
    tree = [0] * (n + 1)
    seen = total = i = 0
    while i < len(es):
        j = i
        while j < len(es) and es[j][0] == es[i][0]:
            j += 1
        for _, r in es[i:j]:  # earlier edges whose right end is beyond r
            at, below = r + 1, 0
            while at > 0:
                below += tree[at]
                at -= at & -at
            total += seen - below
        for _, r in es[i:j]:
            at = r + 1
            while at <= n:
                tree[at] += 1
                at += at & -at
        seen += j - i
        i = j
    return total


def _order(layers: list[list[str]], edges: list[tuple[str, str]], sweeps: int = 12
           ) -> list[list[str]]:
    up: dict[str, list[str]] = {v: [] for layer in layers for v in layer}
    down: dict[str, list[str]] = {v: [] for layer in layers for v in layer}
    for a, b in edges:
        down[a].append(b)
        up[b].append(a)

    def sweep(order: list[list[str]], rightwards: bool) -> list[list[str]]:
        order = [list(layer) for layer in order]
        ks = range(1, len(order)) if rightwards else range(len(order) - 2, -1, -1)
        for k in ks:
            ref = {v: i for i, v in enumerate(order[k - 1 if rightwards else k + 1])}
            nbrs = up if rightwards else down

            def key(v: str, i: int, ref: dict[str, int] = ref,
                    nbrs: dict[str, list[str]] = nbrs) -> tuple[float, int]:
                ps = [ref[u] for u in nbrs[v] if u in ref]
                return (sum(ps) / len(ps) if ps else float(i), i)

            order[k] = [v for i, v in sorted(enumerate(order[k]),
                                             key=lambda t: key(t[1], t[0]))]
        return order

    best = [list(layer) for layer in layers]
    best_c = count_crossings(best, edges)
    # Several starts (the given order, then seeded shuffles): the sweeps are a local search.
    rng = random.Random(0)
    n_points = sum(len(layer) for layer in layers)
    starts = RESTARTS if n_points <= 80 else 4 if n_points <= 300 else 1
    for start in range(starts):
        cur = [list(layer) for layer in layers]
        if start:
            for layer in cur:
                rng.shuffle(layer)
        for s in range(sweeps):
            cur = _transpose(sweep(cur, rightwards=s % 2 == 0), edges)
            c = count_crossings(cur, edges)
            if c < best_c:
                best, best_c = [list(layer) for layer in cur], c
            if best_c == 0:
                return best
    return best


def _transpose(order: list[list[str]], edges: list[tuple[str, str]]) -> list[list[str]]:
    """Swap adjacent nodes of a layer wherever that removes crossings (only the two layer
    pairs next to the swap can change)."""
    by_pair: list[list[tuple[str, str]]] = [[] for _ in range(max(len(order) - 1, 0))]
    where = {v: k for k, layer in enumerate(order) for v in layer}
    for a, b in edges:
        by_pair[where[a]].append((a, b))

    def local(k: int) -> int:
        return sum(_pair_crossings(order, by_pair[j], j) for j in (k - 1, k)
                   if 0 <= j < len(by_pair))

    improved = True
    while improved:
        improved = False
        for k, layer in enumerate(order):
            for i in range(len(layer) - 1):
                before = local(k)
                layer[i], layer[i + 1] = layer[i + 1], layer[i]
                if local(k) < before:
                    improved = True
                else:
                    layer[i], layer[i + 1] = layer[i + 1], layer[i]
    return order


def layered_layout(spec: ModelSpec, size: Callable[[str], tuple[float, float]], *,
                   column_gap: float = 70.0, row_gap: float = 16.0, margin: float = 12.0
                   ) -> Layout:
    """Lay out ``spec`` left to right (see the module docstring); ``size(node)`` gives each
    node's box (width, height).

    >>> from cruxnet.catalog import load_model
    >>> lay = layered_layout(load_model("carlsmith_2021").spec, lambda n: (120, 40))
    >>> lay.layers[0], lay.layers[-1], lay.crossings
    (('aps_systems',), ('catastrophe',), 0)
    """
    layer = _layers(spec)
    n_layers = max(layer.values(), default=0) + 1
    layers: list[list[str]] = [[] for _ in range(n_layers)]
    for n in spec.nodes:
        layers[layer[n.id]].append(n.id)
    edges: list[tuple[str, str]] = []
    chains: dict[tuple[str, str], list[str]] = {}
    for n in spec.nodes:
        for p in n.parents:
            path = [p]
            for k in range(layer[p] + 1, layer[n.id]):
                d = f"\0{p}->{n.id}@{k}"
                layers[k].append(d)
                path.append(d)
            path.append(n.id)
            chains[(p, n.id)] = path
            edges += list(itertools.pairwise(path))
    order = _order(layers, edges)
    crossings = count_crossings(order, edges)
    sizes = {v: (size(v) if not v.startswith("\0") else (0.0, 0.0)) for lay in order for v in lay}
    col_w = [max((sizes[v][0] for v in lay), default=0.0) for lay in order]
    xs = [margin + sum(col_w[:k]) + column_gap * k for k in range(n_layers)]
    y = _coordinates(order, edges, sizes, row_gap, margin)
    boxes = {v: Box(xs[k] + (col_w[k] - sizes[v][0]) / 2, y[v], *sizes[v])
             for k, lay in enumerate(order) for v in lay if not v.startswith("\0")}
    routes: dict[tuple[str, str], tuple[tuple[float, float], ...]] = {}
    for (p, c), path in chains.items():
        pts = [(boxes[p].right, boxes[p].middle_y)]
        for d in path[1:-1]:
            k = layer[p] + path.index(d)
            pts.append((xs[k] + col_w[k] / 2, y[d]))
        pts.append((boxes[c].x, boxes[c].middle_y))
        routes[(p, c)] = tuple(pts)
    height = max((b.y + b.height for b in boxes.values()), default=0.0) + margin
    height = max(height, max((y[v] for lay in order for v in lay), default=0.0) + margin)
    width = xs[-1] + col_w[-1] + margin if n_layers else 2 * margin
    return Layout(boxes=boxes, routes=routes,
                  layers=tuple(tuple(v for v in lay if not v.startswith("\0")) for lay in order),
                  crossings=crossings, width=width, height=height,
                  order=tuple(tuple(lay) for lay in order))


def _coordinates(order: list[list[str]], edges: list[tuple[str, str]],
                 sizes: Mapping[str, tuple[float, float]], gap: float, margin: float
                 ) -> dict[str, float]:
    """Top y of each node (dummies: their centre) per column: stacked in order, then pulled
    towards their neighbours' centres without overlapping or changing the order."""
    nbrs: dict[str, list[str]] = {v: [] for lay in order for v in lay}
    for a, b in edges:
        nbrs[a].append(b)
        nbrs[b].append(a)
    h = {v: sizes[v][1] for v in nbrs}
    gaps = {v: (gap if not v.startswith("\0") else gap / 2) for v in nbrs}
    y: dict[str, float] = {}
    bottom = margin  # the tallest column's stack: no column is pulled beyond it
    for lay in order:
        cur = margin
        for v in lay:
            y[v] = cur
            cur += h[v] + gaps[v]
        bottom = max(bottom, cur)
    for _ in range(8):
        for lay in order:
            want = {}
            for v in lay:
                cs = [y[u] + h[u] / 2 for u in nbrs[v]]
                want[v] = (sum(cs) / len(cs) - h[v] / 2) if cs else y[v]
            # Place in order at the wanted height, pushed down past the one above...
            placed: dict[str, float] = {}
            floor = margin
            for v in lay:
                placed[v] = max(want[v], floor)
                floor = placed[v] + h[v] + gaps[v]
            # ... then pulled up where that leaves room (no overlap, order kept, within the
            # height of the tallest column).
            ceiling = bottom
            for v in reversed(lay):
                placed[v] = min(placed[v], ceiling - h[v] - gaps[v])
                ceiling = placed[v]
            y.update(placed)
    low = min(y.values(), default=margin)  # the whole drawing starts at the top margin
    return {v: t + margin - low for v, t in y.items()}
