"""Look at and check models and worldviews: list, describe, validate, export, lint."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cruxnet.base.errors import CruxnetError, SpecError, one_line
from cruxnet.cli.options import (
    EXIT_USAGE,
    Subparsers,
    draws_or_zero_arg,
    ess_arg,
    model_args,
    seed_arg,
)

__all__ = ["register"]


def register(sub: Subparsers) -> None:
    """Add the models, describe, validate, export, lint commands."""
    p = sub.add_parser("models", help="list bundled models and their worldviews",
                       description="List bundled models and their worldviews.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_cmd_models)

    p = sub.add_parser(
        "describe", help="what each node means and what you can set: parameters, paths, marginal",
        description="Every node, or the ones named: label, states, definition, role, parents "
                    "with the reason for each edge, citations, the CPT's form and its "
                    "parameters with the paths a worldview file's `set:` takes, and the "
                    "node's marginal now. Example: cruxnet describe scheming -w gs_deference")
    p.add_argument("nodes", nargs="*", metavar="NODE", help="nodes to describe (default: all)")
    model_args(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_cmd_describe)

    p = sub.add_parser("validate", help="check model, worldview and network files",
                       description="Validate model (.yaml), worldview (.yaml) and network "
                                   "(.bif/.xmlbif) files; print one line per file.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--model", "-m", default=None, metavar="M",
                   help="model to check worldview files against (default: the one they name)")
    p.add_argument("--normalize", action="store_true", help="accept rounded BIF/XMLBIF rows")
    p.set_defaults(run=_cmd_validate)

    p = sub.add_parser("export", help="write a model + worldview as BIF or XMLBIF",
                       description="Write the point CPTs of a model + worldview as BIF or XMLBIF "
                                   "(opens in pgmpy, pyAgrum, GeNIe, Netica).")
    model_args(p)
    p.add_argument("--format", "-f", choices=("bif", "xmlbif"), required=True)
    p.add_argument("--output", "-o", default=None, metavar="FILE",
                   help="file to write (default: standard output)")
    p.set_defaults(run=_cmd_export)

    p = sub.add_parser("lint", help="check a worldview's coherence",
                       description="Coherence lint of a worldview: structural zeros and orders "
                                   "the model declares (expect:), overconfident rows, stated "
                                   "marginals against implied ones. Exit status 1 if any "
                                   "error is found.")
    p.add_argument("worldview", metavar="WORLDVIEW", help="worldview name or .yaml path")
    p.add_argument("--model", "-m", default="crux_network", metavar="M",
                   help="bundled model name or path (default: crux_network)")
    p.add_argument("--max-ess", type=ess_arg, default=200.0, metavar="E",
                   help="report effective sample sizes above this (default 200)")
    p.add_argument("--draws", "-n", type=draws_or_zero_arg, default=1000, metavar="N",
                   help="draws for the share breaking a declared order (default 1000; 0: skip)")
    p.add_argument("--seed", type=seed_arg, default=0, metavar="S", help="random seed")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_cmd_lint)


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


def _cmd_describe(ns: argparse.Namespace) -> int:
    from cruxnet.catalog import load_network
    from cruxnet.views.describe import describe_nodes, describe_text

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
    from cruxnet.base.writer import check_writable, write_atomic
    from cruxnet.catalog import load_network
    from cruxnet.io.bif import format_bif
    from cruxnet.io.xmlbif import format_xmlbif

    if ns.output == "-":  # the usual name for standard output
        ns.output = None
    if ns.output:
        check_writable(ns.output, what="network file", inputs=[ns.model, ns.worldview])
    net = load_network(ns.model, ns.worldview, normalize=ns.normalize)
    text = format_bif(net) if ns.format == "bif" else format_xmlbif(net)
    if ns.output:
        write_atomic(ns.output, text)
    else:
        sys.stdout.write(text)
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


def _validate_file(path: str, model: str | None, normalize: bool) -> str:
    from cruxnet.base.yamlio import load_yaml_mapping
    from cruxnet.catalog import check_format, is_network_file, load_model
    from cruxnet.files.model import model_spec_from_mapping
    from cruxnet.files.worldview import load_worldview

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
        from cruxnet.draws.worldview import unstated_uncertainty

        for exc in unstated_uncertainty(entry.spec, wv):
            print(f"cruxnet: warning: {one_line(exc)}; point queries work, --draws and "
                  "report refuse it", file=sys.stderr)
        return f"{path}: ok (worldview {wv.name} of model {entry.spec.name})"
    if "model" in data:
        spec = model_spec_from_mapping(data, file=path)
        return f"{path}: ok (model {spec.name}, {len(spec.nodes)} nodes)"
    raise SpecError("neither a model ('model:' + 'nodes:') nor a worldview ('worldview:') file",
                    file=path)
