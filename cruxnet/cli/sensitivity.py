"""What moves P(target): the sensitivity command."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cruxnet.base.errors import CruxnetError
from cruxnet.cli.options import (
    Subparsers,
    ci_arg,
    draws_arg,
    draws_or_zero_arg,
    ess_arg,
    evidence,
    evidence_args,
    model_args,
    my_view,
    seed_arg,
    threshold_arg,
)

__all__ = ["register"]


def register(sub: Subparsers) -> None:
    """Add the sensitivity command."""
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
    model_args(p)
    evidence_args(p)
    g = p.add_argument_group("method")
    g.add_argument("--method", choices=("tornado", "functions", "voi", "sobol", "levers",
                                        "cruxes"), default="tornado")
    g.add_argument("--compare", default=None, metavar="W2",
                   help="a second worldview of the same model: attribute the difference")
    g.add_argument("--threshold", type=threshold_arg, default=None, metavar="T",
                   help="decision threshold on P(TARGET) in (0, 1), for --method cruxes")
    g.add_argument("--nodes", default=None, metavar="A,B,...",
                   help="nodes (or levers) to analyse (default: all that apply)")
    g.add_argument("--include-outcomes", action="store_true",
                   help="rank the model's outcome nodes too (tornado, voi, cruxes); by default "
                        "they are left out, being the outcome's definition, not something "
                        "anyone can learn or set beforehand")
    g.add_argument("--draws", "-n", type=draws_or_zero_arg, default=1000, metavar="N",
                   help="parameter draws for intervals (default 1000; 0: point values only)")
    g.add_argument("--seed", type=seed_arg, default=0, metavar="S", help="random seed")
    g.add_argument("--ci", type=ci_arg, default=0.9, metavar="P",
                   help="interval mass (default 0.9)")
    g.add_argument("--samples", type=draws_arg, default=1024, metavar="N",
                   help="Sobol base sample size, a power of 2 (default 1024)")
    g.add_argument("--by", choices=("node", "parameter"), default="node",
                   help="Sobol factors: one per node (default) or per parameter")
    g.add_argument("--ess", type=ess_arg, default=None, metavar="E",
                   help="effective sample size for rows without one (BIF networks)")
    g.add_argument("--top", type=draws_arg, default=20, metavar="K",
                   help="rows to print (default 20)")
    g.add_argument("--plot", default=None, metavar="FILE.png",
                   help="also save a plot (tornado, levers, sobol, compare)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_cmd_sensitivity)


def _cmd_sensitivity(ns: argparse.Namespace) -> int:
    import numpy as np

    import cruxnet.sensitivity as sens
    from cruxnet.catalog import load_network
    from cruxnet.sensitivity.render import to_records, to_text

    plot_path = _plot_path(ns.plot) if ns.plot else None
    net = my_view(ns, load_network(ns.model, ns.worldview, normalize=ns.normalize))
    ev = evidence(ns, net.spec)
    q = sens.Question(net, ns.target, ns.state, ev, draws=ns.draws, seed=ns.seed,
                      ci_prob=ns.ci, ess=ns.ess)
    nodes = [n.strip() for n in ns.nodes.split(",") if n.strip()] if ns.nodes else None
    results: list[tuple[str, Any]] = []
    if ns.compare is not None:
        other = my_view(ns, load_network(ns.model, ns.compare, normalize=ns.normalize))
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
        from cruxnet.base.figure import figure_bytes
        from cruxnet.base.writer import write_atomic
        from cruxnet.sensitivity.plots import plot

        assert plot_path is not None

        write_atomic(plot_path, figure_bytes(plot(results[0][1], results[0][0]),
                                             plot_path.suffix[1:], dpi=120))
        print(f"cruxnet: wrote {plot_path}", file=sys.stderr)
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


#: The picture formats --plot writes, by extension.
PLOT_FORMATS = (".png", ".svg", ".pdf")


def _plot_path(text: str) -> Path:
    """The --plot file, checked before any computing: a name without an extension gets .png
    (and the file actually written is named), a folder or an unknown extension is refused."""
    from cruxnet.base.writer import check_writable

    p = Path(text)
    if p.is_dir():
        raise CruxnetError(f"--plot {text}: that is a folder; give a file name such as "
                           f"{p / 'tornado.png'}")
    if not p.suffix:
        p = p.with_name(p.name + ".png")
    if p.suffix.lower() not in PLOT_FORMATS:
        raise CruxnetError(f"--plot {text}: unknown picture format {p.suffix!r}; use "
                           f"{', '.join(PLOT_FORMATS)}")
    return check_writable(p, what="plot")
