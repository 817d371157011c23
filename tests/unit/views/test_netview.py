"""The network drawn with its beliefs (issue 16, item 3): ``cruxnet show`` writes the SVG and
its JSON carries the engine's numbers, and every label is escaped. (The layout:
tests/unit/views/test_layout.py; the SVG in Chromium: tests/system/test_netview_browser.py.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support.models import write_tricky

from cruxnet import Evidence, load_network, posterior
from cruxnet.views.netview import network_view


@pytest.mark.slow
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
    svg = network_view(load_network(write_tricky(tmp_path))).svg
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_the_svg_is_well_formed_whatever_the_texts_hold(tmp_path) -> None:
    """Labels and definitions with control characters (which XML forbids even as references)
    and markup still give an SVG that an XML parser, and so a browser, accepts."""
    import xml.etree.ElementTree as ET

    from support.models import TINY_MODEL, TINY_WORLDVIEW, write_tiny

    from cruxnet.catalog import load_network
    from cruxnet.views.netview import network_view

    model = TINY_MODEL.replace("  - {id: a, states: [no, yes]}",
                               '  - {id: a, states: [no, yes], label: "A\\x01\\x1b<b>&x",'
                               ' definition: "d\\x0c\\ufffe"}')
    net = load_network(write_tiny(tmp_path, model, TINY_WORLDVIEW), "base")
    svg = network_view(net).svg
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and "&lt;b&gt;" in svg and "\x01" not in svg
