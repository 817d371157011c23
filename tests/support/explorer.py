"""What the explorer's tests share: random evidence, evidence as the page writes it, and golden
vectors of the page's numbers computed by the Python engine (for tests/js/ under Node.js)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from cruxnet import Evidence, posterior, posterior_draws
from cruxnet.base.errors import ImpossibleEvidenceError
from cruxnet.draws.dataset import DatasetDraws
from cruxnet.explorer.payload import draws_dataset
from cruxnet.inference.summary import equal_tailed


def ev_json(ev: Evidence, net: Any) -> dict[str, Any]:
    """Evidence as the page takes it: {hard, do, likelihood: {node: {state: weight}}}."""
    ev = ev.resolved(net.spec)
    return {"hard": dict(ev.hard), "do": dict(ev.do),
            "likelihood": {n: dict(zip(net.spec.node(n).states, map(float, v), strict=True))
                           for n, v in ev.likelihood.items()}}


def random_evidence(net: Any, rng: np.random.Generator) -> Evidence:
    """Hard evidence on 0-3 nodes, a likelihood on 0-1, do() on 0-1 (distinct nodes)."""
    ids = list(net.spec.node_ids)
    chosen = rng.permutation(ids)[:5]
    hard, lik, do = {}, {}, {}
    for k, node in enumerate(chosen):
        states = net.spec.node(node).states
        if k < int(rng.integers(0, 4)):
            hard[node] = states[int(rng.integers(len(states)))]
        elif k == 3 and rng.random() < 0.7:
            lik[node] = tuple(float(x) for x in rng.uniform(0.05, 1.0, len(states)))
        elif k == 4 and rng.random() < 0.6:
            do[node] = states[int(rng.integers(len(states)))]
    return Evidence(hard=hard, likelihood=lik, do=do)


def exactly_normalized(net: Any) -> Any:
    """A network file's tables with every row divided by its sum (rounded files are off by up
    to 1e-9; the page divides too, see cruxnet.explorer.payload)."""
    for node in net.spec.node_ids:
        cpt = np.asarray(net.cpts[node])
        net = net.with_cpt(node, cpt / cpt.sum(axis=-1, keepdims=True))
    return net


def _nan_to_none(values: np.ndarray) -> list[float | None]:
    return [None if np.isnan(x) else float(x) for x in values]


def case(net: Any, data: dict[str, Any], ev: Evidence, *, worldview: int = 0,
         with_draws: bool = False, source: Any = None,
         mine: dict[str, list[float]] | None = None) -> dict[str, Any]:
    """One golden case: every node's point beliefs under ``ev`` (cruxnet's exact engine on
    ``net``), and with ``with_draws`` P(target) in each of the page's draws (the batched engine
    on the draws the page holds, or on ``source``), the equal-tailed interval and the count
    kept."""
    spec = net.spec
    out: dict[str, Any] = {"worldview": worldview, "evidence": ev_json(ev, net)}
    if mine:
        out["mine"] = mine
    try:
        out["beliefs"] = {n: posterior(net, n, ev).probs.tolist() for n in spec.node_ids}
    except ImpossibleEvidenceError:
        out["impossible"] = True
        return out
    if with_draws:
        target = spec.node_ids[data["model"]["target"]]
        soi = data["model"]["state"]
        if source is None:
            source = DatasetDraws(spec, draws_dataset(data, net, worldview))
        py = posterior_draws(net, target, ev, parameters=source)
        ref = np.full(data["draws"], np.nan)
        ref[py.draw] = py.probs[:, soi]
        ok = ~np.isnan(ref)
        out["target_draws"] = _nan_to_none(ref)
        out["interval"] = [float(x) for x in equal_tailed(ref[ok], data["ci_prob"])]
        out["kept"] = int(ok.sum())
    return out


def random_cases(net: Any, data: dict[str, Any], rng: np.random.Generator, n: int, *,
                 draws_cases: int, worldview: int = 0) -> list[dict[str, Any]]:
    """``n`` cases with random evidence; the first ``draws_cases`` also over the draws."""
    return [case(net, data, random_evidence(net, rng), worldview=worldview,
                 with_draws=bool(data["draws"]) and k < draws_cases) for k in range(n)]


def write_golden(folder: Path, name: str, data: dict[str, Any], cases: list[dict[str, Any]],
                 *, min_possible: int, tables: list[dict[str, Any]] | None = None) -> Path:
    """One golden file for tests/js/explorer_numbers.test.mjs."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    doc = {"name": name, "data": data, "cases": cases, "min_possible": min_possible}
    if tables is not None:
        doc["tables"] = tables
    path.write_text(json.dumps(doc, allow_nan=False), encoding="utf-8")
    return path
