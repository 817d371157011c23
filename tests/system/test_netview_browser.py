"""The network drawn with its beliefs (issue 16, item 3), its SVG checked in headless Chromium
(Debian's chromium driven by Playwright, every network request blocked): it renders with no
console error, no label overflows its box, every text is at least 10 px, evidence is marked,
and the numbers it carries are the engine's."""

from __future__ import annotations

import numpy as np
import pytest
from support.oracles import chromium_path

from cruxnet import Evidence, load_network, posterior, with_stated_marginals
from cruxnet.views.netview import network_view

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
