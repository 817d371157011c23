"""The belief state: one object with the network (stated marginals included), the evidence and
the parameter draws, whose numbers are the engines' own, and which every analysis keeps whole:
its marginals, evidence, draws and seed reach the tornado, VOI, Sobol and the ledger."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from cruxnet import Evidence, load_network, posterior, posterior_draws, with_stated_marginals
from cruxnet.base.errors import DrawsError, EvidenceError
from cruxnet.beliefs import Beliefs
from cruxnet.sensitivity import Question, node_swings, value_of_information
from cruxnet.updating.ledger import replay_ledger

STATED = {"scheming": {"yes": {"mean": 0.08, "ess": 20}}}
SEEN = {"deception_demonstrated": "yes"}


@pytest.fixture(scope="module")
def mine() -> Beliefs:
    net = load_network("crux_network", "gs_deference")
    return Beliefs(net, SEEN, draws=300, seed=7).with_marginals(STATED)


def test_the_numbers_are_the_engines(mine: Beliefs) -> None:
    net = with_stated_marginals(load_network("crux_network", "gs_deference"), STATED)
    ev = Evidence(hard=SEEN)
    assert_allclose(mine.posterior("catastrophe").probs,
                    posterior(net, "catastrophe", ev).probs, atol=1e-15)
    want = posterior_draws(net, "catastrophe", ev, draws=300, seed=7).probs
    assert_allclose(mine.posterior_draws("catastrophe").probs, want, atol=1e-15)
    assert_allclose(mine.posterior_draws("catastrophe", shared=True).probs, want, atol=1e-12)
    # more evidence on top; a node given again takes the new value
    more = mine.observe({"deception_demonstrated": "no", "lead_time": "to_2y"})
    assert dict(more.evidence.hard) == {"deception_demonstrated": "no", "lead_time": "to_2y"}
    assert_allclose(more.posterior("catastrophe").probs,
                    posterior(net, "catastrophe", more.evidence).probs, atol=1e-15)


def test_every_analysis_keeps_every_part(mine: Beliefs) -> None:
    """The stated marginal, the evidence, the draws and the seed all reach the analyses."""
    q = Question.of(mine, "catastrophe")
    assert q.beliefs is mine
    point = mine.posterior("catastrophe")["yes"]
    drawn = mine.posterior_draws("catastrophe").probs[:, 1]
    swings = node_swings(q, ["alignment_difficulty", "lead_time"])
    assert_allclose(swings.attrs["baseline"], point, atol=1e-15)
    assert "scheming" in swings.attrs["stated_marginals"]
    assert swings.attrs["evidence"] == "deception_demonstrated=yes"
    assert_allclose(q.target_draws(), drawn, atol=1e-12)  # the same draws, made once
    voi = value_of_information(q, ["alignment_difficulty"])
    assert "scheming" in voi.attrs["stated_marginals"] and voi.attrs["seed"] == 7
    ledger = replay_ledger(mine, [], target="catastrophe")
    assert_allclose(float(ledger.p[0]), point, atol=1e-15)
    lo, hi = np.quantile(drawn, [0.05, 0.95])
    assert_allclose(ledger.interval[0].values, [lo, hi], rtol=1e-9)
    assert ledger.attrs["draws"] == 300 and ledger.attrs["seed"] == 7


def test_bad_parts_are_refused_at_once() -> None:
    net = load_network("crux_network", "gs_deference")
    with pytest.raises(EvidenceError, match="unknown state"):
        Beliefs(net, {"scheming": "maybe"})
    with pytest.raises(DrawsError, match="threads"):
        Beliefs(net, threads=0)
    with pytest.raises(DrawsError, match="no parameter draws"):
        Beliefs(net, draws=0).posterior_draws("catastrophe")
