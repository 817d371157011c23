"""Rendering a report: the HTML and the Markdown say the same, the HTML is self-contained, user
text is escaped, and a ledger adds the belief trajectory."""

from __future__ import annotations

import re

from numpy.testing import assert_allclose
from support.models import write_tricky
from support.report import SMALL

from cruxnet import load_network
from cruxnet.report import build_report, write_report
from cruxnet.report.render import blocks, to_html, to_markdown


def test_html_and_markdown_say_the_same_and_html_is_self_contained(carlsmith_report,
                                                                   tmp_path):
    html_path, md_path = write_report(carlsmith_report, tmp_path)
    html = html_path.read_text()
    md = md_path.read_text()
    h2_html = re.findall(r"<h2 id=\"[^\"]*\">(.*?)</h2>", html)
    h2_md = re.findall(r"^## (.*)$", md, flags=re.M)
    assert h2_html == h2_md
    # The contents: a link to every section, to anchors that exist (GitHub's in the Markdown).
    ids = re.findall(r'<h2 id="([^"]+)">', html)
    assert re.findall(r'<a href="#([^"]+)">', html) == ids and len(ids) == len(h2_html)
    assert re.findall(r"\]\(#([^)]+)\)", md) == ids
    assert len(set(ids)) == len(ids)
    assert {"Headline: P(catastrophe=yes)", "The network", "Where the worldviews part ways",
            "Appendix: the nodes", "Provenance"} <= set(h2_html)
    assert not re.search(r'src="(?!data:)', html)  # every image inline
    assert "http" not in "".join(re.findall(r"<(?:link|script)[^>]*>", html))
    images = re.findall(r"!\[[^]]*\]\((figures/[^)]+)\)", md)
    assert images and all((tmp_path / p).stat().st_size > 5000 for p in images)
    pngs = [i for i in images if i.endswith(".png")]
    assert html.count("data:image/png;base64,") == len(pngs)
    # The network is our SVG, inline in the HTML and a file beside the Markdown.
    assert images.count("figures/network.svg") == 1
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 1
    svg = (tmp_path / "figures" / "network.svg").read_text()
    for node in spec_nodes():
        assert f'data-node="{node}"' in svg
    spec = load_network("carlsmith_2021").spec
    assert spec.sha256 in html and spec.sha256 in md
    assert "seed 3" in md and "date: 2026-01-02" in md and "numpy" in md


def spec_nodes():
    return load_network("carlsmith_2021").spec.node_ids


def test_user_text_is_escaped_in_html(tmp_path):
    rep = build_report(str(write_tricky(tmp_path)), seed=1, **SMALL)
    assert rep.target == "b"
    html = to_html(blocks(rep), rep.model_title)
    assert "<script>" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in html


def test_ledger_adds_the_belief_trajectory(tmp_path):
    import json

    from cruxnet.updating.ledger import read_ledger
    from cruxnet.updating.replay import replay_ledger

    ledger = tmp_path / "l.jsonl"
    common = {"citation": "<i>a source</i>", "date": "2026-03-04", "by": "tester"}
    ledger.write_text("\n".join(json.dumps({**common, **e}) for e in [
        {"kind": "hard", "node": "incentives", "state": "yes"},
        {"kind": "data", "node": "aps_systems", "counts": {"no": 0, "yes": 5}, "given": {}},
    ]) + "\n")
    rep = build_report("carlsmith_2021", seed=2, ledger=ledger, **SMALL)
    net = load_network("carlsmith_2021", "carlsmith")
    direct = replay_ledger(net, read_ledger(ledger, net.spec), target="catastrophe",
                           draws=SMALL["analysis_draws"], seed=2, file=str(ledger))
    assert_allclose(rep.sections[0].trajectory.p.values, direct.p.values, rtol=1e-12)
    html = to_html(blocks(rep), "t")
    md, _ = to_markdown(blocks(rep))
    assert ">Belief trajectory</h2>" in html and "## Belief trajectory" in md
    assert "&lt;i&gt;a source&lt;/i&gt;" in html and "<i>a source" not in html
    assert f"{direct.p.values[1]:.3f}" in md
    # The headline puts the updated belief beside the prior: the last step of the replay.
    head = md.split("## Headline")[1].split("\n## ")[0]
    assert "after the ledger (2 entries)" in head
    row = next(line for line in head.splitlines() if line.startswith("| carlsmith |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == f"{direct.p.values[0]:.3f}" and cells[5] == f"{direct.p.values[-1]:.3f}"


HOSTILE_NAMES = ["tornado_team/alpha", "tornado_../../../etc/x", "sobol_a\x00b", "..", "a b",
                 "tornado_team_alpha"]
MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)> & <b>"


def test_markdown_escapes_text_and_file_names_are_slugs() -> None:
    """Names become file names only as slugs (no separator, no '..', no NUL, distinct for
    distinct names) and every text field of report.md shows markup instead of running it."""
    from cruxnet.report.render import Block, to_markdown

    parts = [Block("h1", MARKUP), Block("p", MARKUP), Block("note", MARKUP),
             Block("toc", MARKUP, items=(MARKUP,)), Block("list", items=(MARKUP,)),
             Block("table", header=(MARKUP,), rows=((MARKUP,),)),
             *(Block("figure", MARKUP, image=b"png", name=n) for n in HOSTILE_NAMES),
             Block("explorer", MARKUP, image=b"<html>", name="explore/../x")]
    text, files = to_markdown(parts)
    assert "<" not in text.replace("<!--", "") and "&lt;script&gt;" in text
    assert len(files) == len(HOSTILE_NAMES) + 1  # distinct names, distinct files
    for path in files:
        parts_ = path.split("/")
        assert len(parts_) <= 2 and parts_[0] in ("figures", parts_[-1])
        assert ".." not in parts_ and "\x00" not in path and " " not in path
        assert not parts_[-1].startswith(".")
