"""Exact single queries: cruxnet vs pgmpy VariableElimination vs pyAgrum, measured in one run.

Prints the median time per query and the ratios, on alarm (3 leaves observed) and on the crux
network, and the wall time of one `cruxnet query` process. Run: python benchmarks/exact_queries.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.oracles import (
    agrum_from_pgmpy,
    agrum_query,
    bnlearn_path,
    pgmpy_bnlearn,
    pgmpy_from_bif_text,
    pgmpy_query,
)

from cruxnet import Evidence, load_network, posterior
from cruxnet.io.bif import format_bif, read_bif


def median_time(fn, repeat: int = 30) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm up (path caches, imports)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def compare(label: str, net, pg, target: str, hard: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    ag = agrum_from_pgmpy(pg)
    ours = median_time(lambda: posterior(net, target, Evidence(hard=hard)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pgm = median_time(lambda: pgmpy_query(pg, target, hard), repeat=10)
    agr = median_time(lambda: agrum_query(ag, target, hard))
    print(f"{label:34s} cruxnet {ours * 1e3:8.3f} ms  pgmpy VE {pgm * 1e3:8.3f} ms "
          f"({pgm / ours:6.1f}x)  pyAgrum {agr * 1e3:7.3f} ms ({agr / ours:5.2f}x)")


def main() -> None:
    alarm = read_bif(bnlearn_path("alarm"), normalize=True)
    compare("alarm: P(HYPOVOLEMIA | 3 leaves)", alarm, pgmpy_bnlearn("alarm"), "HYPOVOLEMIA",
            {"HRBP": "HIGH", "BP": "LOW", "EXPCO2": "LOW"})
    crux = load_network("crux_network", "gs_deference")
    compare("crux: P(catastrophe | lead, demo)", crux, pgmpy_from_bif_text(format_bif(crux)),
            "catastrophe", {"lead_time": "to_6mo", "deception_demonstrated": "yes"})
    walls = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cruxnet", "query", "catastrophe", "--json"],
                       check=True, capture_output=True)
        walls.append(time.perf_counter() - t)
    print(f"cruxnet query catastrophe (whole process, median of 5): "
          f"{statistics.median(walls):.3f} s")


if __name__ == "__main__":
    main()
