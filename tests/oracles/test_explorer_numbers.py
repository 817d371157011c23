"""The explorer page's numbers, under Node.js, against the Python engine and pyAgrum.

The page computes everything in its own JavaScript, ES modules under cruxnet/explorer/static/
(engine/: Hugin propagation and the batched engine's contraction plan, with WebAssembly
kernels, stated marginals, intervals; forms/: one module per CPT form; model/: decoding the
draws, "my view", swings, intervals), which the Node test imports as they are (the page
inlines them bundled by cruxnet.explorer.page.bundle_js). Here Python writes golden vectors
(tests/support/explorer.py) for the page kinds people get: the crux network with tables that
travel as forms' parameters, every other bundled model with all its worldviews, bnlearn
networks whose tables travel as columns (from asia to hailfinder), pyAgrum's answers, and a
stated marginal ("my view") met in every draw; then ``node --test`` runs
tests/js/explorer_numbers.test.mjs on them. Each number must match to 1e-12 (pyAgrum 1e-9;
tables against Python's own float64 draws 2e-6, as the page's parameters are float32).

The browser tests (tests/system/test_explorer_browser.py) keep the clicks, undo, links,
downloads, escaping and limits, and one end-to-end check of the numbers per page kind.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from support import ROOT
from support.explorer import (
    case,
    exactly_normalized,
    random_cases,
    random_evidence,
    write_golden,
)
from support.oracles import agrum_from_pgmpy_name, agrum_query, bnlearn_path

from cruxnet import Evidence, draw_parameters, load_network, posterior
from cruxnet.base.errors import ImpossibleEvidenceError
from cruxnet.catalog import load_model, network_for, worldview_names
from cruxnet.draws.dataset import DatasetDraws
from cruxnet.draws.values import cpt_name
from cruxnet.explorer import explorer_page
from cruxnet.explorer.payload import draws_dataset
from cruxnet.inference.marginals import StatedMarginalDraws, with_stated_marginals
from cruxnet.model.stated import StatedMarginal
from cruxnet.sensitivity import Question, node_swings

JS_TEST = ROOT / "tests" / "js" / "explorer_numbers.test.mjs"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is missing: apt-get install nodejs (make test installs it as root)")
    return node


def _run_node(node: str, golden: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([node, "--test", str(JS_TEST)],
                          env={**os.environ, "CRUXNET_GOLDEN": str(golden)},
                          capture_output=True, text=True, timeout=600, check=False)


def _crux_network(folder: Path) -> None:
    """The crux network: tables as forms' parameters, 300 draws, swings, every table."""
    net = load_network("crux_network", "karnofsky_playbook")
    page = explorer_page([net], draws=300, seed=4)
    data = page.data
    forms = {n for n, e in data["worldviews"][0]["draws"].items() if "program" in e}
    assert {"scheming", "lead_time", "exogenous_catastrophe", "safety_investment",
            "in_sweet_spot", "deference_timing", "bgd_exists"} <= forms
    cases = random_cases(net, data, np.random.default_rng(7), 8, draws_cases=2)
    fixed = [Evidence(), Evidence(hard={"scheming": "no"}, do={"capability_restraint": "pause"}),
             Evidence(hard={"lead_time": "to_2y"}),
             Evidence(hard={"scheming": "yes"}, likelihood={"bgd_exists": (1.0, 3.0)})]
    for ev in fixed:
        c = case(net, data, ev, with_draws=True)
        swings = node_swings(Question(net, "catastrophe", "yes", ev))
        c["swings"] = [{"node": str(n), "low": float(swings.sel(node=n)["low"]),
                        "high": float(swings.sel(node=n)["high"])}
                       for n in swings["node"].values[:8]]
        cases.append(c)
    # Two kinds of evidence on one node multiply in, as in Python: consistent ones answer,
    # contradicting ones are impossible (the page once dropped one of them silently).
    for ev in (Evidence(hard={"scheming": "yes"}, do={"scheming": "no"}),
               Evidence(hard={"scheming": "yes"}, do={"scheming": "yes"}),
               Evidence(hard={"scheming": "yes"}, likelihood={"scheming": (1.0, 0.0)}),
               Evidence(hard={"scheming": "yes"}, likelihood={"scheming": (0.0, 2.0)}),
               Evidence(do={"scheming": "yes"}, likelihood={"scheming": (3.0, 0.0)}),
               Evidence(do={"scheming": "no"}, likelihood={"scheming": (3.0, 1.0)})):
        cases.append(case(net, data, ev, with_draws=True))
    # Every table the page holds, rebuilt in JavaScript from its forms' parameters, equals the
    # Python forms' rebuild from the same parameters, and Python's own draws to rounding.
    ds = draws_dataset(data, net, 0)
    seeded = draw_parameters(net, draws=300, seed=4)
    tables = []
    for node in net.spec.node_ids:
        name = cpt_name(net.spec, node)
        entries = int(np.prod(ds[name].shape[1:])) if "draw" in ds[name].dims else ds[name].size
        page_draws = np.broadcast_to(ds[name].values.reshape(-1, entries), (300, entries))[:20]
        own = np.broadcast_to(seeded[name].values.reshape(-1, entries), (300, entries))[:20]
        tables.append({"worldview": 0, "node": node, "form": node in forms,
                       "page": page_draws.tolist(), "python": own.tolist()})
    write_golden(folder, "crux_network", data, cases, min_possible=6, tables=tables)


def _my_view(folder: Path) -> None:
    """A stated marginal met exactly in the point tables and in every draw."""
    net = load_network("crux_network", "gs_deference")
    data = explorer_page([net], draws=100, seed=3).data
    mine = with_stated_marginals(net, {"scheming": StatedMarginal("scheming", (0.92, 0.08),
                                                                exact=True)})
    source = StatedMarginalDraws(DatasetDraws(net.spec, draws_dataset(data, net, 0)), mine,
                                 seed=3)
    states = net.spec.node("deception_demonstrated").states
    cases = []
    for ev in (Evidence(likelihood={"deception_demonstrated": (1.0, 2.5, 4.0)[:len(states)]}),
               Evidence(hard={"lead_time": "under_2wk"}), Evidence()):
        c = case(mine, data, ev, with_draws=True, source=source,
                 mine={"scheming": [0.92, 0.08]})
        c["draws_tol"] = 1e-10  # two Newton solves of the same tilt, each to ~1e-13
        cases.append(c)
    assert cases[-1]["beliefs"]["scheming"][1] == pytest.approx(0.08, abs=1e-12)
    write_golden(folder, "my_view", data, cases, min_possible=3)


def _bundled(folder: Path, model: str) -> None:
    """Every worldview of another bundled model, switched as the page switches them."""
    entry = load_model(model)
    nets = [network_for(entry, w) for w in worldview_names(entry)]
    data = explorer_page(nets, draws=200, seed=5).data
    cases = []
    for k, net in enumerate(nets):
        cases += random_cases(net, data, np.random.default_rng(k), 6, draws_cases=2,
                              worldview=k)
    write_golden(folder, model, data, cases, min_possible=2 * len(nets))


def _bnlearn(folder: Path, name: str, draws: int) -> None:
    """Tables without forms travel as columns (and float32 rounding of them)."""
    net = exactly_normalized(load_network(bnlearn_path(name), normalize=True))
    data = explorer_page([net], draws=draws, seed=1, ess=50).data
    cases = random_cases(net, data, np.random.default_rng(3), 10, draws_cases=2)
    write_golden(folder, f"bnlearn_{name}", data, cases, min_possible=4)


def _pyagrum(folder: Path) -> None:
    """pyAgrum's LazyPropagation on alarm (parsed by pgmpy, not by cruxnet)."""
    net = exactly_normalized(load_network(bnlearn_path("alarm"), normalize=True))
    data = explorer_page([net], draws=0).data
    bn = agrum_from_pgmpy_name("alarm")
    rng = np.random.default_rng(11)
    cases = []
    for _ in range(8):
        ev = random_evidence(net, rng)
        ev = Evidence(hard=ev.hard, likelihood=ev.likelihood)  # pyAgrum: no do() here
        try:
            posterior(net, "BP", ev)
        except ImpossibleEvidenceError:
            continue
        c = case(net, data, ev)
        c["beliefs"] = {node: list(agrum_query(bn, node, dict(ev.hard),
                                               {k: list(v) for k, v in ev.likelihood.items()}
                                               ).values())
                        for node in ("BP", "HR", "CO", "LVFAILURE")}
        c["tol"] = 1e-9
        cases.append(c)
    write_golden(folder, "pyagrum_alarm", data, cases, min_possible=4)


#: A model whose nodes and states are JavaScript built-in names (legal in cruxnet models): the
#: page keys its maps by them (cruxnet/explorer/static/engine/names.js).
BUILTIN_MODEL = """\
model: builtins
default_worldview: w
nodes:
  - {id: constructor, states: [toString, valueOf], parents: []}
  - {id: __proto__, states: [__proto__, hasOwnProperty, constructor], parents: []}
  - {id: toString, states: [prototype, isPrototypeOf], parents: [constructor]}
  - {id: hasOwnProperty, states: [__defineGetter__, __proto__], parents: [__proto__]}
  - {id: valueOf, states: ["no", "yes"], parents: [toString, hasOwnProperty], role: outcome}
  - {id: prototype, states: [valueOf, toString], parents: [valueOf]}
"""
BUILTIN_WORLDVIEW = """\
worldview: w
model: builtins
default_ess: 5
cpts:
  constructor: {form: table, p: 0.3}
  __proto__: {form: table, p: [0.2, 0.5, 0.3]}
  toString: {form: table, rows: {toString: [0.7, 0.3], valueOf: [0.2, 0.8]}}
  hasOwnProperty:
    form: table
    rows: {__proto__: [0.9, 0.1], hasOwnProperty: [0.4, 0.6], constructor: [0.25, 0.75]}
  valueOf:
    form: table
    rows:
      - {when: {toString: prototype, hasOwnProperty: __defineGetter__}, p: 0.1}
      - {when: {toString: prototype, hasOwnProperty: __proto__}, p: 0.5}
      - {when: {toString: isPrototypeOf, hasOwnProperty: __defineGetter__}, p: 0.3}
      - {when: {toString: isPrototypeOf, hasOwnProperty: __proto__}, p: 0.8}
  prototype: {form: table, rows: {"no": [0.6, 0.4], "yes": [0.15, 0.85]}}
"""


def _builtin_names(folder: Path) -> None:
    """Nodes and states named constructor, __proto__, toString...: evidence of every kind on
    them, and a stated marginal on the node __proto__, met in every draw."""
    (folder / "m.yaml").write_text(BUILTIN_MODEL)
    (folder / "w.yaml").write_text(BUILTIN_WORLDVIEW)
    net = load_network(folder / "m.yaml")
    data = explorer_page([net], draws=200, seed=2).data
    cases = random_cases(net, data, np.random.default_rng(5), 6, draws_cases=2)
    for ev in (Evidence(hard={"constructor": "valueOf", "__proto__": "__proto__"}),
               Evidence(likelihood={"hasOwnProperty": (2.5, 0.5)}, do={"toString": "prototype"}),
               Evidence(hard={"prototype": "toString"},
                        likelihood={"__proto__": (1.0, 0.0, 3.0)})):
        c = case(net, data, ev, with_draws=True)
        swings = node_swings(Question(net, "valueOf", "yes", ev))
        c["swings"] = [{"node": str(n), "low": float(swings.sel(node=n)["low"]),
                        "high": float(swings.sel(node=n)["high"])}
                       for n in swings["node"].values[:3]]
        cases.append(c)
    mine = with_stated_marginals(net, {"__proto__": StatedMarginal(
        "__proto__", (0.2, 0.3, 0.5), exact=True)})
    source = StatedMarginalDraws(DatasetDraws(net.spec, draws_dataset(data, net, 0)), mine,
                                 seed=2)
    for ev in (Evidence(), Evidence(likelihood={"hasOwnProperty": (1.0, 4.0)})):
        c = case(mine, data, ev, with_draws=True, source=source,
                 mine={"__proto__": [0.2, 0.3, 0.5]})
        c["draws_tol"] = 1e-10  # two Newton solves of the same tilt, each to ~1e-13
        cases.append(c)
    assert cases[-2]["beliefs"]["__proto__"] == pytest.approx([0.2, 0.3, 0.5], abs=1e-12)
    write_golden(folder, "builtin_names", data, cases, min_possible=8)


WRITERS = {
    "crux_network": _crux_network,
    "my_view": _my_view,
    "carlsmith_2021": lambda f: _bundled(f, "carlsmith_2021"),
    "honeypot_tests": lambda f: _bundled(f, "honeypot_tests"),
    "asia": lambda f: _bnlearn(f, "asia", 200),
    "alarm": lambda f: _bnlearn(f, "alarm", 200),
    "child": lambda f: _bnlearn(f, "child", 100),
    "insurance": lambda f: _bnlearn(f, "insurance", 50),
    "hailfinder": lambda f: _bnlearn(f, "hailfinder", 100),
    "pyagrum_alarm": _pyagrum,
    "builtin_names": _builtin_names,
}


@pytest.mark.parametrize("kind", list(WRITERS))
def test_page_numbers_under_node(kind: str, tmp_path: Path) -> None:
    node = _node()
    WRITERS[kind](tmp_path)
    proc = _run_node(node, tmp_path)
    assert proc.returncode == 0, (proc.stdout[-4000:], proc.stderr[-2000:])
    # "# pass N" (TAP, Node 18-22 off a terminal) or "ℹ pass N" (the spec reporter)
    passed = re.search(r"^\W*pass (\d+)$", proc.stdout, re.MULTILINE)
    assert passed and int(passed.group(1)) >= 2, proc.stdout[-2000:]


def test_the_node_test_fails_on_a_wrong_number(tmp_path: Path) -> None:
    """The node test is not vacuous: one belief moved by 1e-9 fails it."""
    node = _node()
    _bundled(tmp_path, "carlsmith_2021")
    (path,) = tmp_path.glob("*.json")
    doc = json.loads(path.read_text())
    first = next(c for c in doc["cases"] if "beliefs" in c)
    node_id = next(iter(first["beliefs"]))
    first["beliefs"][node_id][0] += 1e-9
    path.write_text(json.dumps(doc))
    proc = _run_node(node, tmp_path)
    assert proc.returncode != 0 and "tolerance" in proc.stdout + proc.stderr
