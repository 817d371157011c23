"""Ask questions: P(target | evidence) under one worldview (query), the headline under each
(summary)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cruxnet.cli.options import Subparsers, bar, evidence, my_view, query_args

__all__ = ["register"]


def register(sub: Subparsers) -> None:
    """Add the query, summary commands."""
    p = sub.add_parser(
        "query", help="P(TARGET | evidence) under a worldview, with credible intervals",
        description="Exact posterior of TARGET given evidence (hard, likelihood, fixed "
                    "marginal) and interventions (do); with --draws, its uncertainty across "
                    "parameter draws. Example: cruxnet query catastrophe -e scheming=yes "
                    "--do capability_restraint=pause --draws 1e5 --seed 1")
    p.add_argument("target", metavar="TARGET", help="node to query")
    query_args(p, many_worldviews=False)
    p.set_defaults(run=_cmd_query)

    p = sub.add_parser("summary", help="headline probabilities under each worldview",
                       description="For each worldview: P(outcome) and the headline cruxes' "
                                   "marginals, with any evidence applied.")
    query_args(p, many_worldviews=True)
    p.set_defaults(run=_cmd_summary)


def _cmd_query(ns: argparse.Namespace) -> int:
    from cruxnet.catalog import load_network
    from cruxnet.inference.exact import posterior

    net = my_view(ns, load_network(ns.model, ns.worldview, normalize=ns.normalize))
    ev = evidence(ns, net.spec)
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
    if net.provenance.get("stated_marginals"):
        print(f"  my view (stated marginals): {net.provenance['stated_marginals']}")
    width = max(len(s) for s in post.states)
    for s, p in post.as_dict().items():
        print(f"  {s:<{width}}  {p:8.4f}  {bar(p)}")
    for line in text_extra:
        print(f"  {line}")
    return 0


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
        line = f"  {r['worldview']:<{width}}  {post[key]:7.4f}  {bar(post[key])}"
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
        net = my_view(ns, network_for(entry, w))
        ev = evidence(ns, net.spec)
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
