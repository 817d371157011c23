"""Random queries for the oracle sweeps: a target and hard evidence on three other nodes whose
states come from one joint state drawn by ancestral sampling (so the evidence is possible)."""

from __future__ import annotations

import numpy as np

from cruxnet.model.network import BayesNet


def ancestral_sample(net: BayesNet, rng: np.random.Generator) -> dict[str, str]:
    """One joint state by ancestral sampling."""
    out: dict[str, int] = {}
    for node in net.spec.nodes:
        row = net.cpts[node.id][tuple(out[p] for p in node.parents)]
        out[node.id] = int(rng.choice(node.card, p=row / row.sum()))
    return {k: net.spec.node(k).states[v] for k, v in out.items()}


def random_queries(net: BayesNet, rng: np.random.Generator, n: int
                   ) -> list[tuple[str, dict[str, str]]]:
    """``n`` (target, hard evidence) pairs, the evidence from one ancestral sample each."""
    ids = list(net.spec.node_ids)
    out = []
    for _ in range(n):
        sample = ancestral_sample(net, rng)
        ev_nodes = rng.choice(ids, size=min(3, len(ids) - 1), replace=False)
        target = str(rng.choice([i for i in ids if i not in ev_nodes]))
        out.append((target, {str(e): sample[str(e)] for e in ev_nodes}))
    return out
