"""Crux reports: the numbers they show, escaping, reproducibility, the command."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numpy.testing import assert_allclose

from cruxnet import load_network, posterior, posterior_draws
from cruxnet.report import build_report, write_report
from cruxnet.report.render import blocks, to_html, to_markdown

DAY = dt.date(2026, 1, 2)
SMALL = {"draws": 4000, "analysis_draws": 200, "sobol_samples": 64, "today": DAY}


@pytest.fixture(scope="module")
def carlsmith_report():
    return build_report("carlsmith_2021", seed=3, **SMALL)


def test_headline_numbers_are_the_engines(carlsmith_report):
    rep = carlsmith_report
    assert [s.worldview for s in rep.sections] == ["carlsmith", "superforecasters_2023"]
    for sec in rep.sections:
        net = load_network("carlsmith_2021", sec.worldview)
        assert_allclose(sec.point, posterior(net, "catastrophe")["yes"], rtol=1e-12)
        draws = posterior_draws(net, "catastrophe", draws=4000, seed=3).summary(0.9)
        assert_allclose(sec.summary.mean["yes"], draws.mean["yes"], rtol=1e-12)
        assert sec.summary.interval["yes"] == pytest.approx(draws.interval["yes"], rel=1e-12)
    # The superforecasters' medians multiply to far less than the mean: the trio says so.
    trio = rep.sections[1].trio
    assert trio is not None and trio.differs
    md, _ = to_markdown(blocks(rep))
    assert trio.note in md


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


def test_same_seed_same_report(carlsmith_report):
    again = build_report("carlsmith_2021", seed=3, **SMALL)
    a, b = blocks(carlsmith_report), blocks(again)
    assert to_markdown(a) == to_markdown(b)
    assert to_html(a, "t") == to_html(b, "t")


MODEL = """\
model: tricky
title: A <b>bold</b> model
default_worldview: base
nodes:
  - id: a
    states: [no, yes]
    definition: "yes = <script>alert('x')</script> & more"
  - {id: b, states: [no, yes], parents: [a], role: outcome}
"""

WORLDVIEW = """\
worldview: base
model: tricky
title: Base <img src=x onerror=alert(1)>
default_ess: 10
cpts:
  a: {form: table, p: 0.3}
  b: {form: table, rows: {no: [0.9, 0.1], yes: [0.4, 0.6]}}
"""


def test_user_text_is_escaped_in_html(tmp_path):
    (tmp_path / "tricky.yaml").write_text(textwrap.dedent(MODEL))
    (tmp_path / "base.yaml").write_text(textwrap.dedent(WORLDVIEW))
    rep = build_report(str(tmp_path / "tricky.yaml"), seed=1, **SMALL)
    assert rep.target == "b"
    html = to_html(blocks(rep), rep.model_title)
    assert "<script>" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in html


def test_report_command(tmp_path):
    run = [sys.executable, "-m", "cruxnet", "report", "-m", "carlsmith_2021", "--draws",
           "2000", "--analysis-draws", "200", "--out", str(tmp_path / "r")]
    proc = subprocess.run(run, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r" / "report.html").exists() and (tmp_path / "r" / "report.md").exists()
    # Off a terminal, progress is one line per step on stderr, with the seconds so far.
    steps = proc.stderr.strip().splitlines()
    assert len(steps) >= 4 and all(
        re.fullmatch(r"cruxnet report: \[ *\d+\.\d s\] \S.*", line) for line in steps), steps
    assert any("writing report.html" in line for line in steps)
    # The command computes worldviews and figures on worker processes; the same report comes
    # out of one process, byte for byte (figures included).
    serial = build_report("carlsmith_2021", draws=2000, analysis_draws=200)
    write_report(serial, tmp_path / "s")
    for rel in ["report.md", "report.html", *(f"figures/{p.name}" for p in
                                              (tmp_path / "r" / "figures").iterdir())]:
        assert (tmp_path / "r" / rel).read_bytes() == (tmp_path / "s" / rel).read_bytes(), rel
    bad = subprocess.run([*run, "--threshold", "2"], capture_output=True, text=True,
                         timeout=120, check=False)
    assert bad.returncode == 2
    assert bad.stderr.startswith("cruxnet: error: ") and "--threshold" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_ledger_adds_the_belief_trajectory(tmp_path):
    import json

    from cruxnet.updating.ledger import read_ledger, replay_ledger

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


def test_report_on_a_personal_worldview_shows_what_it_changes(tmp_path):
    """A person's file that extends a bundled worldview: the report lists each parameter set
    and each stated marginal against the base's value, and P(target) under both, each equal
    to the engine's."""
    from cruxnet.inference.marginals import with_stated_marginals

    mine = tmp_path / "mine.yaml"
    mine.write_text(textwrap.dedent("""\
        worldview: mine
        model: crux_network
        extends: karnofsky_playbook
        set: {scheming.odds_ratios.deference_timing.late: 5}
        marginals: {lead_time: {under_2wk: 0.4, about_1mo: 0.3, to_6mo: 0.2, to_2y: 0.05,
                                over_2y: 0.05}}
        """))
    rep = build_report("crux_network", [str(mine)], seed=1, draws=2000, analysis_draws=100,
                       sobol_samples=32, today=DAY,
                       marginals={"scheming": {"yes": 0.1}})
    sec = rep.sections[0]
    rows = {r[0]: r for r in sec.differences}
    base = load_network("crux_network", "karnofsky_playbook")
    assert rows["base"][1] == "karnofsky_playbook"
    assert rows["scheming.odds_ratios.deference_timing.late"][1:] == ("3", "5")
    lead = posterior(base, "lead_time")
    assert rows["P(lead_time), stated"][1].startswith(f"under_2wk {100 * lead['under_2wk']:.3g}%")
    assert "P(scheming), stated" in rows  # the command line's marginal too
    p_base = posterior(base, "catastrophe")["yes"]
    mine_net = with_stated_marginals(load_network("crux_network", mine),
                                     {"scheming": [0.9, 0.1]})
    p_mine = posterior(mine_net, "catastrophe")["yes"]
    assert rows["P(catastrophe) at the point values"][1:] == (f"{p_base:.3f}", f"{p_mine:.3f}")
    assert sec.point == pytest.approx(p_mine, abs=1e-12)
    md, _ = to_markdown(blocks(rep))
    assert "What mine changes against karnofsky_playbook:" in md


def test_report_on_a_bif_network_needs_an_ess_and_says_so():
    from support.oracles import bnlearn_path

    from cruxnet.errors import SpecError

    path = bnlearn_path("asia")
    with pytest.raises(SpecError, match=r"states no uncertainty.*--ess"):
        build_report(str(path), **SMALL)
    rep = build_report(str(path), target="lung", state="yes", ess=20.0, **SMALL)
    assert rep.target == "lung" and [s.worldview for s in rep.sections] == ["asia"]
    net = load_network(path)
    assert_allclose(rep.sections[0].point, posterior(net, "lung")["yes"], rtol=1e-12)
    assert rep.sections[0].levers is None and rep.attributions == ()


def test_distribution_axis_fits_the_draws_and_small_numbers_stay_readable():
    from cruxnet.report.figures import axis_range
    from cruxnet.report.render import readable

    rng = np.random.default_rng(3)
    small = rng.beta(2, 400, size=4000)  # P(target) near 0.005
    lo, hi = axis_range([small, small * 1.5])
    assert 0 <= lo <= np.quantile(small, 0.005) and np.quantile(small * 1.5, 0.995) <= hi
    assert hi < 0.05  # not 0-1: the draws fill the axis
    assert readable(3.2e-6) == "3.2e-06" and readable(0.25) == "0.250"
