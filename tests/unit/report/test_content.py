"""A report's sections: on a person's file, what it changes against its base worldview, each
number the engine's."""

from __future__ import annotations

import textwrap

import pytest
from support.report import DAY

from cruxnet import load_network, posterior
from cruxnet.report import build_report
from cruxnet.report.render import blocks, to_markdown


@pytest.mark.slow
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
