"""Evidence: plain mappings (issue 16, item 5), every kind of bad evidence named on one line,
fixed marginals within the tolerance normalised, likelihoods that leave out states refused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from support.errors import error_message, one_line_error, run_main
from support.models import write_tiny

from cruxnet import Evidence, EvidenceError, load_network, posterior, posterior_draws

EXACT = 1e-12


def test_plain_mappings_are_evidence(net) -> None:
    mapping = {"scheming": "no", "deception_demonstrated": "yes"}
    ev = Evidence(hard=mapping)
    assert posterior(net, "catastrophe", mapping).probs.tolist() == \
        posterior(net, "catastrophe", ev).probs.tolist()
    a = posterior_draws(net, "catastrophe", mapping, draws=300, seed=1)
    b = posterior_draws(net, "catastrophe", ev, draws=300, seed=1)
    assert np.array_equal(a.probs, b.probs)
    spelled = {"hard": {"scheming": "no"}, "likelihood": {"bgd_exists": {"no": 1, "yes": 3}},
               "fixed": {"lead_time": {"under_2wk": 0.5, "about_1mo": 0.5}},
               "do": {"capability_restraint": "pause"}}
    full = Evidence(hard={"scheming": "no"}, likelihood={"bgd_exists": (1.0, 3.0)},
                    fixed={"lead_time": (0.5, 0.5, 0.0, 0.0, 0.0)},
                    do={"capability_restraint": "pause"})
    assert posterior(net, "catastrophe", spelled)["yes"] == pytest.approx(
        posterior(net, "catastrophe", full)["yes"], abs=1e-15)
    from cruxnet.sensitivity import Question

    q = Question(net, "catastrophe", evidence=mapping, draws=0)
    assert q.point() == pytest.approx(posterior(net, "catastrophe", ev)["yes"], abs=1e-15)
    with pytest.raises(EvidenceError, match="likelihood or fixed evidence"):
        posterior(net, "catastrophe", {"scheming": {"no": 1, "yes": 3}})
    with pytest.raises(EvidenceError, match="unknown state 'maybe'"):
        posterior(net, "catastrophe", {"scheming": "maybe"})


@pytest.mark.parametrize(("evidence", "needle"), [
    (Evidence(hard={"zz": "yes"}), "evidence: unknown node 'zz' in model tiny"),
    (Evidence(hard={"a": "maybe"}), "evidence: unknown state 'maybe' of a (states: no, yes)"),
    (Evidence(do={"b": "max"}), "do: unknown state 'max' of b"),
    (Evidence(do={"zz": "yes"}), "do: unknown node 'zz'"),
    (Evidence(likelihood={"b": (1.0, 2.0)}), "likelihood for b has 2 values; b has 3 states"),
    (Evidence(likelihood={"b": (1.0, -2.0, 1.0)}), "negative entry"),
    (Evidence(likelihood={"b": (0.0, 0.0, 0.0)}), "all zeros"),
    (Evidence(fixed={"b": (0.5, 0.3, 0.3)}), "fixed marginal for b sums to 1.1, not 1"),
    (Evidence(fixed={"b": (1.5, -0.5, 0.0)}), "outside [0, 1]"),
    (Evidence(hard={"b": "low"}, fixed={"b": (0.5, 0.3, 0.2)}), "both hard evidence and a fixed"),
])
def test_bad_evidence(tmp_path: Path, evidence: Evidence, needle: str) -> None:
    net = load_network(write_tiny(tmp_path))
    msg = error_message(EvidenceError, posterior, net, "c", evidence)
    assert needle in msg


def test_unknown_target(tmp_path: Path) -> None:
    net = load_network(write_tiny(tmp_path))
    assert "unknown node 'zz'" in error_message(EvidenceError, posterior, net, "zz")


# Issue 13, item 1: fixed marginals within the tolerance are normalised, one tolerance
# everywhere.
def test_fixed_marginal_within_tolerance_is_normalised(capsys):
    net = load_network("crux_network", "gs_deference")
    third = 0.3333333333
    ev = Evidence(fixed={"capability_restraint": (third, third, third)})
    exact = Evidence(fixed={"capability_restraint": (1 / 3, 1 / 3, 1 / 3)})
    assert ev.fixed["capability_restraint"] == pytest.approx((1 / 3,) * 3, abs=1e-16)
    assert_allclose(posterior(net, "catastrophe", ev).probs,
                    posterior(net, "catastrophe", exact).probs, atol=EXACT)
    rc, out, err = run_main(capsys, "query", "catastrophe", "--json", "--fixed",
                            "capability_restraint=weak:0.3333333333,hold:0.3333333333,"
                            "pause:0.3333333333")
    assert rc == 0, err
    assert_allclose(json.loads(out)["posterior"]["yes"],
                    posterior(net, "catastrophe", exact)["yes"], atol=EXACT)
    # 1.0000000000000002 is 1 within the tolerance, everywhere it may be written.
    rc, out, err = run_main(capsys, "query", "catastrophe", "--json", "--fixed",
                            "scheming=no:1.0000000000000002,yes:0")
    assert rc == 0, err
    assert_allclose(json.loads(out)["posterior"]["yes"],
                    posterior(net, "catastrophe", Evidence(hard={"scheming": "no"}))["yes"],
                    atol=EXACT)
    rc, _, err = run_main(capsys, "query", "catastrophe", "--fixed", "scheming=no:1.01,yes:0")
    one_line_error(rc, err, "outside [0, 1]")


# Issue 13, item 9: likelihood evidence that leaves out states is an error.
def test_likelihood_leaving_out_states_is_an_error(tmp_path, capsys):
    from support.oracles import bnlearn_path

    from cruxnet.updating.ledger import LedgerError, read_ledger

    asia = str(bnlearn_path("asia"))
    rc, _, err = run_main(capsys, "query", "lung", "--model", asia, "--likelihood", "smoke=yes:0.5")
    one_line_error(rc, err, "leaves out state 'no'", "smoke")
    net = load_network("crux_network")
    with pytest.raises(EvidenceError, match="leaves out states 'under_2wk', 'to_2y', 'over_2y'"):
        posterior(net, "catastrophe", Evidence(likelihood={"lead_time": {"about_1mo": 2,
                                                                         "to_6mo": 1}}))
    # A full mapping is the same as the vector.
    full = Evidence(likelihood={"scheming": {"yes": 3, "no": 1}})
    assert_allclose(posterior(net, "catastrophe", full).probs,
                    posterior(net, "catastrophe", Evidence(likelihood={"scheming": (1, 3)})).probs,
                    atol=EXACT)
    path = tmp_path / "l.jsonl"
    path.write_text(json.dumps({"kind": "likelihood", "node": "scheming", "weights": {"yes": 3},
                                "citation": "c", "date": "2026-01-01", "by": "me"}) + "\n")
    with pytest.raises(LedgerError, match=r"line 1: .*leave out 'no'"):
        read_ledger(path, net.spec)


def test_a_fixed_marginal_may_leave_out_one_state_everywhere(net) -> None:
    """One rule for the command line, Python and the ledger: one state left out of a fixed
    marginal gets what is left (as for a stated marginal); several only when the rest are 0."""
    from cruxnet.base.errors import EvidenceError
    from cruxnet.inference.evidence import parse_distribution, state_vector

    spec = net.spec
    want = (0.5, 0.2, 0.1, 0.15, 0.05)
    given = dict(zip(spec.node("lead_time").states, want, strict=True))
    for left_out in given:
        rest = {s: p for s, p in given.items() if s != left_out}
        assert state_vector(spec, "lead_time", rest, "fixed") == pytest.approx(want, abs=1e-15)
        text = "lead_time=" + ",".join(f"{s}:{p}" for s, p in rest.items())
        assert parse_distribution(text, spec, "fixed")[1] == pytest.approx(want, abs=1e-15)
    assert state_vector(spec, "lead_time", {"under_2wk": 0.6, "to_2y": 0.4}, "fixed") == \
        (0.6, 0.0, 0.0, 0.4, 0.0)
    with pytest.raises(EvidenceError, match=r"sums to 0\.7, not 1: give the others too"):
        state_vector(spec, "lead_time", {"under_2wk": 0.6, "to_2y": 0.1}, "fixed")
    with pytest.raises(EvidenceError, match=r"probability of scheming=yes is outside \[0, 1\]"):
        state_vector(spec, "scheming", {"yes": 1.2}, "fixed")
    posterior_fixed = posterior(net, "catastrophe", Evidence(fixed={"scheming": {"yes": 0.3}}))
    both = posterior(net, "catastrophe", Evidence(fixed={"scheming": {"no": 0.7, "yes": 0.3}}))
    assert posterior_fixed.probs == pytest.approx(both.probs, abs=1e-15)
