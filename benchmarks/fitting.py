"""PyMC fits, timed: counts with latent parents (fit_latent_counts) and the hierarchical pool.

Each fit: 2 chains x 1000 draws after 1000 tuning steps, one core, seed 0; the time includes
building the model (the first fit of a shape) and sampling, and the diagnostics every fit must
pass (r_hat <= 1.01, bulk ESS >= 400). The reference is the same fit's second run, with the
model already built (cached per shape). Run: python benchmarks/fitting.py
"""

from __future__ import annotations

import dataclasses
import time

from cruxnet import load_network
from cruxnet.base.bundled import worldview_dir
from cruxnet.catalog import load_model
from cruxnet.updating.fitting import fit_latent_counts
from cruxnet.updating.pooling import compile_elicitation
from cruxnet.updating.records import load_elicitation


def timed(label: str, fn) -> None:  # type: ignore[no-untyped-def]
    times, diag = [], {}
    for _ in range(2):
        t = time.perf_counter()
        diag = fn()
        times.append(time.perf_counter() - t)
    print(f"{label:58s} first {times[0]:6.1f} s, again {times[1]:6.1f} s "
          f"(first/again {times[0] / times[1]:4.1f}x)  r_hat {diag['r_hat']:.3f}, "
          f"bulk ESS {diag['ess_bulk']:.0f}")


def main() -> None:
    honeypot = load_network("honeypot_tests")
    crux = load_network("crux_network", "gs_deference")
    timed("honeypot_caught, 0 of 20, one system (4 configurations)",
          lambda: fit_latent_counts(honeypot, "honeypot_caught", [20, 0], cases="same").diagnostics)
    timed("honeypot_caught, 3 of 40 cases (4 configurations)",
          lambda: fit_latent_counts(honeypot, "honeypot_caught", [37, 3]).diagnostics)
    timed("crux network: scheming, 3 of 10 cases (54 configurations)",
          lambda: fit_latent_counts(crux, "scheming", [7, 3]).diagnostics)
    spec = load_model("crux_network").spec
    records = dataclasses.replace(
        load_elicitation(worldview_dir("crux_network") / "panel_2026.elicit.yaml", spec),
        pool="hierarchical")

    def pool() -> dict[str, float]:
        from cruxnet.updating.diagnostics import check_fit

        idata = compile_elicitation(records).idata
        return check_fit(idata, ["mu", "tau", "z_new"], what="pool")

    timed("hierarchical pool of panel_2026 (4 targets, 3 experts)", pool)


if __name__ == "__main__":
    main()
