"""The README's picture of an executed notebook: notebooks/02_sensitivity_analysis.ipynb (as
shipped, with its outputs) rendered to HTML by nbconvert and photographed by headless Chromium
(Playwright) around its first figure.

Run: python scripts/notebook_picture.py [--out docs/notebook.png]  (needs nbconvert: the
`notebooks` extra)
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "notebook.png"))
    ap.add_argument("--notebook", default="02_sensitivity_analysis.ipynb")
    args = ap.parse_args()
    nb = nbformat.read(ROOT / "notebooks" / args.notebook, as_version=4)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "notebook.html"
        page_path.write_text(body, encoding="utf-8")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"),
                                         args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                       else r.abort())
            page.goto(page_path.resolve().as_uri())
            first = page.locator("img").first
            first.scroll_into_view_if_needed()
            box = first.bounding_box()
            assert box is not None
            top = max(0.0, box["y"] + page.evaluate("window.scrollY") - 330)
            page.screenshot(path=args.out, full_page=True,
                            clip={"x": 0, "y": top, "width": 1100, "height": 900})
            browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
