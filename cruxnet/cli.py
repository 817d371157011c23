"""The ``cruxnet`` command: a thin layer over the library.

Bad input exits with status 2 and one line on stderr beginning ``cruxnet: error:``. Set
``CRUXNET_DEBUG=1`` to see a traceback instead.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from cruxnet.errors import CruxnetError, SpecError, one_line

__all__ = ["main"]

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage dump), like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"cruxnet: error: {message} (see '{self.prog} --help')\n")


def _evidence_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("evidence (each may be repeated)")
    g.add_argument("-e", "--evidence", action="append", default=[], metavar="NODE=STATE",
                   help="hard evidence: NODE is observed in STATE")
    g.add_argument("--likelihood", action="append", default=[], metavar="NODE=S1:w1,S2:w2",
                   help="likelihood (virtual) evidence: how likely what you saw is under each "
                        "state of NODE, relative to the others; give every state (0 rules a "
                        "state out)")
    g.add_argument("--fixed", action="append", default=[], metavar="NODE=S1:p1,S2:p2",
                   help="fixed marginal (Jeffrey): set NODE's posterior to this distribution")
    g.add_argument("--do", action="append", default=[], metavar="NODE=STATE",
                   help="intervention do(NODE=STATE) by graph surgery")
    g.add_argument("--marginal", action="append", default=[], metavar="NODE=S1:p1,S2:p2",
                   help="my view: state NODE's marginal; its own table moves by the smallest "
                        "change that makes the network imply it (its causes untouched, unlike "
                        "--fixed); one state left out gets the rest")
    g.add_argument("--marginal-ess", default=None, metavar="ESS|exact",
                   help="the uncertainty of the --marginal values: an effective sample size, "
                        "or 'exact' (the same marginal in every parameter draw, as the "
                        "explorer's my view); default: the worldview's default_ess")


def _model_args(p: argparse.ArgumentParser, *, many_worldviews: bool = False) -> None:
    p.add_argument("--model", "-m", default="crux_network", metavar="M",
                   help="bundled model name or path to .yaml/.bif/.xmlbif (default: "
                        "crux_network)")
    if many_worldviews:
        p.add_argument("--worldview", "-w", action="append", default=None, metavar="W",
                       help="worldview name or .yaml path; repeat for several (default: all)")
    else:
        p.add_argument("--worldview", "-w", default=None, metavar="W",
                       help="worldview name or .yaml path (default: the model's default)")
    p.add_argument("--normalize", action="store_true",
                   help="BIF/XMLBIF only: rescale CPT rows that do not sum to 1 (rounded files)")


def _picture_args(p: argparse.ArgumentParser, target_help: str, draws: int | None,
                  draws_help: str, out: str, json_help: str) -> None:
    """The arguments ``show`` and ``explore`` share."""
    p.add_argument("--target", default=None, metavar="T",
                   help=f"{target_help} (default: catastrophe, or the model's last outcome)")
    p.add_argument("--draws", "-n", type=_draws_arg, default=draws, metavar="N", help=draws_help)
    p.add_argument("--seed", type=_seed_arg, default=0, metavar="S", help="random seed")
    p.add_argument("--ess", type=_ess_arg, default=None, metavar="ESS",
                   help="effective sample size for CPT rows that state no uncertainty "
                        "(networks read from BIF/XMLBIF files)")
    p.add_argument("--out", "-o", default=out, metavar="FILE",
                   help=f"where to write it (default: {out} in the current folder)")
    p.add_argument("--json", action="store_true", help=json_help)


def _draws_arg(text: str) -> int:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--draws must be a positive integer, got {text!r}"
                                         ) from None
    if not (x >= 1 and x == int(x) and x < 1e18):
        raise argparse.ArgumentTypeError(f"--draws must be a positive integer, got {text!r}")
    return int(x)


def _seed_arg(text: str) -> int:
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seed must be a non-negative integer, got {text!r}"
                                         ) from None
    if seed < 0:
        raise argparse.ArgumentTypeError(f"--seed must be a non-negative integer, got {text!r}")
    return seed


def _unit_float(text: str, flag: str, *, upper: float | None) -> float:
    import math

    try:
        x = float(text)
    except ValueError:
        x = math.nan
    if not (math.isfinite(x) and x > 0 and (upper is None or x < upper)):
        bound = f"in (0, {upper:g})" if upper is not None else "> 0"
        raise argparse.ArgumentTypeError(f"{flag} must be a number {bound}, got {text!r}")
    return x


def _ci_arg(text: str) -> float:
    return _unit_float(text, "--ci", upper=1.0)


def _ess_arg(text: str) -> float:
    return _unit_float(text, "--ess", upper=None)


def _query_args(p: argparse.ArgumentParser, *, many_worldviews: bool) -> None:
    """Model, evidence, draws and --json: what query and summary share."""
    _model_args(p, many_worldviews=many_worldviews)
    _evidence_args(p)
    _draws_args(p)
    p.add_argument("--json", action="store_true", help="print JSON")


def _draws_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "uncertainty (second order)",
        "With --draws, the CPTs are drawn N times from the worldview's stated uncertainty and "
        "the exact posterior is computed in every draw: the output adds its mean, median and a "
        "credible interval.")
    g.add_argument("--draws", "-n", type=_draws_arg, default=None, metavar="N",
                   help="number of parameter draws (e.g. 10000 or 1e5)")
    g.add_argument("--seed", type=_seed_arg, default=0, metavar="S",
                   help="random seed, a non-negative integer (default 0): the same seed "
                        "gives identical numbers")
    g.add_argument("--ci", type=_ci_arg, default=0.9, metavar="P",
                   help="credible interval mass in (0, 1) (default 0.9)")
    g.add_argument("--ci-kind", choices=("eti", "hdi"), default="eti",
                   help="equal-tailed (default) or highest-density (ArviZ) interval")
    g.add_argument("--ess", type=_ess_arg, default=None, metavar="E",
                   help="effective sample size for CPT rows that state no uncertainty "
                        "(networks read from BIF/XMLBIF files)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for docs and tests)."""
    parser = _Parser(
        prog="cruxnet",
        description="Cruxes of AI-safety strategy as a Bayesian network: query it with "
                    "evidence, validate and export models.")
    from cruxnet.version import cruxnet_version

    parser.add_argument("--version", action="version", version=f"cruxnet {cruxnet_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("models", help="list bundled models and their worldviews",
                       description="List bundled models and their worldviews.")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser(
        "show", help="draw the network with every node's beliefs (SVG)",
        description="Draw the network as an SVG: each node a box with one bar per state (the "
                    "belief given the evidence, a 90% interval over parameter draws with "
                    "--draws), evidence and do() marked, causes left and the target right. "
                    "Example: cruxnet show -e scheming=no --do capability_restraint=pause "
                    "--draws 1000 --out net.svg")
    _model_args(p)
    _evidence_args(p)
    _picture_args(p, "the node outlined as the target", None,
                  "add a 90%% interval over N parameter draws to every bar", "network.svg",
                  "print the beliefs drawn as JSON")

    p = sub.add_parser(
        "explore", help="write the interactive explorer: one HTML page, exact inference offline",
        description="Write one self-contained HTML page that anyone can open from disk with no "
                    "network: the network with every node's belief bars; click a state to "
                    "observe it (shift-click: do()), give likelihood weights, state your own "
                    "marginal; switch and compare worldviews; P(target) with its interval "
                    "over the parameter draws and the crux table update after every click; "
                    "undo; the view is kept in the link; a worldview file that reproduces the "
                    "page can be downloaded. Example: cruxnet explore -w gs_deference -w "
                    "karnofsky_playbook -e scheming=no --out explore.html")
    _model_args(p, many_worldviews=True)
    _evidence_args(p)
    _picture_args(p, "the node the page headlines", 1000,
                  "parameter draws the page's intervals come from (default 1000)", "explore.html",
                  "print what was written as JSON")
    p.add_argument("--no-draws", action="store_true", help="point beliefs only (a smaller page)")

    p = sub.add_parser(
        "describe", help="what each node means and what you can set: parameters, paths, marginal",
        description="Every node, or the ones named: label, states, definition, role, parents "
                    "with the reason for each edge, citations, the CPT's form and its "
                    "parameters with the paths a worldview file's `set:` takes, and the "
                    "node's marginal now. Example: cruxnet describe scheming -w gs_deference")
    p.add_argument("nodes", nargs="*", metavar="NODE", help="nodes to describe (default: all)")
    _model_args(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser(
        "query", help="P(TARGET | evidence) under a worldview, with credible intervals",
        description="Exact posterior of TARGET given evidence (hard, likelihood, fixed "
                    "marginal) and interventions (do); with --draws, its uncertainty across "
                    "parameter draws. Example: cruxnet query catastrophe -e scheming=yes "
                    "--do capability_restraint=pause --draws 1e5 --seed 1")
    p.add_argument("target", metavar="TARGET", help="node to query")
    _query_args(p, many_worldviews=False)

    p = sub.add_parser("summary", help="headline probabilities under each worldview",
                       description="For each worldview: P(outcome) and the headline cruxes' "
                                   "marginals, with any evidence applied.")
    _query_args(p, many_worldviews=True)

    p = sub.add_parser("validate", help="check model, worldview and network files",
                       description="Validate model (.yaml), worldview (.yaml) and network "
                                   "(.bif/.xmlbif) files; print one line per file.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--model", "-m", default=None, metavar="M",
                   help="model to check worldview files against (default: the one they name)")
    p.add_argument("--normalize", action="store_true", help="accept rounded BIF/XMLBIF rows")

    p = sub.add_parser("export", help="write a model + worldview as BIF or XMLBIF",
                       description="Write the point CPTs of a model + worldview as BIF or XMLBIF "
                                   "(opens in pgmpy, pyAgrum, GeNIe, Netica).")
    _model_args(p)
    p.add_argument("--format", "-f", choices=("bif", "xmlbif"), required=True)
    p.add_argument("--output", "-o", default=None, metavar="FILE",
                   help="file to write (default: standard output)")

    p = sub.add_parser(
        "sensitivity", help="what moves P(TARGET): tornado, VOI, Sobol, levers, cruxes",
        description="Sensitivity of P(TARGET=STATE | evidence) under a worldview, with "
                    "intervals over parameter draws. Methods: tornado (one-way node swings), "
                    "functions (exact sensitivity function of every CPT entry), voi (value of "
                    "information), sobol (global indices), levers (do vs observe), cruxes "
                    "(with --threshold: what crosses it). --compare W2 splits the log-odds "
                    "difference between two worldviews over nodes (Shapley). Example: cruxnet "
                    "sensitivity catastrophe -w karnofsky_playbook --method levers")
    p.add_argument("target", metavar="TARGET", help="node whose probability is studied")
    p.add_argument("--state", default=None, metavar="S",
                   help="the target's state (default: its last, e.g. yes)")
    _model_args(p)
    _evidence_args(p)
    g = p.add_argument_group("method")
    g.add_argument("--method", choices=("tornado", "functions", "voi", "sobol", "levers",
                                        "cruxes"), default="tornado")
    g.add_argument("--compare", default=None, metavar="W2",
                   help="a second worldview of the same model: attribute the difference")
    g.add_argument("--threshold", type=_threshold_arg, default=None, metavar="T",
                   help="decision threshold on P(TARGET) in (0, 1), for --method cruxes")
    g.add_argument("--nodes", default=None, metavar="A,B,...",
                   help="nodes (or levers) to analyse (default: all that apply)")
    g.add_argument("--include-outcomes", action="store_true",
                   help="rank the model's outcome nodes too (tornado, voi, cruxes); by default "
                        "they are left out, being the outcome's definition, not something "
                        "anyone can learn or set beforehand")
    g.add_argument("--draws", "-n", type=_draws_or_zero_arg, default=1000, metavar="N",
                   help="parameter draws for intervals (default 1000; 0: point values only)")
    g.add_argument("--seed", type=_seed_arg, default=0, metavar="S", help="random seed")
    g.add_argument("--ci", type=_ci_arg, default=0.9, metavar="P",
                   help="interval mass (default 0.9)")
    g.add_argument("--samples", type=_draws_arg, default=1024, metavar="N",
                   help="Sobol base sample size, a power of 2 (default 1024)")
    g.add_argument("--by", choices=("node", "parameter"), default="node",
                   help="Sobol factors: one per node (default) or per parameter")
    g.add_argument("--ess", type=_ess_arg, default=None, metavar="E",
                   help="effective sample size for rows without one (BIF networks)")
    g.add_argument("--top", type=_draws_arg, default=20, metavar="K",
                   help="rows to print (default 20)")
    g.add_argument("--plot", default=None, metavar="FILE.png",
                   help="also save a plot (tornado, levers, sobol, compare)")
    p.add_argument("--json", action="store_true", help="print JSON")

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
    _evidence_args(p)
    p.add_argument("--draws", "-n", type=_draws_arg, default=100_000, metavar="N",
                   help="parameter draws for the headline (default 100000)")
    p.add_argument("--analysis-draws", type=_draws_arg, default=2000, metavar="N",
                   help="parameter draws for the analyses' intervals (default 2000)")
    p.add_argument("--seed", type=_seed_arg, default=1, metavar="S", help="random seed "
                   "(default 1): the same seed gives the same report, dates aside")
    p.add_argument("--threshold", type=_threshold_arg, default=0.1, metavar="T",
                   help="decision threshold on P(target) for the crux finder (default 0.1)")
    p.add_argument("--ledger", default=None, metavar="FILE",
                   help="an evidence ledger (.jsonl) to replay: adds the belief trajectory")
    p.add_argument("--ess", type=_ess_arg, default=None, metavar="E",
                   help="effective sample size for rows without one (BIF/XMLBIF networks)")
    p.add_argument("--normalize", action="store_true",
                   help="BIF/XMLBIF only: rescale CPT rows that do not sum to 1")
    p.add_argument("--out", "-o", required=True, metavar="DIR",
                   help="directory to write report.html, report.md and figures/ into")

    p = sub.add_parser(
        "update", help="replay an evidence ledger: the belief trajectory",
        description="Replay an evidence ledger (JSON Lines: hard, likelihood, fixed, do and data "
                    "entries, each with citation, date and by) onto a worldview and show "
                    "P(TARGET) and the headline cruxes after each entry, with intervals. The "
                    "ledger file is only read. Example: cruxnet update ledger.jsonl")
    p.add_argument("ledger", metavar="LEDGER", help="the ledger (.jsonl)")
    _model_args(p)
    p.add_argument("--target", default=None, metavar="T",
                   help="outcome node (default: catastrophe, or the model's last outcome)")
    p.add_argument("--state", default=None, metavar="S",
                   help="the target's state to report (default: its state of interest, e.g. "
                        "yes)")
    p.add_argument("--draws", "-n", type=_draws_arg, default=2000, metavar="N",
                   help="parameter draws per step for the intervals (default 2000)")
    p.add_argument("--seed", type=_seed_arg, default=0, metavar="S", help="random seed")
    p.add_argument("--ci", type=_ci_arg, default=0.9, metavar="P",
                   help="interval mass (default 0.9)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser(
        "elicit", help="pool elicitation records into a worldview",
        description="Compile an elicitation file (NAME.elicit.yaml: experts' quantiles, "
                    "intervals or means with who/when/source) into a pooled worldview and write "
                    "it as a worldview file that loads like any other. Example: cruxnet elicit "
                    "panel_2026.elicit.yaml --out panel_2026.yaml, then cruxnet query "
                    "catastrophe -w panel_2026.yaml")
    p.add_argument("records", metavar="RECORDS", nargs="?", default=None,
                   help="the elicitation file (.elicit.yaml), or the name of a bundled one")
    p.add_argument("--model", "-m", default="crux_network", metavar="M",
                   help="bundled model name or path (default: crux_network)")
    p.add_argument("--interview", action="store_true",
                   help="answer plain questions about the cruxes instead of writing YAML: "
                        "writes NAME.elicit.yaml (your answers) and NAME.yaml (your worldview); "
                        "run it again with the same --out to revise")
    p.add_argument("--base", default=None, metavar="W",
                   help="interview: the worldview you start from (default: asked)")
    p.add_argument("--pool", choices=("linear", "log", "hierarchical"), default=None,
                   help="how to pool the experts (default: the file's 'pool', else linear)")
    p.add_argument("--out", "-o", default=None, metavar="FILE",
                   help="worldview file to write (default: NAME.yaml in the current directory; "
                        "interview: NAME for NAME.yaml and NAME.elicit.yaml)")
    p.add_argument("--idata", default=None, metavar="FILE.nc",
                   help="hierarchical pool: also write its ArviZ InferenceData (netCDF)")
    p.add_argument("--target", default=None, metavar="T",
                   help="outcome node to compare before and after (default: catastrophe)")
    p.add_argument("--seed", type=_seed_arg, default=0, metavar="S",
                   help="random seed of the hierarchical fit")
    p.add_argument("--draws", "-n", type=_draws_arg, default=1000, metavar="N",
                   help="hierarchical fit: draws per chain (default 1000)")
    p.add_argument("--tune", type=_draws_arg, default=1000, metavar="N",
                   help="hierarchical fit: tuning steps per chain (default 1000)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("lint", help="check a worldview's coherence",
                       description="Coherence lint of a worldview: structural zeros and orders "
                                   "the model declares (expect:), overconfident rows, stated "
                                   "marginals against implied ones. Exit status 1 if any "
                                   "error is found.")
    p.add_argument("worldview", metavar="WORLDVIEW", help="worldview name or .yaml path")
    p.add_argument("--model", "-m", default="crux_network", metavar="M",
                   help="bundled model name or path (default: crux_network)")
    p.add_argument("--max-ess", type=_ess_arg, default=200.0, metavar="E",
                   help="report effective sample sizes above this (default 200)")
    p.add_argument("--draws", "-n", type=_draws_or_zero_arg, default=1000, metavar="N",
                   help="draws for the share breaking a declared order (default 1000; 0: skip)")
    p.add_argument("--seed", type=_seed_arg, default=0, metavar="S", help="random seed")
    p.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _threshold_arg(text: str) -> float:
    return _unit_float(text, "--threshold", upper=1.0)


def _draws_or_zero_arg(text: str) -> int:
    return 0 if text.strip() in ("0", "0.0") else _draws_arg(text)


def _cmd_sensitivity(ns: argparse.Namespace) -> int:
    import numpy as np

    import cruxnet.sensitivity as sens
    from cruxnet.catalog import load_network
    from cruxnet.sensitivity.render import to_records, to_text

    net = _my_view(ns, load_network(ns.model, ns.worldview, normalize=ns.normalize))
    ev = _evidence(ns, net.spec)
    q = sens.Question(net, ns.target, ns.state, ev, draws=ns.draws, seed=ns.seed,
                      ci_prob=ns.ci, ess=ns.ess)
    nodes = [n.strip() for n in ns.nodes.split(",") if n.strip()] if ns.nodes else None
    results: list[tuple[str, Any]] = []
    if ns.compare is not None:
        other = _my_view(ns, load_network(ns.model, ns.compare, normalize=ns.normalize))
        results.append(("compare", sens.worldview_shapley(net, other, ns.target, ns.state, ev,
                                                          seed=ns.seed)))
    elif ns.method == "cruxes":
        if ns.threshold is None:
            raise sens.SensitivityError("--method cruxes needs --threshold T (a probability in "
                                        "(0, 1), e.g. 0.1)")
        out = ns.include_outcomes
        results.append(("belief-change", sens.smallest_belief_change(
            q, ns.threshold, nodes, include_outcomes=out)))
        results.append(("observations", sens.decisive_observations(
            q, ns.threshold, nodes, include_outcomes=out)))
    else:
        run: Callable[[], Any] = {
            "tornado": lambda: sens.node_swings(q, nodes, include_outcomes=ns.include_outcomes),
            "functions": lambda: sens.sensitivity_functions(q, nodes),
            "voi": lambda: sens.value_of_information(q, nodes,
                                                     include_outcomes=ns.include_outcomes),
            "sobol": lambda: sens.sobol_indices(q, samples=ns.samples, by=ns.by),
            "levers": lambda: sens.lever_effects(q, nodes)}[ns.method]
        results.append((ns.method, run()))
    if ns.plot:
        from cruxnet.sensitivity.plots import plot

        plot(results[0][1], results[0][0]).savefig(ns.plot, dpi=120)
    if ns.json:
        out = {name: to_records(ds) for name, ds in results}
        print(json.dumps(out if len(out) > 1 else next(iter(out.values())), indent=2))
        return 0
    head = (f"{q.label} = {q.point():.4f}  ({net.spec.name}, worldview {net.worldview}"
            + (f"; {ns.draws} draws, seed {ns.seed}, {ns.ci:g} intervals" if ns.draws else "")
            + ")")
    print(head)
    for name, ds in results:
        print(f"\n{_section_title(name, ds)}")
        if name == "belief-change":
            crossing = ds.where(np.isfinite(ds["shift"]), drop=True)
            if crossing.sizes["node"] == 0:
                print(f"no single node's beliefs can carry it across {ns.threshold:g}")
                continue
            ds = crossing
        print(to_text(ds, name, ns.top))
    if ns.plot:
        print(f"\nplot written to {ns.plot}")
    return 0


def _cmd_report(ns: argparse.Namespace) -> int:
    from cruxnet.catalog import load_model
    from cruxnet.report import build_report, figure_workers, write_report

    entry = load_model(ns.model, normalize=ns.normalize)
    ev = _evidence(ns, entry.spec)
    out = Path(ns.out)
    if out.exists() and not out.is_dir():  # say so now, not after computing
        raise CruxnetError(f"{out}: --out must be a directory, and this is a file")
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
                                  evidence=ev, marginals=_marginals(ns, entry.spec),
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


def _cmd_update(ns: argparse.Namespace) -> int:
    from cruxnet.catalog import load_network
    from cruxnet.sensitivity.render import to_records
    from cruxnet.updating.ledger import read_ledger, replay_ledger

    net = load_network(ns.model, ns.worldview, normalize=ns.normalize)
    entries = read_ledger(ns.ledger, net.spec)
    spec = net.spec
    target = ns.target or spec.default_target()
    if target not in spec:
        from cruxnet.errors import EvidenceError

        raise EvidenceError(f"unknown target node {target!r} in model {spec.name}")
    cruxes = [n.id for n in spec.nodes if n.headline]
    ds = replay_ledger(net, entries, target=target, state=ns.state, cruxes=cruxes,
                       draws=ns.draws, seed=ns.seed, ci_prob=ns.ci, file=ns.ledger)
    if ns.json:
        meta = ["entry", "line", "date", "by", "citation"]
        print(json.dumps(to_records(ds.reset_coords(meta)), indent=2))
        return 0
    state = ds.attrs["state"]
    print(f"belief trajectory of P({target}={state}) under {net.worldview} "
          f"({ns.draws} draws per step, seed {ns.seed}, {ns.ci:g} intervals)")
    crux_cols = [v for v in ds.data_vars
                 if str(v).startswith("P(") and not str(v).endswith(" interval")]
    for k in range(ds.sizes["step"]):
        lo, hi = ds.interval.values[k]
        line = "" if k == 0 else f"line {int(ds.line.values[k])}, {ds.date.values[k]}: "
        cr = "  ".join(f"{c} {float(ds[c].values[k]):.3f} "
                       f"[{ds[f'{c} interval'].values[k][0]:.3f}, "
                       f"{ds[f'{c} interval'].values[k][1]:.3f}]" for c in crux_cols)
        print(f"  {k:2d}  {float(ds.p.values[k]):.3f}  [{lo:.3f}, {hi:.3f}]  {line}"
              f"{ds.entry.values[k]}")
        if cr:
            print(f"        {cr}")
    return 0


def _section_title(name: str, ds: Any) -> str:
    a = ds.attrs
    if name == "compare":
        return (f"why {a['worldview_b']} differs from {a['worldview_a']}: P = {a['p_b']:.4f} "
                f"vs {a['p_a']:.4f}, log-odds {a['total']:+.3f} ({a['method']})")
    if name == "belief-change":
        return (f"smallest belief change that carries it across {a['threshold']:g} "
                "(shift: how far towards certainty in that state)")
    if name == "observations":
        return f"observations most likely to carry it across {a['threshold']:g}"
    if name == "functions":
        return f"{a.get('method', name)} (co-variation of each row: {a['covariation']})"
    return str(a.get("method", name))


def _cmd_elicit(ns: argparse.Namespace) -> int:
    import dataclasses
    import warnings
    from pathlib import Path

    import numpy as np

    from cruxnet.catalog import load_model, network_from_worldview, resolve_elicitation
    from cruxnet.inference.exact import posterior
    from cruxnet.priors.elicit import ElicitationWarning
    from cruxnet.sensitivity.render import to_records
    from cruxnet.updating.records import compile_elicitation, load_elicitation

    entry = load_model(ns.model)
    spec = entry.spec
    target = ns.target or spec.default_target()
    if target not in spec:
        from cruxnet.errors import EvidenceError

        raise EvidenceError(f"unknown target node {target!r} in model {spec.name}")
    if ns.interview:
        if ns.records is not None:
            raise CruxnetError("--interview writes its own records; give no RECORDS file")
        from cruxnet.interview import Interview, InterviewStopped

        try:
            Interview(entry, base=ns.base, out=ns.out, target=target).run()
        except InterviewStopped as exc:
            print(f"cruxnet: {exc}", file=sys.stderr)
            return 1
        return 0
    if ns.records is None:
        raise CruxnetError("give an elicitation file (RECORDS), or --interview to answer "
                           "questions instead")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ElicitationWarning)
        records = load_elicitation(resolve_elicitation(entry, ns.records), spec)
    for w in caught:
        print(f"cruxnet: warning: {w.message}", file=sys.stderr)
    if ns.pool is not None:
        records = dataclasses.replace(records, pool=ns.pool)
    if ns.idata and records.pool != "hierarchical":
        raise CruxnetError("--idata is for the hierarchical pool (--pool hierarchical)")
    compiled = compile_elicitation(records, seed=ns.seed, draws=ns.draws, tune=ns.tune,
                                   progress=sys.stderr.isatty())
    out = Path(ns.out) if ns.out else Path(f"{records.name}.yaml")
    compiled.save(out)
    if ns.idata and compiled.idata is not None:
        compiled.idata.to_netcdf(ns.idata)
    state = spec.node(target).state_of_interest
    before = posterior(network_from_worldview(spec, records.base), target)[state]
    after = posterior(network_from_worldview(spec, compiled.worldview), target)[state]
    summ = compiled.summary()
    if ns.json:
        print(json.dumps({"worldview": records.name, "file": str(out), "pool": records.pool,
                          "target": target, "state": state, "before": before, "after": after,
                          "targets": to_records(summ)}, indent=2))
        return 0
    print(f"{records.name}: {records.pool} pool of {len(records.weights)} experts over "
          f"{records.base.name} ({len(records.records)} records, {summ.sizes['target']} "
          "targets)")
    experts = list(summ.expert.values)
    print(f"  {'target':<46}" + "".join(f"{e[:12]:>13}" for e in experts) + f"{'pooled':>10}"
          f"{'spread':>9}")
    for i, t in enumerate(summ.target.values):
        vals = "".join(f"{v:>13.3f}" if np.isfinite(v) else f"{'-':>13}"
                       for v in summ.expert_value.values[i])
        print(f"  {str(t)[:46]:<46}{vals}{float(summ.pooled_value.values[i]):>10.3f}"
              f"{float(summ.pooled_spread.values[i]):>9.3g}")
    print("  (values: P(last state) of a row, or a ratio's median; spread: the pooled ess, or "
          "sd_log of a ratio)")
    print(f"P({target}={state}): {before:.4f} under {records.base.name} -> {after:.4f} under "
          f"{records.name}")
    print(f"wrote {out}; query it with: cruxnet query {target} -m {ns.model} -w {out}")
    return 0


def _cmd_lint(ns: argparse.Namespace) -> int:
    from cruxnet.catalog import load_network
    from cruxnet.sensitivity.lint import lint_worldview

    net = load_network(ns.model, ns.worldview)
    rep = lint_worldview(net, max_ess=ns.max_ess, draws=ns.draws, seed=ns.seed)
    if ns.json:
        print(json.dumps({"model": rep.model, "worldview": rep.worldview, "errors": rep.errors,
                          "checked": rep.checked,
                          "findings": [f.__dict__ for f in rep.findings]}, indent=2))
    else:
        print(rep.text())
    return 1 if rep.errors else 0


def _evidence(ns: argparse.Namespace, spec: Any) -> Any:
    from cruxnet.errors import EvidenceError
    from cruxnet.inference.evidence import Evidence, parse_assignment, parse_distribution

    def once(pairs: list[tuple[str, Any]], kind: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for node, value in pairs:
            if node in out and out[node] != value:
                raise EvidenceError(f"{kind}: {node} is given twice, as {out[node]!r} and "
                                    f"{value!r}")
            out[node] = value
        return out

    hard = once([parse_assignment(t, "evidence") for t in ns.evidence], "evidence")
    do = once([parse_assignment(t, "do") for t in ns.do], "do")
    lik = once([parse_distribution(t, spec, "likelihood") for t in ns.likelihood], "likelihood")
    fixed = once([parse_distribution(t, spec, "fixed") for t in ns.fixed], "fixed")
    return Evidence(hard=hard, likelihood=lik, fixed=fixed, do=do)


def _marginals(ns: argparse.Namespace, spec: Any) -> dict[str, Any]:
    """``--marginal NODE=S1:p1,...`` as {node: {state: p}}, or with ``--marginal-ess`` as
    {node: {"p": {state: p}, "ess": ...}} (states left out: see :mod:`cruxnet.priors.stated`)."""
    from cruxnet.errors import EvidenceError
    from cruxnet.inference.evidence import parse_state_values

    out: dict[str, Any] = {}
    ess = getattr(ns, "marginal_ess", None)
    if ess is not None and ess != "exact":
        try:
            ess = float(ess)
        except ValueError:
            ess = None
        if ess is None or not 0 < ess < float("inf"):
            raise EvidenceError(f"--marginal-ess must be a number > 0 or 'exact', got "
                                f"{ns.marginal_ess!r}")
    for text in getattr(ns, "marginal", []):
        node, values = parse_state_values(text, spec, "marginal")
        if node in out:
            raise EvidenceError(f"marginal: {node} is given twice")
        out[node] = values if ess is None else {"p": values, "ess": ess}
    return out


def _my_view(ns: argparse.Namespace, net: Any) -> Any:
    """``net`` with the command line's stated marginals (the same network if none)."""
    given = _marginals(ns, net.spec)
    if not given:
        return net
    from cruxnet.inference.marginals import with_stated_marginals

    return with_stated_marginals(net, given, ess=getattr(ns, "ess", None))


def _cmd_show(ns: argparse.Namespace) -> int:
    from cruxnet.catalog import load_network
    from cruxnet.netview import network_view

    net = _my_view(ns, load_network(ns.model, ns.worldview, normalize=ns.normalize))
    ev = _evidence(ns, net.spec)
    if ns.target is not None and ns.target not in net.spec:
        from cruxnet.errors import EvidenceError, did_you_mean

        raise EvidenceError(f"unknown target node {ns.target!r} in model {net.spec.name}"
                            + did_you_mean(ns.target, net.spec.node_ids))
    view = network_view(net, ev, draws=ns.draws, seed=ns.seed, target=ns.target, ess=ns.ess)
    out = Path(ns.out)
    try:
        view.save(out)
    except OSError as exc:
        raise SpecError(f"cannot write ({exc.strerror})", file=str(out)) from None
    if ns.json:
        print(json.dumps({"file": str(out), "crossings": view.crossings,
                          "beliefs": {n: dict(zip(net.spec.node(n).states, map(float, p),
                                                  strict=True))
                                      for n, p in view.beliefs.items()},
                          "provenance": dict(net.provenance)}, indent=2))
        return 0
    print(f"wrote {out} ({len(view.beliefs)} nodes, {view.crossings} edge crossings, "
          f"{int(view.layout.width)}x{int(view.layout.height)} px)")
    return 0


def _cmd_explore(ns: argparse.Namespace) -> int:
    from cruxnet.catalog import load_model, network_for, worldview_names
    from cruxnet.explorer import explorer_page

    entry = load_model(ns.model, normalize=ns.normalize)
    names = ns.worldview or _default_first(entry.spec.default_worldview, worldview_names(entry))
    nets = [_my_view(ns, network_for(entry, w)) for w in names]
    spec = nets[0].spec
    ev = _evidence(ns, spec)
    if ns.target is not None and ns.target not in spec:
        from cruxnet.errors import EvidenceError, did_you_mean

        raise EvidenceError(f"unknown target node {ns.target!r} in model {spec.name}"
                            + did_you_mean(ns.target, spec.node_ids))
    draws = 0 if ns.no_draws else ns.draws
    page = explorer_page(nets, ev, draws=draws, seed=ns.seed, target=ns.target, ess=ns.ess)
    out = Path(ns.out)
    try:
        page.save(out)
    except OSError as exc:
        raise SpecError(f"cannot write ({exc.strerror})", file=str(out)) from None
    info = {"file": str(out), "bytes": page.size, "model": spec.name,
            "worldviews": [n.worldview for n in nets], "draws": draws, "seed": ns.seed,
            "limits": page.data["limits"], "work": page.data["work"]}
    if ns.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"wrote {out} ({page.size / 1e6:.2f} MB; {len(nets)} worldview"
          f"{'s' if len(nets) != 1 else ''}, {draws:,} draws): open it in a browser")
    if page.data["limits"]["message"]:
        print(f"note: {page.data['limits']['message']}")
    return 0


def _default_first(default: str | None, names: list[str]) -> list[str]:
    """``names`` with the model's default worldview first."""
    return sorted(names, key=lambda n: (n != default, n))


def _cmd_describe(ns: argparse.Namespace) -> int:
    from cruxnet.catalog import load_network
    from cruxnet.describe import describe_nodes, describe_text

    net = load_network(ns.model, ns.worldview, normalize=ns.normalize)
    nodes = describe_nodes(net, ns.nodes)
    if ns.json:
        print(json.dumps(nodes if len(ns.nodes) != 1 else nodes[0], indent=2, default=str))
        return 0
    print(f"model {net.spec.name}, worldview {net.worldview}")
    for d in nodes:
        print()
        print(describe_text(d))
    return 0


def _cmd_models(ns: argparse.Namespace) -> int:
    from cruxnet.catalog import bundled_models, load_model, worldview_names

    rows: list[dict[str, Any]] = []
    for name in bundled_models():
        entry = load_model(name)
        rows.append({"model": name, "title": entry.spec.title, "nodes": len(entry.spec.nodes),
                     "default_worldview": entry.spec.default_worldview,
                     "worldviews": worldview_names(entry)})
    if ns.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        print(f"{r['model']}  ({r['nodes']} nodes)  {r['title']}")
        wvs = ", ".join(f"{w}*" if w == r["default_worldview"] else w for w in r["worldviews"])
        print(f"    worldviews: {wvs}   (* default)")
    return 0


def _bar(p: float, width: int = 30) -> str:
    n = round(p * width)
    return "#" * n + "." * (width - n)


def _cmd_query(ns: argparse.Namespace) -> int:
    from cruxnet.catalog import load_network
    from cruxnet.inference.exact import posterior

    net = _my_view(ns, load_network(ns.model, ns.worldview, normalize=ns.normalize))
    ev = _evidence(ns, net.spec)
    post = posterior(net, ns.target, ev)
    out: dict[str, Any] = {
        "model": net.spec.name, "worldview": net.worldview, "target": ns.target,
        "posterior": post.as_dict(), "evidence": ev.as_dict(), "p_evidence": post.p_evidence,
        "provenance": dict(net.provenance)}
    text_extra: list[str] = []
    if ns.draws is not None:
        out.update(_draws_fields(ns, net, ev, text_extra))
    if ns.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"P({ns.target} | {ev.describe()})")
    print(f"  model {net.spec.name}, worldview {net.worldview}")
    width = max(len(s) for s in post.states)
    for s, p in post.as_dict().items():
        print(f"  {s:<{width}}  {p:8.4f}  {_bar(p)}")
    for line in text_extra:
        print(f"  {line}")
    return 0


def _draws_fields(ns: argparse.Namespace, net: Any, ev: Any, text: list[str]) -> dict[str, Any]:
    """Run the batched query; return its JSON fields and append its text lines to ``text``."""
    from cruxnet.beliefs import Beliefs
    from cruxnet.inference.summary import aggregation_trio

    beliefs = Beliefs(net, ev, draws=ns.draws, seed=ns.seed, ess=ns.ess)
    draws = beliefs.posterior_draws(ns.target, progress=True)
    summary = draws.summary(ci_prob=ns.ci, ci_kind=ns.ci_kind)
    fields: dict[str, Any] = {"seed": ns.seed, **summary.as_dict()}
    text.append(f"over {summary.draws} parameter draws (seed {ns.seed}):")
    text.extend("  " + line for line in summary.text().splitlines())
    trio = None
    if not (ev.hard or ev.likelihood or ev.fixed or ev.do):
        state = net.spec.node(ns.target).state_of_interest
        trio = aggregation_trio(net, ns.target, state, beliefs.source)
    if trio is not None:
        fields["aggregation"] = trio.as_dict()
        text.append(trio.note)
    return fields


def _summary_rows(ns: argparse.Namespace) -> list[dict[str, Any]]:
    from cruxnet.catalog import load_model, network_for, worldview_names
    from cruxnet.inference.exact import posterior

    entry = load_model(ns.model, normalize=ns.normalize)
    names = ns.worldview or worldview_names(entry)
    target = entry.spec.default_target()
    headline = [n.id for n in entry.spec.nodes if n.headline]
    rows = []
    for w in names:
        net = _my_view(ns, network_for(entry, w))
        ev = _evidence(ns, net.spec)
        row = {
            "worldview": net.worldview, "target": target,
            "whose_numbers": _whose_numbers(net),
            "posterior": posterior(net, target, ev).as_dict(),
            "cruxes": {h: posterior(net, h, ev).as_dict() for h in headline},
            "evidence": ev.as_dict(), "provenance": dict(net.provenance)}
        if ns.draws is not None:
            from cruxnet.beliefs import Beliefs

            draws = Beliefs(net, ev, draws=ns.draws, seed=ns.seed, ess=ns.ess).posterior_draws(
                target, progress=True)
            row.update({"seed": ns.seed, **draws.summary(ns.ci, ns.ci_kind).as_dict()})
        rows.append(row)
    return rows


def _whose_numbers(net: Any) -> str:
    """The worldview's one-line attribution (or its reading), for every printed headline."""
    wv = net.prior
    if wv is None:
        return ""
    return str(wv.attribution or wv.reading)


def _cmd_summary(ns: argparse.Namespace) -> int:
    rows = _summary_rows(ns)
    if ns.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        return 0
    target = rows[0]["target"]
    ev = rows[0]["evidence"]
    any_ev = any(ev.values())
    print(f"model {ns.model}: P({target}=yes){' given the evidence' if any_ev else ''}")
    width = max(len(r["worldview"]) for r in rows)
    for r in rows:
        post = r["posterior"]
        key = "yes" if "yes" in post else list(post)[-1]
        line = f"  {r['worldview']:<{width}}  {post[key]:7.4f}  {_bar(post[key])}"
        if "interval" in r:
            lo, hi = r["interval"][key]
            line += (f"  mean {r['mean'][key]:.3f}, {r['ci_prob'] * 100:g}% "
                     f"[{lo:.3f}, {hi:.3f}]")
        print(line)
    if "draws" in rows[0]:
        kind = "equal-tailed" if rows[0]["ci_kind"] == "eti" else "highest-density"
        print(f"  (point value, then the mean and {kind} interval over {rows[0]['draws']} "
              f"parameter draws, seed {rows[0]['seed']})")
    readings = [(r["worldview"], r["whose_numbers"]) for r in rows if r["whose_numbers"]]
    if readings:
        print("\nwhose numbers these are:")
        for name, whose in readings:
            print(f"  {name:<{width}}  {whose}")
    cruxes = list(rows[0]["cruxes"])
    if cruxes:
        print("\nheadline cruxes, P(state) under each worldview:")
        for c in cruxes:
            print(f"  {c}")
            for r in rows:
                dist = ", ".join(f"{s} {p:.3f}" for s, p in r["cruxes"][c].items())
                print(f"    {r['worldview']:<{width}}  {dist}")
    print(f"\nmodel sha256 {rows[0]['provenance'].get('spec_sha256', '')[:16]}…, cruxnet "
          f"{rows[0]['provenance'].get('cruxnet_version', '')}")
    return 0


def _validate_file(path: str, model: str | None, normalize: bool) -> str:
    from cruxnet.catalog import check_format, is_network_file, load_model
    from cruxnet.models.spec import model_spec_from_mapping
    from cruxnet.priors.worldview import load_worldview
    from cruxnet.yamlio import load_yaml_mapping

    p = Path(path)
    check_format(p)
    if is_network_file(p):
        entry = load_model(p, normalize=normalize)
        return f"{path}: ok (network {entry.spec.name}, {len(entry.spec.nodes)} nodes)"
    data = load_yaml_mapping(p)
    if "worldview" in data:
        model_ref = model or data.get("model")
        if not isinstance(model_ref, str):
            raise SpecError("the worldview names no 'model'", file=path)
        candidates = [p.parent / f"{model_ref}.yaml", p.parent.parent / f"{model_ref}.yaml",
                      p.parent.parent.parent / "models" / f"{model_ref}.yaml"]
        found = next((c for c in candidates if c.exists()), None)
        entry = load_model(found if found and model is None else model_ref)
        wv = load_worldview(p, entry.spec)
        from cruxnet.priors.draws import unstated_uncertainty

        for exc in unstated_uncertainty(entry.spec, wv):
            print(f"cruxnet: warning: {one_line(exc)}; point queries work, --draws and "
                  "report refuse it", file=sys.stderr)
        return f"{path}: ok (worldview {wv.name} of model {entry.spec.name})"
    if "model" in data:
        spec = model_spec_from_mapping(data, file=path)
        return f"{path}: ok (model {spec.name}, {len(spec.nodes)} nodes)"
    raise SpecError("neither a model ('model:' + 'nodes:') nor a worldview ('worldview:') file",
                    file=path)


def _cmd_validate(ns: argparse.Namespace) -> int:
    failed = 0
    for f in ns.files:
        try:
            print(_validate_file(f, ns.model, ns.normalize))
        except CruxnetError as exc:
            failed += 1
            print(f"cruxnet: error: {one_line(exc)}", file=sys.stderr)
    return EXIT_USAGE if failed else 0


def _cmd_export(ns: argparse.Namespace) -> int:
    from cruxnet.catalog import load_network
    from cruxnet.io.bif import format_bif
    from cruxnet.io.xmlbif import format_xmlbif

    net = load_network(ns.model, ns.worldview, normalize=ns.normalize)
    text = format_bif(net) if ns.format == "bif" else format_xmlbif(net)
    if ns.output:
        try:
            Path(ns.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise SpecError(f"cannot write ({exc.strerror})", file=ns.output) from None
    else:
        sys.stdout.write(text)
    return 0


_COMMANDS = {"models": _cmd_models, "query": _cmd_query, "summary": _cmd_summary,
             "validate": _cmd_validate, "export": _cmd_export,
             "sensitivity": _cmd_sensitivity, "lint": _cmd_lint, "report": _cmd_report,
             "update": _cmd_update, "elicit": _cmd_elicit, "describe": _cmd_describe,
             "show": _cmd_show, "explore": _cmd_explore}


@contextlib.contextmanager
def _notes() -> Iterator[None]:
    """Print a network file's rounding note once per message as ``cruxnet: note: ...`` on
    stderr (other warnings as usual)."""
    import warnings

    from cruxnet.io.bif import RoundedRowsWarning

    seen: set[str] = set()
    default = warnings.showwarning

    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        if issubclass(category, RoundedRowsWarning):
            if str(message) not in seen:
                seen.add(str(message))
                print(f"cruxnet: note: {message}", file=sys.stderr)
            return
        default(message, category, *args, **kwargs)

    with warnings.catch_warnings():
        warnings.simplefilter("always", RoundedRowsWarning)
        warnings.showwarning = show
        yield


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cruxnet`` command; returns the exit status."""
    ns = build_parser().parse_args(argv)
    with _notes():
        return _run(ns)


def _run(ns: argparse.Namespace) -> int:
    """Run the command, turning what can go wrong into one line and an exit status."""
    try:
        return _COMMANDS[ns.command](ns)
    except CruxnetError as exc:
        if os.environ.get("CRUXNET_DEBUG"):
            raise
        print(f"cruxnet: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cruxnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file the user named cannot be read or written
        if os.environ.get("CRUXNET_DEBUG"):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cruxnet: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        if os.environ.get("CRUXNET_DEBUG"):
            raise
        print(f"cruxnet: error: internal error ({exc.__class__.__name__}: {exc}); please "
              "report it, with CRUXNET_DEBUG=1 for the traceback", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
