"""The report as a reader sees it: rendered by headless Chromium.

Needs Debian's chromium package (`apt-get install chromium`); `make test` and CI install it
when they can. Without it this test fails and says how to install it.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from cruxnet.report import build_report, write_report

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("Chromium is not installed, so the report cannot be checked in a browser: "
                "install Debian's package with `sudo apt-get install chromium` (or run "
                "`make chromium`), then rerun the tests")


def test_report_loads_in_chromium_with_its_sections_and_no_console_errors(tmp_path):
    chromium = _chromium()
    rep = build_report("carlsmith_2021", draws=2000, analysis_draws=200, sobol_samples=64)
    html_path, _ = write_report(rep, tmp_path)
    url = html_path.resolve().as_uri()
    shot = tmp_path / "shot.png"
    proc = subprocess.run([chromium, *FLAGS, "--enable-logging=stderr", "--v=0",
                           "--window-size=1280,1600", f"--screenshot={shot}", url],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines()
               if re.search(r"CONSOLE|Uncaught|Failed to load resource|net::ERR_", line)]
    assert not console, console
    dom = subprocess.run([chromium, *FLAGS, "--dump-dom", url], capture_output=True,
                         text=True, timeout=120, check=False).stdout
    headings = re.findall(r"<h2 id=\"[^\"]*\">(.*?)</h2>", dom)
    for needed in ("Headline: P(catastrophe=yes)", "The network", "Worldview carlsmith",
                   "Where the worldviews part ways", "Appendix: the nodes", "Provenance"):
        assert needed in headings, (needed, headings)
    assert len(re.findall(r"<img [^>]*src=\"data:image/png", dom)) == 3  # no levers here
    assert len(re.findall(r'<g class="node" data-node=', dom)) == 6  # the network, as SVG
    # The screenshot shows a page, not a blank window: many distinct colours.
    from matplotlib.image import imread

    pixels = imread(shot)
    assert pixels.shape[:2] == (1600, 1280)
    assert len({tuple(p) for p in pixels[::16, ::16, :3].reshape(-1, 3).round(2)}) > 20
