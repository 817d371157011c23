"""What stated marginals cost on the batched engine: P(catastrophe) over N parameter draws of
the crux network with a person's view stated on three headline cruxes (each draw tilted to its
own marginal drawn from the stated uncertainty), against the same worldview without them,
measured in the same run.

Run: python benchmarks/stated_marginals.py [--draws N] [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batched_draws import best_of

from cruxnet import load_network, posterior_draws, with_stated_marginals

VIEW = {"scheming": {"yes": {"low": 0.03, "high": 0.15, "prob": 0.9}},
        "lead_time": [0.35, 0.4, 0.15, 0.07, 0.03],
        "elicitation_success": {"yes": 0.4}}  # the file's default uncertainty (ess 5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    net = load_network("crux_network", "gs_deference")
    mine = with_stated_marginals(net, VIEW)
    posterior_draws(mine, "catastrophe", draws=4096, seed=1)  # warm the caches
    base = best_of(lambda: posterior_draws(net, "catastrophe", draws=args.draws, seed=1),
                   args.repeat)
    stated = best_of(lambda: posterior_draws(mine, "catastrophe", draws=args.draws, seed=1),
                     args.repeat)
    post = posterior_draws(mine, "catastrophe", draws=args.draws, seed=1)
    print(f"{args.draws} draws, P(catastrophe), crux network (gs_deference), best of "
          f"{args.repeat}:")
    print(f"  without stated marginals  {base:7.2f} s")
    print(f"  with three stated         {stated:7.2f} s   ({stated / base:.2f}x)")
    print(f"  {post.provenance.get('stated_marginals_redrawn', 'no draw redrawn')}")


if __name__ == "__main__":
    main()
