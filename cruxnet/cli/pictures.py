"""Pictures to look at: the network with its beliefs (show), the interactive explorer page
(explore)."""

from __future__ import annotations

import argparse
import json

from cruxnet.cli.options import (
    Subparsers,
    default_first,
    evidence,
    evidence_args,
    model_args,
    my_view,
    picture_args,
)

__all__ = ["register"]


def register(sub: Subparsers) -> None:
    """Add the show, explore commands."""
    p = sub.add_parser(
        "show", help="draw the network with every node's beliefs (SVG)",
        description="Draw the network as an SVG: each node a box with one bar per state (the "
                    "belief given the evidence, a 90% interval over parameter draws with "
                    "--draws), evidence and do() marked, causes left and the target right. "
                    "Example: cruxnet show -e scheming=no --do capability_restraint=pause "
                    "--draws 1000 --out net.svg")
    model_args(p)
    evidence_args(p)
    picture_args(p, "the node outlined as the target", None,
                  "add a 90%% interval over N parameter draws to every bar", "network.svg",
                  "print the beliefs drawn as JSON")
    p.set_defaults(run=_cmd_show)

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
    model_args(p, many_worldviews=True)
    evidence_args(p)
    picture_args(p, "the node the page headlines", 1000,
                  "parameter draws the page's intervals come from (default 1000)", "explore.html",
                  "print what was written as JSON")
    p.add_argument("--no-draws", action="store_true", help="point beliefs only (a smaller page)")
    p.set_defaults(run=_cmd_explore)


def _cmd_show(ns: argparse.Namespace) -> int:
    from cruxnet.base.writer import check_writable
    from cruxnet.catalog import load_network
    from cruxnet.views.netview import network_view

    out = check_writable(ns.out, what="picture", suffixes=(".svg",),
                         inputs=[ns.model, ns.worldview])
    net = my_view(ns, load_network(ns.model, ns.worldview, normalize=ns.normalize))
    ev = evidence(ns, net.spec)
    if ns.target is not None and ns.target not in net.spec:
        from cruxnet.base.errors import EvidenceError, did_you_mean

        raise EvidenceError(f"unknown target node {ns.target!r} in model {net.spec.name}"
                            + did_you_mean(ns.target, net.spec.node_ids))
    view = network_view(net, ev, draws=ns.draws, seed=ns.seed, target=ns.target, ess=ns.ess)
    view.save(out)
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
    from cruxnet.base.writer import check_writable
    from cruxnet.catalog import load_model, network_for, worldview_names
    from cruxnet.explorer import explorer_page

    out = check_writable(ns.out, what="page", suffixes=(".html", ".htm"),
                         inputs=[ns.model, *(ns.worldview or [])])
    entry = load_model(ns.model, normalize=ns.normalize)
    names = ns.worldview or default_first(entry.spec.default_worldview, worldview_names(entry))
    nets = [my_view(ns, network_for(entry, w)) for w in names]
    spec = nets[0].spec
    ev = evidence(ns, spec)
    if ns.target is not None and ns.target not in spec:
        from cruxnet.base.errors import EvidenceError, did_you_mean

        raise EvidenceError(f"unknown target node {ns.target!r} in model {spec.name}"
                            + did_you_mean(ns.target, spec.node_ids))
    draws = 0 if ns.no_draws else ns.draws
    page = explorer_page(nets, ev, draws=draws, seed=ns.seed, target=ns.target, ess=ns.ess)
    page.save(out)
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
