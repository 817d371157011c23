"""The network drawn with its beliefs (issue 16, item 3): the layered layout checked by geometry
and against brute force on small networks, and the SVG checked in headless Chromium (Debian's
chromium driven by Playwright, every network request blocked): it renders with no console
error, no label overflows its box, every text is at least 10 px, evidence is marked, and the
numbers it carries are the engine's."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys

import numpy as np
import pytest
from support.oracles import bnlearn_path, chromium_path

from cruxnet import Evidence, load_network, posterior, with_stated_marginals
from cruxnet.models.layout import count_crossings, layered_layout
from cruxnet.netview import network_view


def _geometric_crossings(lay) -> int:
    """Crossings counted from the drawn routes: two segments across the same gap between two
    columns cross when their order at the left end and at the right end differ (segments
    that share an end do not cross)."""
    spans = [(min(lay.boxes[v].x for v in layer), max(lay.boxes[v].right for v in layer))
             for layer in lay.layers]

    def column(x: float) -> int:
        return next(k for k, (a, b) in enumerate(spans) if a - 1 <= x <= b + 1)

    by_gap: dict[int, list] = {}
    for pts in lay.routes.values():
        for (x0, y0), (_x1, y1) in itertools.pairwise(pts):
            by_gap.setdefault(column(x0), []).append((y0, y1))
    total = 0
    for group in by_gap.values():
        for (a0, a1), (b0, b1) in itertools.combinations(group, 2):
            if a0 != b0 and a1 != b1 and (a0 - b0) * (a1 - b1) < 0:
                total += 1
    return total


@pytest.mark.filterwarnings("ignore::cruxnet.io.bif.RoundedRowsWarning")
@pytest.mark.parametrize("model", ["carlsmith_2021", "crux_network", "asia", "alarm"])
def test_layout_geometry(model: str) -> None:
    net = load_network(bnlearn_path(model) if model in ("asia", "alarm") else model)
    spec = net.spec
    lay = layered_layout(spec, lambda n: (150, 30 + 14 * spec.node(n).card))
    boxes = lay.boxes
    for n in spec.nodes:  # causes left of their effects
        for p in n.parents:
            assert boxes[p].right < boxes[n.id].x, (p, n.id)
    for a, b in itertools.combinations(spec.node_ids, 2):  # no two boxes overlap
        A, B = boxes[a], boxes[b]
        assert (A.right <= B.x or B.right <= A.x or A.y + A.height <= B.y
                or B.y + B.height <= A.y), (a, b)
    assert all(0 <= bx.x and bx.right <= lay.width and 0 <= bx.y
               and bx.y + bx.height <= lay.height for bx in boxes.values())
    assert lay.crossings == _geometric_crossings(lay)


def _small_random_dag(seed: int):
    """A random DAG of 9 binary nodes with 1-3 parents each (these seeds need crossings)."""
    from support.bruteforce import SmallNet

    rng = np.random.default_rng(seed)
    parents = [sorted(rng.choice(i, size=min(i, int(rng.integers(1, 4))), replace=False)
                      .tolist()) if i else [] for i in range(9)]
    cpts = [rng.dirichlet(np.ones(2), size=(2,) * len(p)) for p in parents]
    return SmallNet([f"n{i}" for i in range(9)], [2] * 9, parents, cpts).net()


@pytest.mark.filterwarnings("ignore::cruxnet.io.bif.RoundedRowsWarning")
@pytest.mark.parametrize("case", ["asia", "carlsmith_2021", "random:0", "random:8",
                                  "random:11", "random:18", "random:25"])
def test_crossings_are_minimal_on_small_networks(case: str) -> None:
    """Brute force over every order of every layer (dummies included) on small networks."""
    net = (_small_random_dag(int(case.split(":")[1])) if case.startswith("random") else
           load_network(bnlearn_path(case) if case == "asia" else case))
    lay = layered_layout(net.spec, lambda n: (100, 40))
    order = [list(layer) for layer in lay.order]
    where = {v: k for k, layer in enumerate(order) for v in layer}
    edges = []
    for (p, c) in lay.routes:  # the adjacent-layer edges the layout used, dummies included
        chain = [p, *sorted((v for v in where if v.startswith(f"\0{p}->{c}@")),
                            key=lambda v: where[v]), c]
        edges += list(itertools.pairwise(chain))
    sizes = [len(layer) for layer in order]
    assert np.prod([float(math.factorial(s)) for s in sizes]) <= 3e5, sizes  # small cases
    assert lay.crossings == _fewest_crossings(order, edges)
    assert lay.crossings == count_crossings(order, edges)


def _fewest_crossings(order: list[list[str]], edges: list[tuple[str, str]]) -> int:
    """The fewest crossings over every order of every layer: every permutation of every layer,
    chained layer by layer (crossings only arise between adjacent layers, so the best total
    ending in each permutation of layer k is the best over layer k - 1's permutations plus
    that pair's crossings; the same minimum as trying every combination, counted pairwise
    here by brute force over pairs of edges)."""
    def pair(a: tuple[str, ...], b: tuple[str, ...]) -> int:
        pa, pb = {v: i for i, v in enumerate(a)}, {v: i for i, v in enumerate(b)}
        es = [(pa[u], pb[v]) for u, v in edges if u in pa and v in pb]
        return sum((x1 - x2) * (y1 - y2) < 0 for (x1, y1), (x2, y2)
                   in itertools.combinations(es, 2))

    best = {p: 0 for p in itertools.permutations(order[0])}
    for layer in order[1:]:
        best = {q: min(cost + pair(p, q) for p, cost in best.items())
                for q in itertools.permutations(layer)}
    return min(best.values())


MEASURE = """() => {
  const out = [];
  for (const g of document.querySelectorAll('g.node')) {
    const box = g.querySelector('rect').getBBox();
    for (const t of g.querySelectorAll('text')) {
      const b = t.getBBox();
      out.push({node: g.dataset.node, text: t.textContent, x: b.x, w: b.width,
                right: b.x + b.width, box: box.width,
                px: parseFloat(getComputedStyle(t).fontSize)});
    }
  }
  return out;
}"""


def test_svg_in_chromium(tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    net = with_stated_marginals(load_network("crux_network", "karnofsky_playbook"),
                                {"lead_time": [0.35, 0.4, 0.15, 0.07, 0.03]})
    ev = Evidence(hard={"scheming": "no"}, likelihood={"bgd_exists": (1.0, 3.0)},
                  fixed={"competitive_pressure": (0.5, 0.5)},
                  do={"capability_restraint": "pause"})
    view = network_view(net, ev, draws=300, seed=2)
    path = view.save(tmp_path / "net.svg")
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/*", lambda route: (requests.append(route.request.url),
                                          route.continue_() if route.request.url.startswith(
                                              "file:") else route.abort()))
        page.goto(path.resolve().as_uri())
        texts = page.evaluate(MEASURE)
        states = page.evaluate("""() => [...document.querySelectorAll('g.state')].map(
            g => ({node: g.dataset.node, state: g.dataset.state, p: g.dataset.p,
                   w: parseFloat(g.querySelector('rect.belief').getAttribute('width'))}))""")
        marks = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
            'g.node')].filter(g => g.querySelector('.badge')).map(
            g => [g.dataset.node, g.querySelector('.badge').dataset.mark]))""")
        drawn = page.evaluate("() => document.querySelector('svg').getBBox().width")
        browser.close()
    assert not errors, errors
    assert all(u.startswith("file:") for u in requests)
    assert drawn > 1000
    for t in texts:  # every text inside its box, and legible
        assert t["x"] >= 0 and t["right"] <= t["box"] + 0.5, t
        assert t["px"] >= 10, t
    assert len(states) == sum(n.card for n in net.spec.nodes)
    for s in states:  # the numbers are the engine's
        p = posterior(net, s["node"], ev)[s["state"]]
        assert float(s["p"]) == pytest.approx(p, abs=1e-12)
        assert s["w"] == pytest.approx(62 * p, abs=0.01)
    assert marks == {"scheming": "observed", "bgd_exists": "likelihood",
                     "competitive_pressure": "fixed", "capability_restraint": "do",
                     "lead_time": "stated"}
    assert view.intervals and all(np.all(i[:, 0] <= i[:, 1] + 1e-12)
                                  for i in view.intervals.values())


def test_cli_show_and_escaping(tmp_path) -> None:
    proc = subprocess.run([sys.executable, "-m", "cruxnet", "show", "-e", "scheming=no",
                           "--out", str(tmp_path / "n.svg"), "--json"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    net = load_network("crux_network", "gs_deference")
    ev = Evidence(hard={"scheming": "no"})
    for node, probs in out["beliefs"].items():
        assert list(probs.values()) == pytest.approx(posterior(net, node, ev).probs.tolist(),
                                                     abs=1e-12)
    assert (tmp_path / "n.svg").read_text().startswith("<svg")
    (tmp_path / "m.yaml").write_text(
        "model: tricky\ntitle: t\ndefault_worldview: w\nnodes:\n"
        "  - {id: a, label: \"<script>alert(1)</script>\", states: [no, yes]}\n"
        "  - {id: b, states: [no, yes], parents: [a], role: outcome}\n")
    (tmp_path / "w.yaml").write_text(
        "worldview: w\nmodel: tricky\ndefault_ess: 5\ncpts:\n  a: {form: table, p: 0.3}\n"
        "  b: {form: table, rows: {no: [0.9, 0.1], yes: [0.4, 0.6]}}\n")
    svg = network_view(load_network(tmp_path / "m.yaml")).svg
    assert "<script" not in svg and "&lt;script&gt;" in svg
