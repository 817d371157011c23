"""The README's picture of the network with its beliefs: the crux network under
karnofsky_playbook, scheming observed absent and a pause set by do(), a 90% interval over
1,000 parameter draws on every bar, drawn by cruxnet.views.netview and photographed by headless
Chromium (Playwright) at its natural size.

Run: python scripts/network_picture.py [--out docs/network.png]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from cruxnet import Evidence, load_network
from cruxnet.views.netview import network_view


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/network.png")
    args = ap.parse_args()
    net = load_network("crux_network", "karnofsky_playbook")
    view = network_view(net, Evidence(hard={"scheming": "no"},
                                      do={"capability_restraint": "pause"}),
                        draws=1000, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        svg = view.save(Path(tmp) / "network.svg")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"),
                                         args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": int(view.layout.width),
                                              "height": int(view.layout.height) + 70})
            page.goto(svg.resolve().as_uri())
            page.screenshot(path=args.out)
            browser.close()
    print(f"wrote {args.out} ({view.crossings} edge crossings)")


if __name__ == "__main__":
    main()
