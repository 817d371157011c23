"""The README's picture of the explorer: the crux network's page (four worldviews, 1,000
parameter draws) after real clicks in headless Chromium: scheming observed absent, a pause set
by do() (shift-click) and karnofsky_playbook chosen for comparison.

Run: python scripts/explorer_picture.py [--out docs/explorer.png]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from cruxnet import load_network
from cruxnet.explorer import explorer_page

WORLDVIEWS = ("gs_deference", "karnofsky_playbook", "carlsmith_ai4ais", "human_labor_first")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/explorer.png")
    args = ap.parse_args()
    page_obj = explorer_page([load_network("crux_network", w) for w in WORLDVIEWS], draws=1000)
    with tempfile.TemporaryDirectory() as tmp:
        path = page_obj.save(Path(tmp) / "explore.html")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"),
                                         args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1900, "height": 1000})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                       else r.abort())
            page.goto(path.resolve().as_uri())
            page.wait_for_selector("body[data-ready=true]")
            page.click('g.state[data-node="scheming"][data-state="no"]')
            page.click('g.state[data-node="capability_restraint"][data-state="pause"]',
                       modifiers=["Shift"])
            page.select_option("#compare", "1")
            page.evaluate("() => { document.querySelector('#network').scrollLeft = 0; }")
            page.screenshot(path=args.out)
            browser.close()
    print(f"wrote {args.out} ({page_obj.size / 1e6:.2f} MB page)")


if __name__ == "__main__":
    main()
