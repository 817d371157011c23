"""Building a report: its headline numbers are the engine's, the same seed gives the same
report, the inputs are checked before anything is computed, and a BIF network needs an ess."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose
from support.models import bare_ratio_worldviews
from support.report import SMALL

from cruxnet import Evidence, load_network, posterior, posterior_draws
from cruxnet.base.errors import EvidenceError, SpecError
from cruxnet.report import build_report
from cruxnet.report.render import blocks, to_html, to_markdown


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


def test_same_seed_same_report(carlsmith_report):
    again = build_report("carlsmith_2021", seed=3, **SMALL)
    a, b = blocks(carlsmith_report), blocks(again)
    assert to_markdown(a) == to_markdown(b)
    assert to_html(a, "t") == to_html(b, "t")


# Issue 13, item 13: report checks everything before computing, and leaves out only what cannot
# run.
@pytest.mark.slow
def test_report_checks_before_computing_and_leaves_out_what_cannot_run(tmp_path, monkeypatch):
    from cruxnet.base.errors import ImpossibleEvidenceError
    from cruxnet.report import build as report_build
    from cruxnet.report import build_report

    def no_computing(*args, **kwargs):
        raise AssertionError("a section was computed before the inputs were checked")

    with monkeypatch.context() as m:
        m.setattr(report_build, "compute_section", no_computing)
        with pytest.raises(EvidenceError, match="cannot all hold together"):
            build_report(evidence=Evidence(fixed={"catastrophe": (0.9, 0.1),
                                                  "misaligned_takeover": (0.5, 0.5)}))
        with pytest.raises(ImpossibleEvidenceError):
            build_report(evidence=Evidence(hard={"catastrophe": "yes",
                                                 "misaligned_takeover": "no",
                                                 "exogenous_catastrophe": "no"}))
        with pytest.raises(SpecError, match="states no uncertainty"):
            build_report(worldviews=[str(bare_ratio_worldviews(tmp_path))])
    # Under a fixed marginal the report runs and says why the belief-change finder is out.
    rep = build_report(worldviews=["gs_deference"], evidence=Evidence(
        fixed={"scheming": (0.6, 0.4)}), draws=300, analysis_draws=100, sobol_samples=64,
        seed=2)
    sec = rep.sections[0]
    assert sec.belief_change is None and "fixed marginal" in sec.left_out["belief_change"]
    assert sec.observations.sizes["node"] > 0


def test_report_on_a_bif_network_needs_an_ess_and_says_so():
    from support.oracles import bnlearn_path

    from cruxnet.base.errors import SpecError

    path = bnlearn_path("asia")
    with pytest.raises(SpecError, match=r"states no uncertainty.*--ess"):
        build_report(str(path), **SMALL)
    rep = build_report(str(path), target="lung", state="yes", ess=20.0, **SMALL)
    assert rep.target == "lung" and [s.worldview for s in rep.sections] == ["asia"]
    net = load_network(path)
    assert_allclose(rep.sections[0].point, posterior(net, "lung")["yes"], rtol=1e-12)
    assert rep.sections[0].levers is None and rep.attributions == ()
