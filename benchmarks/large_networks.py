"""The largest bnlearn networks pgmpy ships with up to ~10,000 parameters: load, exact query
and batched query times for cruxnet, against pgmpy VariableElimination and pyAgrum
LazyPropagation on the same query, measured in one run.

Each network: three leaves observed (states from one ancestral sample, so the evidence is
possible), the posterior of its first root. Median of repeated calls: cruxnet's contraction
path is cached after the first call; pgmpy eliminates afresh and the pyAgrum oracle builds its
junction tree for every query (as each does for a new query). Batched: 10,000 parameter draws
(rows as Dirichlets with ess 50), on all cores. Run: python benchmarks/large_networks.py
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from exact_queries import median_time  # the same timing loop as the single-query benchmark
from support.oracles import agrum_from_pgmpy, agrum_query, bnlearn_path, pgmpy_bnlearn, pgmpy_query

from cruxnet import Evidence, posterior, posterior_draws
from cruxnet.io.bif import read_bif

NETWORKS = ["pigs", "andes", "water", "hailfinder", "win95pts", "hepar2"]


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'network':11s} {'nodes':>5s} {'params':>6s} {'load':>7s} {'exact':>9s} "
          f"{'pgmpy VE':>9s} {'pyAgrum':>9s} {'1e4 draws':>9s}")
    for name in NETWORKS:
        t = time.perf_counter()
        net = read_bif(bnlearn_path(name), normalize=True)
        load = time.perf_counter() - t
        spec = net.spec
        sample: dict[str, int] = {}
        for node in spec.nodes:
            row = net.cpts[node.id][tuple(sample[p] for p in node.parents)]
            sample[node.id] = int(rng.choice(node.card, p=row / row.sum()))
        leaves = [n.id for n in spec.nodes if not spec.children(n.id)][:3]
        hard = {n: spec.node(n).states[sample[n]] for n in leaves}
        target = next(n.id for n in spec.nodes if not n.parents and n.id not in hard)
        ev = Evidence(hard=hard)
        exact = median_time(lambda: posterior(net, target, ev), repeat=7)  # noqa: B023
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pg = pgmpy_bnlearn(name)
            pgm = median_time(lambda: pgmpy_query(pg, target, hard), repeat=3)  # noqa: B023
            ag = agrum_from_pgmpy(pg)
        agr = median_time(lambda: agrum_query(ag, target, hard), repeat=7)  # noqa: B023
        t = time.perf_counter()
        posterior_draws(net, target, ev, draws=10_000, seed=1, ess=50.0)
        batched = time.perf_counter() - t
        params = sum(c.size - c.size // c.shape[-1] for c in net.cpts.values())
        print(f"{name:11s} {len(spec.nodes):5d} {params:6d} {load:6.2f}s {exact * 1e3:7.2f}ms "
              f"{pgm * 1e3:7.1f}ms {agr * 1e3:7.2f}ms {batched:8.2f}s   "
              f"(pgmpy/cruxnet {pgm / exact:5.1f}x, pyAgrum/cruxnet {agr / exact:5.2f}x)")


if __name__ == "__main__":
    main()
