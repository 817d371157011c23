"""What the explorer page takes from a link, window.cruxnet or its editor
(cruxnet/explorer/static/model/check.js): the node test of each rule (tests/js/link_check.test.mjs),
and the same values through the page's checks and through Python's :class:`cruxnet.Evidence`
validation (what the command line runs), which must accept and refuse alike and give the same
vectors, on a model whose nodes and states are JavaScript built-in names."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cruxnet import Evidence, load_network
from cruxnet.base.errors import EvidenceError

ROOT = Path(__file__).resolve().parents[3]
STATIC = ROOT / "cruxnet" / "explorer" / "static"

MODEL = """\
model: builtins
default_worldview: w
nodes:
  - {id: constructor, states: [toString, valueOf], parents: []}
  - {id: __proto__, states: [__proto__, hasOwnProperty, constructor], parents: []}
  - {id: toString, states: [prototype, isPrototypeOf], parents: [constructor]}
"""
WORLDVIEW = """\
worldview: w
model: builtins
cpts:
  constructor: {form: table, p: 0.3}
  __proto__: {form: table, p: [0.2, 0.5, 0.3]}
  toString: {form: table, rows: {toString: [0.7, 0.3], valueOf: [0.2, 0.8]}}
"""

#: (kind, node, value): kind "hard", "do", "likelihood" or "fixed" (a marginal: the page's
#: "my view" and a fixed marginal follow one rule). A hard state that is not text (1, true) is
#: left to the node test: Evidence.validate raises AttributeError on it, not EvidenceError.
CASES: list[tuple[str, str, Any]] = [
    ("hard", "constructor", "valueOf"), ("hard", "__proto__", "__proto__"),
    ("hard", "__proto__", "toString"),
    ("do", "toString", "isPrototypeOf"), ("do", "toString", "constructor"),
    ("hard", "nope", "x"), ("do", "hasOwnProperty", "x"), ("hard", "valueOf", "toString"),
    ("likelihood", "toString", {"prototype": 1, "isPrototypeOf": 2.5}),
    ("likelihood", "toString", {"isPrototypeOf": 2.5, "prototype": 0}),
    ("likelihood", "toString", {"prototype": -1, "isPrototypeOf": 2}),
    ("likelihood", "toString", {"prototype": -1e-300, "isPrototypeOf": 2}),
    ("likelihood", "toString", {"prototype": "2", "isPrototypeOf": 2}),
    ("likelihood", "toString", {"prototype": "0x0", "isPrototypeOf": 2}),
    ("likelihood", "toString", {"prototype": True, "isPrototypeOf": 2}),
    ("likelihood", "toString", {"prototype": None, "isPrototypeOf": 2}),
    ("likelihood", "toString", {"prototype": 0, "isPrototypeOf": 0}),
    ("likelihood", "toString", {"prototype": 1}),
    ("likelihood", "toString", {"prototype": 1, "isPrototypeOf": 1, "valueOf": 1}),
    ("likelihood", "__proto__", {"__proto__": 1, "hasOwnProperty": 0.5, "constructor": 0}),
    ("likelihood", "__proto__", {"hasOwnProperty": 0.5, "constructor": 1}),
    ("likelihood", "hasOwnProperty", {"a": 1}),
    ("fixed", "constructor", {"toString": 0.3}),
    ("fixed", "constructor", {"toString": 0.3, "valueOf": 0.7}),
    ("fixed", "constructor", {"valueOf": 1.0}),
    ("fixed", "constructor", {"toString": 1 + 5e-10}),
    ("fixed", "constructor", {"toString": 1.2}),
    ("fixed", "constructor", {"toString": -0.1}),
    ("fixed", "constructor", {"toString": 0.5, "valueOf": 0.6}),
    ("fixed", "constructor", {"toString": 0.3, "valueOf": 0.7 + 2e-9}),
    ("fixed", "constructor", {"toString": "0.5"}),
    ("fixed", "constructor", {"toString": False}),
    ("fixed", "constructor", {"prototype": 0.5}),
    ("fixed", "__proto__", {"__proto__": 0.2}),
    ("fixed", "__proto__", {"__proto__": 0.2, "constructor": 0.3}),
    ("fixed", "__proto__", {"hasOwnProperty": 1}),
    ("fixed", "__proto__", {"__proto__": 0.1, "hasOwnProperty": 0.2, "constructor": 0.7}),
    ("fixed", "__proto__", [0.1, 0.2, 0.7]),
    ("fixed", "__proto__", [1 / 3, 1 / 3, 1 / 3]),
    ("fixed", "__proto__", [0.1, 0.1, 0.1]),
    ("fixed", "__proto__", [1.5, -0.5, 0.0]),
    ("fixed", "__proto__", [0.5, 0.5]),
    ("fixed", "constructor", [-1e-10, 1 + 1e-10]),
    ("fixed", "toString", [0.25, 0.75]),
    ("fixed", "toString", [0.6, 0.4 + 3e-9]),
    ("fixed", "prototype", [0.5, 0.5]),
]

#: Runs CASES (stdin) through the page's checks; prints the vector, state or null per case.
SCRIPT = """
import {checkEvidence, checkMarginal, nodeNamed} from "%s";
const {nodes, cases} = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map(([kind, node, value]) => {
  try {
    if (kind === "fixed") return checkMarginal(nodeNamed(nodes, node), value, "fixed marginal");
    const ev = checkEvidence({[kind]: JSON.parse(JSON.stringify({[node]: value}))}, nodes);
    const got = ev[kind][node];
    return kind === "likelihood" ? Object.values(got) : got;
  } catch (err) {
    return null;
  }
});
console.log(JSON.stringify(out));
"""


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is missing: apt-get install nodejs (make test installs it as root)")
    return node


def test_the_node_test_of_each_rule() -> None:
    proc = subprocess.run([_node(), "--test", str(ROOT / "tests" / "js" / "link_check.test.mjs")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, (proc.stdout[-4000:], proc.stderr[-2000:])
    assert "# fail 0" in proc.stdout or "fail 0" in proc.stdout, proc.stdout[-2000:]


def _python(spec: Any, kind: str, node: str, value: Any) -> Any:
    """What cruxnet.Evidence (the command line's check) makes of one case, or None."""
    try:
        ev = Evidence(**{kind: {node: value}})
        ev.validate(spec)
        got = getattr(ev.resolved(spec), kind)[node]
    except EvidenceError:
        return None
    return list(got) if isinstance(got, tuple) else got


def test_the_page_and_python_take_and_refuse_alike(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MODEL)
    (tmp_path / "w.yaml").write_text(WORLDVIEW)
    net = load_network(tmp_path / "m.yaml")
    nodes = [{"id": n.id, "states": list(n.states)} for n in net.spec.nodes]
    # A mapping's own "__proto__" key must reach both sides as a key.
    assert any("__proto__" in json.loads(json.dumps(c))[2] for c in CASES if c[0] == "likelihood")
    # node's CommonJS require inside an ES module: through createRequire.
    script = ("import {createRequire} from 'node:module';\n"
              "const require = createRequire(import.meta.url);\n"
              + SCRIPT % (STATIC / "model" / "check.js").as_uri())
    proc = subprocess.run([_node(), "--input-type=module", "-e", script],
                          input=json.dumps({"nodes": nodes, "cases": CASES}),
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    page = json.loads(proc.stdout)
    took = 0
    for (kind, node, value), got in zip(CASES, page, strict=True):
        want = _python(net.spec, kind, node, value)
        assert got == want, (kind, node, value, got, want)
        took += want is not None
    assert 10 <= took <= len(CASES) - 10  # both kinds of answer are there
