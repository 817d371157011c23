"""Global (Sobol) sensitivity on the batched engine against a pgmpy-per-evaluation loop.

Measured in one run: the wall time of ``sobol_indices`` on the crux network (SALib's design and
estimator, N base samples, one factor per node: N x (factors + 2) evaluations of
P(catastrophe)), and the time a per-evaluation pgmpy loop would take for the same number of
evaluations (set every CPD, run VariableElimination; timed on a subset and extrapolated). The
pgmpy side is charged only for its evaluations, not for sampling or analysis.

Run: python benchmarks/sobol.py [--samples N] [--pgmpy-evals K]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batched_draws import best_of, pgmpy_loop_seconds_per_draw

from cruxnet import Evidence, load_network
from cruxnet.sensitivity import Question, sobol_indices


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=1024)
    ap.add_argument("--pgmpy-evals", type=int, default=20)
    args = ap.parse_args()
    for worldview in ("gs_deference", "human_labor_first"):
        net = load_network("crux_network", worldview)
        q = Question(net, "catastrophe", seed=1)
        sobol_indices(q, samples=64)  # warm the contraction-path cache
        result = sobol_indices(q, samples=args.samples)
        evals = int(result.attrs["evaluations"])
        t = best_of(lambda q=q: sobol_indices(q, samples=args.samples))
        per_eval = pgmpy_loop_seconds_per_draw(net, "catastrophe", Evidence(), None,
                                               args.pgmpy_evals)
        print(f"crux network ({worldview}), Sobol by node, N = {args.samples}: "
              f"{evals:,} evaluations")
        print(f"  cruxnet sobol_indices   {t:8.2f} s  ({evals / t:,.0f} evaluations/s, "
              "sampling and analysis included)")
        print(f"  pgmpy per-evaluation    {per_eval * evals:8.0f} s  (extrapolated: "
              f"{per_eval * 1e3:.1f} ms/evaluation over {args.pgmpy_evals})")
        print(f"  speed-up                {per_eval * evals / t:8,.0f}x  (target >= 500x)")
        top = ", ".join(f"{f} {st:.2f}" for f, st in
                        zip(result.factor.values[:3], result.ST.values[:3], strict=True))
        print(f"  largest total indices: {top}")


if __name__ == "__main__":
    main()
