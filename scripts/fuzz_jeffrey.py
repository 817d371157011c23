"""Hunt for fixed-marginal cases the exact Jeffrey fit gets wrong or refuses.

Random small networks (3-6 nodes, 2-3 states, up to 2 parents) whose CPTs have tiny entries
(1e-3 .. 1e-9) and structural zeros; two or three fixed marginals on random nodes. Each case
must either be answered with every fixed marginal holding to 1e-11, or be refused with an
EvidenceError / ImpossibleEvidenceError where brute-force iterative fitting of the fixed
nodes' joint does not converge either. A ConvergenceError, or a refusal where brute force
converges, counts as a failure. Prints the count and the first failure.

Run: python scripts/fuzz_jeffrey.py [--seed S] [--cases N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.bruteforce import SmallNet, awkward_cpts, ipfp, marginal

from cruxnet import Evidence, posterior
from cruxnet.base.errors import ConvergenceError, EvidenceError, ImpossibleEvidenceError


def random_case(rng: np.random.Generator) -> tuple[SmallNet, list[str], list[np.ndarray], str]:
    n = int(rng.integers(3, 7))
    cards = [int(rng.integers(2, 4)) for _ in range(n)]
    parents = []
    for i in range(n):
        k = int(rng.integers(0, min(2, i) + 1))
        parents.append(sorted(rng.choice(i, k, replace=False).tolist()) if i else [])
    small = SmallNet([f"n{i}" for i in range(n)], cards, parents,
                     awkward_cpts(rng, cards, parents))
    k = int(rng.integers(2, min(3, n - 1) + 1))
    fixed = sorted(rng.choice(n, k, replace=False).tolist())
    qs = [rng.uniform(0.05, 1, cards[i]) for i in fixed]
    target = next(i for i in range(n) if i not in fixed)
    return small, [small.names[i] for i in fixed], [q / q.sum() for q in qs], small.names[target]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=3000)
    ns = ap.parse_args()
    rng = np.random.default_rng(ns.seed)
    failures, refused = 0, 0
    for case in range(ns.cases):
        small, names, qs, target = random_case(rng)
        ev = Evidence(fixed={nm: tuple(q) for nm, q in zip(names, qs, strict=True)})
        net = small.net()
        try:
            posterior(net, target, ev)
            bad = [nm for nm, q in zip(names, qs, strict=True)
                   if np.abs(posterior(net, nm, ev).probs - q).max() > 1e-11]
            problem = f"marginals off for {bad}" if bad else ""
        except (EvidenceError, ImpossibleEvidenceError):
            refused += 1
            _, converged = ipfp(marginal(small.joint(), small.names, names), qs, tol=1e-13,
                                max_sweeps=50_000)
            problem = "refused, though iterative fitting converges" if converged else ""
        except ConvergenceError as exc:
            problem = f"did not converge: {exc}"
        if problem:
            failures += 1
            if failures == 1:
                print(f"case {case}: {problem}")
    print(f"{ns.cases} cases ({refused} refused as infeasible), {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
