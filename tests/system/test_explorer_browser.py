"""The interactive explorer in a real browser: Debian's chromium driven by Playwright, every
request but the page's own file blocked, no console error allowed.

The page's numbers are checked case by case under Node.js against the Python engine and pyAgrum
(tests/oracles/test_explorer_numbers.py). Here: the page as people use it (real clicks on the
`data-node`/`data-state` elements, undo, the link, worldview switching and comparing, the
likelihood and my-view editors, the downloaded worldview file through `cruxnet validate` and
`cruxnet query`, escaping, limits, names that are JavaScript built-ins, links the page must
refuse, the report and a Jupyter cell that embed it), and one
end-to-end check of the numbers per page kind in the browser (tables rebuilt from forms'
parameters; tables travelling as columns), WebAssembly included.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import urllib.parse
from pathlib import Path

import numpy as np
import pytest
from support import ROOT
from support.explorer import ev_json, exactly_normalized, random_evidence
from support.oracles import bnlearn_path, chromium_path

from cruxnet import Evidence, load_network, posterior, posterior_draws
from cruxnet.base.errors import ImpossibleEvidenceError
from cruxnet.draws.dataset import DatasetDraws
from cruxnet.explorer import explorer_page
from cruxnet.explorer.payload import draws_dataset
from cruxnet.inference.marginals import with_stated_marginals
from cruxnet.inference.summary import equal_tailed
from cruxnet.model.stated import StatedMarginal
from cruxnet.sensitivity import Question, node_swings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        yield b
        b.close()


class Page:
    """A page opened offline, with its console errors and the requests it tried."""

    def __init__(self, browser, path: Path, url_suffix: str = "", *, ready: bool = True,
                 viewport: dict[str, int] | None = None):
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(accept_downloads=True,
                                           **({"viewport": viewport} if viewport else {}))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(path.resolve().as_uri() + url_suffix)
        if ready:  # the explorer itself (not a page that embeds it)
            self.page.wait_for_selector("body[data-ready=true]", timeout=120_000)

    def _route(self, route) -> None:
        self.requests.append(route.request.url)
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def close(self) -> None:
        assert not self.errors, self.errors
        assert all(u.startswith(("file:", "blob:", "data:")) for u in self.requests), \
            self.requests
        self.context.close()


def _check_page_against_python(page: Page, net, data, rng, cases: int, *,
                               draws_cases: int, worldview: int = 0) -> int:
    """Random evidence: every node's point beliefs to 1e-12; P(target) per draw to 1e-12 on
    the page's own draws, and the interval. Returns the number of possible cases checked."""
    spec = net.spec
    target = spec.node_ids[data["model"]["target"]]
    soi = data["model"]["state"]
    ds = draws_dataset(data, net, worldview) if data["draws"] else None
    checked = 0
    for case in range(cases):
        ev = random_evidence(net, rng)
        try:
            want = {n: posterior(net, n, ev).probs for n in spec.node_ids}
        except ImpossibleEvidenceError:
            with pytest.raises(Exception, match="impossible"):
                page.js("ev => window.cruxnet.posterior(window.cruxnet.target, ev)",
                        ev_json(ev, net))
            continue
        got = page.js("ev => window.cruxnet.marginals(ev)", ev_json(ev, net))
        for n in spec.node_ids:
            assert list(got[n].values()) == pytest.approx(want[n].tolist(), abs=1e-12), (n, ev)
        checked += 1
        if ds is not None and case < draws_cases:
            per = np.array(page.js("ev => window.cruxnet.targetDraws(ev)", ev_json(ev, net)),
                           dtype=float)
            py = posterior_draws(net, target, ev, parameters=DatasetDraws(spec, ds))
            ref = np.full(data["draws"], np.nan)
            ref[py.draw] = py.probs[:, soi]
            assert np.array_equal(np.isnan(per), np.isnan(ref)), ev
            ok = ~np.isnan(ref)
            assert per[ok] == pytest.approx(ref[ok], abs=1e-12), ev
            iv = page.js("ev => window.cruxnet.interval(ev)", ev_json(ev, net))
            lo, hi = equal_tailed(ref[ok], data["ci_prob"])
            assert (iv["lo"], iv["hi"]) == pytest.approx((lo, hi), abs=1e-12)
    return checked


def test_crux_network_end_to_end(browser, tmp_path) -> None:
    """Tables rebuilt from their forms' parameters in the page: every node and P(target) per
    draw against the Python engine, and the WebAssembly kernels against the plain loops."""
    net = load_network("crux_network", "karnofsky_playbook")
    page_obj = explorer_page([net], draws=200, seed=4)
    page = Page(browser, page_obj.save(tmp_path / "e.html"))
    checked = _check_page_against_python(page, net, page_obj.data, np.random.default_rng(7),
                                         cases=4, draws_cases=2)
    assert checked >= 2
    ev = {"hard": {"scheming": "no"}, "do": {"capability_restraint": "pause"}}
    assert page.js("() => window.cruxnet.useWasm(true)") is True
    fast = page.js("ev => window.cruxnet.targetDraws(ev)", ev)
    assert page.js("() => window.cruxnet.useWasm(false)") is False
    assert page.js("ev => window.cruxnet.targetDraws(ev)", ev) == fast
    page.close()


def test_kernels_are_built_from_their_source() -> None:
    """kernels.wasm is what scripts/build_wasm.py assembled from today's kernels.wat."""
    import hashlib

    static = ROOT / "cruxnet" / "explorer" / "static"
    manifest = json.loads((static / "kernels.wasm.json").read_text())
    assert hashlib.sha256((static / "kernels.wat").read_bytes()).hexdigest() == \
        manifest["source_sha256"], "kernels.wat changed: run python scripts/build_wasm.py"
    assert hashlib.sha256((static / "kernels.wasm").read_bytes()).hexdigest() == \
        manifest["wasm_sha256"]


def test_a_network_whose_tables_travel_as_columns(browser, tmp_path) -> None:
    """A bnlearn network (no forms: its draws travel as table columns) end to end."""
    net = exactly_normalized(load_network(bnlearn_path("alarm"), normalize=True))
    page_obj = explorer_page([net], draws=100, seed=1, ess=50)
    page = Page(browser, page_obj.save(tmp_path / "alarm.html"))
    checked = _check_page_against_python(page, net, page_obj.data, np.random.default_rng(3),
                                         cases=4, draws_cases=1)
    assert checked >= 2
    page.close()


def _click(page: Page, node: str, state: str, **kw) -> None:
    page.page.click(f'g.state[data-node="{node}"][data-state="{state}"]', **kw)


def _target_p(page: Page) -> float:
    return float(page.page.get_attribute("#target-p", "data-p"))


def test_clicks_evidence_undo_and_link(browser, tmp_path) -> None:
    nets = [load_network("crux_network", w) for w in ("gs_deference", "karnofsky_playbook")]
    net = nets[0]
    page_obj = explorer_page(nets, draws=200, seed=2)
    path = page_obj.save(tmp_path / "e.html")
    page = Page(browser, path)
    assert _target_p(page) == pytest.approx(posterior(net, "catastrophe")["yes"], abs=1e-12)
    assert page.page.text_content("#target-p") == f"{posterior(net, 'catastrophe')['yes']:.3f}"

    _click(page, "scheming", "no")                      # observe
    ev = Evidence(hard={"scheming": "no"})
    assert _target_p(page) == pytest.approx(posterior(net, "catastrophe", ev)["yes"], abs=1e-12)
    assert page.js("() => window.cruxnet.state().hard") == {"scheming": "no"}
    badge = page.page.get_attribute('g.node[data-node="scheming"] g.badge', "data-mark")
    assert badge == "observed"
    row = page.page.get_attribute('g.state[data-node="bgd_exists"][data-state="yes"]', "data-p")
    assert float(row) == pytest.approx(posterior(net, "bgd_exists", ev)["yes"], abs=1e-12)

    _click(page, "capability_restraint", "pause", modifiers=["Shift"])   # do()
    ev = Evidence(hard={"scheming": "no"}, do={"capability_restraint": "pause"})
    assert _target_p(page) == pytest.approx(posterior(net, "catastrophe", ev)["yes"], abs=1e-12)
    dashed = page.page.get_attribute('path[data-edge$="->capability_restraint"]',
                                     "stroke-dasharray")
    assert dashed == "4,3"
    lo, hi = (float(page.page.get_attribute("#target-ci", k)) for k in ("data-lo", "data-hi"))
    ds = draws_dataset(page_obj.data, net, 0)
    want = posterior_draws(net, "catastrophe", ev, parameters=DatasetDraws(net.spec, ds))
    assert (lo, hi) == pytest.approx(tuple(equal_tailed(want.probs[:, 1], 0.9)), abs=1e-12)

    # The crux table is node_swings under the current evidence.
    rows = page.page.eval_on_selector_all("#swings tbody tr", "rs => rs.map(r => r.dataset.node)")
    swings = node_swings(Question(net, "catastrophe", "yes", ev))
    assert rows == [str(n) for n in swings["node"].values[:len(rows)]]
    got = page.js("() => window.cruxnet.swings(window.cruxnet.state())")
    for r in got[:5]:
        s = swings.sel(node=r["node"])
        assert (r["low"], r["high"]) == pytest.approx((float(s["low"]), float(s["high"])),
                                                      abs=1e-12)

    # Undo (button and Ctrl+Z), then the link keeps the view.
    page.page.click("#undo")
    assert page.js("() => window.cruxnet.state().do") == {}
    _click(page, "scheming", "no")                      # a second click clears it
    assert page.js("() => window.cruxnet.state().hard") == {}
    page.page.keyboard.press("Control+z")
    assert page.js("() => window.cruxnet.state().hard") == {"scheming": "no"}
    _click(page, "lead_time", "under_2wk", modifiers=["Alt"])  # alt-click on another: nothing
    assert page.js("() => window.cruxnet.state().hard") == {"scheming": "no"}
    url = page.page.url
    assert urllib.parse.unquote(url.split("#", 1)[1]).startswith("{")
    again = Page(browser, path, "#" + url.split("#", 1)[1])
    assert again.js("() => window.cruxnet.state()") == page.js("() => window.cruxnet.state()")
    assert _target_p(again) == _target_p(page)
    again.close()

    # Switch and compare worldviews: the ticks and differences are the engine's.
    page.page.select_option("#worldview", "1")
    assert _target_p(page) == pytest.approx(
        posterior(nets[1], "catastrophe", {"scheming": "no"})["yes"], abs=1e-12)
    # Its interval comes from its own draws (shared with the first where they are equal).
    ds1 = draws_dataset(page_obj.data, nets[1], 1)
    want = posterior_draws(nets[1], "catastrophe", {"scheming": "no"},
                           parameters=DatasetDraws(net.spec, ds1))
    lo, hi = (float(page.page.get_attribute("#target-ci", k)) for k in ("data-lo", "data-hi"))
    assert (lo, hi) == pytest.approx(tuple(equal_tailed(want.probs[:, 1], 0.9)), abs=1e-12)
    assert any("same_as" in e for e in page_obj.data["worldviews"][1]["draws"].values())
    page.page.select_option("#compare", "0")
    diff = float(page.page.get_attribute('g.state[data-node="bgd_exists"][data-state="yes"]',
                                         "data-diff"))
    want_diff = (posterior(nets[1], "bgd_exists", {"scheming": "no"})["yes"]
                 - posterior(nets[0], "bgd_exists", {"scheming": "no"})["yes"])
    assert diff == pytest.approx(want_diff, abs=1e-12)
    assert page.page.is_visible("#compare-section")
    page.close()


def test_likelihood_and_my_view_and_the_downloaded_file(browser, tmp_path) -> None:
    net = load_network("crux_network", "gs_deference")
    page_obj = explorer_page([net], draws=100, seed=3)
    page = Page(browser, page_obj.save(tmp_path / "e.html"))
    # Likelihood: mode button, click a node, type weights, apply.
    page.page.click('[data-mode="likelihood"]')
    _click(page, "deception_demonstrated", "yes")
    fields = page.page.locator("#editor-fields input")
    states = net.spec.node("deception_demonstrated").states
    weights = [1.0, 2.5, 4.0][:len(states)]
    for k, w in enumerate(weights):
        fields.nth(k).fill(str(w))
    page.page.click("#editor-apply")
    ev = Evidence(likelihood={"deception_demonstrated": tuple(weights)})
    assert _target_p(page) == pytest.approx(posterior(net, "catastrophe", ev)["yes"], abs=1e-12)
    # My view starts from the prior marginal, not the posterior: Apply unchanged moves nothing
    # (a posterior there would count the evidence twice).
    page.page.click('[data-mode="mine"]')
    before = _target_p(page)
    _click(page, "bgd_exists", "yes")
    shown = [float(page.page.locator("#editor-fields input").nth(k).input_value()) / 100
             for k in range(len(net.spec.node("bgd_exists").states))]
    assert shown == pytest.approx(posterior(net, "bgd_exists").probs, abs=1e-8)
    assert abs(posterior(net, "bgd_exists", ev)["yes"] - shown[-1]) > 1e-3  # they differ here
    page.page.click("#editor-apply")
    assert _target_p(page) == pytest.approx(before, abs=1e-7)
    page.page.click("#undo")
    # My view: P(scheming = yes) = 8%.
    _click(page, "scheming", "yes")
    page.page.locator("#editor-fields input").nth(0).fill("92")
    page.page.locator("#editor-fields input").nth(1).fill("8")
    page.page.click("#editor-apply")
    mine = with_stated_marginals(net, {"scheming": StatedMarginal("scheming", (0.92, 0.08),
                                                                exact=True)})
    assert _target_p(page) == pytest.approx(posterior(mine, "catastrophe", ev)["yes"], abs=1e-12)
    assert page.js("() => window.cruxnet.marginals({}).scheming.yes") == pytest.approx(0.08,
                                                                                     abs=1e-12)
    # Every draw is tilted to the stated marginal: the batched engine on the page's draws.
    ds = draws_dataset(page_obj.data, net, 0)
    from cruxnet.inference.marginals import StatedMarginalDraws

    source = StatedMarginalDraws(DatasetDraws(net.spec, ds), mine, seed=3)
    want = posterior_draws(mine, "catastrophe", ev, parameters=source)
    lo, hi = (float(page.page.get_attribute("#target-ci", k)) for k in ("data-lo", "data-hi"))
    assert (lo, hi) == pytest.approx(tuple(equal_tailed(want.probs[:, 1], 0.9)), abs=1e-10)

    # The downloaded worldview file: validate accepts it, query answers what the page shows.
    with page.page.expect_download() as dl:
        page.page.click("#download")
    file = tmp_path / "my_view.yaml"
    dl.value.save_as(file)
    command = page.js("() => window.cruxnet.command()")
    assert "--likelihood" in command and "--marginal-ess exact" in command
    assert "-w my_view.yaml --likelihood" in file.read_text()  # the file says how to use it
    proc = subprocess.run([sys.executable, "-m", "cruxnet", "validate", str(file)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lik = ",".join(f"{s}:{w}" for s, w in zip(states, weights, strict=True))
    proc = subprocess.run([sys.executable, "-m", "cruxnet", "query", "catastrophe", "-w",
                           str(file), "--likelihood", f"deception_demonstrated={lik}",
                           "--draws", "100", "--seed", "3", "--json"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["posterior"]["yes"] == pytest.approx(_target_p(page), abs=1e-12)
    assert out["interval"]["yes"] == pytest.approx([lo, hi], abs=1e-5)  # float32 draws
    # The command the page shows reproduces it without the file (--marginal-ess exact).
    command = shlex.split(page.page.text_content("#command"))
    assert command[:2] == ["cruxnet", "query"] and "--marginal-ess" in command
    proc = subprocess.run([sys.executable, "-m", "cruxnet", *command[1:], "--json"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["posterior"]["yes"] == pytest.approx(_target_p(page), abs=1e-12)
    assert out["interval"]["yes"] == pytest.approx([lo, hi], abs=1e-5)
    page.close()


def test_the_report_embeds_the_explorer(browser, tmp_path) -> None:
    from cruxnet.report import build_report, write_report

    report = build_report("carlsmith_2021", seed=3, draws=400, analysis_draws=200,
                          sobol_samples=64, shapley_permutations=4)
    html_path, md_path = write_report(report, tmp_path / "r")
    assert "[Open the interactive explorer](explore.html)" in md_path.read_text()
    assert (tmp_path / "r" / "explore.html").read_text() == report.explorer_html
    page = Page(browser, html_path, ready=False)
    frame = page.page.frame_locator("figure.explorer iframe")
    frame.locator("body[data-ready=true]").wait_for()
    frame.locator('g.state[data-node="incentives"][data-state="yes"]').click()
    net = load_network("carlsmith_2021", report.sections[0].worldview)
    want = posterior(net, "catastrophe", {"incentives": "yes"})["yes"]
    assert float(frame.locator("#target-p").get_attribute("data-p")) == pytest.approx(
        want, abs=1e-12)
    page.close()


def test_explore_shows_itself_in_a_jupyter_kernel(browser, tmp_path) -> None:
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from cruxnet import load_network\n"
        "load_network('carlsmith_2021').explore({'incentives': 'yes'}, draws=50)")]
    NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    (output,) = nb.cells[0].outputs
    html = output["data"]["text/html"]
    assert html.startswith("<iframe") and "cruxnet-data" in html
    (tmp_path / "cell.html").write_text(f"<!DOCTYPE html><html><body>{html}</body></html>")
    page = Page(browser, tmp_path / "cell.html", ready=False)
    frame = page.page.frame_locator("iframe")
    frame.locator("body[data-ready=true]").wait_for()
    want = posterior(load_network("carlsmith_2021"), "catastrophe", {"incentives": "yes"})
    assert float(frame.locator("#target-p").get_attribute("data-p")) == pytest.approx(
        want["yes"], abs=1e-12)
    page.close()


def test_a_bad_link_and_bad_percentages_are_said(browser, tmp_path) -> None:
    net = load_network("crux_network", "gs_deference")
    path = explorer_page([net], draws=50).save(tmp_path / "e.html")
    bad = Page(browser, path, "#%7Bnot%20json")
    assert "could not be read" in bad.page.text_content("#message")
    assert bad.js("() => window.cruxnet.state().hard") == {}
    bad.close()
    wrong = Page(browser, path, "#" + urllib.parse.quote(json.dumps({"hard": {"nope": "x"}})))
    assert "does not fit this page" in wrong.page.text_content("#message")
    wrong.close()
    page = Page(browser, path)
    page.page.click('[data-mode="mine"]')
    _click(page, "scheming", "yes")
    page.page.locator("#editor-fields input").nth(0).fill("90")
    page.page.locator("#editor-fields input").nth(1).fill("8")
    page.page.click("#editor-apply")
    assert "sum to 98, not 100" in page.page.text_content("#message")
    assert page.js("() => window.cruxnet.state().mine") == {}
    page.close()


def test_escaping_and_impossible_clicks(browser, tmp_path) -> None:
    (tmp_path / "m.yaml").write_text(
        "model: tricky\ntitle: \"</script><script>window.pwned=1</script>\"\n"
        "default_worldview: w\nnodes:\n"
        "  - {id: a, label: \"<img src=x onerror=window.pwned=2>\", states: [no, yes],\n"
        "     definition: \"</script><b>bold</b>\"}\n"
        "  - {id: b, states: [no, yes], parents: [a], role: outcome}\n")
    (tmp_path / "w.yaml").write_text(
        "worldview: w\nmodel: tricky\ndefault_ess: 5\ncpts:\n  a: {form: table, p: 0.3}\n"
        "  b: {form: table, rows: {no: [1.0, 0.0], yes: [0.4, 0.6]}}\n")
    net = load_network(tmp_path / "m.yaml")
    page = Page(browser, explorer_page([net], draws=50).save(tmp_path / "t.html"))
    assert page.js("() => window.pwned") is None
    assert "<img" in page.page.text_content("h1") or "</script>" in page.page.text_content("h1")
    label = page.page.text_content('g.node[data-node="a"] text.label')
    assert label.startswith("<img")
    # b = yes is impossible with a = no: the page says so and keeps its state.
    _click(page, "b", "yes")
    _click(page, "a", "no")
    assert "impossible" in page.page.text_content("#message")
    assert page.js("() => window.cruxnet.state().hard") == {"b": "yes"}
    page.close()


def test_too_large_says_so(browser, tmp_path, monkeypatch) -> None:
    import cruxnet.explorer.page as explorer_module

    net = load_network(bnlearn_path("alarm"), normalize=True)
    monkeypatch.setattr(explorer_module, "DRAW_WORK_LIMIT", 1000.0)
    page = Page(browser, explorer_page([net], draws=100, ess=50).save(tmp_path / "d.html"))
    assert "No interval over draws" in page.page.text_content("#target-ci")
    monkeypatch.setattr(explorer_module, "ENGINE_LIMIT", 100.0)
    page2 = Page(browser, explorer_page([net], draws=100, ess=50).save(tmp_path / "e.html"))
    assert "too large" in page2.page.text_content("#message")
    assert page2.page.is_disabled("#undo")
    page.close()
    page2.close()


def test_cli_explore(tmp_path) -> None:
    out = tmp_path / "x.html"
    proc = subprocess.run([sys.executable, "-m", "cruxnet", "explore", "-w", "gs_deference",
                           "-w", "karnofsky_playbook", "-e", "scheming=no", "--draws", "100",
                           "--out", str(out), "--json"], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["worldviews"] == ["gs_deference", "karnofsky_playbook"]
    assert info["bytes"] == out.stat().st_size
    for args, needle in ((["-e", "scheming=maybe"], "unknown state 'maybe'"),
                         (["--target", "nope"], "unknown target node 'nope'"),
                         (["-e", "catastrophe=yes", "--do", "misaligned_takeover=no", "--do",
                           "exogenous_catastrophe=no"], "probability 0")):
        proc = subprocess.run([sys.executable, "-m", "cruxnet", "explore", *args, "--out",
                               str(tmp_path / "y.html")], capture_output=True, text=True,
                              timeout=300, check=False)
        assert proc.returncode == 2 and needle in proc.stderr, proc.stderr
        assert proc.stderr.startswith("cruxnet: error:") and proc.stderr.count("\n") == 1


#: A laptop's screen.
LAPTOP = {"width": 1366, "height": 768}

#: Nodes and states named as JavaScript built-ins (legal in cruxnet models).
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
  - {id: __defineGetter__, states: [__lookupGetter__, propertyIsEnumerable], parents: []}
  - {id: isPrototypeOf, states: [toLocaleString, __proto__], parents: [__defineGetter__, valueOf]}
"""
BUILTIN_WORLDVIEW = """\
worldview: w
model: builtins
default_ess: 5
cpts:
  constructor: {form: table, p: 0.3}
  __proto__: {form: table, p: [0.2, 0.5, 0.3]}
  __defineGetter__: {form: table, p: 0.6}
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
  isPrototypeOf:
    form: table
    rows:
      - {when: {__defineGetter__: __lookupGetter__, valueOf: "no"}, p: 0.2}
      - {when: {__defineGetter__: __lookupGetter__, valueOf: "yes"}, p: 0.7}
      - {when: {__defineGetter__: propertyIsEnumerable, valueOf: "no"}, p: 0.35}
      - {when: {__defineGetter__: propertyIsEnumerable, valueOf: "yes"}, p: 0.9}
"""


def _state(page: Page) -> dict:
    """The page's state through JSON (Playwright's own transfer drops "__proto__" keys)."""
    return json.loads(page.js("() => JSON.stringify(window.cruxnet.state())"))


def _picture(page: Page) -> list[tuple[str, str, float]]:
    """Every state's belief as the picture shows it: (node, state, p)."""
    return [tuple(r) for r in json.loads(page.js(
        "() => JSON.stringify(Array.from(document.querySelectorAll('g.state'), "
        "r => [r.dataset.node, r.dataset.state, Number(r.dataset.p)]))"))]


def _mark(page: Page, node: str) -> str | None:
    """The badge a node wears (observed, likelihood, do, stated), or None."""
    badge = page.page.locator(f'g.node[data-node="{node}"] g.badge')
    return badge.get_attribute("data-mark") if badge.count() else None


def _check_picture(page: Page, net, ev: Evidence) -> None:
    """Every bar of the picture and P(target) against Python's posterior, to 1e-9."""
    rows = _picture(page)
    assert len(rows) == sum(n.card for n in net.spec.nodes)
    for node, state, p in rows:
        assert p == pytest.approx(posterior(net, node, ev)[state], abs=1e-9), (node, state, ev)
    assert _target_p(page) == pytest.approx(posterior(net, "valueOf", ev)["yes"], abs=1e-9)


def test_names_that_are_javascript_builtins(browser, tmp_path) -> None:
    """Nodes and states called constructor, __proto__, toString, hasOwnProperty, valueOf,
    prototype, __defineGetter__, isPrototypeOf: the page starts, observes, takes a likelihood
    on a node with a __proto__ state, a stated marginal on the node __proto__, do(), and keeps
    it all in its link, each number equal to Python's."""
    (tmp_path / "m.yaml").write_text(BUILTIN_MODEL)
    (tmp_path / "w.yaml").write_text(BUILTIN_WORLDVIEW)
    net = load_network(tmp_path / "m.yaml")
    path = explorer_page([net], draws=50, seed=1).save(tmp_path / "b.html")
    page = Page(browser, path, viewport=LAPTOP)
    assert page.errors == []
    assert page.page.text_content("#message") == ""
    assert _state(page) == {"wv": 0, "cmp": -1, "hard": {}, "do": {}, "likelihood": {},
                            "mine": {}}
    _check_picture(page, net, Evidence())
    assert _mark(page, "constructor") is None

    _click(page, "constructor", "valueOf")                       # observe
    ev = Evidence(hard={"constructor": "valueOf"})
    assert _state(page)["hard"] == {"constructor": "valueOf"}
    assert _mark(page, "constructor") == "observed"
    _check_picture(page, net, ev)

    # The likelihood editor on hasOwnProperty, whose states are __defineGetter__ and __proto__.
    page.page.click('[data-mode="likelihood"]')
    _click(page, "hasOwnProperty", "__proto__")
    fields = page.page.locator("#editor-fields input")
    assert [fields.nth(k).get_attribute("data-state") for k in range(fields.count())] == \
        ["__defineGetter__", "__proto__"]
    assert [fields.nth(k).input_value() for k in range(2)] == ["1", "1"]
    fields.nth(0).fill("2.5")
    fields.nth(1).fill("0.5")
    page.page.click("#editor-apply")
    assert page.page.text_content("#message") == ""
    assert page.page.is_hidden("#editor")
    ev = Evidence(hard={"constructor": "valueOf"}, likelihood={"hasOwnProperty": (2.5, 0.5)})
    assert _state(page)["likelihood"] == {"hasOwnProperty": {"__defineGetter__": 2.5,
                                                             "__proto__": 0.5}}
    _check_picture(page, net, ev)
    _click(page, "hasOwnProperty", "__defineGetter__")           # reopened: the weights given
    assert [fields.nth(k).input_value() for k in range(2)] == ["2.5", "0.5"]
    page.page.click("#editor-cancel")

    # My view on the node __proto__ (a key "__proto__" in the page's maps).
    page.page.click('[data-mode="mine"]')
    _click(page, "__proto__", "constructor")
    for k, x in enumerate(("20", "30", "50")):
        page.page.locator("#editor-fields input").nth(k).fill(x)
    page.page.click("#editor-apply")
    assert page.page.text_content("#message") == ""
    mine = with_stated_marginals(net, {"__proto__": StatedMarginal(
        "__proto__", (0.2, 0.3, 0.5), exact=True)})
    assert _state(page)["mine"] == {"__proto__": pytest.approx([0.2, 0.3, 0.5], abs=1e-15)}
    _check_picture(page, mine, ev)

    # do(toString = isPrototypeOf): shift-click; its edge from constructor is cut.
    _click(page, "toString", "isPrototypeOf", modifiers=["Shift"])
    ev = Evidence(hard={"constructor": "valueOf"}, likelihood={"hasOwnProperty": (2.5, 0.5)},
                  do={"toString": "isPrototypeOf"})
    _check_picture(page, mine, ev)
    assert page.page.get_attribute('path[data-edge="constructor->toString"]',
                                   "stroke-dasharray") == "4,3"
    assert page.page.get_attribute('path[data-edge="toString->valueOf"]',
                                   "stroke-dasharray") is None
    marks = {n: _mark(page, n)
             for n in ("constructor", "hasOwnProperty", "__proto__", "toString", "valueOf")}
    assert marks == {"constructor": "observed", "hasOwnProperty": "likelihood",
                     "__proto__": "stated", "toString": "do", "valueOf": None}
    items = page.page.locator("#evidence-list li").all_text_contents()
    assert len(items) == 4 and any("my view: P(__proto__)" in i for i in items)

    # The link keeps all of it.
    again = Page(browser, path, "#" + page.page.url.split("#", 1)[1], viewport=LAPTOP)
    assert again.page.text_content("#message") == ""
    assert _state(again) == _state(page)
    assert _target_p(again) == _target_p(page)
    again.close()

    # The command the page shows reproduces P(target) (every name through the command line).
    command = shlex.split(page.page.text_content("#command"))
    assert "--likelihood" in command and "--marginal" in command and "--do" in command
    proc = subprocess.run([sys.executable, "-m", "cruxnet", *command[1:], "--json"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["posterior"]["yes"] == pytest.approx(_target_p(page),
                                                                         abs=1e-9)

    page.page.keyboard.press("Control+z")                        # undo the do()
    assert _state(page)["do"] == {}
    assert page.page.get_attribute('path[data-edge="constructor->toString"]',
                                   "stroke-dasharray") is None
    _check_picture(page, mine, Evidence(hard={"constructor": "valueOf"},
                                        likelihood={"hasOwnProperty": (2.5, 0.5)}))
    page.page.click("#clear-all")
    _check_picture(page, net, Evidence())
    page.close()


def test_a_crafted_link_is_refused_as_a_whole(browser, tmp_path) -> None:
    """A link whose view the command line would refuse (a negative weight, a weight given as
    text or hex) is refused whole: the page shows its own view, P(target) and interval as
    without the link, and says in one sentence what it refused."""
    net = load_network("crux_network", "gs_deference")
    path = explorer_page([net], {"scheming": "no"}, draws=100, seed=3).save(tmp_path / "e.html")
    default = Page(browser, path, viewport=LAPTOP)
    own = _state(default)
    assert own["hard"] == {"scheming": "no"}
    want = posterior(net, "catastrophe", {"scheming": "no"})["yes"]
    assert _target_p(default) == pytest.approx(want, abs=1e-12)
    shown = [default.page.text_content(s) for s in ("#target-p", "#target-ci")]
    ci = [default.page.get_attribute("#target-ci", k) for k in ("data-lo", "data-hi")]
    default.close()
    for weights, needles in (({"no": -1, "yes": 2}, ['state "no"', "-1 is not a number >= 0"]),
                             ({"no": 1, "yes": "0x0"}, ['state "yes"', '"0x0" is not a number']),
                             ({"no": "2", "yes": 1}, ['state "no"', '"2" is not a number'])):
        crafted = {"hard": {"lead_time": "to_2y"},
                   "likelihood": {"deception_demonstrated": weights}}
        page = Page(browser, path, "#" + urllib.parse.quote(json.dumps(crafted)),
                    viewport=LAPTOP)
        message = page.page.text_content("#message")
        assert message.startswith("the view in this link does not fit this page"), message
        assert 'likelihood of node "deception_demonstrated"' in message
        assert all(n in message for n in needles), message
        assert message.endswith("showing the page's own view") and "\n" not in message
        assert _state(page) == own                    # the valid lead_time went too
        assert _target_p(page) == pytest.approx(want, abs=1e-12)
        assert [page.page.text_content(s) for s in ("#target-p", "#target-ci")] == shown
        assert [page.page.get_attribute("#target-ci", k) for k in ("data-lo", "data-hi")] == ci
        assert 0 <= float(ci[0]) <= float(ci[1]) <= 1
        # The link now carries the page's own view.
        assert json.loads(urllib.parse.unquote(page.page.url.split("#", 1)[1])) == own
        page.close()
    # window.cruxnet.setState takes the same checks: refused, the page unchanged.
    page = Page(browser, path, viewport=LAPTOP)
    assert page.js("s => window.cruxnet.setState(JSON.parse(s))", json.dumps(
        {"likelihood": {"deception_demonstrated": {"no": -1, "yes": 2}}})) is False
    assert "-1 is not a number >= 0" in page.page.text_content("#message")
    assert _state(page) == own
    assert page.js("s => window.cruxnet.setState(JSON.parse(s))", json.dumps(
        {"likelihood": {"deception_demonstrated": {"no": 0.5, "yes": 2}}})) is True
    page.close()
