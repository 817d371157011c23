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
from cruxnet.updating.replay import replay_ledger

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


def test_do_keeps_a_stated_marginal_below_the_cut_where_it_was_stated(tmp_path) -> None:
    """A stated marginal is about the world as it is: ``net.do`` cuts the network after the
    tilt, so the point and every parameter draw of ``net.do(x)`` agree with ``Evidence(do=x)``,
    and per draw with the surgery done by hand on the draw's tables (tilted in the intact
    network). Re-tilting under the cut would pin P(c) at the stated value instead."""
    from support.models import TINY_MODEL, TINY_WORLDVIEW, write_tiny

    from cruxnet.catalog import load_network as load

    path = write_tiny(tmp_path, TINY_MODEL,
                      TINY_WORLDVIEW + "default_ess: 20\ndefault_sd_log: 0.3\n")
    net = with_stated_marginals(load(path, "base"), {"c": {"yes": 0.5}})
    cut = net.do({"b": "high"})
    ev = Evidence(do={"b": "high"})
    # the point: c's tilted table, a's table, b fixed at high
    a, c = np.asarray(net.cpts["a"]), np.asarray(net.cpts["c"])
    want = a @ c[:, 2, :]
    assert_allclose(posterior(cut, "c").probs, want, atol=1e-14)
    assert_allclose(posterior(net, "c", ev).probs, want, atol=1e-14)
    assert abs(want[1] - 0.5) > 0.05  # the intervention moves c away from the stated 0.5
    # every draw: tilted in the intact network, then cut
    intact = Beliefs(net, draws=200, seed=3).parameters
    a_d, c_d = intact.block("a", 0, 200), intact.block("c", 0, 200)
    by_hand = np.einsum("da,dak->dk", a_d, c_d[:, :, 2, :])
    got = Beliefs(cut, draws=200, seed=3).posterior_draws("c").probs
    assert_allclose(got, by_hand, atol=1e-12)
    assert_allclose(posterior_draws(net, "c", ev, draws=200, seed=3).probs, by_hand, atol=1e-12)
    assert abs(got[:, 1].mean() - 0.5) > 0.05
    # a table replaced on the cut network is replaced before the cut, which then holds again
    swapped = cut.with_cpt("a", np.array([0.9, 0.1]))
    assert swapped.cut_from is not None and swapped.spec.node("b").parents == ()
    assert_allclose(posterior(swapped, "c").probs,
                    posterior(net.with_cpt("a", np.array([0.9, 0.1])), "c", ev).probs,
                    atol=1e-14)


def test_posterior_draws_takes_another_number_of_draws(mine: Beliefs) -> None:
    net = with_stated_marginals(load_network("crux_network", "gs_deference"), STATED)
    got = mine.posterior_draws("catastrophe", draws=50)
    want = posterior_draws(net, "catastrophe", Evidence(hard=SEEN), draws=50, seed=7)
    assert got.probs.shape == (50, 2)
    assert_allclose(got.probs, want.probs, atol=1e-15)
    with pytest.raises(DrawsError):
        mine.posterior_draws("catastrophe", draws=0)
