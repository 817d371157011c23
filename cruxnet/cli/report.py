"""The crux report command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from cruxnet.cli.options import (
    Subparsers,
    draws_arg,
    ess_arg,
    evidence,
    evidence_args,
    marginals,
    seed_arg,
    threshold_arg,
)

__all__ = ["register"]


def register(sub: Subparsers) -> None:
    """Add the report command."""
    p = sub.add_parser(
        "report", help="write a crux report (report.html and report.md)",
        description="Run every analysis for each worldview (headline with intervals, crux "
                    "table, levers, where worldviews part ways, the crux finder) and write a "
                    "self-contained report.html and report.md with the same content into "
                    "--out. Example: cruxnet report --out report")
    p.add_argument("--model", "-m", default="crux_network", metavar="M",
                   help="bundled model name or path (default: crux_network)")
    p.add_argument("--worldview", "-w", action="append", default=None, metavar="W",
                   help="worldview name or .yaml path; repeat for several (default: all)")
    p.add_argument("--target", default=None, metavar="T",
                   help="outcome node (default: catastrophe, or the model's last outcome)")
    p.add_argument("--state", default=None, metavar="S", help="its state (default: the last)")
    evidence_args(p)
    p.add_argument("--draws", "-n", type=draws_arg, default=100_000, metavar="N",
                   help="parameter draws for the headline (default 100000)")
    p.add_argument("--analysis-draws", type=draws_arg, default=2000, metavar="N",
                   help="parameter draws for the analyses' intervals (default 2000)")
    p.add_argument("--seed", type=seed_arg, default=1, metavar="S", help="random seed "
                   "(default 1): the same seed gives the same report, dates aside")
    p.add_argument("--threshold", type=threshold_arg, default=0.1, metavar="T",
                   help="decision threshold on P(target) for the crux finder (default 0.1)")
    p.add_argument("--ledger", default=None, metavar="FILE",
                   help="an evidence ledger (.jsonl) to replay: adds the belief trajectory")
    p.add_argument("--ess", type=ess_arg, default=None, metavar="E",
                   help="effective sample size for rows without one (BIF/XMLBIF networks)")
    p.add_argument("--normalize", action="store_true",
                   help="BIF/XMLBIF only: rescale CPT rows that do not sum to 1")
    p.add_argument("--out", "-o", required=True, metavar="DIR",
                   help="directory to write report.html, report.md and figures/ into")
    p.set_defaults(run=_cmd_report)


def _cmd_report(ns: argparse.Namespace) -> int:
    from cruxnet.base.writer import check_folder
    from cruxnet.catalog import load_model
    from cruxnet.report import build_report, figure_workers, write_report

    check_folder(ns.out, what="report")
    entry = load_model(ns.model, normalize=ns.normalize)
    ev = evidence(ns, entry.spec)
    out = Path(ns.out)
    out.mkdir(parents=True, exist_ok=True)
    # Import the analysis stack (SciPy via SALib, xarray) once, before the workers fork,
    # rather than once in each of three processes.
    import SALib.analyze.sobol  # noqa: F401
    import xarray  # noqa: F401

    import cruxnet.report.render
    import cruxnet.sensitivity.sobol  # noqa: F401
    with figure_workers() as pool:  # worldviews in parallel, then the figures
        bar = _step_bar(ns)
        try:
            report = build_report(ns.model, ns.worldview, target=ns.target, state=ns.state,
                                  evidence=ev, marginals=marginals(ns, entry.spec),
                                  draws=ns.draws,
                                  analysis_draws=ns.analysis_draws, seed=ns.seed,
                                  threshold=ns.threshold, ledger=ns.ledger, ess=ns.ess,
                                  normalize=ns.normalize, progress=bar, pool=pool)
            bar("writing report.html and report.md")
            html_path, md_path = write_report(report, ns.out, pool=pool)
        finally:
            bar(None)
    print(f"wrote {html_path} and {md_path}")
    return 0


def _step_bar(ns: argparse.Namespace) -> Callable[[str | None], None]:
    """Progress over the report's steps on stderr: a bar on a terminal, else one line per step
    with the seconds so far (a log, CI, ``make report`` piped to a file). ``None`` closes it."""
    import time

    start = time.perf_counter()
    if not sys.stderr.isatty():
        def line(label: str | None) -> None:
            if label is not None:
                print(f"cruxnet report: [{time.perf_counter() - start:5.1f} s] {label}",
                      file=sys.stderr, flush=True)

        return line
    from tqdm import tqdm

    bar = tqdm(desc="report", unit="step", file=sys.stderr, leave=False)

    def step(label: str | None) -> None:
        if label is None:
            bar.close()
        else:
            bar.set_postfix_str(label)
            bar.update(1)

    return step
