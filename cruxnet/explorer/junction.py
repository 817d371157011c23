"""A junction tree for the explorer's exact engine, compiled once in Python and run in the page.

The page answers every click with all node marginals at once, which a junction tree gives in
two passes (collect to the root, distribute back), where variable elimination would need one
elimination per node. The structure depends on the model only, so it is computed here and
shipped as plain lists; the page's JavaScript (``static/engine/junction.js``) builds its index
maps from it and propagates point CPTs and parameter draws alike.

Construction (Koller & Friedman, ch. 10): moralise, eliminate greedily by fewest fill-in edges
(ties: smallest clique table, then model order, so the tree is reproducible), keep the
maximal elimination cliques, join them by a maximum-weight spanning tree on separator sizes
(Kruskal; a disconnected network gives a forest joined by empty separators), root it at
clique 0 and order the cliques breadth first. Each CPT goes to the smallest clique holding
its family, and each node reads its marginal from the smallest clique holding it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cruxnet.model.spec import ModelSpec

__all__ = ["JunctionTree", "junction_tree"]


@dataclass(frozen=True)
class JunctionTree:
    """Cliques (node indices in model order), a rooted tree over them and where each CPT goes.

    Attributes
    ----------
    cliques
        Each clique's nodes, as indices into the model's nodes, sorted.
    parent
        Each clique's parent in the rooted tree (-1 for the root); cliques are listed breadth
        first, so a parent always comes before its children.
    assign
        Node index -> the clique its CPT (its family) is multiplied into.
    home
        Node index -> the clique its marginal is read from.
    """

    cliques: tuple[tuple[int, ...], ...]
    parent: tuple[int, ...]
    assign: tuple[int, ...]
    home: tuple[int, ...]
    cards: tuple[int, ...]

    def size(self, c: int) -> int:
        """Entries of clique ``c``'s table."""
        return math.prod(self.cards[v] for v in self.cliques[c])

    @property
    def total_size(self) -> int:
        """Entries of all clique tables: what one propagation touches (a few times over)."""
        return sum(self.size(c) for c in range(len(self.cliques)))

    @property
    def largest(self) -> int:
        """Entries of the largest clique table."""
        return max(self.size(c) for c in range(len(self.cliques)))

    def to_json(self) -> dict[str, list[object]]:
        """The plain lists the page reads."""
        return {"cliques": [list(c) for c in self.cliques], "parent": list(self.parent),
                "assign": list(self.assign), "home": list(self.home)}


def junction_tree(spec: ModelSpec) -> JunctionTree:
    """The junction tree of ``spec`` (see the module docstring).

    >>> from cruxnet.catalog import load_model
    >>> spec = load_model("carlsmith_2021").spec
    >>> jt = junction_tree(spec)
    >>> len(jt.cliques), jt.parent[0]  # a chain of six binary nodes: five cliques of two
    (5, -1)
    """
    ids = spec.node_ids
    index = {n: i for i, n in enumerate(ids)}
    cards = tuple(spec.node(n).card for n in ids)
    families = [frozenset({index[n.id], *(index[p] for p in n.parents)}) for n in spec.nodes]
    adj: list[set[int]] = [set() for _ in ids]
    for fam in families:
        for a in fam:
            adj[a] |= fam - {a}

    def fill_in(v: int) -> int:
        nb = sorted(adj[v])
        return sum(1 for i, a in enumerate(nb) for b in nb[i + 1:] if b not in adj[a])

    def weight(v: int) -> int:
        return math.prod(cards[u] for u in adj[v] | {v})

    remaining = set(range(len(ids)))
    found: list[frozenset[int]] = []
    while remaining:
        v = min(remaining, key=lambda u: (fill_in(u), weight(u), u))
        clique = frozenset(adj[v] | {v})
        if not any(clique <= c for c in found):
            found.append(clique)
        for a in adj[v]:
            adj[a] |= adj[v] - {a}
            adj[a].discard(v)
        remaining.discard(v)
        adj[v] = set()
    found = [c for c in found if not any(c < d for d in found)]

    # Maximum-weight spanning tree on separator sizes (Kruskal, ties by clique order).
    k = len(found)
    edges = sorted(((len(found[a] & found[b]), a, b) for a in range(k) for b in range(a + 1, k)),
                   key=lambda e: (-e[0], e[1], e[2]))
    root_of = list(range(k))

    def find(a: int) -> int:
        while root_of[a] != a:
            root_of[a] = root_of[root_of[a]]
            a = root_of[a]
        return a

    nbrs: list[list[int]] = [[] for _ in range(k)]
    for _w, a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            root_of[ra] = rb
            nbrs[a].append(b)
            nbrs[b].append(a)

    # Breadth-first from clique 0; renumber so parents come first.
    order, parent_old = [0], {0: -1}
    for c in order:
        for d in sorted(nbrs[c]):
            if d not in parent_old:
                parent_old[d] = c
                order.append(d)
    new = {old: i for i, old in enumerate(order)}
    cliques = tuple(tuple(sorted(found[old])) for old in order)
    parent = tuple(new[parent_old[old]] if parent_old[old] >= 0 else -1 for old in order)

    def smallest(holding: frozenset[int]) -> int:
        return min((c for c in range(k) if holding <= set(cliques[c])),
                   key=lambda c: (math.prod(cards[v] for v in cliques[c]), c))

    assign = tuple(smallest(fam) for fam in families)
    home = tuple(smallest(frozenset({i})) for i in range(len(ids)))
    return JunctionTree(cliques, parent, assign, home, cards)
