"""Changing beliefs: replay an evidence ledger (update), pool elicitation records or run the
interview (elicit)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cruxnet.base.errors import CruxnetError
from cruxnet.cli.options import Subparsers, ci_arg, draws_arg, model_args, seed_arg

__all__ = ["register"]


def register(sub: Subparsers) -> None:
    """Add the update, elicit commands."""
    p = sub.add_parser(
        "update", help="replay an evidence ledger: the belief trajectory",
        description="Replay an evidence ledger (JSON Lines: hard, likelihood, fixed, do and data "
                    "entries, each with citation, date and by) onto a worldview and show "
                    "P(TARGET) and the headline cruxes after each entry, with intervals. The "
                    "ledger file is only read. Example: cruxnet update ledger.jsonl")
    p.add_argument("ledger", metavar="LEDGER", help="the ledger (.jsonl)")
    model_args(p)
    p.add_argument("--target", default=None, metavar="T",
                   help="outcome node (default: catastrophe, or the model's last outcome)")
    p.add_argument("--state", default=None, metavar="S",
                   help="the target's state to report (default: its state of interest, e.g. "
                        "yes)")
    p.add_argument("--draws", "-n", type=draws_arg, default=2000, metavar="N",
                   help="parameter draws per step for the intervals (default 2000)")
    p.add_argument("--seed", type=seed_arg, default=0, metavar="S", help="random seed")
    p.add_argument("--ci", type=ci_arg, default=0.9, metavar="P",
                   help="interval mass (default 0.9)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_cmd_update)

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
    p.add_argument("--seed", type=seed_arg, default=0, metavar="S",
                   help="random seed of the hierarchical fit")
    p.add_argument("--draws", "-n", type=draws_arg, default=1000, metavar="N",
                   help="hierarchical fit: draws per chain (default 1000)")
    p.add_argument("--tune", type=draws_arg, default=1000, metavar="N",
                   help="hierarchical fit: tuning steps per chain (default 1000)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_cmd_elicit)


def _cmd_update(ns: argparse.Namespace) -> int:
    from cruxnet.catalog import load_network
    from cruxnet.sensitivity.render import to_records
    from cruxnet.updating.ledger import read_ledger
    from cruxnet.updating.replay import replay_ledger

    net = load_network(ns.model, ns.worldview, normalize=ns.normalize)
    entries = read_ledger(ns.ledger, net.spec)
    spec = net.spec
    target = ns.target or spec.default_target()
    if target not in spec:
        from cruxnet.base.errors import EvidenceError

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


def _cmd_elicit(ns: argparse.Namespace) -> int:
    import dataclasses
    import warnings

    import numpy as np

    from cruxnet.base.writer import check_writable, write_atomic_by
    from cruxnet.catalog import load_model, network_from_worldview, resolve_elicitation
    from cruxnet.inference.exact import posterior
    from cruxnet.model.elicit import ElicitationWarning
    from cruxnet.sensitivity.render import to_records
    from cruxnet.updating.pooling import compile_elicitation
    from cruxnet.updating.records import load_elicitation

    entry = load_model(ns.model)
    spec = entry.spec
    target = ns.target or spec.default_target()
    if target not in spec:
        from cruxnet.base.errors import EvidenceError

        raise EvidenceError(f"unknown target node {target!r} in model {spec.name}")
    if ns.interview:
        if ns.records is not None:
            raise CruxnetError("--interview writes its own records; give no RECORDS file")
        from cruxnet.cli.interview import Interview, InterviewStopped

        try:
            Interview(entry, base=ns.base, out=ns.out, target=target).run()
        except InterviewStopped as exc:
            print(f"cruxnet: {exc}", file=sys.stderr)
            return 1
        return 0
    if ns.records is None:
        raise CruxnetError("give an elicitation file (RECORDS), or --interview to answer "
                           "questions instead")
    if ns.base is not None:
        raise CruxnetError("--base is the interview's starting worldview; give it with "
                           "--interview (an elicitation file names its base in 'extends:')")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ElicitationWarning)
        records = load_elicitation(resolve_elicitation(entry, ns.records), spec)
    for w in caught:
        print(f"cruxnet: warning: {w.message}", file=sys.stderr)
    if ns.pool is not None:
        records = dataclasses.replace(records, pool=ns.pool)
    if ns.idata and records.pool != "hierarchical":
        raise CruxnetError("--idata is for the hierarchical pool (--pool hierarchical)")
    check_writable(Path(ns.out) if ns.out else Path(f"{records.name}.yaml"), what="worldview")
    if ns.idata:
        check_writable(ns.idata, what="InferenceData")
    compiled = compile_elicitation(records, seed=ns.seed, draws=ns.draws, tune=ns.tune,
                                   progress=sys.stderr.isatty())
    out = Path(ns.out) if ns.out else Path(f"{records.name}.yaml")
    compiled.save(out)
    if ns.idata and compiled.idata is not None:
        write_atomic_by(ns.idata, lambda tmp: compiled.idata.to_netcdf(str(tmp)))
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
