"""How fast the explorer page answers a click, in headless Chromium on this machine, and how
big its pages are. Each figure is printed beside a reference measured in the same run: the
Python engine doing the same work (every node's point belief, and P(target) in each of the
same parameter draws with its 90% interval).

One action = a click dispatched on a state's element. "update": until the page's handler has
computed every node's beliefs, the interval over the draws and the crux table and rewritten the
picture and the panels; "click": on to the next painted frame. Medians over several clicks on
different nodes, after one warm-up.

Run: python benchmarks/explorer.py [--draws N] [--networks asia,alarm,...]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.oracles import bnlearn_path

from cruxnet import load_network, posterior, posterior_draws
from cruxnet.explorer import explorer_page
from cruxnet.inference.summary import equal_tailed

CLICK = """async ([node, state]) => {
  const el = document.querySelector(`g.state[data-node="${node}"][data-state="${state}"]`);
  const t0 = performance.now();
  el.dispatchEvent(new MouseEvent("click", {bubbles: true}));
  const done = performance.now() - t0;
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return [done, performance.now() - t0];
}"""


def _python_reference(net, target: str, evidence: dict, draws: int, seed: int,
                      ess: float | None) -> float:
    """Seconds for the same work in Python: every node's belief, P(target) in each draw and
    its interval."""
    t0 = time.perf_counter()
    for n in net.spec.node_ids:
        posterior(net, n, evidence)
    if draws:
        post = posterior_draws(net, target, evidence, draws=draws, seed=seed, ess=ess)
        equal_tailed(post.probs[:, -1], 0.9)
    return time.perf_counter() - t0


def measure(browser, nets, name: str, draws: int, ess: float | None, clicks: int = 7,
            wasm: bool = True) -> dict:
    page_obj = explorer_page(nets, draws=draws, seed=0, ess=ess)
    with tempfile.TemporaryDirectory() as tmp:
        path = page_obj.save(Path(tmp) / "page.html")
        page = browser.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                   else r.abort())
        t0 = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=600_000)
        load = time.perf_counter() - t0
        page.evaluate(f"() => window.cruxnet.useWasm({str(wasm).lower()})")
        spec = nets[0].spec
        rng = np.random.default_rng(0)
        target = page_obj.data["model"]["target"]
        candidates = [n for i, n in enumerate(spec.node_ids) if i != target]
        chosen = [candidates[int(i)] for i in rng.permutation(len(candidates))[:clicks + 1]]
        times, sync, ref = [], [], []
        for k, node in enumerate(chosen):
            states = spec.node(node).states
            state = states[int(rng.integers(len(states)))]
            done, ms = page.evaluate(CLICK, [node, state])
            message = page.text_content("#message")
            if message:  # impossible evidence: undo it, do not count it
                continue
            evidence = page.evaluate("() => window.cruxnet.state().hard")
            if k:  # the first click warms the page
                times.append(ms)
                sync.append(done)
                kept = page_obj.data["draws"]  # 0 where the page keeps no draws
                ref.append(_python_reference(nets[0], spec.node_ids[target], evidence, kept, 0,
                                             ess) * 1000)
            page.evaluate("() => window.cruxnet.undo()")
        page.close()
    return {"name": name, "bytes": page_obj.size, "load_s": load,
            "ms": statistics.median(times) if times else float("nan"),
            "sync_ms": statistics.median(sync) if sync else float("nan"),
            "python_ms": statistics.median(ref) if ref else float("nan"),
            "draws": page_obj.data["draws"],
            "junction": page_obj.data["work"]["junction_entries"],
            "plan": page_obj.data["work"]["draw_plan"], "note": page_obj.data["limits"]["message"]}


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--networks", default="asia,child,insurance,alarm,hailfinder,win95pts,"
                                          "hepar2,pathfinder,andes,water,pigs,munin")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        version = browser.version
        worldviews = ["gs_deference", "karnofsky_playbook", "carlsmith_ai4ais",
                      "human_labor_first"]
        crux = [load_network("crux_network", w) for w in worldviews]
        rows.append(measure(browser, crux, "crux_network (4 worldviews)", args.draws, None))
        rows.append(measure(browser, crux[:1], "crux_network (1 worldview)", args.draws, None))
        js = measure(browser, crux[:1], "crux_network, plain JavaScript", args.draws, None,
                     wasm=False)
        rows.append(js)
        for name in args.networks.split(","):
            net = load_network(bnlearn_path(name), normalize=True)
            rows.append(measure(browser, [net], name, args.draws, 50.0))
        browser.close()
    print(f"Headless Chromium {version}; one click through to the next painted frame "
          f"(median); {args.draws} parameter draws where the page keeps them.")
    print(f"{'page':34} {'MB':>6} {'load s':>7} {'update':>7} {'click ms':>9} "
          f"{'python ms':>10} {'ratio':>6} {'draws':>6}  junction/plan entries")
    for r in rows:
        ratio = r["python_ms"] / r["ms"] if r["ms"] == r["ms"] and r["ms"] > 0 else float("nan")
        print(f"{r['name']:34} {r['bytes'] / 1e6:6.2f} {r['load_s']:7.2f} {r['sync_ms']:7.1f} "
              f"{r['ms']:9.1f} "
              f"{r['python_ms']:10.1f} {ratio:6.2f} {r['draws']:6d}  "
              f"{r['junction']:,}/{r['plan']:,}")
        if r["note"]:
            print(f"{'':34} note: {r['note']}")
    print("(ratio: the Python engine's time for the same work over the page's; > 1: the page "
          "is faster)")


if __name__ == "__main__":
    main()
