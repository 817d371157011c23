"""The sensitivity analyses on the crux network: time of each, and the tornado against pgmpy.

Measured in one run (best of 3): each analysis of ``cruxnet.sensitivity`` on P(catastrophe)
under gs_deference with D parameter draws for intervals; and the tornado at the point values
against a pgmpy loop that answers the same question the usual way, one VariableElimination
query per node and state.

Run: python benchmarks/sensitivity.py [--draws D]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from batched_draws import best_of
from support.oracles import pgmpy_from_bif_text

from cruxnet import load_network
from cruxnet.io.bif import format_bif
from cruxnet.sensitivity import (
    Question,
    decisive_observations,
    lever_effects,
    lint_worldview,
    node_swings,
    sensitivity_functions,
    smallest_belief_change,
    sobol_indices,
    value_of_information,
    worldview_shapley,
)


def pgmpy_tornado_seconds(net: object) -> float:
    """P(catastrophe | node = state) for every node and state, one pgmpy VE query each."""
    from pgmpy.inference import VariableElimination

    model = pgmpy_from_bif_text(format_bif(net))  # type: ignore[arg-type]
    ve = VariableElimination(model)
    spec = net.spec  # type: ignore[attr-defined]
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for node in spec.nodes:
            if node.id == "catastrophe":
                continue
            for state in node.states:
                try:
                    ve.query(["catastrophe"], evidence={node.id: state}, show_progress=False)
                except Exception:  # impossible evidence: counted as done
                    pass
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    args = ap.parse_args()
    gs = load_network("crux_network", "gs_deference")
    hl = load_network("crux_network", "human_labor_first")
    kp = load_network("crux_network", "karnofsky_playbook")

    def q(net: object = gs, draws: int = args.draws) -> Question:
        return Question(net, "catastrophe", draws=draws, seed=1)  # type: ignore[arg-type]

    node_swings(q(draws=100))  # warm the path caches
    runs = {
        f"tornado, {args.draws:,} draws": lambda: node_swings(q()),
        f"value of information, {args.draws:,} draws": lambda: value_of_information(q()),
        f"sensitivity functions (every CPT entry), {args.draws:,} draws":
            lambda: sensitivity_functions(q()),
        "Sobol indices by node, N = 1024": lambda: sobol_indices(q(), samples=1024),
        f"levers ({sum(n.role == 'lever' for n in kp.spec.nodes)}), {args.draws:,} draws":
            lambda: lever_effects(q(kp)),
        "Shapley gs_deference vs human_labor_first": lambda: worldview_shapley(gs, hl,
                                                                                "catastrophe"),
        f"crux finder at 0.3, {args.draws:,} draws":
            lambda: (smallest_belief_change(q(), 0.3), decisive_observations(q(), 0.3)),
        "lint (1,000 draws)": lambda: lint_worldview(gs),
    }
    for label, fn in runs.items():
        print(f"{label:58s} {best_of(fn):7.3f} s")
    ours = best_of(lambda: node_swings(q(draws=0)))
    theirs = pgmpy_tornado_seconds(gs)
    print(f"tornado at the point values: cruxnet {ours * 1e3:.1f} ms, one pgmpy VE query per "
          f"node and state {theirs * 1e3:.0f} ms: {theirs / ours:.0f}x")


if __name__ == "__main__":
    main()
