"""The layered layout of a network (issue 16, item 3), checked by geometry, and its crossings
against brute force over every order of every layer on small networks."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from support.oracles import bnlearn_path

from cruxnet import load_network
from cruxnet.views.layout import count_crossings, layered_layout


def _geometric_crossings(lay) -> int:
    """Crossings counted from the drawn routes: two segments across the same gap between two
    columns cross when their order at the left end and at the right end differ (segments
    that share an end do not cross)."""
    spans = [(min(lay.boxes[v].x for v in layer), max(lay.boxes[v].right for v in layer))
             for layer in lay.layers]

    def column(x: float) -> int:
        return next(k for k, (a, b) in enumerate(spans) if a - 1 <= x <= b + 1)

    by_gap: dict[int, list] = {}
    for pts in lay.routes.values():
        for (x0, y0), (_x1, y1) in itertools.pairwise(pts):
            by_gap.setdefault(column(x0), []).append((y0, y1))
    total = 0
    for group in by_gap.values():
        for (a0, a1), (b0, b1) in itertools.combinations(group, 2):
            if a0 != b0 and a1 != b1 and (a0 - b0) * (a1 - b1) < 0:
                total += 1
    return total


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::cruxnet.io.bif.RoundedRowsWarning")
@pytest.mark.parametrize("model", ["carlsmith_2021", "crux_network", "asia", "alarm"])
def test_layout_geometry(model: str) -> None:
    net = load_network(bnlearn_path(model) if model in ("asia", "alarm") else model)
    spec = net.spec
    lay = layered_layout(spec, lambda n: (150, 30 + 14 * spec.node(n).card))
    boxes = lay.boxes
    for n in spec.nodes:  # causes left of their effects
        for p in n.parents:
            assert boxes[p].right < boxes[n.id].x, (p, n.id)
    for a, b in itertools.combinations(spec.node_ids, 2):  # no two boxes overlap
        A, B = boxes[a], boxes[b]
        assert (A.right <= B.x or B.right <= A.x or A.y + A.height <= B.y
                or B.y + B.height <= A.y), (a, b)
    assert all(0 <= bx.x and bx.right <= lay.width and 0 <= bx.y
               and bx.y + bx.height <= lay.height for bx in boxes.values())
    assert lay.crossings == _geometric_crossings(lay)


def _small_random_dag(seed: int):
    """A random DAG of 9 binary nodes with 1-3 parents each (these seeds need crossings)."""
    from support.bruteforce import SmallNet

    rng = np.random.default_rng(seed)
    parents = [sorted(rng.choice(i, size=min(i, int(rng.integers(1, 4))), replace=False)
                      .tolist()) if i else [] for i in range(9)]
    cpts = [rng.dirichlet(np.ones(2), size=(2,) * len(p)) for p in parents]
    return SmallNet([f"n{i}" for i in range(9)], [2] * 9, parents, cpts).net()


@pytest.mark.filterwarnings("ignore::cruxnet.io.bif.RoundedRowsWarning")
@pytest.mark.parametrize("case", ["asia", "carlsmith_2021", "random:0", "random:8",
                                  "random:11", "random:18", "random:25"])
def test_crossings_are_minimal_on_small_networks(case: str) -> None:
    """Brute force over every order of every layer (dummies included) on small networks."""
    net = (_small_random_dag(int(case.split(":")[1])) if case.startswith("random") else
           load_network(bnlearn_path(case) if case == "asia" else case))
    lay = layered_layout(net.spec, lambda n: (100, 40))
    order = [list(layer) for layer in lay.order]
    where = {v: k for k, layer in enumerate(order) for v in layer}
    edges = []
    for (p, c) in lay.routes:  # the adjacent-layer edges the layout used, dummies included
        chain = [p, *sorted((v for v in where if v.startswith(f"\0{p}->{c}@")),
                            key=lambda v: where[v]), c]
        edges += list(itertools.pairwise(chain))
    sizes = [len(layer) for layer in order]
    assert np.prod([float(math.factorial(s)) for s in sizes]) <= 3e5, sizes  # small cases
    assert lay.crossings == _fewest_crossings(order, edges)
    assert lay.crossings == count_crossings(order, edges)


def _fewest_crossings(order: list[list[str]], edges: list[tuple[str, str]]) -> int:
    """The fewest crossings over every order of every layer: every permutation of every layer,
    chained layer by layer (crossings only arise between adjacent layers, so the best total
    ending in each permutation of layer k is the best over layer k - 1's permutations plus
    that pair's crossings; the same minimum as trying every combination, counted pairwise
    here by brute force over pairs of edges)."""
    def pair(a: tuple[str, ...], b: tuple[str, ...]) -> int:
        pa, pb = {v: i for i, v in enumerate(a)}, {v: i for i, v in enumerate(b)}
        es = [(pa[u], pb[v]) for u, v in edges if u in pa and v in pb]
        return sum((x1 - x2) * (y1 - y2) < 0 for (x1, y1), (x2, y2)
                   in itertools.combinations(es, 2))

    best = {p: 0 for p in itertools.permutations(order[0])}
    for layer in order[1:]:
        best = {q: min(cost + pair(p, q) for p, cost in best.items())
                for q in itertools.permutations(layer)}
    return min(best.values())
